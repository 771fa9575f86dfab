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
        # What the corpus names: "file test" pairs.
        : > "$T/named"
        for f in "$dir/corpus/$program"/*.c; do
            [ -f "$f" ] || continue
            head -n 1 "$f" | sed -n 's|^/\* expect-fail: \(.*\) -- .*|\1|p' | tr ' ' '\n' |
                sed '/^$/d; s|^|'"$(basename "$f")"' |' >> "$T/named"
        done
        uncaught=$(cut -d' ' -f2 "$T/named" | sort -u | comm -23 "$T/tests" -)
        if [ -n "$uncaught" ]; then
            fail "$lesson/$program: every test has a corpus program that fails it" \
                "no program in $dir/corpus/$program/ names: $(echo $uncaught)"
        else
            pass "$lesson/$program: every test has a corpus program that fails it ($(wc -l < "$T/tests") tests)"
        fi
        unknown=$(while read -r file t; do
                      grep -qx -- "$t" "$T/tests" || echo "$file names $t"
                  done < "$T/named")
        if [ -n "$unknown" ]; then
            fail "$lesson/$program: every test a corpus program names exists" "$unknown"
        else
            pass "$lesson/$program: every test a corpus program names exists"
        fi
        for f in "$dir/corpus/$program"/*.c; do
            [ -f "$f" ] || continue
            head -n 1 "$f" | grep -q '^/\* expect-fail: .* -- ' ||
                fail "$lesson/$program: $(basename "$f") starts with /* expect-fail: TEST -- why */"
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
