# The sockets workbook.  `make check L=03` checks your lesson 03 programs,
# `make test` runs the workbook's own tests.  Needs only cc and make.
CC      ?= cc
CFLAGS  := -std=gnu11 -Wall -Wextra -O1 -g
BUILD   := build
export BUILD CC

LESSONS  := $(notdir $(wildcard lessons/[0-9][0-9]-*))
HARNESS  := $(wildcard lessons/checker/*.c)
CHECKERS := $(patsubst lessons/%/check.c,$(BUILD)/checkers/check-%,$(wildcard lessons/[0-9][0-9]-*/check.c))

# L=03 or L=03-accept picks one lesson; empty means all.
SELECTED := $(if $(L),$(filter $(L) $(L)-%,$(LESSONS)),$(LESSONS))

.PHONY: all check demo test bench clean
all: $(CHECKERS)

$(BUILD)/checkers/check-%: lessons/%/check.c $(HARNESS) lessons/checker/harness.h lessons/checker/internal.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -pthread -o $@ $< $(HARNESS)

check: $(CHECKERS)
	@test -n "$(SELECTED)" || { echo "make check: no lesson matches L=$(L); lessons: $(LESSONS)"; exit 2; }
	@sh lessons/checker/check-all.sh lessons $(SELECTED)

demo: $(CHECKERS)
	@sh tests/demo.sh

test: $(CHECKERS)
	@sh tests/run.sh

bench: $(CHECKERS)
	@sh tests/bench.sh

clean:
	rm -rf $(BUILD)
