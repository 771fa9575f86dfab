#!/bin/sh
# run.sh - the workbook's own tests (`make test`).
#
#   every checker passes every solution and every correct variant in tests/NN-name/good/,
#   fails every skeleton, and fails each buggy program in tests/NN-name/corpus/ on the
#   test its first line names.
#
# Cases run J at a time (default 8; CPU-bound ones JH, default 2, beside them); output is
# TAP, then "N passed, N failed".
# L=03 restricts to one lesson, T=word to cases whose source path contains it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
cd "$top" || exit 2
# Two pools of cases at once: those that keep a core busy JH at a time (as
# many as the cores), every other case J at a time.  Those mostly wait for
# the timeouts the contract fixes, so many can share two cores.
J=${J:-8}
JH=${JH:-2}
# Scratch files on tmpfs where there is one that can run programs and hold
# 4 GiB (lesson 12's checks write 100 MiB files, several cases at once): the
# checks create and delete tens of thousands of files and directories,
# which costs a disk file system (ext4 with discard here) far more CPU.
fast=
room=$(df -Pk /dev/shm 2> /dev/null | awk 'NR == 2 { print $4 }')
if [ -z "${TMPDIR:-}" ] && [ "${room:-0}" -ge 4194304 ] &&
    fast=$(mktemp -d /dev/shm/workbook-test.XXXXXX 2> /dev/null); then
    # Open to every user, as /tmp is: some checks run programs as another uid.
    if chmod 1777 "$fast" && cp /bin/true "$fast/probe" 2> /dev/null && "$fast/probe"; then
        export TMPDIR="$fast"
    else
        rm -rf "$fast"; fast=
    fi
fi
# A directory of its own, so that two runs at once do not mix their results.
mkdir -p "${BUILD:-build}/test"
out=$(mktemp -d "${fast:-${BUILD:-build}/test}/results.XXXXXX") || exit 2
trap 'rm -rf "$out" $fast' EXIT
list=$out/cases
: > "$list"
for dir in lessons/[0-9][0-9]-*; do
    lesson=$(basename "$dir")
    case $lesson in ${L:-}*) ;; *) continue ;; esac
    for skel in "$dir"/*.c; do
        program=$(basename "$skel" .c)
        echo "pass $lesson $program solutions/$lesson/$program.c" >> "$list"
        echo "fail $lesson $program $skel" >> "$list"
        for f in tests/$lesson/good/$program/*.c; do
            [ -f "$f" ] && echo "pass $lesson $program $f" >> "$list"
        done
        for f in tests/$lesson/corpus/$program/*.c; do
            [ -f "$f" ] && echo "corpus $lesson $program $f" >> "$list"
        done
    done
done
[ -n "${T:-}" ] && { grep -F -- "$T" "$list" > "$list.t"; mv "$list.t" "$list"; }
n=$(wc -l < "$list")
# Each case gets a numbered result file.
# The other self-tests (docs, grader, tools) run beside the cases: most
# of the time both only wait.
: > "$out/self.tap"
if [ -z "${L:-}${T:-}" ]; then
    # Two streams: the grader's and the non-root tests (20 s each) beside the rest.
    { sh tests/self/test_grader.sh; sh tests/self/test_nonroot.sh; } > "$out/self2.tap" 2>&1 &
    for sh in tests/self/test_*.sh; do
        case $sh in */test_grader.sh|*/test_nonroot.sh) continue ;; esac
        sh "$sh"
    done > "$out/self.tap" 2>&1 &
fi
# Longest first: the pass cases of the slow lessons would otherwise start
# last and leave the run waiting on their tail.
awk -v out="$out" '{ print $1, $2, $3, $4, out "/" NR }' "$list" > "$out/numbered"
# The cases that keep a core busy: every case that runs wcserver's
# past-4-gib (4 GiB counted, the longest: first), then lesson 10's correct
# programs (crowds of 10,000 that all succeed).  Lesson 10's buggy ones
# mostly wait for a crowd's timeout: they start first among the rest, then
# the later lessons (their tests take longer) before the earlier ones.
gib=" $(grep -l 'expect-fail:.* past-4-gib' tests/*/corpus/*/*.c | tr '\n' ' ')"
: > "$out/heavy"; : > "$out/crowds"; : > "$out/long"; : > "$out/light"
while read -r kind lesson program src res; do
    to=light
    case "$kind $lesson $program" in
    "pass 10-"*) to=crowds ;;
    *" 10-"*|"pass 12-"*|"pass 09-"*) to=long ;;
    *) case $src in
       solutions/08-shutdown/wcserver.c) to=heavy ;;   # good/ ones run --quick (case.sh)
       *) case $gib in *" $src "*) to=heavy ;; esac ;;
       esac ;;
    esac
    echo "$kind $lesson $program $src $res" >> "$out/$to"
done < "$out/numbered"
# The rest is a queue: case K in file q.K.
{ cat "$out/long"; sort -s -k2,2r "$out/light"; } | awk -v q="$out/q." '{ print > (q NR) }'
nq=$(ls "$out" | grep -c '^q\.')
# worker up|down: runs every case of the queue that no other worker has
# claimed, from its head (up) or its tail (down).  A claim is a file
# created only if it does not exist (set -C): atomic, and no process.
worker() {
    set -C
    if [ "$1" = up ]; then k=1 step=1; else k=$nq step=-1; fi
    while [ "$k" -ge 1 ] && [ "$k" -le "$nq" ]; do
        if { true > "$out/claim.$k"; } 2> /dev/null; then
            read -r c < "$out/q.$k"
            sh "$here/case.sh" $c
        fi
        k=$((k + step))
    done
}
# J workers take the queue from its head.  The JH that run the heavy cases
# then take it from its tail (the short cases of the first lessons), so
# that no core idles while the queue still holds cases.
{ cat "$out/heavy" "$out/crowds" | xargs -r -P "$JH" -L 1 sh "$here/case.sh"
  i=0; while [ $i -lt "$JH" ]; do worker down & i=$((i + 1)); done; wait; } &
i=0; while [ $i -lt "$J" ]; do worker up & i=$((i + 1)); done
wait
[ -f "$out/self2.tap" ] && cat "$out/self2.tap" >> "$out/self.tap"
echo "TAP version 13"
selfn=$(grep -c '^\(not \)\{0,1\}ok' "$out/self.tap")
echo "1..$((n + selfn))"
i=0 pass=0 fail=0
while [ $i -lt "$n" ]; do
    i=$((i + 1))
    if [ -f "$out/$i" ] && head -n 1 "$out/$i" | grep -q '^ok'; then
        pass=$((pass + 1)); echo "ok $i - $(head -n 1 "$out/$i" | cut -c6-)"
    else
        fail=$((fail + 1))
        if [ -f "$out/$i" ]; then
            echo "not ok $i - $(head -n 1 "$out/$i" | cut -c10-)"
            tail -n +2 "$out/$i" | head -n 60 | sed 's/^/# /'
        else
            echo "not ok $i - case $(sed -n "${i}p" "$list") left no result"
        fi
    fi
done
while IFS= read -r line; do
    case $line in
    ok*) i=$((i + 1)); pass=$((pass + 1)); echo "ok $i ${line#ok }" ;;
    "not ok"*) i=$((i + 1)); fail=$((fail + 1)); echo "not ok $i ${line#not ok }" ;;
    *) echo "# $line" ;;
    esac
done < "$out/self.tap"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
