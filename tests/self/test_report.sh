#!/bin/sh
# test_report.sh - one diagnosis per cause: a fault that fails many tests
# is shown once in full, its other failures a line each; VERBOSE=1 shows
# them all.  Two servers of lesson 06 from the corpus: one that waits for a
# full buffer (MSG_WAITALL: nothing comes back) and one that closes after
# the first chunk (the connection ends early, worded differently by each
# test).  Prints TAP lines for tests/self/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Four tests each, run at once: enough to see the grouping, in about 2 s.
only=echo-text,one-byte-pieces,half-close-in-flight,silent-client,clients-in-turn
for bug in waitall one_chunk; do
    src=tests/06-tcp-echo/corpus/echoserver/$bug.c
    NO_COLOR=1 sh tests/harness/check-one.sh -o "$tmp/$bug" -j 8 --only $only 06-tcp-echo echoserver \
        "$src" > "$tmp/$bug.out" 2>&1
    failed=$(grep -c '^  FAIL ' "$tmp/$bug.out")
    full=$(grep -c '^        Expected:' "$tmp/$bug.out")
    alike=$(grep -c '^  FAIL .* the same symptom as ' "$tmp/$bug.out")
    if [ "$failed" -ge 2 ] && [ "$full" -eq 1 ] && [ "$alike" -eq $((failed - 1)) ] &&
        grep -q "show the same symptom as a failure shown in full" "$tmp/$bug.out"; then
        echo "ok - report: $bug.c fails $failed tests and gets one diagnosis, the rest a line each"
    else
        echo "not ok - report: $bug.c: $failed failures, $full shown in full, $alike as the same symptom"
        sed 's/^/# /' "$tmp/$bug.out" | head -n 40
    fi
done
VERBOSE=1 NO_COLOR=1 sh tests/harness/check-one.sh -o "$tmp/v" -j 8 --only $only 06-tcp-echo \
    echoserver tests/06-tcp-echo/corpus/echoserver/waitall.c > "$tmp/v.out" 2>&1
failed=$(grep -c '^  FAIL ' "$tmp/v.out")
full=$(grep -c '^        Expected:' "$tmp/v.out")
if [ "$failed" -ge 2 ] && [ "$full" -eq "$failed" ]; then
    echo "ok - report: VERBOSE=1 shows each of the $failed failures in full"
else
    echo "not ok - report: VERBOSE=1 showed $full of $failed failures in full"
fi
