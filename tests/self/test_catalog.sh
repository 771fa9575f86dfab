#!/bin/sh
# test_catalog.sh - the catalog of tests stays honest (make test runs it;
# TAP lines).  For every lesson and program:
#   - every test the checker lists (--list) has a corpus program whose
#     first line `/* expect-fail: TEST ... -- why */` names it: a test no
#     buggy program fails has never been seen to catch anything;
#   - every test a corpus program names exists;
#   - the tables of tests in the lesson's README.md and README.zh-CN.md
#     (section "Check your work") name exactly the tests --list gives.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
T=$BUILD/test/catalog
mkdir -p "$T" || exit 0

pass() { echo "ok - catalog: $1"; }
fail() { echo "not ok - catalog: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 40 | sed 's/^/# /'; }

# The test names in the first column of the tables of a README's
# "Check your work" section (## Check your work / ## 检查你的作业).
readme_tests() {
    awk '/^## / { on = ($0 ~ /^## (Check your work|检查你的作业)/) } on && /^\| *`/ {
             split($0, cell, "|"); s = cell[2]
             while (match(s, /`[^`]*`/)) { print substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH) }
         }' "$1" | sort -u
}

# corpus_problems TESTS FILE...: reads the checker's test names (one per
# line), then each corpus program's first line, and prints
#   uncaught TEST       a test no program names
#   unknown FILE names TEST   a named test the checker does not list
#   unmarked FILE       a first line that is not /* expect-fail: TEST ... -- why */
corpus_problems() {
    awk 'NR == FNR { known[$0] = 1; next }
         FNR == 1 {
             f = FILENAME; sub(/.*\//, "", f)
             if (!match($0, /^\/\* expect-fail: .* -- /)) { print "unmarked " f; next }
             n = split(substr($0, 16, RLENGTH - 19), t, " ")
             for (i = 1; i <= n; i++) {
                 named[t[i]] = 1
                 if (!(t[i] in known)) print "unknown " f " names " t[i]
             }
         }
         END { for (k in known) if (!(k in named)) print "uncaught " k }' "$@" | sort
}

for dir in tests/[0-9][0-9]-*; do
    lesson=$(basename "$dir")
    chk=$BUILD/checkers/check-$lesson
    if [ ! -x "$chk" ]; then
        fail "$lesson: its checker is built" "$chk is missing (make)"
        continue
    fi
    programs=$( { ls "lessons/$lesson"/*.c "solutions/$lesson"/*.c 2>/dev/null; } |
                sed 's|.*/||; s|\.c$||' | sort -u)
    : > "$T/$lesson.all"
    for program in $programs; do
        if ! "$chk" --list "$program" > "$T/list" 2> /dev/null; then
            fail "$lesson/$program: the checker knows the program" "$chk --list $program failed"
            continue
        fi
        cut -f1 "$T/list" | sort -u > "$T/tests"
        cat "$T/tests" >> "$T/$lesson.all"
        # One pass over the tests and every corpus program's first line.
        set -- "$dir/corpus/$program"/*.c
        [ -f "$1" ] || set --
        corpus_problems "$T/tests" "$@" > "$T/problems"
        uncaught=$(sed -n 's/^uncaught //p' "$T/problems")
        if [ -n "$uncaught" ]; then
            fail "$lesson/$program: every test has a corpus program that fails it" \
                "no program in $dir/corpus/$program/ names: $(echo $uncaught)"
        else
            pass "$lesson/$program: every test has a corpus program that fails it ($(wc -l < "$T/tests") tests)"
        fi
        unknown=$(sed -n 's/^unknown //p' "$T/problems")
        if [ -n "$unknown" ]; then
            fail "$lesson/$program: every test a corpus program names exists" "$unknown"
        else
            pass "$lesson/$program: every test a corpus program names exists"
        fi
        sed -n 's/^unmarked //p' "$T/problems" | while read -r f; do
            fail "$lesson/$program: $f starts with /* expect-fail: TEST -- why */"
        done
    done
    sort -u "$T/$lesson.all" -o "$T/$lesson.all"
    for readme in "lessons/$lesson/README.md" "lessons/$lesson/README.zh-CN.md"; do
        if [ ! -f "$readme" ]; then
            fail "$readme lists the tests" "there is no $readme"
            continue
        fi
        readme_tests "$readme" > "$T/readme"
        d=$(diff "$T/$lesson.all" "$T/readme" | sed -n 's/^< /missing from the table: /p; s/^> /in the table but not in --list: /p')
        if [ -n "$d" ]; then
            fail "$readme: its tables of tests are the checker's --list" "$d"
        else
            pass "$readme: its tables of tests are the checker's --list"
        fi
    done
done
exit 0
