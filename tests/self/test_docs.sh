#!/bin/sh
# test_docs.sh - every relative link between the workbook's Markdown files
# resolves (file and #anchor, by GitHub's rules), and every ```c block in
# them compiles.  ```c-fragment blocks are pieces of code and are skipped.
# Prints TAP lines for tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=$(find README.md README.zh-CN.md docs lessons -name "*.md" | sort)

# The anchors of a Markdown file, one per line, as GitHub makes them.
# Bytewise (LC_ALL=C): non-ASCII letters such as CJK are kept, as GitHub
# keeps them; the common CJK and typographic punctuation is dropped.
anchors() {
    LC_ALL=C awk '/^```/ { code = !code; next }
         !code && /^#+ / {
             h = $0; sub(/^#+ +/, "", h); h = tolower(h)
             gsub(/，|。|、|：|；|？|！|（|）|《|》|“|”|‘|’|—|–|…|·/, "", h)
             gsub(/[^a-z0-9 _\200-\377-]/, "", h); gsub(/ /, "-", h)
             if (seen[h]++) h = h "-" (seen[h] - 1)
             print h
         }' "$1"
}

# Every link target of a Markdown file outside code blocks and code spans.
links() {
    awk '/^```/ { code = !code; next }
         !code {
             line = $0; gsub(/`[^`]*`/, "", line)
             while (match(line, /\]\([^)]+\)/)) {
                 print substr(line, RSTART + 2, RLENGTH - 3)
                 line = substr(line, RSTART + RLENGTH)
             }
         }' "$1"
}

bad=0 n=0
for f in $files; do
    dir=$(dirname "$f")
    for target in $(links "$f"); do
        case $target in http://*|https://*|mailto:*) continue ;; esac
        n=$((n + 1))
        path=${target%%#*}; anchor=
        case $target in *#*) anchor=${target#*#} ;; esac
        if [ -z "$path" ]; then file=$f; else file=$dir/$path; fi
        if [ ! -e "$file" ]; then
            echo "# $f: link to $target: no file $file"; bad=$((bad + 1)); continue
        fi
        if [ -n "$anchor" ] && ! anchors "$file" | grep -qx -- "$anchor"; then
            echo "# $f: link to $target: $file has no heading with anchor #$anchor"; bad=$((bad + 1))
        fi
    done
done
if [ $bad -eq 0 ]; then echo "ok - all $n links between the docs resolve"
else echo "not ok - $bad of $n links between the docs are broken"; fi

bad=0 n=0
for f in $files; do
    awk -v out="$tmp/snip" -v src="$f" '
        /^```c *$/ { k++; name = out "." k ".c"; inside = 1; printf "" > name; next }
        /^```/ && inside { inside = 0; close(name); print name "\t" src; next }
        inside { print > name }' "$f" > "$tmp/list"
    while IFS=$(printf '\t') read -r snip src; do
        n=$((n + 1))
        if ! ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -c "$snip" -o "$tmp/o.o" > "$tmp/err" 2>&1; then
            bad=$((bad + 1)); echo "# $src: a \`\`\`c block does not compile:"
            head -n 5 "$tmp/err" | sed 's/^/#   /'
        fi
    done < "$tmp/list"
    rm -f "$tmp"/snip.*
done
if [ $bad -eq 0 ]; then echo "ok - all $n C snippets in the docs compile"
else echo "not ok - $bad of $n C snippets in the docs do not compile"; fi

# Every README anchor a checker's hint points to exists in that lesson's README.
bad=0 n=0
for checks in tests/[0-9][0-9]-*; do
    lesson=lessons/$(basename "$checks")
    [ -f "$checks/check.c" ] || continue
    check="$checks/check*.c"   # check.c and a check_<program>.c per program
    want=$(cat $check | grep -o '"#[a-z0-9_-]*"' | tr -d '"#' | sort -u)
    want="$want usage-errors errors"   # the harness's own hints
    cat $check | grep -q 'server_start\|expect_ready' && want="$want the-ready-line"
    cat $check | grep -q 'tcp_connect' && want="$want byte-order"
    for a in $want; do
        n=$((n + 1))
        if [ ! -f "$lesson/README.md" ] || ! anchors "$lesson/README.md" | grep -qx -- "$a"; then
            bad=$((bad + 1)); echo "# $check points to $lesson/README.md#$a, which does not exist"
        fi
    done
done
if [ $bad -eq 0 ]; then echo "ok - all $n README sections the checkers' hints point to exist"
else echo "not ok - $bad of $n README sections the checkers' hints point to are missing"; fi
