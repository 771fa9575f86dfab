#!/bin/sh
# demo.sh - what the workbook does, in one command: check every reference
# solution, then show the feedback a student gets for a typical broken program.
set -u
cd "$(dirname "$0")/../.." || exit 2
echo "== 1. The reference solutions, checked as a student's programs would be =="
echo
sh tests/harness/check-all.sh solutions > build/demo-solutions.log 2>&1
status=$?
sed -n '/^Summary for/,$p' build/demo-solutions.log
echo "(full report: build/demo-solutions.log)"
echo
for bug in tests/06-tcp-echo/corpus/echoclient/seed_single_recv.c \
           tests/03-accept/corpus/greeter/no_fflush.c; do
    [ -f "$bug" ] || continue
    lesson=$(echo "$bug" | cut -d/ -f2) program=$(echo "$bug" | cut -d/ -f4)
    test=$(sed -n '1s/.*expect-fail: *\([^ ]*\).*/\1/p' "$bug")
    echo "== 2. A typical mistake: $bug =="
    sed -n '1s/.*-- \(.*\) \*\//   (\1)/p' "$bug"
    echo
    sh tests/harness/check-one.sh -o build/demo/$program --only "$test" "$lesson" "$program" "$bug"
    echo
done
echo "Now try it yourself: edit lessons/01-socket/sockinfo.c, then run: make check L=01"
exit $status
