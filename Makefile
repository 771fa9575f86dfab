# The sockets workbook.  `make check L=03` checks your lesson 03 programs,
# `make test` runs the workbook's own tests.  Needs only cc and make.
#
#   lessons/NN-name/    what the student reads and edits
#   solutions/NN-name/  the model answers
#   tests/NN-name/      that lesson's checks (check*.c), corpus/ and good/
#   tests/harness/      the harness every check is built on
#   tests/grader/       make grade
#   tests/tools/        make watch, progress, hint, demo
#   tests/self/         make test, bench, soak: the workbook's own tests
CC      ?= cc
CFLAGS  := -std=gnu11 -Wall -Wextra -O1 -g
BUILD   := build
export BUILD CC
# Build the checkers in parallel; the tests themselves say how they run.
MAKEFLAGS += -j4 --no-print-directory

LESSONS  := $(notdir $(wildcard lessons/[0-9][0-9]-*))
HARNESS  := $(wildcard tests/harness/*.c)
HARNESS_O := $(patsubst tests/harness/%.c,$(BUILD)/harness/%.o,$(HARNESS))
HARNESS_H := $(wildcard tests/harness/*.h)
ALL_CHECKERS := $(patsubst tests/%/check.c,$(BUILD)/checkers/check-%,$(wildcard tests/[0-9][0-9]-*/check.c))

# L=03 or L=03-accept picks one lesson; empty means all.
SELECTED := $(if $(L),$(filter $(L) $(L)-%,$(LESSONS)),$(LESSONS))
# make check builds only the checkers of the lessons it checks.
CHECKERS := $(filter $(addprefix $(BUILD)/checkers/check-,$(SELECTED)),$(ALL_CHECKERS))

.PHONY: all check demo test bench soak clean progress watch hint fresh student-pack grade bench-grade
all: $(ALL_CHECKERS) $(BUILD)/tools/watch

# A lesson's checks: check.c (the lesson's table) and, where a lesson has
# several programs, check_<program>.c beside it.
.SECONDEXPANSION:
$(BUILD)/checkers/check-%: $$(wildcard tests/%/check*.[ch]) $(HARNESS_O)
	@mkdir -p $(@D)
	@echo "building the checker of lesson $*"
	@$(CC) $(CFLAGS) -Werror -pthread -o $@ $(wildcard tests/$*/check*.c) $(HARNESS_O)

# The harness is compiled once and linked into every checker (and kept:
# make would delete it as an intermediate file).
.SECONDARY: $(HARNESS_O)
$(BUILD)/harness/%.o: tests/harness/%.c $(HARNESS_H)
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -Werror -pthread -c -o $@ $<

# P=echoserver checks one program of the lesson; QUICK=1 leaves out the
# tests that take long (wcserver's 4 GiB).
check: $(CHECKERS)
	@test -n "$(SELECTED)" || { echo "make check: no lesson matches L=$(L); lessons: $(LESSONS)"; exit 2; }
	@PROGRAM="$(P)" QUICK="$(QUICK)" sh tests/harness/check-all.sh lessons $(SELECTED)

$(BUILD)/tools/watch: tests/tools/watch.c
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -Werror -o $@ $<

# The student's loop: where am I, re-check on every save, one more hint.
progress: $(ALL_CHECKERS)
	@sh tests/tools/progress.sh

watch: $(CHECKERS) $(BUILD)/tools/watch
	@test -n "$(L)" -a -n "$(SELECTED)" || { echo "usage: make watch L=NN"; exit 2; }
	@$(BUILD)/tools/watch lessons/$(SELECTED) env PROGRAM="$(P)" sh tests/harness/check-all.sh lessons $(SELECTED)

hint:
	@test -n "$(L)" || { echo "usage: make hint L=NN [P=program]"; exit 2; }
	@sh tests/tools/hint.sh "$(SELECTED)" "$(P)"

# What a student gets: the lessons, the docs and the checks they run; no
# solutions, no corpus or good programs (near-solutions), no grader.
student-pack:
	@LEVEL="$(LEVEL)" sh tests/tools/student-pack.sh $(BUILD)

# make fresh L=NN P=program: a bare file (the contract, the includes, an empty
# main) instead of the skeleton; a file you changed is kept beside it.
fresh:
	@test -n "$(L)" -a -n "$(P)" -a -n "$(SELECTED)" || { echo "usage: make fresh L=NN P=program"; exit 2; }
	@sh tests/tools/fresh.sh "$(SELECTED)" "$(P)"

# In the student pack (no solutions/, tests/self or tests/grader) demo, test
# and grade build nothing: they only say they are not in the pack.
demo: $(if $(wildcard solutions),$(ALL_CHECKERS))
	@test -d solutions || { echo "make demo needs solutions/, which the student pack leaves out: try make check L=01"; exit 2; }
	@sh tests/tools/demo.sh

# The instructor's grader: make grade SUBMISSIONS=DIR OUT=DIR [J=N]
# (DIR/<student>/<lesson>/<program>.c); without SUBMISSIONS it grades the
# bundled sample class into $(BUILD)/grade-sample.  See docs/grading.md.
GRADER := $(BUILD)/grader
$(GRADER): $(wildcard tests/grader/*.c tests/grader/*.h) tests/harness/shared.c tests/harness/shared.h
	@mkdir -p $(@D)
	@echo "building the grader"
	@$(CC) $(CFLAGS) -Werror -o $@ $(wildcard tests/grader/*.c) tests/harness/shared.c

grade: $(if $(wildcard tests/grader),$(ALL_CHECKERS) $(GRADER))
	@test -d tests/grader || { echo "make grade is for instructors: the student pack leaves the grader out"; exit 2; }
	@if [ -n "$$SUBMISSIONS" ]; then \
	    $(GRADER) $(if $(J),-j $(J)) --checkers $(BUILD)/checkers -- "$$SUBMISSIONS" "$${OUT:-$(BUILD)/grade}"; \
	else \
	    echo "No SUBMISSIONS=DIR given: grading the bundled sample class (tests/grader/sample.sh)."; \
	    sh tests/grader/sample.sh $(BUILD)/grade-sample/class && \
	    $(GRADER) $(if $(J),-j $(J)) --checkers $(BUILD)/checkers -- $(BUILD)/grade-sample/class "$${OUT:-$(BUILD)/grade-sample/results}"; \
	fi

test: $(if $(wildcard tests/self),$(ALL_CHECKERS) $(BUILD)/tools/watch $(GRADER))
	@test -d tests/self || { echo "make test runs the workbook's own tests, which the student pack leaves out"; exit 2; }
	@sh tests/self/run.sh

bench: $(ALL_CHECKERS) $(BUILD)/tools/loadgen
	@sh tests/self/bench.sh

# Lesson 10's load generator for make bench (tests/self/bench-load.sh).
$(BUILD)/tools/loadgen: tests/tools/loadgen.c
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -Werror -o $@ $<

bench-grade: $(ALL_CHECKERS) $(GRADER)
	@sh tests/self/bench-grade.sh

# make test RUNS times with both cores busy: do timing verdicts ever change?
soak: $(ALL_CHECKERS) $(BUILD)/tools/watch $(GRADER)
	@sh tests/self/soak.sh $(or $(RUNS),20)

clean:
	rm -rf $(BUILD)
