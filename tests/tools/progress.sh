#!/bin/sh
# progress.sh - every lesson's programs in lessons/, how many of their tests
# pass, and the next one to work on.  A program's result is kept with a
# checksum of its source, so only what changed since the last look is checked.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
cache=$BUILD/progress
mkdir -p "$cache"
done_n=0 total_n=0 tpass=0 ttotal=0 next=
printf '%-14s %-12s %7s\n' lesson program tests
for dir in lessons/[0-9][0-9]-*; do
    lesson=$(basename "$dir")
    for src in "$dir"/*.c; do
        program=$(basename "$src" .c)
        [ -x "$BUILD/checkers/check-$lesson" ] || continue
        total_n=$((total_n + 1))
        sum=$(cksum < "$src" | cut -d' ' -f1)
        res=$cache/$lesson.$program
        if [ ! -f "$res" ] || [ "$(head -n 1 "$res")" != "$sum" ]; then
            tap=$(sh tests/harness/check-one.sh -o "$BUILD/lessons/$lesson/$program" \
                  --format tap "$lesson" "$program" "$src" 2>/dev/null)
            n=$("$BUILD/checkers/check-$lesson" --list "$program" | wc -l)
            # A skipped test (ok ... # SKIP) was not run: neither passed nor counted.
            ok=$(echo "$tap" | grep '^ok' | grep -vc '# SKIP')
            n=$((n - $(echo "$tap" | grep -c '^ok.*# SKIP')))
            printf '%s\n%s %s\n' "$sum" "$ok" "$n" > "$res"
        fi
        set -- $(sed -n 2p "$res")
        ok=$1 n=$2
        tpass=$((tpass + ok)) ttotal=$((ttotal + n))
        if [ "$ok" -eq "$n" ]; then
            mark="done"; done_n=$((done_n + 1))
        else
            mark=""; [ -n "$next" ] || next="$lesson $program"
        fi
        printf '%-14s %-12s %3s/%-3s %s\n' "$lesson" "$program" "$ok" "$n" "$mark"
    done
done
echo
echo "Programs done: $done_n of $total_n; tests passed: $tpass of $ttotal."
if [ -n "$next" ]; then
    set -- $next
    echo "Next: $1/$2. Read lessons/$1/README.md, edit lessons/$1/$2.c, then: make check L=${1%%-*}"
else
    echo "Every program passes every test. Well done."
fi
