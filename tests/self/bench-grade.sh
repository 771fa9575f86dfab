#!/bin/sh
# bench.sh - how fast the grader grades (make bench-grade).  A benchmark,
# not a test: it prints figures and never fails on them.
#
#   1. a synthetic class: STUDENTS students (default 50), each submitting
#      every reference solution -> programs per second, and the wall time
#      of one program's sandbox (compile + every test);
#   2. the cost of buggy programs: one typical mistake per program from
#      tests/NN-name/corpus/, and programs that hang (tests/self/hostile/).
#
# J=N sets the parallel sandboxes (default: the grader's, twice the CPUs).
# Target: at least 4 correct programs per second on 2 cores.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
G=$BUILD/grader
STUDENTS=${STUDENTS:-50}
B=$BUILD/bench-grade
jobs=${J:+-j $J}
rm -rf "$B" && mkdir -p "$B"

stats() {   # the grader's own figures line
    grep '^grader: [0-9]* program' "$1" | sed 's/^grader: //'
}

n=0
for sol in solutions/[0-9][0-9]-*/*.c; do
    lesson=$(basename "$(dirname "$sol")")
    [ -x "$BUILD/checkers/check-$lesson" ] || continue
    i=0
    while [ $i -lt "$STUDENTS" ]; do
        i=$((i + 1))
        mkdir -p "$B/class/s$i/$lesson" && cp "$sol" "$B/class/s$i/$lesson/"
        n=$((n + 1))
    done
done
echo "== 1. $STUDENTS students x every solution: $n correct programs (cores: $(nproc 2>/dev/null || echo ?))"
"$G" $jobs --checkers "$BUILD/checkers" -- "$B/class" "$B/out" > "$B/out.txt" 2> "$B/err.txt"
echo "   $(stats "$B/err.txt")"
wrong=$(awk -F, 'NR > 1 && $4 != $5' "$B/out/grades.csv" | wc -l)
[ "$wrong" -eq 0 ] || echo "   note: $wrong correct programs did not get full marks under this load:" \
    "$(awk -F, 'NR > 1 && $4 != $5 { print $2 "/" $3 }' "$B/out/grades.csv" | sort | uniq -c | tr '\n' ';')"
echo "   per program, one sandbox each (compile + every test), graded one student per program:"
for sol in solutions/[0-9][0-9]-*/*.c; do
    lesson=$(basename "$(dirname "$sol")") program=$(basename "$sol" .c)
    [ -x "$BUILD/checkers/check-$lesson" ] || continue
    mkdir -p "$B/one/$lesson-$program/$lesson" && cp "$sol" "$B/one/$lesson-$program/$lesson/"
done
"$G" $jobs --checkers "$BUILD/checkers" -- "$B/one" "$B/one-out" > /dev/null 2>&1
for d in "$B/one-out"/*/; do
    printf '     %-28s %6s s\n' "$(basename "$d")" \
        "$(sed -n 's/.*"execution_time": \([0-9.]*\).*/\1/p' "$d/results.json")"
done

echo "== 2. the cost of buggy programs (one student each)"
for f in tests/[0-9][0-9]-*/corpus/*/*.c; do
    lesson=$(echo "$f" | cut -d/ -f2) program=$(echo "$f" | cut -d/ -f4)
    [ -x "$BUILD/checkers/check-$lesson" ] || continue
    [ -d "$B/bug/$lesson-$program" ] && continue   # the first mistake of each program
    mkdir -p "$B/bug/$lesson-$program/$lesson" && cp "$f" "$B/bug/$lesson-$program/$lesson/$program.c"
done
for h in sleeps-forever half-ready-line spins forks-many; do
    cp -R "tests/self/hostile/$h" "$B/bug/hang-$h"
done
"$G" $jobs --checkers "$BUILD/checkers" -- "$B/bug" "$B/bug-out" > /dev/null 2> "$B/bug-err.txt"
echo "   $(stats "$B/bug-err.txt")"
printf '   %-34s %8s %s\n' "submission" "seconds" "tests passed"
for d in "$B/bug-out"/*/; do
    s=$(basename "$d")
    t=$(sed -n 's/.*"execution_time": \([0-9.]*\).*/\1/p' "$d/results.json")
    sc=$(sed -n 's/^  "score": \([0-9]*\).*/\1/p' "$d/results.json")
    mx=$(sed -n 's/^  "max_score": \([0-9]*\).*/\1/p' "$d/results.json")
    printf '   %-34s %8s %s/%s\n' "$s" "$t" "$sc" "$mx"
done
