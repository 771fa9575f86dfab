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

# "FILE<TAB>anchor" for every heading of the Markdown FILEs, as GitHub
# makes the anchors.  Bytewise (LC_ALL=C): non-ASCII letters such as CJK are
# kept, as GitHub keeps them; the common CJK and typographic punctuation is
# dropped.
anchors() {
    LC_ALL=C awk 'FNR == 1 { code = 0 }
         /^```/ { code = !code; next }
         !code && /^#+ / {
             h = $0; sub(/^#+ +/, "", h); h = tolower(h)
             gsub(/，|。|、|：|；|？|！|（|）|《|》|“|”|‘|’|—|–|…|·/, "", h)
             gsub(/[^a-z0-9 _\200-\377-]/, "", h); gsub(/ /, "-", h)
             if (seen[FILENAME, h]++) h = h "-" (seen[FILENAME, h] - 1)
             print FILENAME "\t" h
         }' "$@"
}

# Reads the anchors table, then "FILE<TAB>anchor<TAB>message" lines, and
# prints the message of each whose FILE (a path with . and .. in it) has
# no such anchor.
missing_anchors() {
    awk -F '\t' 'function norm(p,   n, a, i, k, s, out) {
             n = split(p, a, "/"); k = 0
             for (i = 1; i <= n; i++)
                 if (a[i] == ".." && k > 0) k--
                 else if (a[i] != "." && a[i] != "") s[++k] = a[i]
             out = s[1]
             for (i = 2; i <= k; i++) out = out "/" s[i]
             return out
         }
         NR == FNR { have[norm($1), $2] = 1; next }
         !((norm($1), $2) in have) { print $3 }' "$@"
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

# shellcheck disable=SC2086
anchors $files > "$tmp/anchors"
bad=0 n=0
: > "$tmp/want"
for f in $files; do
    dir=${f%/*}; [ "$dir" = "$f" ] && dir=.
    for target in $(links "$f"); do
        case $target in http://*|https://*|mailto:*) continue ;; esac
        n=$((n + 1))
        path=${target%%#*}; anchor=
        case $target in *#*) anchor=${target#*#} ;; esac
        if [ -z "$path" ]; then file=$f; else file=$dir/$path; fi
        if [ ! -e "$file" ]; then
            echo "# $f: link to $target: no file $file"; bad=$((bad + 1)); continue
        fi
        [ -n "$anchor" ] && printf '%s\t%s\t%s\n' "$file" "$anchor" \
            "$f: link to $target: $file has no heading with anchor #$anchor" >> "$tmp/want"
    done
done
missing_anchors "$tmp/anchors" "$tmp/want" > "$tmp/missing"
bad=$((bad + $(wc -l < "$tmp/missing")))
sed 's/^/# /' "$tmp/missing"
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
n=0
: > "$tmp/hints"
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
        printf '%s\t%s\t%s\n' "$lesson/README.md" "$a" \
            "$check points to $lesson/README.md#$a, which does not exist" >> "$tmp/hints"
    done
done
missing_anchors "$tmp/anchors" "$tmp/hints" > "$tmp/missing"
bad=$(wc -l < "$tmp/missing")
sed 's/^/# /' "$tmp/missing"
if [ $bad -eq 0 ]; then echo "ok - all $n README sections the checkers' hints point to exist"
else echo "not ok - $bad of $n README sections the checkers' hints point to are missing"; fi
