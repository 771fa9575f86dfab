#!/bin/sh
# test_fresh.sh - make fresh and make student-pack LEVEL=bare: the bare file
# holds the program's contract, its includes and an empty main, compiles
# without a warning, and no command destroys a student's work.
# Works on a copy of lessons/ (others may be editing the real one).
# Prints TAP lines ("ok - ..." / "not ok - ...") for tests/self/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

# Every program's bare file compiles with -Wall -Wextra -Werror and quotes
# the program's own paragraph of docs/contract.md.
bad=
for skel in lessons/[0-9][0-9]-*/*.c; do
    [ -f "$skel" ] || continue
    lesson=$(basename "$(dirname "$skel")")
    program=$(basename "$skel" .c)
    out=$tmp/$lesson.$program.c
    sh tests/tools/fresh.sh --print "$lesson" "$program" > "$out" 2>"$out.err" || { bad="$bad $program(fresh failed)"; continue; }
    $CC -std=gnu11 -Wall -Wextra -Werror -c -o /dev/null "$out" 2>>"$out.err" || bad="$bad $program(compile)"
    grep -q "^ \* \`$program " "$out" || bad="$bad $program(no contract)"
    grep -q 'TODO' "$out" && bad="$bad $program(has a TODO)"
    grep -q '| |---|' "$out" && bad="$bad $program(a table flattened into prose)"
    grep -q '^int main(int argc, char \*\*argv)$' "$out" || bad="$bad $program(no main)"
done
say $([ -z "$bad" ] && echo 0 || echo 1) "make fresh: every program's bare file has its contract (tables kept as rows), no TODO, an empty main, and compiles warning-free${bad:+ (wrong:$bad)}"

# A copy of the tree fresh.sh needs, outside any git work tree.
mkdir -p "$tmp/w/tests/tools" "$tmp/w/docs"
cp tests/tools/fresh.sh "$tmp/w/tests/tools/"
cp docs/contract.md "$tmp/w/docs/"
cp -R lessons "$tmp/w/"
file=$tmp/w/lessons/06-tcp-echo/echoserver.c
echo '/* my own work */' >> "$file"
cp "$file" "$tmp/mine.c"
out1=$(cd "$tmp/w" && GIT_DIR=/nonexistent sh tests/tools/fresh.sh 06-tcp-echo echoserver 2>&1)
kept=$(ls "$tmp/w/lessons/06-tcp-echo/" | grep '^echoserver\.c\.orig-' | head -n 1)
[ -n "$kept" ] && cmp -s "$tmp/mine.c" "$tmp/w/lessons/06-tcp-echo/$kept" &&
    grep -q 'written from nothing' "$file" && echo "$out1" | grep -q "kept, unchanged, as"
say $? "make fresh keeps a changed file, byte for byte, as PROGRAM.c.orig-DATE and says so"

out2=$(cd "$tmp/w" && GIT_DIR=/nonexistent sh tests/tools/fresh.sh 06-tcp-echo echoserver 2>&1)
n=$(ls "$tmp/w/lessons/06-tcp-echo/" | grep -c '^echoserver\.c\.orig-')
echo "$out2" | grep -q 'nothing to do' && [ "$n" -eq 1 ]
say $? "make fresh on a bare file does nothing (keeps: $n)"

echo 'int started;' >> "$file"
cp "$file" "$tmp/mine2.c"
(cd "$tmp/w" && GIT_DIR=/nonexistent sh tests/tools/fresh.sh 06-tcp-echo echoserver >/dev/null 2>&1)
found=1
for k in "$tmp"/w/lessons/06-tcp-echo/echoserver.c.orig-*; do cmp -s "$k" "$tmp/mine2.c" && found=0; done
n=$(ls "$tmp/w/lessons/06-tcp-echo/" | grep -c '^echoserver\.c\.orig-')
[ "$found" = 0 ] && [ "$n" -eq 2 ]
say $? "make fresh twice in a second keeps both earlier files (keeps: $n)"

(cd "$tmp/w" && sh tests/tools/fresh.sh 06-tcp-echo nosuch >/dev/null 2>&1)
[ $? -eq 2 ]
say $? "make fresh with an unknown program is a usage error"

# make student-pack LEVEL=bare: every program of the pack is a bare file.
LEVEL=bare sh tests/tools/student-pack.sh "$tmp/pack" >/dev/null 2>&1
tar -xzf "$tmp/pack/sockets-workbook-student-bare.tar.gz" -C "$tmp/pack" 2>/dev/null
bad=
for f in "$tmp"/pack/sockets-workbook/lessons/*/*.c; do
    grep -q 'written from nothing' "$f" && ! grep -q 'TODO' "$f" || bad="$bad $(basename "$f")"
done
[ -f "$tmp/pack/sockets-workbook/lessons/01-socket/sockinfo.c" ] && [ -z "$bad" ]
say $? "make student-pack LEVEL=bare gives a bare file for every program${bad:+ (not bare:$bad)}"
