#!/bin/sh
# student-pack.sh BUILD - the archive a teacher hands out: the lessons, the
# docs a student reads, and the checks a student runs (the harness, each
# lesson's check*.c, the student tools).  No solutions/, no corpus/ or good/
# programs (they are near-solutions), no grader, no self-tests, and none of
# the instructors' docs.  Its README.md and README.zh-CN.md are the ones of
# tests/tools/pack/, written for the pack: every command they show works in
# it.
#
# LEVEL=bare: every program of the lessons is a bare file (the contract,
# the includes, an empty main: tests/tools/fresh.sh) instead of its
# skeleton, for a class that works without scaffolding.
set -eu
cd "$(dirname "$0")/../.."
build=$1
level=${LEVEL:-}
case $level in
""|skeleton) name=sockets-workbook-student ;;
bare) name=sockets-workbook-student-bare ;;
*) echo "make student-pack: LEVEL is bare or empty (the skeletons), not '$level'" >&2; exit 2 ;;
esac
mkdir -p "$build"
stage=$(mktemp -d "${TMPDIR:-/tmp}/pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT
top=$stage/sockets-workbook
mkdir -p "$top/tests"

cp Makefile "$top/"
cp tests/tools/pack/README.md tests/tools/pack/README.zh-CN.md "$top/"
cp -R lessons "$top/"
mkdir "$top/docs"
# The docs a student reads; grading, instructors and writing-checks are about
# files the pack does not ship.
for f in docs/*; do
    case $(basename "$f") in
    grading.md|instructors.md|writing-checks.md) ;;
    *) cp -R "$f" "$top/docs/" ;;
    esac
done
cp -R tests/harness "$top/tests/"
mkdir "$top/tests/tools"
for f in tests/tools/*; do
    case $(basename "$f") in
    pack|student-pack.sh|demo.sh) ;;    # the teacher's, or needs solutions/
    *) cp "$f" "$top/tests/tools/" ;;
    esac
done
for f in tests/[0-9][0-9]-*/check*.[ch]; do
    [ -f "$f" ] || continue
    mkdir -p "$top/$(dirname "$f")"
    cp "$f" "$top/$f"
done

if [ "$level" = bare ]; then
    for skel in lessons/[0-9][0-9]-*/*.c; do
        [ -f "$skel" ] || continue
        lesson=$(basename "$(dirname "$skel")")
        sh tests/tools/fresh.sh --print "$lesson" "$(basename "$skel" .c)" > "$top/$skel"
    done
fi

tar -czf "$build/$name.tar.gz" -C "$stage" sockets-workbook
what="lessons, docs, the checks (no solutions, corpus or grader)"
[ "$level" = bare ] && what="$what; every program a bare file"
echo "wrote $build/$name.tar.gz: $what"
