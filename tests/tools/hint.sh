#!/bin/sh
# hint.sh LESSON [PROGRAM] - progressive hints: each run shows one more.
#
# Hints live in lessons/LESSON/HINTS.md: a "## program" section per
# program, and in it "### Hint N" sections, gentle first; the last may show
# a piece of the solution, never all of it.  How many a student has seen is
# kept in build/hints/, per lesson and program.  RESET=1 starts over.
# HINTS.zh-CN.md holds the same ladder in Chinese: it is shown when
# HINT_LANG is zh-CN, or, without HINT_LANG, when the locale (LANGUAGE,
# LC_ALL, LC_MESSAGES, LANG: the first one set) is Chinese.
set -u
cd "$(dirname "$0")/../.." || exit 2
lesson=${1:-}; program=${2:-}
file=lessons/$lesson/HINTS.md
lang=${HINT_LANG:-${LANGUAGE:-${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}}}
zh=
case $lang in zh*) [ -f "lessons/$lesson/HINTS.zh-CN.md" ] && zh=yes ;; esac
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
if [ -n "$zh" ]; then
    file=lessons/$lesson/HINTS.zh-CN.md
    echo "$lesson/$program 的提示：第 $seen 条，共 $count 条（再运行一次看下一条；RESET=1 从头开始；HINT_LANG=en 看英文）"
else
    echo "Hints for $lesson/$program: $seen of $count (run again for the next one; RESET=1 to start over)"
fi
echo
awk -v p="$program" -v upto="$seen" '
    /^## / { inp = ($2 == p); next }
    inp && /^### / { n++; if (n <= upto) print; next }
    inp && n >= 1 && n <= upto { print }' "$file"
if [ "$seen" -eq "$count" ]; then
    if [ -n "$zh" ]; then echo "（这是最后一条提示。本课 README 的“常见错误”一节也许也有帮助。）"
    else echo "(That was the last hint. The lesson README's Common mistakes section may help too.)"; fi
fi
exit 0
