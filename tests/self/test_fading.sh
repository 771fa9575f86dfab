#!/bin/sh
# test_fading.sh - the scaffolding fades (docs/fading.md): per program, the
# share of the solution that the skeleton leaves for the student to write.
#
# How we count:
#   - a "line" of a C file is a line left once comments (/* ... */, also
#     over several lines, and // ...) are removed, with ALL whitespace
#     removed, that holds more than braces and semicolons.  A blank line,
#     a comment-only line or a lone `}` is not a line: none of them is
#     something a student writes or learns.
#   - a solution line counts as GIVEN if the same line appears in the
#     skeleton; lines are matched as a multiset (three `}` in the skeleton
#     give at most three `}` of the solution).  Everything else is WRITTEN
#     by the student.
#   - share = written / solution lines, in whole percent (rounded down).
# Floors (the plan of docs/fading.md): 30% in lessons 01-02, 50% in 03-05,
# 60% in 06-08, 70% in Part II (09 on).  A lesson counts once both its
# lessons/ skeleton and solutions/ answer exist.
#
# Prints TAP lines ("ok - ..." / "not ok - ...") for tests/self/run.sh, and
# the table as "#" lines.  FADING_TABLE=1 prints only the table.
set -u
cd "$(dirname "$0")/../.." || exit 2

# code FILE: the file's code lines, normalised as above, one a line.
code() {
    awk '
    {
        line = $0; out = ""
        while (length(line) > 0) {
            if (incomment) {
                e = index(line, "*/")
                if (e == 0) { line = ""; break }
                line = substr(line, e + 2); incomment = 0
                continue
            }
            s = index(line, "/*"); d = index(line, "//")
            if (d > 0 && (s == 0 || d < s)) { out = out substr(line, 1, d - 1); line = ""; break }
            if (s == 0) { out = out line; line = ""; break }
            out = out substr(line, 1, s - 1); line = substr(line, s + 2); incomment = 1
        }
        gsub(/[ \t\r]/, "", out)
        if (out !~ /^[{};]*$/) print out
    }' "$1"
}

floor_of() {
    case $1 in
    0[12]) echo 30 ;;
    0[345]) echo 50 ;;
    0[678]) echo 60 ;;
    *) echo 70 ;;
    esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '# %-30s %8s %8s %6s %6s\n' "lesson/program" "writes" "of" "share" "floor"
: > "$tmp/verdicts"
for skel in lessons/[0-9][0-9]-*/*.c; do
    [ -f "$skel" ] || continue
    lesson=$(basename "$(dirname "$skel")")
    program=$(basename "$skel" .c)
    sol=solutions/$lesson/$program.c
    [ -f "$sol" ] || continue
    code "$sol" > "$tmp/sol"
    code "$skel" > "$tmp/skel"
    total=$(wc -l < "$tmp/sol")
    # given: per distinct line, the smaller of its two counts.
    given=$(awk 'NR == FNR { have[$0]++; next } have[$0] > 0 { have[$0]--; n++ } END { print n + 0 }' \
        "$tmp/skel" "$tmp/sol")
    written=$((total - given))
    share=0
    [ "$total" -gt 0 ] && share=$((written * 100 / total))
    floor=$(floor_of "$(echo "$lesson" | cut -c1-2)")
    printf '# %-30s %8d %8d %5d%% %5d%%\n' "$lesson/$program" "$written" "$total" "$share" "$floor"
    if [ "$share" -ge "$floor" ]; then
        echo "ok - fading: $lesson/$program leaves $written of $total solution lines ($share%) to the student (floor $floor%)"
    else
        echo "not ok - fading: $lesson/$program leaves only $written of $total solution lines ($share%) to the student, below the floor of $floor% (docs/fading.md)"
    fi >> "$tmp/verdicts"
done
[ "${FADING_TABLE:-}" = 1 ] && exit 0
cat "$tmp/verdicts"

# No comment of a skeleton shows a library call with its arguments (the
# signature of a function the student writes, or "fcntl(2)", is fine).
calls='socket|bind|listen|accept|accept4|connect|recv|send|recvfrom|sendto|getsockopt|setsockopt'
calls="$calls|getsockname|poll|select|epoll_[a-z]+|shutdown|close|read|write|fcntl|getaddrinfo"
calls="$calls|inet_ntop|inet_pton|sigaction|signal|fflush|printf|fprintf|snprintf|memcpy|memcmp"
calls="$calls|getline|fgets|htons|ntohs|clock_gettime"
for skel in lessons/[0-9][0-9]-*/*.c; do
    [ -f "$skel" ] || continue
    bad=$(awk '/\/\*/ { c = 1 } c { print } /\*\// { c = 0 }' "$skel" |
        grep -E "(^|[^a-z_])($calls)\([^)0-9]" | head -n 1)
    if [ -z "$bad" ]; then
        echo "ok - fading: no comment of $skel spells out a call with its arguments"
    else
        echo "not ok - fading: a comment of $skel spells out a call with its arguments:$bad"
    fi
done
