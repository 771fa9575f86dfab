#!/bin/sh
# soak.sh [RUNS] - run `make test` RUNS times (default 20) with both cores
# kept busy by two spinning processes, and report whether any verdict ever
# changed.  This is how timing windows are proven to hold on a loaded
# 2-core machine; it takes RUNS times as long as one `make test`.
set -u
cd "$(dirname "$0")/../.." || exit 2
runs=${1:-20}
dir=${BUILD:-build}/soak
rm -rf "$dir" && mkdir -p "$dir"
# Two busy loops that end with this script (whatever ends it: killing the
# background jobs reached only `timeout`, not the spinning shell), and after
# two hours at most.
for i in 1 2; do timeout 7200 sh -c "while kill -0 $$ 2>/dev/null; do :; done" & done
trap 'kill $(jobs -p) 2>/dev/null; exit 2' INT TERM
trap 'kill $(jobs -p) 2>/dev/null' EXIT
i=0
while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    start=$(date +%s)
    # In the background, so that a signal to this script is acted on at once.
    MAKEFLAGS= make -s test > "$dir/run$i.log" 2>&1 &   # a make of its own, not a sub-make
    wait $!
    # The verdict of every case; numbers (case numbers, measured times in
    # a description) are not verdicts.
    grep -E '^(not )?ok ' "$dir/run$i.log" | sed 's/[0-9][0-9]*/#/g' > "$dir/verdicts$i"
    echo "run $i: $(tail -n 1 "$dir/run$i.log"), $(( $(date +%s) - start )) s"
done
changed=0
j=2
while [ $j -le "$runs" ]; do
    if ! cmp -s "$dir/verdicts1" "$dir/verdicts$j"; then
        changed=$((changed + 1))
        echo "run $j differs from run 1:"; diff "$dir/verdicts1" "$dir/verdicts$j" | head -n 20
    fi
    j=$((j + 1))
done
if [ $changed -eq 0 ]; then echo "soak: $runs runs under load, verdicts never changed"
else echo "soak: verdicts changed in $changed of $runs runs"; exit 1; fi
