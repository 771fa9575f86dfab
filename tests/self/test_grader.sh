#!/bin/sh
# test_grader.sh - the instructor's grader, tested the hard way (make test runs
# it; one TAP line per check).
#
# One run grades a class that mixes correct students with the hostile
# corpus (tests/self/hostile/: programs that hang, spin, fork, eat memory,
# flood, fill the disk, leave daemons, respawn, stop themselves, kill
# their parent or everything, fake results, steal or #include the
# solution, compile-time bombs) and with awkward input (a 10 MB file,
# symbolic links to /etc/shadow, names with quotes, commas, a newline and
# non-UTF-8 bytes, unknown lessons).  Then: every correct program keeps
# full marks, no hostile one gets them, nothing is left running as the
# sandbox uids, no marker file appears outside the sandbox, the outputs
# are well-formed.  Plus: bad SUBMISSIONS, an interrupt, no namespaces,
# and a grader that is not root.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
G=$BUILD/grader
T=$BUILD/test/grader
class=$T/class out=$T/out
have_py=$(command -v python3 >/dev/null 2>&1 && echo yes || echo no)

pass() { echo "ok - grader: $1"; }
fail() { echo "not ok - grader: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/# /'; }
skip() { echo "ok - grader: $1 # SKIP $2"; }
expect() { if [ "$2" = yes ]; then pass "$1"; else fail "$1" "${3:-}"; fi; }

if [ ! -x "$G" ] || [ ! -x "$BUILD/checkers/check-01-socket" ] || [ ! -x "$BUILD/checkers/check-03-accept" ]; then
    fail "builds" "$G or the checkers of lessons 01 and 03 are missing (make)"
    exit 0
fi

# Processes running as a sandbox uid (61000+slot, 62000+slot: the grader's defaults).
sandbox_procs() {
    for s in /proc/[0-9]*/status; do
        awk '/^Uid:/ { if (($2 >= 61000 && $2 < 61064) || ($2 >= 62000 && $2 < 62064)) print FILENAME }' "$s" 2>/dev/null
    done
}
# Files a hostile program tries to leave outside its sandbox.
markers() {
    { find . -path ./.git -prune -o \( -name 'grader-marker*' -o -name 'grader-fill-*' -o -name 'stolen-*' \) -print
      for d in / /tmp /var/tmp /dev/shm /work /root "${HOME:-/}"; do
          [ -d "$d" ] && find "$d" -maxdepth 1 \( -name 'grader-marker*' -o -name 'grader-fill-*' -o -name 'stolen-*' \) -print
      done; } 2>/dev/null | sort -u
}
field() { awk -F, -v s="$1" -v p="$2" '$1 == s && $3 == p { print $4 "/" $5 }' "$out/grades.csv"; }

# ---- the class ----------------------------------------------------------
rm -rf "$T" && mkdir -p "$class"
cp -R tests/self/hostile/. "$class/"
probe=$("$G" --checkers "$BUILD/checkers" --probe 2>&1)
case $probe in
*pidns=1*) ;;
*) rm -rf "$class/kills-everything" ;;   # its kill(-1) is only safe in a pid namespace
esac
lessons=
for l in 01-socket 02-bind 03-accept 04-connect; do
    [ -x "$BUILD/checkers/check-$l" ] && [ -d "solutions/$l" ] && lessons="$lessons $l"
done
ngood=0
for s in good-a good-b; do
    for l in $lessons; do
        mkdir -p "$class/$s/$l" && cp solutions/"$l"/*.c "$class/$s/$l/"
        [ $s = good-a ] && ngood=$((ngood + $(ls solutions/"$l"/*.c | wc -l)))
    done
done
quoted="o'brien, \"q\" jr"
mkdir -p "$class/$quoted/01-socket" && cp solutions/01-socket/sockinfo.c "$class/$quoted/01-socket/"
newline=$(printf 'new\nline')
mkdir -p "$class/$newline/01-socket" && cp solutions/01-socket/sockinfo.c "$class/$newline/01-socket/"
latin1=$(printf 'caf\351')
mkdir -p "$class/$latin1/01-socket" && cp solutions/01-socket/sockinfo.c "$class/$latin1/01-socket/"
mkdir -p "$class/big/01-socket"
{ cat solutions/01-socket/sockinfo.c; yes '/* padding padding padding padding padding padding padding */' |
    head -c 10485760; } > "$class/big/01-socket/sockinfo.c"
mkdir -p "$class/sneaky/01-socket"
ln -s /etc/shadow "$class/sneaky/01-socket/sockinfo.c"
ln -s /etc "$class/sneaky/03-accept"
mkdir -p "$class/misc/99-nothing" "$class/misc/01-socket"
echo 'int main(void) { return 0; }' > "$class/misc/99-nothing/x.c"
echo 'int main(void) { return 0; }' > "$class/misc/01-socket/nosuch.c"
echo 'notes' > "$class/misc/01-socket/README.md"
echo 'not a student' > "$class/README.txt"
nhostile=$(ls tests/self/hostile | wc -l)
[ -d "$class/kills-everything" ] || nhostile=$((nhostile - 1))

before=$(markers)
tmpdirs=$(ls -d "${TMPDIR:-/tmp}"/grader.* 2>/dev/null | wc -l)
t0=$(date +%s)
"$G" -j 8 --checkers "$BUILD/checkers" -- "$class" "$out" > "$T/stdout" 2> "$T/stderr"
rc=$?
took=$(( $(date +%s) - t0 ))
after=$(markers)

expect "grades a hostile class: exit 0" "$([ $rc -eq 0 ] && echo yes)" "exit $rc; $(tail -n 5 "$T/stderr")"
if [ ! -f "$out/grades.csv" ]; then
    fail "writes its outputs" "no $out/grades.csv: the checks that read the outputs cannot run"
    exit 0
fi
expect "the whole hostile run ends in bounded time ($took s)" "$([ $took -lt 60 ] && echo yes)"
expect "grades.csv has the header" \
    "$([ "$(head -n 1 "$out/grades.csv" 2>/dev/null)" = "student,lesson,program,passed,total" ] && echo yes)"

bad=
for s in good-a good-b; do
    n=$(awk -F, -v s=$s '$1 == s && $4 == $5 && $5 > 0' "$out/grades.csv" | wc -l)
    [ "$n" -eq $ngood ] || bad="$bad $s: $n of $ngood programs with full marks;"
done
expect "correct submissions keep full marks next to hostile ones" "$([ -z "$bad" ] && echo yes)" \
    "$bad $(grep -e '^good' "$out/grades.csv")"

bad= seen=0
for h in $(ls "$class"); do
    [ -d "tests/self/hostile/$h" ] || continue
    rows=$(awk -F, -v s="$h" '$1 == s' "$out/grades.csv")
    [ -n "$rows" ] || { bad="$bad $h: no row;"; continue; }
    seen=$((seen + 1))
    echo "$rows" | awk -F, '$4 >= $5 { exit 1 }' || bad="$bad $h: full marks ($rows);"
done
expect "no hostile submission gets full marks ($seen graded)" \
    "$([ -z "$bad" ] && [ $seen -eq $nhostile ] && echo yes)" "$bad"

left=$(sandbox_procs)
expect "nothing is left running as a sandbox uid" "$([ -z "$left" ] && echo yes)" "$left"
new=$(printf '%s\n' "$after" | grep -vxF -e "$before" | grep .)
expect "no marker or fill file outside the sandboxes" "$([ -z "$new" ] && echo yes)" "$new"
expect "the scratch directory is removed" \
    "$([ "$(ls -d "${TMPDIR:-/tmp}"/grader.* 2>/dev/null | wc -l)" -eq "$tmpdirs" ] && echo yes)"
expect "rewritten grades are not possible: no forged row" \
    "$(grep -q ',99,99' "$out/grades.csv" || grep -q '"score": 99' "$out"/*/results.json || echo yes)"
expect "the reference solution is out of reach at run time" \
    "$(grep -q 'no solution to steal' "$out/steals-solution/feedback.txt" && echo yes)" \
    "$(head -n 20 "$out/steals-solution/feedback.txt")"
expect "the reference solution is out of reach of #include" \
    "$(grep -q 'nowhere to be found' "$out/includes-solution/feedback.txt" && echo yes)"
expect "#include \"/etc/passwd\" fails and shows no line of it" \
    "$(grep -q 'passwd: No such file' "$out/includes-passwd/feedback.txt" &&
       ! grep -q 'root:' "$out/includes-passwd/feedback.txt" && echo yes)" \
    "$(head -n 12 "$out/includes-passwd/feedback.txt")"
expect "a compile-time memory bomb is stopped" \
    "$([ "$(field compile-bomb sockinfo)" = 0/10 ] && grep -q 'does not compile' "$out/compile-bomb/feedback.txt" && echo yes)"
expect "hundreds of MB of diagnostics are cut" \
    "$(grep -q 'more than 4 MiB of diagnostics' "$out/diagnostics-bomb/feedback.txt" &&
       [ "$(wc -c < "$out/diagnostics-bomb/feedback.txt")" -lt 20000 ] && echo yes)"
expect "a 200 MB flood leaves a small feedback" \
    "$([ "$(wc -c < "$out/floods-stdout/feedback.txt")" -lt 200000 ] && echo yes)"
if [ -d "$class/kills-everything" ] && [ "$(id -u)" != 0 ]; then
    skip "kill(-1) ran inside the sandbox" "not root: the program shares the checker's uid and kills it too (its verdict is checked above)"
elif [ -d "$class/kills-everything" ]; then
    expect "kill(-1) ran inside the sandbox and harmed nothing else" \
        "$(grep -q 'kill(-1, SIGKILL) returned' "$out/kills-everything/feedback.txt" && echo yes)"
else
    skip "kill(-1) ran inside the sandbox" "no pid namespace here: not run"
fi
expect "a file over 1 MiB is refused with 0 passed" \
    "$([ "$(field big sockinfo)" = 0/10 ] && grep -q 'too large' "$out/big/feedback.txt" && echo yes)"
expect "symbolic links are not followed" \
    "$(grep -q 'symbolic link' "$out/sneaky/feedback.txt" && ! grep -q '^sneaky,' "$out/grades.csv" &&
       ! grep -q 'root:' "$out/sneaky/feedback.txt" && echo yes)"
expect "unknown lessons, programs and files are listed as ignored" \
    "$(grep -q '99-nothing/x.c' "$out/misc/feedback.txt" && grep -q '01-socket/nosuch.c' "$out/misc/feedback.txt" &&
       grep -q 'README.md: not a .c file' "$out/misc/feedback.txt" && grep -q 'README.txt' "$out/summary.md" && echo yes)"
expect "CSV quotes a name with a quote, a comma and spaces" \
    "$(grep -qxF "\"o'brien, \"\"q\"\" jr\",01-socket,sockinfo,10,10" "$out/grades.csv" && echo yes)"
expect "feedback.txt is the make check report" \
    "$(grep -q '^01-socket/sockinfo: 10 tests$' "$out/good-a/feedback.txt" &&
       grep -q '^sockinfo: 10 of 10 tests passed$' "$out/good-a/feedback.txt" && echo yes)"
expect "summary.md counts, per test, the students who passed it" \
    "$(grep -q '^| one-kind | [0-9]*/[0-9]* ' "$out/summary.md" && echo yes)"
if [ $have_py = yes ]; then
    res=$(python3 - "$out" "$quoted" "$newline" 2>&1 <<'EOF'
import csv, glob, json, os, sys
out, quoted, newline = sys.argv[1], sys.argv[2], sys.argv[3]
# grades.csv keeps directory names byte for byte (a name that is no UTF-8 too).
rows = list(csv.reader(open(os.path.join(out, "grades.csv"), newline="", encoding="utf-8", errors="surrogateescape")))
assert all(len(r) == 5 for r in rows), "a row without 5 fields"
names = {r[0] for r in rows}
assert quoted in names and newline in names, "names lost in CSV"
for f in glob.glob(os.path.join(out, "*", "results.json")):
    with open(f, encoding="utf-8", errors="strict") as fh:
        d = json.load(fh)
    assert d["score"] == sum(t["score"] for t in d["tests"]), f
    assert d["max_score"] == sum(t["max_score"] for t in d["tests"]), f
    for t in d["tests"]:
        # A skipped test is worth nothing (max_score 0) and has no status: never a pass.
        assert t.get("status") in (("passed", "failed") if t["max_score"] else (None,)), f
        assert ": " in t["name"], f
        assert len(t["output"]) < 20000, f
print("ok")
EOF
)
    expect "grades.csv parses as CSV and every results.json as UTF-8 JSON" \
        "$([ "$res" = ok ] && echo yes)" "$res"
else
    skip "grades.csv and results.json parse" "no python3"
fi

# ---- bad input and interruptions ---------------------------------------------
msg=$("$G" --checkers "$BUILD/checkers" -- "$T/nonexistent" "$T/o2" 2>&1); rc=$?
expect "a missing SUBMISSIONS directory: a clear message, non-zero exit" \
    "$([ $rc -ne 0 ] && echo "$msg" | grep -q 'No such file' && echo yes)" "$msg"
mkdir -p "$T/empty"
msg=$("$G" --checkers "$BUILD/checkers" -- "$T/empty" "$T/o3" 2>&1); rc=$?
expect "an empty SUBMISSIONS directory: a clear message, non-zero exit" \
    "$([ $rc -ne 0 ] && echo "$msg" | grep -q 'no student directory' && echo yes)" "$msg"

mkdir -p "$T/slow/a/01-socket" "$T/slow/b/01-socket"
cp tests/self/hostile/sleeps-forever/01-socket/sockinfo.c "$T/slow/a/01-socket/"
cp tests/self/hostile/ignores-sigterm/01-socket/sockinfo.c "$T/slow/b/01-socket/"
"$G" -j 2 --checkers "$BUILD/checkers" -- "$T/slow" "$T/o4" > /dev/null 2> "$T/int.err" &
pid=$!
# Interrupt once its sandboxes run (at most 10 s), then give the kernel up
# to 2 s to tear the namespaces down.
i=0; while [ -z "$(sandbox_procs)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
i=0; while [ -n "$(sandbox_procs)" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
expect "Ctrl-C stops every sandbox and writes no grades" \
    "$([ $rc -eq 130 ] && [ ! -e "$T/o4/grades.csv" ] && [ -z "$(sandbox_procs)" ] && echo yes)" \
    "exit $rc; $(cat "$T/int.err")"

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$T/small/ann/01-socket"
    cp solutions/01-socket/sockinfo.c "$T/small/ann/01-socket/"
    GRADER_NO_NAMESPACES=1 "$G" -j 2 --checkers "$BUILD/checkers" -- "$T/small" "$T/o5" > /dev/null 2>&1
    expect "without namespaces it still grades and says what was missing" \
        "$(grep -qx 'ann,01-socket,sockinfo,10,10' "$T/o5/grades.csv" && grep -q 'protections missing' "$T/o5/summary.md" && echo yes)"
    if command -v setpriv > /dev/null 2>&1 &&
        setpriv --reuid=1234 --regid=1234 --clear-groups test -r "$BUILD/checkers/check-01-socket" 2>/dev/null; then
        mkdir -p "$T/o6" && chmod 777 "$T/o6" && chmod -R a+rX "$T/small"
        setpriv --reuid=1234 --regid=1234 --clear-groups "$G" -j 2 --checkers "$BUILD/checkers" -- \
            "$T/small" "$T/o6/out" > /dev/null 2>&1
        expect "as a plain user it grades and says what was missing" \
            "$(grep -qx 'ann,01-socket,sockinfo,10,10' "$T/o6/out/grades.csv" && grep -q 'separate unprivileged uid' "$T/o6/out/summary.md" && echo yes)"
    else
        skip "as a plain user it grades" "no setpriv, or the build tree is not readable by others"
    fi
else
    skip "without namespaces it still grades" "the self-test is not root"
    skip "as a plain user it grades" "the self-test is not root"
fi
exit 0
