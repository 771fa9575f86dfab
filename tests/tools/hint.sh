#!/bin/sh
# hint.sh LESSON [PROGRAM] - progressive hints: each run shows one more.
#
# Hints live in lessons/LESSON/HINTS.md: a "## program" section per
# program, and in it "### Hint N" sections, gentle first; the last may show
# a piece of the solution, never all of it.  How many a student has seen is
# kept in build/hints/, per lesson and program.  RESET=1 starts over.
set -u
cd "$(dirname "$0")/../.." || exit 2
lesson=${1:-}; program=${2:-}
file=lessons/$lesson/HINTS.md
if [ -z "$lesson" ] || [ ! -f "$file" ]; then
    echo "usage: make hint L=NN [P=program]   (lessons with hints: $(ls lessons/*/HINTS.md 2>/dev/null | cut -d/ -f2 | tr '\n' ' '))" >&2
    exit 2
fi
[ -n "$program" ] || program=$(sed -n 's/^## //p' "$file" | head -n 1)
count=$(awk -v p="$program" '/^## /{ inp = ($2 == p) } inp && /^### /{ n++ } END{ print n + 0 }' "$file")
if [ "$count" -eq 0 ]; then
    echo "hint: lesson $lesson has no hints for '$program' (programs: $(sed -n 's/^## //p' "$file" | tr '\n' ' '))" >&2
    exit 2
fi
state=${BUILD:-build}/hints/$lesson.$program
mkdir -p "$(dirname "$state")"
[ "${RESET:-}" = 1 ] && rm -f "$state"
seen=$(cat "$state" 2>/dev/null || echo 0)
[ "$seen" -lt "$count" ] && seen=$((seen + 1))
echo "$seen" > "$state"
echo "Hints for $lesson/$program: $seen of $count (run again for the next one; RESET=1 to start over)"
echo
awk -v p="$program" -v upto="$seen" '
    /^## / { inp = ($2 == p); next }
    inp && /^### / { n++; if (n <= upto) print; next }
    inp && n >= 1 && n <= upto { print }' "$file"
[ "$seen" -eq "$count" ] && echo "(That was the last hint. The lesson README's Common mistakes section may help too.)"
exit 0
