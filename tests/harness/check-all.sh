#!/bin/sh
# check-all.sh ROOT [LESSON...]
#
# Check every program of the given lessons (all by default) found under
# ROOT (lessons/ for the student's work, solutions/ for the reference),
# then print one summary line per program.  Exit 0 only if all passed.
# FORMAT=tap or FORMAT=json passes --format to every checker (no summary).
# PROGRAM=name checks only that program of the lessons.
# QUICK=1 leaves out the tests that take long (--quick: gigabytes).
set -u
format=${FORMAT:-human}
root=$1; shift
[ $# -gt 0 ] || set -- $(cd "$root" && ls -d [0-9][0-9]-* 2>/dev/null)
here=$(dirname "$0")
summary= ; bad=0 ; total=0
for lesson in "$@"; do
    for src in "$root/$lesson"/*.c; do
        [ -f "$src" ] || continue
        program=$(basename "$src" .c)
        [ -z "${PROGRAM:-}" ] || [ "$program" = "$PROGRAM" ] || continue
        total=$((total + 1))
        if sh "$here/check-one.sh" -o "${BUILD:-build}/$root/$lesson/$program" \
                --format "$format" ${QUICK:+--quick} "$lesson" "$program" "$src"; then
            summary="$summary
  pass  $lesson/$program"
        else
            bad=$((bad + 1))
            summary="$summary
  FAIL  $lesson/$program"
        fi
        [ "$format" = human ] && echo
    done
done
[ "$format" = human ] || { [ $bad -eq 0 ]; exit; }
echo "Summary for $root/:$summary"
echo "$((total - bad)) of $total programs pass every test."
[ $bad -eq 0 ]
