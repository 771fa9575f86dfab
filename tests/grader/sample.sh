#!/bin/sh
# sample.sh CLASS - assemble the bundled sample class that `make grade`
# grades when no SUBMISSIONS is given:
#
#   ada                 every reference solution (solutions/): full marks
#   grace               correct programs in other styles (tests/NN-name/good/): full marks
#   linus, margaret     typical mistakes (from tests/NN-name/corpus/), a header file,
#                       a lesson the workbook does not have
#   Dana O'Brien, Jr    a name CSV must quote; a compile error, a program
#                       that hangs (spins forever), a notes file
#
# The full-mark students are copied at run time, so they always match the
# current solutions; the others live in tests/grader/sample/.
set -eu
cd "$(dirname "$0")/../.."
class=$1
rm -rf "$class"
mkdir -p "$class"
cp -R tests/grader/sample/. "$class/"
for sol in solutions/[0-9][0-9]-*/*.c; do
    lesson=$(basename "$(dirname "$sol")") program=$(basename "$sol")
    mkdir -p "$class/ada/$lesson" && cp "$sol" "$class/ada/$lesson/$program"
    for good in tests/"$lesson"/good/"${program%.c}"/*.c; do
        [ -f "$good" ] || continue
        mkdir -p "$class/grace/$lesson" && cp "$good" "$class/grace/$lesson/$program"
        break
    done
done
