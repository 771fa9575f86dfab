#!/bin/sh
# bench-load.sh - the load of lesson 10 (make bench): 10,000 clients held
# open together against bigecho, each echoing a 10 KB line, for the model
# answer and for the program in lessons/ side by side.  Connections per
# second, echo throughput (both directions) and the p50/p99 round trip of a
# line.  A benchmark: figures, never a verdict.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
N=${N:-10000} LEN=${LEN:-10240}
gen=$BUILD/tools/loadgen
mkdir -p "$(dirname "$gen")"
[ -x "$gen" ] || ${CC:-cc} -std=gnu11 -Wall -Wextra -O1 -o "$gen" tests/tools/loadgen.c || exit 0
dir=$BUILD/bench/load
mkdir -p "$dir"

# run SOURCE: compile, start on port 0, load, stop; prints one result line.
run() {
    src=$1 exe=$dir/bigecho.$2
    [ -f "$src" ] || { echo "failed no $src"; return; }
    ${CC:-cc} -std=gnu11 -O1 -g -o "$exe" "$src" 2>/dev/null || { echo "failed does not compile"; return; }
    out=$dir/out.$2
    : > "$out"
    "$exe" 0 > "$out" 2>/dev/null &
    pid=$!
    port=
    for i in $(seq 30); do
        port=$(sed -n '1s/^listening on port \([0-9][0-9]*\)$/\1/p' "$out")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "failed no ready line"
    else
        "$gen" "$port" "$N" "$LEN" 2>/dev/null || true
    fi
    kill "$pid" 2>/dev/null
    sleep 0.2
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

sol=$(run solutions/10-epoll/bigecho.c solution)
MINE=${MINE:-lessons/10-epoll/bigecho.c}   # another program in that column: MINE=FILE.c
mine=$(run "$MINE" lessons)
field() { # field LINE K: the K-th figure, or the reason it failed
    case $1 in ok*) echo "$1" | cut -d' ' -f"$2" ;; *) echo "-" ;; esac
}
echo
echo "lesson 10 load: $N clients held open together, each echoing a $LEN-byte line"
col=lessons/
[ "$MINE" = lessons/10-epoll/bigecho.c ] || col=$(basename "$MINE")
printf '%-26s %16s %16s\n' "" "solutions/" "$col"
printf '%-26s %16s %16s\n' "connections per second" "$(field "$sol" 2)" "$(field "$mine" 2)"
printf '%-26s %16s %16s\n' "echo throughput (MiB/s)" "$(field "$sol" 3)" "$(field "$mine" 3)"
printf '%-26s %16s %16s\n' "round trip p50 (ms)" "$(field "$sol" 4)" "$(field "$mine" 4)"
printf '%-26s %16s %16s\n' "round trip p99 (ms)" "$(field "$sol" 5)" "$(field "$mine" 5)"
case $sol in ok*) ;; *) echo "solutions/10-epoll/bigecho.c: $sol" ;; esac
case $mine in ok*) ;; *) echo "$MINE does not work under this load yet: $mine" ;; esac
