#!/bin/sh
# fresh.sh LESSON PROGRAM          - `make fresh L=NN P=program`
# fresh.sh --print LESSON PROGRAM  - write the bare file to stdout only
# fresh.sh --print-from FILE LESSON PROGRAM - the same, includes taken from FILE
#
# Replaces lessons/LESSON/PROGRAM.c with a bare file, for working without
# scaffolding: the program's contract (from docs/contract.md) as a header
# comment, the includes of the skeleton, and an empty main.
#
# Never destroys work.  The file in place is kept beside the new one as
# PROGRAM.c.orig-YYYYmmdd-HHMMSS and the command says so, unless it is
# already the bare file (nothing to do) or, in a git checkout, exactly the
# committed skeleton (git brings that back: the command says how).
set -u
cd "$(dirname "$0")/../.." || exit 2

mode=replace
from=
case ${1:-} in
--print) mode=print; shift ;;
--print-from) mode=print; from=${2:-}; shift 2 ;;
esac
lesson=${1:-}
program=${2:-}
if [ -z "$lesson" ] || [ -z "$program" ] || [ ! -d "lessons/$lesson" ]; then
    echo "usage: make fresh L=NN P=program   (lessons: $(ls lessons | tr '\n' ' '))" >&2
    exit 2
fi
file=lessons/$lesson/$program.c
[ -n "$from" ] || from=$file
if [ ! -f "$from" ]; then
    echo "make fresh: lesson $lesson has no program '$program' (programs: $(cd "lessons/$lesson" && ls *.c 2>/dev/null | sed 's/\.c$//' | tr '\n' ' '))" >&2
    exit 2
fi

# The program's part of its lesson's section of docs/contract.md: the
# paragraphs from the one that starts with `PROGRAM to the one that starts
# with another program of the section (those before any program are for
# all of them).  Prose is wrapped at 72 columns, examples and table rows
# are kept as they are; "*/" could end the comment, so it becomes "* /".
contract() {
    awk -v lesson="$lesson" -v prog="$program" '
        function flush(   words, k, line) {
            if (para == "") return
            if (owner == "" || owner == prog) {
                k = split(para, words, " "); line = ""
                for (i = 1; i <= k; i++) {
                    if (line != "" && length(line) + 1 + length(words[i]) > 72) { print " * " line; line = "" }
                    line = (line == "" ? words[i] : line " " words[i])
                }
                if (line != "") print " * " line
                print " *"
            }
            para = ""
        }
        /^#+ / { flush(); insec = (index($0, "## " lesson " ") == 1); next }
        !insec { next }
        /^$/ { flush(); if (code && (owner == "" || owner == prog)) print " *"; code = 0; next }
        /^    |^\|/ { flush(); if (owner == "" || owner == prog) { gsub(/\*\//, "* /"); print " * " $0 }; code = 1; next }
        {
            if (para == "" && match($0, /^`[a-z0-9]+ /)) {
                name = substr($0, 2, RLENGTH - 2)
                if (index(progs, " " name " ")) owner = name
            }
            gsub(/\*\//, "* /")
            para = (para == "" ? $0 : para " " $0)
        }
        BEGIN { progs = " " }
        /^## / { }
        END { flush() }' progs="$(programs_of)" docs/contract.md | awk '!(/^ \*$/ && prev ~ /^ \*$/) { print } { prev = $0 }'
}

# The programs of the lesson, as " a b ": its skeletons.
programs_of() {
    printf ' '
    for f in lessons/"$lesson"/*.c; do [ -f "$f" ] && printf '%s ' "$(basename "$f" .c)"; done
}

bare() {
    usage=$(sed -n 's/^ \* usage: *//p' "$from" | head -n 1)
    n=$(echo "$lesson" | cut -c1-2)
    echo "/*"
    [ -n "$usage" ] && { echo " * usage: $usage"; echo " *"; }
    echo " * Lesson $lesson, written from nothing: no scaffolding, you write it all."
    echo " * Your program must keep this contract (docs/contract.md, the"
    echo " * section $lesson and its \"Rules for every program\"):"
    echo " *"
    contract
    echo " * The idea and the common mistakes: lessons/$lesson/README.md."
    echo " * Check it: make check L=$n P=$program     Stuck: make hint L=$n P=$program"
    echo " */"
    grep '^#include' "$from"
    echo
    echo "int main(int argc, char **argv)"
    echo "{"
    echo "    (void)argc;     /* delete these two lines when you use them */"
    echo "    (void)argv;"
    echo "    return 0;"
    echo "}"
}

if [ "$mode" = print ]; then
    bare
    exit 0
fi

tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
bare > "$tmp"
if cmp -s "$tmp" "$file"; then
    echo "make fresh: $file is already the bare file: nothing to do."
    exit 0
fi
if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
    git ls-files --error-unmatch "$file" >/dev/null 2>&1 && git diff --quiet HEAD -- "$file"; then
    cp "$tmp" "$file" || exit 1
    echo "make fresh: $file is now a bare file: the contract, the includes, an empty main."
    echo "The skeleton was unchanged; 'git checkout -- $file' brings it back."
    exit 0
fi
keep=$file.orig-$(date +%Y%m%d-%H%M%S)
while [ -e "$keep" ]; do keep=$keep.1; done
mv "$file" "$keep" || { echo "make fresh: could not keep $file as $keep: nothing changed" >&2; exit 1; }
cp "$tmp" "$file" || exit 1
echo "make fresh: your $file is kept, unchanged, as $keep."
echo "$file is now a bare file: the contract, the includes, an empty main."
