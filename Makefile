# The sockets workbook.  `make check L=03` checks your lesson 03 programs,
# `make test` runs the workbook's own tests.  Needs only cc and make.
CC      ?= cc
CFLAGS  := -std=gnu11 -Wall -Wextra -O1 -g
BUILD   := build
export BUILD CC
# Build the checkers in parallel; the tests themselves say how they run.
MAKEFLAGS += -j4

LESSONS  := $(notdir $(wildcard lessons/[0-9][0-9]-*))
HARNESS  := $(wildcard lessons/checker/*.c)
CHECKERS := $(patsubst lessons/%/check.c,$(BUILD)/checkers/check-%,$(wildcard lessons/[0-9][0-9]-*/check.c))

# L=03 or L=03-accept picks one lesson; empty means all.
SELECTED := $(if $(L),$(filter $(L) $(L)-%,$(LESSONS)),$(LESSONS))

.PHONY: all check demo test bench soak clean progress watch hint student-pack
all: $(CHECKERS) $(BUILD)/tools/watch

# A lesson's checks: check.c (the lesson's table) and, where a lesson has
# several programs, check_<program>.c beside it.
.SECONDEXPANSION:
$(BUILD)/checkers/check-%: $$(wildcard lessons/%/check*.[ch]) $(HARNESS) lessons/checker/harness.h lessons/checker/internal.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -pthread -o $@ $(wildcard lessons/$*/check*.c) $(HARNESS)

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

# make test RUNS times with both cores busy: do timing verdicts ever change?
soak: $(CHECKERS) $(BUILD)/tools/watch
	@sh tests/soak.sh $(or $(RUNS),20)

# The instructor's grader: make grade SUBMISSIONS=DIR OUT=DIR [J=N]
# (DIR/<student>/<lesson>/<program>.c); without SUBMISSIONS it grades the
# bundled sample class into $(BUILD)/grade-sample.  See docs/grading.md.
.PHONY: grade bench-grade
GRADER := $(BUILD)/grader
$(GRADER): $(wildcard lessons/grader/*.c lessons/grader/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -o $@ $(wildcard lessons/grader/*.c)

grade: $(CHECKERS) $(GRADER)
	@if [ -n "$$SUBMISSIONS" ]; then \
	    $(GRADER) $(if $(J),-j $(J)) --checkers $(BUILD)/checkers -- "$$SUBMISSIONS" "$${OUT:-$(BUILD)/grade}"; \
	else \
	    echo "No SUBMISSIONS=DIR given: grading the bundled sample class (tests/grade/sample.sh)."; \
	    sh tests/grade/sample.sh $(BUILD)/grade-sample/class && \
	    $(GRADER) $(if $(J),-j $(J)) --checkers $(BUILD)/checkers -- $(BUILD)/grade-sample/class "$${OUT:-$(BUILD)/grade-sample/results}"; \
	fi

bench-grade: $(CHECKERS) $(GRADER)
	@sh tests/grade/bench.sh

test: $(GRADER)

clean:
	rm -rf $(BUILD)
