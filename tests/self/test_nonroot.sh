#!/bin/sh
# test_nonroot.sh - the checks that once needed root (a name with several
# addresses, a service on a well-known port, Permission denied on a low
# port) run for a normal user too, in user namespaces (tests/harness/stage.c),
# and give the same verdicts as for root; and the grader gives the same
# grades both ways.  make test runs as root: this test becomes a normal
# user (setpriv, an unused uid) to see what a student's `make check` sees.
# Not root: it can only check that none of them is skipped.  TAP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
U=${NONROOT_UID:-1235}   # unused: test_grader.sh's plain user is 1234
T=$BUILD/test/nonroot
CC=${CC:-cc}

pass() { echo "ok - nonroot: $1"; }
fail() { echo "not ok - nonroot: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/# /'; }
skip() { echo "ok - nonroot: $1 # SKIP $2"; }

# lesson program source tests: the checks that needed root, on a correct
# program and on programs that fail them (and pass the rest).
cases='
02-bind bindaddr solutions/02-bind/bindaddr.c low-port
02-bind bindaddr tests/02-bind/corpus/bindaddr/fixed_message.c low-port
04-connect fetch solutions/04-connect/fetch.c service-name,several-addresses
04-connect fetch tests/04-connect/corpus/fetch/first_address_only.c several-addresses
04-connect fetch tests/04-connect/corpus/fetch/numeric_port.c service-name
06-tcp-echo echoclient solutions/06-tcp-echo/echoclient.c service-name,every-address
06-tcp-echo echoclient tests/06-tcp-echo/corpus/echoclient/first_address_only.c every-address
07-timeouts tconnect solutions/07-timeouts/tconnect.c one-deadline,next-address
07-timeouts tconnect tests/07-timeouts/corpus/tconnect/per_address_timeout.c one-deadline
07-timeouts tconnect tests/07-timeouts/corpus/tconnect/first_address_only.c next-address
08-shutdown wcclient solutions/08-shutdown/wcclient.c every-address
08-shutdown wcclient tests/08-shutdown/corpus/wcclient/first-address-only.c every-address
04-connect fetch tests/04-connect/corpus/fetch/ipv4_first.c address-order
05-udp-echo udpclient tests/05-udp-echo/corpus/udpclient/last_address.c first-address
06-tcp-echo echoclient tests/06-tcp-echo/corpus/echoclient/ipv4_first.c address-order
'
# The newer checks of the same kind, where the checker has them.
extra='
04-connect fetch solutions/04-connect/fetch.c address-order
06-tcp-echo echoclient solutions/06-tcp-echo/echoclient.c address-order
08-shutdown wcclient solutions/08-shutdown/wcclient.c address-order
05-udp-echo udpclient solutions/05-udp-echo/udpclient.c first-address
07-timeouts rpcclient solutions/07-timeouts/rpcclient.c first-address
07-timeouts tconnect solutions/07-timeouts/tconnect.c address-order
04-connect fetch solutions/04-connect/fetch.c silent-address
04-connect fetch tests/04-connect/corpus/fetch/refused_only.c silent-address
06-tcp-echo echoclient solutions/06-tcp-echo/echoclient.c silent-address
08-shutdown wcclient solutions/08-shutdown/wcclient.c silent-address
08-shutdown wcclient tests/08-shutdown/corpus/wcclient/refused-only.c silent-address
'

rm -rf "$T"
mkdir -p "$T/bin" "$T/tmp" || exit 0
chmod 755 "$T" "$T/bin"
chmod 1777 "$T/tmp"
me=$(id -u)
# An absolute TMPDIR: the harness runs programs from their own scratch directory.
as_user() { setpriv --reuid="$U" --regid="$U" --clear-groups env TMPDIR="$(pwd)/$T/tmp" "$@"; }
if [ "$me" = 0 ] && ! { command -v setpriv > /dev/null 2>&1 &&
        as_user test -x "$BUILD/checkers/check-01-socket"; }; then
    skip "checks as a normal user" "no setpriv, or the build tree is not readable by others"
    exit 0
fi

# name verdict, one a line, from a checker's TAP.
verdicts() { sed -n 's/^\(not ok\|ok\) [0-9]* - \([^ #]*\)\( # SKIP\)\{0,1\}.*/\2 \1\3/p' | sed 's/ not ok$/ fail/; s/ ok$/ pass/; s/ ok # SKIP$/ SKIPPED/'; }

# One case: its TAP line.
run_case() {
    n=$1 lesson=$2 program=$3 src=$4 tests=$5
    chk=$BUILD/checkers/check-$lesson
    [ -x "$chk" ] && [ -f "$src" ] || return 0
    # Only the tests this checker lists (the extra ones may not exist yet).
    have=$("$chk" --list "$program" | cut -f1)
    only=
    for t in $(echo "$tests" | tr , ' '); do
        echo "$have" | grep -qx "$t" && only=${only:+$only,}$t
    done
    [ -n "$only" ] || return 0
    exe=$T/bin/$n-$program
    if ! $CC -std=gnu11 -O1 -o "$exe" "$src" 2> "$T/cc.$n.err"; then
        fail "$src compiles" "$(cat "$T/cc.$n.err")"
        return 0
    fi
    chmod 755 "$exe"
    name="$lesson/$program $(basename "$src") [$only]"
    if [ "$me" = 0 ]; then
        root=$("$chk" --format tap --only "$only" "$program" "$exe" | verdicts)
        user=$(as_user "$chk" --format tap --only "$only" "$program" "$exe" | verdicts)
    else
        user=$("$chk" --format tap --only "$only" "$program" "$exe" | verdicts)
        root=$user
    fi
    if echo "$user" | grep -q ' SKIPPED$'; then
        fail "$name: none skipped for a normal user" "$user"
    elif [ "$user" != "$root" ]; then
        fail "$name: the same verdicts as root" "root:
$root
normal user:
$user"
    elif [ "$me" = 0 ]; then
        pass "$name: run for a normal user, the same verdicts as root ($(echo $user | tr '\n' ' '))"
    else
        pass "$name: run, none skipped ($(echo $user | tr '\n' ' '))"
    fi
}

# The cases run at once (each check waits more than it works); their
# lines are printed in order.
printf '%s\n%s\n' "$cases" "$extra" | {
    n=0
    while read -r lesson program src tests; do
        [ -n "$lesson" ] || continue
        n=$((n + 1))
        run_case "$n" "$lesson" "$program" "$src" "$tests" > "$T/res.$n" 2>&1 &
    done
    wait
}
for f in $(ls "$T" | sed -n 's/^res\.//p' | sort -n); do cat "$T/res.$f"; done

# The grader both ways: the same grades.csv for a class of these programs.
G=$BUILD/grader
if [ "$me" != 0 ]; then
    skip "the grader gives root's grades to a normal user" "the self-test is not root"
    exit 0
fi
if [ ! -x "$G" ]; then
    fail "the grader gives root's grades to a normal user" "$G is missing (make)"
    exit 0
fi
class=$T/class
i=0
printf '%s\n' "$cases" | while read -r lesson program src tests; do
    [ -n "$lesson" ] && [ -f "$src" ] || continue
    i=$((i + 1))
    mkdir -p "$class/s$i/$lesson"
    cp "$src" "$class/s$i/$lesson/$program.c"
done
chmod -R a+rX "$class"
mkdir -p "$T/uout" && chown "$U:$U" "$T/uout"
"$G" -j 2 --checkers "$BUILD/checkers" -- "$class" "$T/rout" > "$T/rout.log" 2>&1 &
as_user "$G" -j 2 --checkers "$BUILD/checkers" -- "$class" "$T/uout/out" > "$T/uout.log" 2>&1
wait
if [ ! -s "$T/rout/grades.csv" ] || [ ! -s "$T/uout/out/grades.csv" ]; then
    fail "the grader gives root's grades to a normal user" "no grades.csv: $(tail -n 5 "$T/rout.log" "$T/uout.log")"
elif ! cmp -s "$T/rout/grades.csv" "$T/uout/out/grades.csv"; then
    fail "the grader gives root's grades to a normal user" "$(diff "$T/rout/grades.csv" "$T/uout/out/grades.csv")"
elif grep -q 'skipped' "$T/uout/out"/*/feedback.txt; then
    fail "a normal user's grader skips no test" "$(grep -h 'SKIP\|skipped' "$T/uout/out"/*/feedback.txt)"
else
    pass "the grader gives root's grades to a normal user, none skipped ($(($(wc -l < "$T/rout/grades.csv") - 1)) programs)"
fi
exit 0
