#!/bin/sh
# bench.sh - wall time of each program's whole check on its solution
# (median of RUNS runs, default 5).  A benchmark, not a test: it prints
# figures and never fails on them.  Target: under 0.5 s per program beyond
# the time the contract itself demands (lesson 07 waits by design).
set -u
cd "$(dirname "$0")/../.." || exit 2
RUNS=${RUNS:-5}
BUILD=${BUILD:-build}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
printf '%-28s %8s %8s %8s %6s\n' program median min max tests
part1=0
for sol in solutions/[0-9][0-9]-*/*.c; do
    lesson=$(basename "$(dirname "$sol")") program=$(basename "$sol" .c)
    [ -x "$BUILD/checkers/check-$lesson" ] || continue
    exe=$BUILD/bench/$lesson/$program
    # Compile once, outside the timing.
    sh tests/harness/check-one.sh -o "$exe" --only __none__ "$lesson" "$program" "$sol" \
        >/dev/null 2>&1
    times=
    for i in $(seq "$RUNS"); do
        t0=$(ms)
        "$BUILD/checkers/check-$lesson" --format tap "$program" "$exe" > /dev/null 2>&1 ||
            echo "bench: $lesson/$program failed a test on run $i" >&2
        times="$times $(( $(ms) - t0 ))"
    done
    sorted=$(echo $times | tr ' ' '\n' | sort -n)
    n=$("$BUILD/checkers/check-$lesson" --list "$program" | wc -l)
    median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
    printf '%-28s %6s ms %5s ms %5s ms %6s\n' "$lesson/$program" "$median" \
        "$(echo "$sorted" | head -n 1)" "$(echo "$sorted" | tail -n 1)" "$n"
    case $lesson in 0[1-8]-*) part1=$((part1 + median)) ;; esac
done
# Part I's figure: what a student of lessons 01-08 waits for, all checks.
echo "Part I (lessons 01-08): the medians sum to $part1 ms"
# Lesson 10 under load: the model answer and the program in lessons/.
sh tests/self/bench-load.sh
