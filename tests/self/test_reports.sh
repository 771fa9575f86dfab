#!/bin/sh
# test_reports.sh - the grader's two HTML reports (make test runs it; one TAP
# line per check; a few seconds).
#
# 1. Grades a small class of lesson 01 whose student directories are hostile
#    names (<script>, "><img onerror>, & and quotes, non-ASCII, bytes that
#    are no UTF-8), with a student whose program prints HTML and bad bytes,
#    independent correct programs and a planted copy of one of them
#    (comments replaced, identifiers renamed, functions reordered).  Checks:
#    both reports exist, every student and program appears, nothing hostile
#    comes through unescaped, every in-page link has its anchor, the copy is
#    the top pair, no other pair is listed.
# 2. Without grading (grader --similarity-only): for every program, the
#    solution and every correct program of tests/NN-name/good/ plus a
#    planted copy of one of them: the copy is listed, and no pair of
#    independent programs is.  Some correct programs were made from the
#    solution (80% or more of their lines are the solution's, comments
#    aside): those pairs are listed rightly, and shown as a TAP comment.
set -u
LC_ALL=C
export LC_ALL
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
G=$BUILD/grader
T=$BUILD/test/reports
class=$T/class out=$T/out

pass() { echo "ok - reports: $1"; }
fail() { echo "not ok - reports: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/# /'; }
expect() { if [ "$2" = yes ]; then pass "$1"; else fail "$1" "${3:-}"; fi; }

if [ ! -x "$G" ] || [ ! -x "$BUILD/checkers/check-01-socket" ]; then
    fail "builds" "$G or the checker of lesson 01 is missing (make)"
    exit 0
fi

# The anchor report.html gives a name: [A-Za-z0-9] kept, any other byte _XX.
html_id() {
    printf '%s' "$2" | od -An -v -tx1 | tr -s ' \n' '\n\n' | awk -v p="$1" '
        BEGIN { h = "0123456789abcdef"; printf "%s", p }
        NF { v = (index(h, substr($1, 1, 1)) - 1) * 16 + index(h, substr($1, 2, 1)) - 1
             if ((v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122)) printf "%c", v
             else printf "_%s", toupper($1) }'
}

# A copy as a student who copies would disguise it: the comments removed
# and new ones written, local names changed, the functions in another order
# (with prototypes first, so that it still compiles).
plant_copy() {
    ${CC:-cc} -fpreprocessed -dD -E -P "$1" 2>/dev/null |
    awk '
        # Rename whole words outside string and character literals.
        BEGIN { n = split("fd sock_desc len nbytes_left buf storage i idx n got s text p cursor " \
                          "port port_number args arguments line one_line k kk count how_many", w, " ")
                for (j = 1; j < n; j += 2) to[w[j]] = w[j + 1] }
        /^#/ { print; next }
        {
            out = ""; rest = $0
            while (rest != "") {
                c = substr(rest, 1, 1)
                if (c == "\"" || c == "\047") {   # a literal: copied as it is
                    k = 2
                    while (k <= length(rest) && substr(rest, k, 1) != c) k += substr(rest, k, 1) == "\\" ? 2 : 1
                    out = out substr(rest, 1, k); rest = substr(rest, k + 1)
                } else if (match(rest, /^[A-Za-z_][A-Za-z0-9_]*/)) {
                    word = substr(rest, 1, RLENGTH)
                    out = out (word in to ? to[word] : word); rest = substr(rest, RLENGTH + 1)
                } else if (match(rest, /^[0-9][A-Za-z0-9_.]*/)) {
                    out = out substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
                } else {
                    out = out c; rest = substr(rest, 2)
                }
            }
            print out
        }' |
    awk '{ line[NR] = $0 }
        END {
            nb = 0
            for (i = 1; i < NR; i++) {
                if (line[i + 1] != "{" || line[i] !~ /^[A-Za-z_]/ || line[i] ~ /;[ \t]*$/) continue
                for (j = i + 2; j <= NR && line[j] !~ /^}/; j++) ;
                nb++; bs[nb] = i; be[nb] = j
                for (k = i; k <= j; k++) inblock[k] = 1
                i = j
            }
            for (k = 1; k <= NR; k++) if (!inblock[k]) print line[k]
            for (b = 1; b <= nb; b++) if (line[bs[b]] !~ /main[ \t]*\(/) print line[bs[b]] ";"
            for (b = nb; b >= 1; b--) {
                printf "\n/* step %d of my program, my own words */\n", nb - b + 1
                for (k = bs[b]; k <= be[b]; k++) print line[k]
            }
        }' > "$2"
}

# ---- 1. a graded class with hostile names --------------------------------
rm -rf "$T" && mkdir -p "$class"
L=01-socket P=sockinfo
# A directory name cannot hold a slash: the closing tag's is U+2215, which looks the same.
script='<script>alert(1)<∕script>'
img='"><img src=x onerror=alert(1)>'
amp="Tom & \"Jerry\" 'Q'"
cjk='张伟 Zoë'
bytes=$(printf 'bad\377\376name')
goods=$(ls tests/$L/good/$P/*.c 2>/dev/null)
set -- "$script" "$amp" "$cjk" "$bytes"
k=0
for g in solutions/$L/$P.c $goods; do   # independent correct programs, one per student
    [ $# -gt 0 ] || break
    mkdir -p "$class/$1/$L" && cp "$g" "$class/$1/$L/$P.c"
    [ $k -eq 0 ] && original=$g
    k=$((k + 1))
    shift
done
# The copy: of the first student's program, by "><img ...>.
mkdir -p "$class/$img/$L"
plant_copy "$original" "$class/$img/$L/$P.c"
renamed=$(grep -c 'sock_desc\|nbytes_left\|idx\|got\|cursor' "$class/$img/$L/$P.c")
# A program that prints HTML and bytes that are no UTF-8, and fails.
mkdir -p "$class/mallory/$L"
cat > "$class/mallory/$L/$P.c" <<'EOF'
#include <stdio.h>
int main(void)
{
    printf("<script>alert(2)</script>\377\n");
    fprintf(stderr, "<img src=x onerror=alert(3)> \376\377 </pre></body>\n");
    return 1;
}
EOF
"$G" --checkers "$BUILD/checkers" -- "$class" "$out" > "$T/stdout" 2> "$T/stderr"
rc=$?
expect "grades the class (exit 0)" "$([ $rc -eq 0 ] && echo yes)" "exit $rc: $(tail -n 5 "$T/stderr")"
R=$out/report.html S=$out/similarity.html
expect "writes report.html and similarity.html beside grades.csv" \
    "$([ -s "$R" ] && [ -s "$S" ] && [ -s "$out/grades.csv" ] && echo yes)" "$(ls "$out")"
[ -s "$R" ] && [ -s "$S" ] || exit 0
expect "the terminal summary ends with the paths of both reports" \
    "$(tail -n 2 "$T/stdout" | grep -q "Class report: $R" && tail -n 1 "$T/stdout" | grep -q "Similarity report: $S" && echo yes)" \
    "$(tail -n 3 "$T/stdout")"
expect "the planted copy really renames ($renamed renamed lines) and still compiles" \
    "$([ "$renamed" -gt 3 ] && ${CC:-cc} -w -o "$T/copy" "$class/$img/$L/$P.c" 2> "$T/copy.err" && echo yes)" \
    "$(head -n 5 "$T/copy.err" 2>/dev/null)"
# The copy works as its original does: the same grade.
grade_of() { grep -F "$1" "$out/grades.csv" | awk -F, '{ print $(NF - 1) "/" $NF }'; }
expect "the planted copy grades as its original ($(grade_of "$img") and $(grade_of "alert(1)<"))" \
    "$([ -n "$(grade_of "$img")" ] && [ "$(grade_of "$img")" = "$(grade_of "alert(1)<")" ] && echo yes)"

# Every student by their escaped name, every program.
missing=
for name in "$script" "$img" "$amp" "$cjk" mallory; do
    esc=$(printf '%s' "$name" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
        -e 's/"/\&quot;/g' -e "s/'/\&#39;/g")
    grep -qF -- "$esc" "$R" || missing="$missing [$name]"
    grep -qF "id=\"$(html_id s- "$name")\"" "$R" || missing="$missing [no section for $name]"
done
grep -qF "bad$(printf '\357\277\275\357\277\275')name" "$R" || missing="$missing [bad bytes name as U+FFFD]"
grep -qF ">$L/$P<" "$R" || missing="$missing [$L/$P]"
expect "every student (escaped) and every program appears in report.html" \
    "$([ -z "$missing" ] && echo yes)" "missing:$missing"

raw=
for f in "$R" "$S"; do
    for bad in '<script' '<img' 'onerror=alert(1)>' '</pre></body>' "$(printf '\377')"; do
        grep -qF -- "$bad" "$f" && raw="$raw $(basename "$f"): '$bad';"
    done
    iconv -f UTF-8 -t UTF-8 "$f" > /dev/null 2>&1 || raw="$raw $(basename "$f") is not valid UTF-8;"
done
expect "nothing hostile comes through: no raw <script or <img from a name or an output, valid UTF-8" \
    "$([ -z "$raw" ] && echo yes)" "$raw"
expect "a program's printed HTML shows as text in its student's feedback" \
    "$(grep -qF '&lt;img src=x onerror=alert(3)&gt;' "$R" && echo yes)"
# The hostile names in similarity.html too (the copy's pair names both).
expect "similarity.html names the pair escaped" \
    "$(grep -qF '&lt;script&gt;alert(1)&lt;∕script&gt;' "$S" && grep -qF '&quot;&gt;&lt;img src=x' "$S" && echo yes)"

# Every in-page link has its anchor; no attribute is broken open.
ids=$(grep -o ' id="[^"]*"' "$R" | sed 's/ id="//; s/"$//' | sort -u)
dangling=$(grep -o 'href="#[^"]*"' "$R" | sed 's/href="#//; s/"$//' | sort -u | while read -r a; do
    printf '%s\n' "$ids" | grep -qxF "$a" || echo "$a"; done)
expect "every link of the grid leads to a section of report.html" "$([ -z "$dangling" ] && echo yes)" \
    "$dangling"
expect "the sandbox banner appears exactly when protections are missing" \
    "$(if grep -q 'protections missing' "$T/stderr"; then grep -q 'class="banner"' "$R" && echo yes;
       else grep -q 'class="banner"' "$R" || echo yes; fi)"

# The copy is the top pair of the program, and no other pair is listed.
pid=$(html_id p- "$L/$P")
top=$(grep -F "href=\"#$pid-1\">1</a>" "$S" | grep -o 'report.html#s-[A-Za-z0-9_]*' | sed 's/.*#//' | sort | tr '\n' ' ')
want=$(printf '%s\n%s\n' "$(html_id s- "$script")" "$(html_id s- "$img")" | sort | tr '\n' ' ')
rows=$(grep -c "href=\"#$pid-[0-9]*\">" "$S")
expect "the planted copy is the top pair of $L/$P" "$([ "$top" = "$want" ] && echo yes)" \
    "top pair: $top; expected: $want"
expect "no pair of independent correct programs is listed ($rows listed)" \
    "$([ "$rows" -eq 1 ] && echo yes)" "$(grep -A 3 'pairs listed' "$S" | head -n 5)"

# ---- 2. every program: independent correct programs and a planted copy ----
sim=$T/sim
mkdir -p "$sim"
nprog=0
for sol in solutions/[0-9][0-9]-*/*.c; do
    l=$(basename "$(dirname "$sol")") p=$(basename "$sol" .c)
    [ -x "$BUILD/checkers/check-$l" ] || continue
    first=
    mkdir -p "$sim/solution/$l" && cp "$sol" "$sim/solution/$l/"
    for g in tests/"$l"/good/"$p"/*.c; do
        [ -f "$g" ] || continue
        st=good-$(basename "$g" .c)
        mkdir -p "$sim/$st/$l" && cp "$g" "$sim/$st/$l/$p.c"
        [ -n "$first" ] || first=$st
    done
    [ -n "$first" ] || first=solution
    mkdir -p "$sim/copy-of-$first/$l"
    plant_copy "$sim/$first/$l/$p.c" "$sim/copy-of-$first/$l/$p.c"
    nprog=$((nprog + 1))
done
"$G" --checkers "$BUILD/checkers" --similarity-only "$sim" "$T/sim-out" > "$T/sim-stdout" 2>&1
S2=$T/sim-out/similarity.html
expect "grader --similarity-only writes similarity.html" "$([ -s "$S2" ] && echo yes)" "$(cat "$T/sim-stdout")"
# Lines two files share once comments, blank lines and indentation are set
# aside, over the smaller: the plain textual measure of "derived from".
text_share() {
    ${CC:-cc} -fpreprocessed -dD -E -P "$1" 2>/dev/null | sed 's/^[ \t]*//; /^$/d' > "$T/ta"
    ${CC:-cc} -fpreprocessed -dD -E -P "$2" 2>/dev/null | sed 's/^[ \t]*//; /^$/d' > "$T/tb"
    echo "$(wc -l < "$T/ta") $(wc -l < "$T/tb") $(diff "$T/ta" "$T/tb" | grep -c '^[<>]')" |
        awk '{ m = $1 < $2 ? $1 : $2; printf "%d", m ? 100 * ($1 + $2 - $3) / 2 / m : 0 }'
}
for st in $(ls "$sim"); do echo "$(html_id s- "$st") $st"; done > "$T/ids"
name_of() { awk -v id="$1" '$1 == id { print $2 }' "$T/ids"; }
bad= found=0 derived=
for sol in solutions/[0-9][0-9]-*/*.c; do
    l=$(basename "$(dirname "$sol")") p=$(basename "$sol" .c)
    [ -x "$BUILD/checkers/check-$l" ] || continue
    pid=$(html_id p- "$l/$p")
    copy=$(ls "$sim" | grep -e '^copy-of-' | while read -r c; do [ -f "$sim/$c/$l/$p.c" ] && echo "$c"; done)
    seen=no
    # Each listed pair: the disguised copy, a program derived from another
    # (most of its lines are the other's: listing it is right), or two
    # independent programs (a false alarm).
    for r in $(seq 1 "$(grep -c "href=\"#$pid-[0-9]*\">" "$S2")"); do
        set -- $(grep -F "href=\"#$pid-$r\">$r</a>" "$S2" | grep -o 'report.html#s-[A-Za-z0-9_]*' | sed 's/.*#//')
        a=$(name_of "$1") b=$(name_of "$2")
        case " $a $b " in
        " $copy ${copy#copy-of-} "|" ${copy#copy-of-} $copy ") seen=yes; continue ;;
        *" $copy "*) continue ;;   # the copy with a program its original resembles
        esac
        share=$(text_share "$sim/$a/$l/$p.c" "$sim/$b/$l/$p.c")
        if [ "$share" -ge 80 ]; then derived="$derived $l/$p: $a & $b ($share% of lines the same);"
        else bad="$bad $l/$p: $a & $b listed though only $share% of their lines are the same;"; fi
    done
    if [ $seen = yes ]; then found=$((found + 1)); else bad="$bad $l/$p: the copy $copy is not listed;"; fi
done
expect "every program ($found of $nprog): the disguised copy is listed, no pair of independent correct programs is" \
    "$([ -z "$bad" ] && [ $found -eq $nprog ] && echo yes)" "$bad"
[ -z "$derived" ] || printf '%s\n' "listed, rightly: correct programs made from another one:$derived" |
    fold -w 100 | sed 's/^/# /'
