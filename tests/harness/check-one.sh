#!/bin/sh
# check-one.sh [-o EXE] [checker options] LESSON PROGRAM SOURCE.c
#
# Compile one program with the contract's rule 1 command and run its
# lesson's checker on it.  A compile error is reported as a failed test
# "compiles" in the requested format.  Exit 0 only if every test passed.
set -u
BUILD=${BUILD:-build}
CC=${CC:-cc}
CFLAGS="-std=gnu11 -Wall -Wextra -O1 -g"
exe=
format=human
case ${1:-} in -o) exe=$2; shift 2 ;; esac
opts=
while [ $# -gt 3 ]; do
    case $1 in --format) format=$2 ;; esac
    opts="$opts $1"; shift
done
[ $# -eq 3 ] || { echo "usage: check-one.sh [-o EXE] [checker options] LESSON PROGRAM SOURCE.c" >&2; exit 2; }
lesson=$1 program=$2 src=$3
checker=$BUILD/checkers/check-$lesson
[ -x "$checker" ] || { echo "check-one.sh: no checker $checker (run make)" >&2; exit 2; }
[ -n "$exe" ] || exe=$BUILD/run/$lesson/$program
mkdir -p "${exe%/*}"
log=$exe.compile.log
rm -f "$exe" "$exe.static"
if [ ! -f "$src" ]; then
    echo "$src: no such file" > "$log"; ok=no
elif $CC $CFLAGS "$src" -o "$exe" > "$log" 2>&1; then
    ok=yes
    # Lesson 01 runs with RLIMIT_NOFILE 3, too low for the dynamic loader.
    if [ "$program" = sockinfo ]; then
        $CC $CFLAGS -static "$src" -o "$exe.static" >/dev/null 2>&1 || rm -f "$exe.static"
    fi
else
    ok=no
fi
if [ $ok = no ]; then
    msg="it does not compile: $CC $CFLAGS $src"
    case $format in
    tap)  printf 'TAP version 13\n1..1\nnot ok 1 - compiles # %s\n' "$msg"
          head -n 40 "$log" | sed 's/^/# /' ;;
    json) printf '{"lesson": "%s", "program": "%s", "compile_error": ' "$lesson" "$program"
          head -c 4000 "$log" | head -n 40 | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' |
              awk 'BEGIN{printf "\""} {printf "%s\\n", $0} END{printf "\""}'
          printf ', "tests": [], "passed": 0, "failed": 1, "skipped": 0, "total": 0}\n' ;;
    *)    echo "$lesson/$program: FAIL, $msg"
          head -n 40 "$log" | sed 's/^/  | /'
          echo "  Fix the first error first: later ones often follow from it." ;;
    esac
    exit 1
fi
if [ "$format" = human ] && [ -s "$log" ]; then
    echo "$lesson/$program: compiled with warnings (read them: they often point at the bug):"
    head -n 20 "$log" | sed 's/^/  | /'
fi
exec "$checker" $opts "$program" "$exe"
