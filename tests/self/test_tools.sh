#!/bin/sh
# test_tools.sh - the student's loop: make watch re-runs on a change, make hint
# advances, make progress counts, make student-pack leaves solutions out.
# Prints TAP lines ("ok - ..." / "not ok - ...") for tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

# watch: one run at the start, one after a file changes, bounded by --max-runs/--timeout.
mkdir "$tmp/w"; echo 'int x;' > "$tmp/w/a.c"
"$BUILD/tools/watch" --max-runs 2 --timeout 10 "$tmp/w" sh -c "echo run >> $tmp/runs" \
    > "$tmp/watch.out" 2>&1 &
pid=$!
i=0; while [ ! -s "$tmp/runs" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
# The watcher took its fingerprint before the first run: a change from now on is seen.
echo 'int y;' >> "$tmp/w/a.c"
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill $pid 2>/dev/null
n=$(wc -l < "$tmp/runs" 2>/dev/null || echo 0)
say $([ "$n" -eq 2 ] && echo 0 || echo 1) "watch re-runs the command once after a .c file changes (runs: $n)"

# watch with nothing changing ends at its timeout, having run once.
: > "$tmp/runs1"
"$BUILD/tools/watch" --max-runs 2 --timeout 1 "$tmp/w" sh -c "echo run >> $tmp/runs1" >/dev/null 2>&1
say $([ "$(wc -l < "$tmp/runs1")" -eq 1 ] && echo 0 || echo 1) "watch without a change runs once and stops at its timeout"

# hint: each run shows one more hint, up to the last.
ls lessons/*/HINTS.md >/dev/null 2>&1; say $? "lessons have hints (lessons/NN-*/HINTS.md)"
for lesson in lessons/[0-9][0-9]-*; do
    [ -f "$lesson/HINTS.md" ] || continue
    l=$(basename "$lesson")
    p=$(sed -n 's/^## //p' "$lesson/HINTS.md" | head -n 1)
    out1=$(BUILD=$tmp/b sh tests/tools/hint.sh "$l" "$p" | grep -c '^### ')
    out2=$(BUILD=$tmp/b sh tests/tools/hint.sh "$l" "$p" | grep -c '^### ')
    say $([ "$out1" -eq 1 ] && [ "$out2" -eq 2 ] && echo 0 || echo 1) \
        "make hint for $l/$p shows 1 hint, then 2 (saw $out1, $out2)"
    break
done

# The Chinese ladders: one per lesson, the same programs and the same number
# of hints for each as the English one, and shown for a Chinese locale.
ladder() { awk '/^## / { p = $2 } /^### / { n[p]++ } END { for (k in n) print k, n[k] }' "$1" | sort; }
bad=
for lesson in lessons/[0-9][0-9]-*; do
    [ -f "$lesson/HINTS.md" ] || continue
    if [ ! -f "$lesson/HINTS.zh-CN.md" ]; then bad="$bad $lesson(no HINTS.zh-CN.md)"; continue; fi
    [ "$(ladder "$lesson/HINTS.md")" = "$(ladder "$lesson/HINTS.zh-CN.md")" ] ||
        bad="$bad $lesson(programs or hint counts differ: $(ladder "$lesson/HINTS.zh-CN.md" | tr '\n' ' '))"
done
say $([ -z "$bad" ] && echo 0 || echo 1) "every lesson's HINTS.zh-CN.md has the English ladder's programs and hints${bad:+ (wrong:$bad)}"
l=03-accept
# The caller's own locale settings would outrank LANG: none of them.
zh() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u HINT_LANG BUILD="$tmp/zh" LANG=zh_CN.UTF-8 "$@" \
           sh tests/tools/hint.sh $l greeter | sed -n '3p'; }
zh1=$(zh)
zh2=$(zh HINT_LANG=en RESET=1)
[ "$zh1" = "$(grep -m 1 '^### ' lessons/$l/HINTS.zh-CN.md)" ] && [ "$zh2" = "$(grep -m 1 '^### ' lessons/$l/HINTS.md)" ]
say $? "make hint shows the Chinese ladder for a Chinese locale, the English one with HINT_LANG=en (saw: $zh1 / $zh2)"

# student-pack: the lessons and their checks; no solutions, corpus, good programs or grader.
make -s student-pack BUILD="$tmp/pack" >/dev/null 2>&1
list=$(tar -tzf "$tmp/pack/sockets-workbook-student.tar.gz" 2>/dev/null)
echo "$list" | grep -q 'lessons/01-socket/sockinfo.c' &&
    echo "$list" | grep -q 'tests/01-socket/check.c' && echo "$list" | grep -q 'tests/harness/harness.h' &&
    ! echo "$list" | grep -q 'solutions/\|/corpus/\|/good/\|tests/grader\|tests/self'
say $? "make student-pack holds the lessons and their checks, no solutions, corpus, good programs or grader"

# The pack stands on its own: unpacked, its README's first command checks
# lesson 01 (the skeleton fails: a verdict, and make fails), and make test
# says it is not in the pack instead of failing to build.
mkdir -p "$tmp/unpacked"
tar -xzf "$tmp/pack/sockets-workbook-student.tar.gz" -C "$tmp/unpacked" 2>/dev/null
p=$tmp/unpacked/sockets-workbook
out=$(cd "$p" && timeout 300 make check L=01 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'sockinfo: [0-9]* of [0-9]* tests passed' &&
    [ -f "$p/README.zh-CN.md" ] && grep -q 'make check L=01' "$p/README.md" &&
    (cd "$p" && make test 2>&1 | grep -q 'student pack leaves')
say $? "the student pack, unpacked, runs make check L=01 (exit $rc) and says make test is not in it"
