#!/bin/sh
# bench-similarity.sh [STUDENTS [PROGRAMS]] - time the similarity pass alone on
# a big class: STUDENTS (default 300) x the first PROGRAMS programs of the
# workbook (default: every one), each file
# one of the solutions, correct programs (tests/NN-name/good/) or buggy ones
# (tests/NN-name/corpus/), mutated per student (comments dropped or
# changed, names changed, lines added), so that many pairs share code: the
# expensive case for the comparison.  Runs `grader --similarity-only`, which
# grades nothing.  Usage: BUILD=build sh tests/self/bench-similarity.sh [300 [13]]
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${1:-300}
MAXPROG=${2:-1000}
G=$BUILD/grader
[ -x "$G" ] || { echo "bench-similarity: build the grader first (make $G)"; exit 2; }
T=$BUILD/bench-similarity
class=$T/class
rm -rf "$T"
mkdir -p "$class"

t0=$(date +%s)
nprog=0
for sol in solutions/[0-9][0-9]-*/*.c; do
    l=$(basename "$(dirname "$sol")") p=$(basename "$sol" .c)
    [ -x "$BUILD/checkers/check-$l" ] || continue
    [ $nprog -lt "$MAXPROG" ] || break
    nprog=$((nprog + 1))
    # One awk per program writes every student's file: mutation k of pool file k.
    ls "$sol" tests/"$l"/good/"$p"/*.c tests/"$l"/corpus/"$p"/*.c 2>/dev/null |
    awk -v n="$N" -v class="$class" -v l="$l" -v p="$p" '
        # every whole-word "from" in s becomes "to" (POSIX awk has no \<)
        function rename(s, from, to,    out, at, pre, post) {
            out = ""
            while ((at = index(s, from)) > 0) {
                pre = at > 1 ? substr(s, at - 1, 1) : " "
                post = substr(s, at + length(from), 1)
                if (pre ~ /[A-Za-z0-9_]/ || post ~ /[A-Za-z0-9_]/) {
                    out = out substr(s, 1, at + length(from) - 1)
                } else {
                    out = out substr(s, 1, at - 1) to
                }
                s = substr(s, at + length(from))
            }
            return out s
        }
        { pool[np++] = $0 }
        END {
            for (s = 0; s < n; s++) {
                f = pool[(s * 7 + length(p)) % np]
                dir = sprintf("%s/student%03d/%s", class, s, l)
                system("mkdir -p \"" dir "\"")
                out = dir "/" p ".c"
                k = 0
                while ((getline line < f) > 0) {
                    k++
                    if (s % 3 == 0 && line ~ /^[ \t]*(\/\*|\*)/) continue         # comments dropped
                    if (s % 3 == 1 && line ~ /^[ \t]*\/\*/) line = "/* my note " s " */"
                    line = rename(line, "fd", "fd" s)                             # names changed
                    line = rename(line, "len", "len_" s)
                    line = rename(line, "i", "i" s)
                    print line > out
                    if (line ~ /^}/ && (s + k) % 4 == 0)                           # lines added
                        print "static int extra_" s "_" k " = " k ";" > out
                }
                close(f)
                close(out)
            }
        }'
done
t1=$(date +%s)
files=$(find "$class" -name '*.c' | wc -l)
echo "bench-similarity: generated $files files ($N students x $nprog programs) in $((t1 - t0)) s"
start=$(date +%s.%N 2>/dev/null || date +%s)
"$G" --checkers "$BUILD/checkers" --similarity-only "$class" "$T/out"
end=$(date +%s.%N 2>/dev/null || date +%s)
echo "bench-similarity: the whole command (scan, asking each checker its tests, comparing, writing the page) took $(echo "$end $start" | awk '{ printf "%.2f", $1 - $2 }') s"
ls -l "$T/out/similarity.html" | awk '{ print "bench-similarity: similarity.html is " $5 " bytes" }'
