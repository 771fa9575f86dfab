#!/bin/sh
# test_harness.sh - the shape the harness promises, checked:
#   - no lesson check (tests/NN-name/check*.c) calls the sockets API itself:
#     it says what the peer does with the harness's verbs (harness.h);
#   - the harness allocates only through its one policy (xmalloc, xcalloc,
#     xrealloc, xstrndup in ctx.c), which ends a test cleanly on ENOMEM;
#   - the checker and the grader share rm_tree and the child scan
#     (tests/harness/shared.c) instead of keeping copies.
# Prints TAP lines for tests/self/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2

# The code of C files with comments and string/char literals blanked, each
# line prefixed "file:line:".
code_of() {
    for f in "$@"; do
        awk -v F="$f" '
            { line = $0; out = ""; i = 1; n = length(line)
              while (i <= n) {
                  c = substr(line, i, 1); d = substr(line, i, 2)
                  if (incomment) { if (d == "*/") { incomment = 0; i += 2 } else i++; continue }
                  if (d == "/*") { incomment = 1; i += 2; continue }
                  if (d == "//") break
                  if (c == "\"" || c == "'\''") {
                      q = c; i++
                      while (i <= n && substr(line, i, 1) != q) { if (substr(line, i, 1) == "\\") i++; i++ }
                      i++; out = out q q; continue
                  }
                  out = out c; i++
              }
              print F ":" NR ":" out }' "$f"
    done
}

say() {   # say STATUS TEXT [DETAILS]
    if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; printf '%s\n' "${3:-}" | sed 's/^/# /'; fi
}

calls='(^|[^_A-Za-z0-9.>])(socket|socketpair|connect|bind|listen|accept|accept4|send|sendto|sendmsg|recv|recvfrom|recvmsg|setsockopt|getsockopt|getsockname|getpeername|shutdown|poll|select|epoll_wait)[ ]*\('
allocs='(^|[^_A-Za-z0-9])(malloc|calloc|realloc|strdup|strndup|asprintf)[ ]*\('
checks=$(ls tests/[0-9][0-9]-*/check*.c)

hits=$(code_of $checks | grep -E "$calls")
[ -z "$hits" ]
say $? "lesson checks call no sockets API function themselves (harness verbs only)" "$hits"

hits=$(code_of tests/harness/*.c $checks | grep -E "$allocs" | grep -v 'enough(')
[ -z "$hits" ]
say $? "the harness and the lesson checks allocate only with xmalloc/xcalloc/xrealloc/xstrndup" "$hits"

hits=$(grep -ln 'nftw(\|/children' tests/harness/*.c tests/grader/*.c | grep -v 'tests/harness/shared.c')
[ -z "$hits" ]
say $? "rm_tree and the child scan exist once, in tests/harness/shared.c" "$hits"
