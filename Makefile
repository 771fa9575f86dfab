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

.PHONY: all check demo test bench clean progress watch hint student-pack
all: $(CHECKERS) $(BUILD)/tools/watch

$(BUILD)/checkers/check-%: lessons/%/check.c $(HARNESS) lessons/checker/harness.h lessons/checker/internal.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -pthread -o $@ $< $(HARNESS)

check: $(CHECKERS)
	@test -n "$(SELECTED)" || { echo "make check: no lesson matches L=$(L); lessons: $(LESSONS)"; exit 2; }
	@sh lessons/checker/check-all.sh lessons $(SELECTED)

$(BUILD)/tools/watch: lessons/tools/watch.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -o $@ $<

# The student's loop: where am I, re-check on every save, one more hint.
progress: $(CHECKERS)
	@sh lessons/tools/progress.sh

watch: $(CHECKERS) $(BUILD)/tools/watch
	@test -n "$(L)" -a -n "$(SELECTED)" || { echo "usage: make watch L=NN"; exit 2; }
	@$(BUILD)/tools/watch lessons/$(SELECTED) sh lessons/checker/check-all.sh lessons $(SELECTED)

hint:
	@test -n "$(L)" || { echo "usage: make hint L=NN [P=program]"; exit 2; }
	@sh lessons/tools/hint.sh "$(SELECTED)" "$(P)"

# The workbook without solutions/ and tests/ (the corpus holds near-solutions).
student-pack:
	@mkdir -p $(BUILD)
	@tar -czf $(BUILD)/sockets-workbook-student.tar.gz --transform 's,^,sockets-workbook/,' \
	    Makefile README.md lessons docs
	@echo "wrote $(BUILD)/sockets-workbook-student.tar.gz: lessons, docs, Makefile, README (no solutions/, no tests/)"

demo: $(CHECKERS)
	@test -d solutions || { echo "make demo needs solutions/, which the student pack leaves out: try make check L=01"; exit 2; }
	@sh tests/demo.sh

test: $(CHECKERS) $(BUILD)/tools/watch
	@test -d tests || { echo "make test runs the workbook's own tests, which the student pack leaves out"; exit 2; }
	@sh tests/run.sh

bench: $(CHECKERS)
	@sh tests/bench.sh

clean:
	rm -rf $(BUILD)
