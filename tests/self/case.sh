#!/bin/sh
# case.sh KIND LESSON PROGRAM SOURCE RESULT
#
# One case of `make test`, its verdict written to RESULT: a first line
# "ok - ..." or "not ok - ...", then diagnostics.
#   pass    SOURCE must pass every test of its checker (solutions; tests/NN-name/good
#           with --quick, see below)
#   fail    SOURCE must fail at least one test (skeletons)
#   corpus  SOURCE must fail the tests named on its first line:
#           /* expect-fail: TEST[ TEST...] -- what the bug is */
set -u
kind=$1 lesson=$2 program=$3 src=$4 res=$5
here=${0%/*}
exe=$res.bin/$program   # beside its result: concurrent runs never share a file
tap=$res.tap
# A buggy program need only fail the tests it names, and a skeleton one
# test: running the rest would cost their timeouts for nothing.
want=
read -r first < "$src"
case $first in *"expect-fail: "*" -- "*) want=${first#*expect-fail: }; want=${want%% -- *} ;; esac
# A correct program in another style leaves out the gigabyte tests
# (--quick; each costs 5 to 8 s of CPU): the solution runs them, and so do
# the corpus programs that must fail them.
case $kind in
corpus) only=; for t in $want; do only=${only:+$only,}$t; done; opts="--only $only" ;;
fail)   opts="--max-fail 1" ;;
*)      case $src in tests/*/good/*) opts=--quick ;; *) opts= ;; esac ;;
esac
check() {
    sh "$here/../harness/check-one.sh" -o "$exe" --format tap $opts "$lesson" "$program" \
        "$src" > "$tap" 2>&1
}
check
rc=$?
# "The machine was too busy" is no verdict: a buggy program must still be
# seen to fail.  Once more, then (the load of make test comes in waves).
if [ "$kind" = corpus ] && grep -q '# SKIP the machine was too busy' "$tap"; then
    check
    rc=$?
fi
name="$kind $src"
case $kind in
pass)
    if [ $rc -eq 0 ]; then echo "ok - $name" > "$res"
    else { echo "not ok - $name (should pass every test)"; grep -A8 '^not ok' "$tap"; } > "$res"; fi ;;
fail)
    if [ $rc -ne 0 ] && grep -q '^not ok' "$tap"; then echo "ok - $name" > "$res"
    else { echo "not ok - $name (should fail)"; cat "$tap"; } > "$res"; fi ;;
corpus)
    if [ -z "$want" ]; then
        echo "not ok - $name (first line lacks '/* expect-fail: TEST -- why */')" > "$res"; exit 0
    fi
    missing=
    for t in $want; do
        grep -q "^not ok [0-9]* - $t\( \|\$\)" "$tap" || missing="$missing $t"
    done
    if [ -z "$missing" ]; then echo "ok - $name fails $want" > "$res"
    else { echo "not ok - $name (should fail:$missing)"; cat "$tap"; } > "$res"; fi ;;
*)
    echo "not ok - unknown case kind $kind" > "$res" ;;
esac
exit 0
