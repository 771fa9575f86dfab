#!/bin/sh
# student-pack.sh BUILD - the archive a teacher hands out: the lessons, the
# docs, and the checks a student runs (the harness, each lesson's check*.c,
# the student tools).  No solutions/, no corpus/ or good/ programs (they are
# near-solutions), no grader and no self-tests.
set -eu
cd "$(dirname "$0")/../.."
build=$1
mkdir -p "$build"
checks=$(ls tests/[0-9][0-9]-*/check*.[ch])
tar -czf "$build/sockets-workbook-student.tar.gz" --transform 's,^,sockets-workbook/,' \
    Makefile README.md README.zh-CN.md lessons docs tests/harness tests/tools $checks
echo "wrote $build/sockets-workbook-student.tar.gz: lessons, docs, the checks (no solutions, corpus or grader)"
