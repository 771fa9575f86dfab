/* check_rpcclient.c - lesson 07: rpcclient sends each stdin line as a datagram
 * and resends it when no matching reply comes within TIMEOUT_MS, at most
 * TRIES times in all; the checker plays the server. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "check.h"

#define MAXDGRAM 65507 /* the largest UDP payload over IPv4 */
#define BIG 65000      /* the longest line */

/* What a test keeps across its helpers (test_state: one per test). */
struct rpc {
    char buf[MAXDGRAM + 4096];   /* one received datagram */
    const char *last_line;       /* the line the checker answered last */
    size_t last_len;
    double replied_at;           /* when (ms) */
    int quiet;                   /* do not record each datagram */
};

static struct rpc *state(struct ctx *c)
{
    return test_state(c, sizeof(struct rpc));
}

/* Arrival times are the kernel's stamps (udp_recv_timed): the gaps between
 * two datagrams are exact, whatever delays the checker itself. */

/* The checker's server socket: the harness stamps every datagram it
 * receives with the kernel's arrival time. */
static struct udp *rpc_server(struct ctx *c, int family)
{
    return udp_open(c, family, 0);
}

/* One datagram into the test's buf within ms: its length (-1 if none came), the sender's
 * port and its arrival time.  Silence is not recorded: callers say it. */
static long recv_at(struct ctx *c, struct udp *u, int *from, double *at, long ms)
{
    struct rpc *s = state(c);
    long r = udp_recv_timed(c, u, s->buf, sizeof s->buf, from, at, ms);
    if (r < 0 || s->quiet)
        return r;
    size_t len = sizeof s->buf;
    if ((size_t)r < len)
        len = (size_t)r;
    peer_record(c, -1, "%s (from port %d, at %.1f ms)", describe(s->buf, len), *from, *at);
    return r;
}

/* Start `rpcclient HOST PORT TIMEOUT TRIES` with all of stdin given at once. */
static struct proc *rpc(struct ctx *c, const char *host, int port, long t, long tries,
                        const char *in, size_t n)
{
    return prog_start_stdin(c, (struct start){
        .argv = ARGV("rpcclient", host, str("%d", port), str("%ld", t), str("%ld", tries)),
        .stdout_cap = 1 << 17 }, in, n);
}

/* Send the reply r (rn bytes) to `line` (n bytes) to the program's port. */
static void answer(struct ctx *c, struct udp *u, int port, const char *line, size_t n,
                   const void *r, size_t rn)
{
    struct rpc *s = state(c);
    s->last_line = line;
    s->last_len = n;
    s->replied_at = (double)now_ms(c);
    udp_send(c, u, port, r, rn);
}

/* A datagram that resends the line answered last, sent before the answer
 * could arrive: a correct program may do that when the checker is slow. */
static int early_resend(struct ctx *c, long len, double at)
{
    struct rpc *s = state(c);
    if (!s->last_line || (size_t)len != s->last_len)
        return 0;
    return !memcmp(s->buf, s->last_line, s->last_len) && at < s->replied_at + 5;
}

static _Noreturn void resent_after_reply(struct ctx *c, long len, const char *hint,
                                         const char *see)
{
    struct rpc *s = state(c);
    FAIL(c, .expected = str("no more copies of %s: the checker had answered it",
                            describe(s->last_line, s->last_len)),
         .observed = str("it sent %s again after the reply", describe(s->buf, (size_t)len)),
         .hint = hint ? hint :
             "The reply was not taken as a match. A match comes from the server's address "
             "(IP and port, as getaddrinfo gave it) and its last bytes are the line (for an "
             "empty line, any datagram from the server). Compare with memcmp() and the "
             "lengths, never with string functions.",
         .see = hint ? see : "#matching-replies");
}

#define STRAYS_HINT \
    "Each discarded datagram seems to have started a new TIMEOUT_MS. Fix one deadline at " \
    "the send (clock_gettime(CLOCK_MONOTONIC)) and, after a datagram that does not match, " \
    "wait only for the time left (poll). SO_RCVTIMEO starts its full time again on every " \
    "recvfrom()."

/* Check the datagram in buf (len bytes, arrived at `at`) as copy number
 * `copy` of `line` (n bytes), sent after TIMEOUT_MS t: the bytes and, for a
 * resend, the window [t, t + 300 ms] after the previous copy (at prev).
 * strays: the checker sent non-matching datagrams in between. */
static void check_copy(struct ctx *c, long len, double at, const char *line, size_t n,
                       int copy, double prev, long t, int strays)
{
    struct rpc *s = state(c);
    const char *exp = copy == 1
        ? str("a datagram holding the line %s (without its \\n)", describe(line, n))
        : str("copy %d of the line %s, %ld to %ld ms after copy %d (TIMEOUT_MS is %ld)", copy,
              describe(line, n), t, t + LATE, copy - 1, t);
    int resent = s->last_line && (size_t)len == s->last_len &&
                 !memcmp(s->buf, s->last_line, s->last_len);
    if (resent && (n != s->last_len || memcmp(line, s->last_line, n)))
        resent_after_reply(c, len, NULL, NULL);
    char *d = first_difference(line, n, s->buf, (size_t)len);
    if (d && (size_t)len < n && usual_buffer_size((size_t)len))
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s",
                                                 describe(s->buf, (size_t)len), d),
             .hint = str("The line was cut after %ld bytes: a fixed line buffer (fgets() into "
                         "a char array?) is too small for a %zu-byte line. Read lines with "
                         "getline(), which grows its buffer.", len, n),
             .see = "#a-buffer-too-small");
    if (d)
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s",
                                                 describe(s->buf, (size_t)len), d),
             .hint = "Each datagram holds one line without its \"\\n\"; a resend holds the "
                     "same bytes again.",
             .see = "#resending");
    double gap = at - prev;
    if (copy > 1 && gap < t - EARLY)
        FAIL(c, .expected = exp,
             .observed = str("copy %d came %.1f ms after copy %d, before TIMEOUT_MS ran out",
                             copy, gap, copy - 1),
             .hint = strays ?
                 "A datagram that does not match must not end the wait: discard it and wait "
                 "for the time left until the same deadline." :
                 "The line went out again before TIMEOUT_MS had passed. Wait with poll() for "
                 "the time left until a deadline fixed at the send. Is the timeout in the "
                 "right unit? poll() takes milliseconds, a struct timeval seconds and "
                 "microseconds.",
             .see = strays ? "#one-deadline-per-send" : "#a-timeout-in-the-wrong-unit");
    if (copy > 1 && gap > t + LATE)
        FAIL(c, .expected = exp,
             .observed = str("copy %d came %.1f ms after copy %d%s", copy, gap, copy - 1,
                             strays ? ", while the checker sent replies to the previous line "
                                      "every 60 ms" : ""),
             .hint = strays ? STRAYS_HINT :
                 "Resend as soon as TIMEOUT_MS has passed since the previous send: compute "
                 "the deadline once, at the send (clock_gettime() with CLOCK_MONOTONIC), and "
                 "wait only for the time left.",
             .see = "#one-deadline-per-send");
}

/* Wait for copy number `copy` of `line` and check it (check_copy).
 * Returns its arrival time; *from is its port. */
static double expect_copy(struct ctx *c, struct udp *u, struct proc *p, const char *line,
                          size_t n, int copy, double prev, long t, int *from)
{
    long wait = copy == 1 ? 2000 : t + LATE + 700, end = now_ms(c) + wait, len;
    double at = 0;
    for (;;) {
        len = recv_at(c, u, from, &at, 20);
        if (len >= 0 && early_resend(c, len, at))
            continue;
        if (len >= 0 || now_ms(c) >= end)
            break;
        if (!prog_running(p)) {   /* it ended: take what it sent last, then stop */
            len = recv_at(c, u, from, &at, 0);
            break;
        }
    }
    if (len < 0) {
        peer_record(c, -1, "(no datagram)");
        int ended = !prog_running(p);
        FAIL(c, .expected = copy == 1 ? str("a datagram holding the line %s", describe(line, n))
                                      : str("copy %d of the line %s, %ld to %ld ms after copy "
                                            "%d", copy, describe(line, n), t, t + LATE,
                                            copy - 1),
             .observed = ended ? str("none came: the program ended after %d send%s", copy - 1,
                                     copy == 2 ? "" : "s")
                               : str("none came in %ld ms", wait),
             .hint = copy == 1 ? NULL : ended ?
                 "TRIES counts every send, the first included: with no matching reply after "
                 "TIMEOUT_MS, send the line again, until TRIES sends have gone out." :
                 "When TIMEOUT_MS has passed since a send without a matching reply, send the "
                 "line again at once.",
             .see = copy == 1 ? NULL : ended ? "#counting-tries" : "#resending");
    }
    check_copy(c, len, at, line, n, copy, prev, t, 0);
    return at;
}

/* Wait for the first copy of `line` (TIMEOUT_MS t) and answer it with r. */
static void answer_first(struct ctx *c, struct udp *u, struct proc *p, const char *line,
                         size_t n, long t, const void *r, size_t rn)
{
    int from;
    expect_copy(c, u, p, line, n, 1, 0, t, &from);
    answer(c, u, from, line, n, r, rn);
}

/* After the last reply: the program exits 0 with `want` on stdout and
 * sends nothing more.  not_taken, see: the hint when it resent the line. */
static void expect_done(struct ctx *c, struct proc *p, struct udp *u, const char *want,
                        size_t n, const char *not_taken, const char *see)
{
    long end = now_ms(c) + 2000, len;
    int from;
    double at;
    for (;;) {
        int running = prog_running(p);
        while ((len = recv_at(c, u, &from, &at, running ? 20 : 0)) >= 0)
            if (!early_resend(c, len, at))
                resent_after_reply(c, len, not_taken, see);
        if (!running || now_ms(c) >= end)
            break;
    }
    prog_wait_exit(p, 0);   /* if it ended: let its last output arrive */
    size_t got_n, total;
    const char *got = prog_stdout(p, &got_n, &total);
    char *d = first_difference(want, n, got, got_n);
    const char *exp = str("exit 0 and stdout: %s", describe(want, n));
    const char *obs = str("stdout: %s; %s", describe(got, got_n), d ? d : "");
    if (d && (has(got, got_n, "[late]") || has(got, got_n, "[decoy")))
        FAIL(c, .expected = exp, .observed = obs,
             .hint = has(got, got_n, "127.0.0.2") ?
                 "It printed a datagram from 127.0.0.2 that had the server's port number: "
                 "compare the IP address too, not only the port (or connect() the socket "
                 "to the server)." :
                 has(got, got_n, "[decoy") ?
                 "It printed a datagram from another port. Compare the address recvfrom() "
                 "reports (family, IP and port) with the server's, and wait on when they "
                 "differ; or connect() the socket to the server." :
                 "It printed a reply to an earlier line. A reply matches only when its last "
                 "bytes are the line just sent: compare the end of the datagram with the "
                 "line (memcmp) and wait on when it differs.",
             .see = "#matching-replies");
    size_t line = memchr(got, '\n', got_n) ? (size_t)((char *)memchr(got, '\n', got_n) - got)
                                           : got_n;
    size_t nul = memchr(want, 0, n) ? (size_t)((char *)memchr(want, 0, n) - want) : n;
    if (d && got_n < n && line == nul && nul < n)
        FAIL(c, .expected = exp, .observed = obs,
             .hint = "The output stops where the reply has its first NUL byte: printf(\"%s\") "
                     "and fputs() stop there. Write the reply with fwrite() or write() and "
                     "the length recvfrom() returned.",
             .see = "#printing-the-reply");
    if (prog_running(p))
        FAIL(c, .expected = exp, .observed = str("%s, and it was still running 2000 ms after "
                                                 "the last reply", describe(got, got_n)),
             .hint = d ?
                 "The reply to the last line came (see the exchange), yet it was not printed "
                 "and the program still waits: it did not take that datagram for the reply. "
                 "Check how it matches: the sender's address, and the reply's last bytes "
                 "against the line just sent." :
                 "After the reply to the last line, read stdin again: at its end, exit 0.",
             .see = "#matching-replies");
    expect_exit(c, p, 0, 0);
    if (d)
        FAIL(c, .expected = exp, .observed = obs,
             .hint = "Print each matching reply as it came, all its bytes, then \"\\n\".",
             .see = "#printing-the-reply");
}

static void answered_at_once(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 3, "hello\n", 6);
    answer_first(c, u, p, "hello", 5, 1000, "[ok] hello", 10);
    expect_done(c, p, u, "[ok] hello\n", 11, NULL, NULL);
}

static void several_lines(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "alpha\nbravo\ncharlie", 19);
    answer_first(c, u, p, "alpha", 5, 1000, "[1] alpha", 9);
    answer_first(c, u, p, "bravo", 5, 1000, "[2] bravo", 9);
    answer_first(c, u, p, "charlie", 7, 1000, "[3] charlie", 11);
    expect_done(c, p, u, "[1] alpha\n[2] bravo\n[3] charlie\n", 32, NULL, NULL);
}

static void empty_lines(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "\nmiddle\n\n", 9);
    answer_first(c, u, p, "", 0, 1000, "", 0);
    answer_first(c, u, p, "middle", 6, 1000, "[ok] middle", 11);
    answer_first(c, u, p, "", 0, 1000, "anything", 8);
    expect_done(c, p, u, "\n[ok] middle\nanything\n", 22,
                "The empty line's reply was not taken: for an empty line any datagram from "
                "the server matches, an empty one included (recvfrom() returns 0).",
                "#matching-replies");
}

static void binary_reply(struct ctx *c)
{
#define REPLY "\0\xff[bin\0ary\r]\x80 bin"
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "bin\n", 4);
    answer_first(c, u, p, "bin", 3, 1000, REPLY, sizeof REPLY - 1);
    expect_done(c, p, u, REPLY "\n", sizeof REPLY,
                "The reply holds NUL bytes: compare its end with memcmp() and the length "
                "recvfrom() returned, not with strcmp()/strstr(), which stop at the NUL.",
                "#matching-replies");
#undef REPLY
}

static void big_reply(struct ctx *c)
{
    char *line = random_bytes(BIG + 1, 17), *reply = xmalloc(MAXDGRAM + 1);
    for (size_t i = 0; i < BIG; i++)
        line[i] = (char)('a' + (unsigned char)line[i] % 26);
    line[BIG] = '\n';
    memset(reply, '=', MAXDGRAM - BIG);
    reply[0] = '[';
    reply[MAXDGRAM - BIG - 1] = ']';
    memcpy(reply + MAXDGRAM - BIG, line, BIG);
    reply[MAXDGRAM] = '\n';
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 500, 2, line, BIG + 1);
    answer_first(c, u, p, line, BIG, 500, reply, MAXDGRAM);
    expect_done(c, p, u, reply, MAXDGRAM + 1,
                "It sent the line again although a 65507-byte reply ending with it had come. "
                "A receive buffer smaller than 65507 bytes cuts the datagram (recvfrom() "
                "drops the rest), and the cut reply no longer ends with the line.",
                "#a-buffer-too-small");
}

static void ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    struct udp *u = rpc_server(c, AF_INET6);
    struct proc *p = rpc(c, "::1", udp_port(u), 1000, 2, "over IPv6\n", 10);
    answer_first(c, u, p, "over IPv6", 9, 1000, "[v6] over IPv6", 14);
    expect_done(c, p, u, "[v6] over IPv6\n", 15,
                "The reply from [::1] was not taken: compare IPv6 addresses as sockaddr_in6 "
                "(sin6_addr with memcmp, sin6_port), and make the socket with the family "
                "getaddrinfo() returned.", "#matching-replies");
}

static void lost_requests(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 200, 5, "ping\n", 5);
    int from;
    double at = 0;
    for (int copy = 1; copy <= 3; copy++)   /* the checker "loses" the first two */
        at = expect_copy(c, u, p, "ping", 4, copy, at, 200, &from);
    answer(c, u, from, "ping", 4, "[ok] ping", 9);
    expect_done(c, p, u, "[ok] ping\n", 10, NULL, NULL);
}

static void late_reply(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 200, 3, "delta\n", 6);
    int from1, from2;
    double at = expect_copy(c, u, p, "delta", 5, 1, 0, 200, &from1);
    expect_copy(c, u, p, "delta", 5, 2, at, 200, &from2);
    note(c, "the checker answers the first copy (sent from port %d) after the second came "
            "(from port %d)", from1, from2);
    answer(c, u, from1, "delta", 5, "[late but fine] delta", 21);
    expect_done(c, p, u, "[late but fine] delta\n", 22, from1 != from2 ?
                "The reply went to the port the first copy came from, but the second copy "
                "came from another port: a new socket for each try cannot receive a late "
                "reply to an earlier try. Make one socket and send every copy from it." :
                "A reply that comes late, after the line was sent again, still matches: it "
                "comes from the server and ends with the line.",
                from1 != from2 ? "#a-new-socket-for-each-try" : "#matching-replies");
}

static void stale_replies(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 200, 3, "alpha\nbravo\n", 12);
    int from, from2;
    answer_first(c, u, p, "alpha", 5, 200, "[ok] alpha", 10);
    double first = expect_copy(c, u, p, "bravo", 5, 1, 0, 200, &from), at;
    /* Replies to "alpha", every 60 ms: they match nothing and end no wait. */
    long len = -1, stale = 0;
    while (now_ms(c) < first + 1200 && prog_running(p)) {
        len = recv_at(c, u, &from2, &at, 60);
        if (len >= 0)
            break;
        if (now_ms(c) < first + 900) {
            udp_send(c, u, from, "[late] alpha", 12);
            stale++;
        }
    }
    if (len < 0) {
        expect_done(c, p, u, "[ok] alpha\n[ok] bravo\n", 22, NULL, NULL);   /* it printed one? */
        FAIL(c, .expected = str("copy 2 of \"bravo\" %d to %d ms after copy 1", 200, 200 + LATE),
             .observed = str("none came in %ld ms, while the checker sent %ld replies to "
                             "\"alpha\", 60 ms apart", now_ms(c) - (long)first, stale),
             .hint = STRAYS_HINT, .see = "#one-deadline-per-send");
    }
    check_copy(c, len, at, "bravo", 5, 2, first, 200, 1);
    answer(c, u, from2, "bravo", 5, "[ok] bravo", 10);
    expect_done(c, p, u, "[ok] alpha\n[ok] bravo\n", 22, NULL, NULL);
}

static void other_senders(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET), *other = udp_open(c, AF_INET, 0);
    struct udp *other_ip = udp_open_at(c, "127.0.0.2", udp_port(u));   /* same port */
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 300, 2, "charlie\n", 8);
    int from;
    expect_copy(c, u, p, "charlie", 7, 1, 0, 300, &from);
    udp_send(c, other, from, "[decoy from another port] charlie", 33);
    udp_send(c, other_ip, from, "[decoy from 127.0.0.2] charlie", 30);
    answer(c, u, from, "charlie", 7, "[server] charlie", 16);
    expect_done(c, p, u, "[server] charlie\n", 17, NULL, NULL);
}

/* rpcclient with TRIES 3, TIMEOUT t: it must give up at the right time. */
static void expect_gave_up(struct ctx *c, struct proc *p, long tries)
{
    expect_exit(c, p, 1, 0);
    expect_stdout_empty(c, p);
    const char *want = str("rpcclient: no reply after %ld tries", tries);
    size_t n;
    const char *err = prog_stderr(p, &n);
    if (!has(err, n, want))
        FAIL(c, .expected = str("stderr to contain \"%s\"", want),
             .observed = n ? str("stderr: %s", describe(err, n)) : "nothing on stderr",
             .hint = "After TRIES sends without a matching reply, print exactly "
                     "\"rpcclient: no reply after TRIES tries\" (TRIES the number given) on "
                     "stderr and exit 1.",
             .see = "#errors");
}

static void no_reply(struct ctx *c)
{
    struct rpc *s = state(c);
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 150, 3, "anyone?\n", 8);
    int from;
    double at = 0;
    for (int copy = 1; copy <= 3; copy++)
        at = expect_copy(c, u, p, "anyone?", 7, copy, at, 150, &from);
    long len = -1;
    while (prog_running(p) && now_ms(c) < at + 150 + 1000 && len < 0)
        len = recv_at(c, u, &from, &at, 20);
    if (len < 0)
        len = recv_at(c, u, &from, &at, 0);
    if (len >= 0)
        FAIL(c, .expected = "3 sends in all (TRIES is 3)",
             .observed = str("a 4th datagram came: %s", describe(s->buf, (size_t)len)),
             .hint = "TRIES counts every send, the first included: with TRIES 3 the line goes "
                     "out 3 times, then the program gives up.",
             .see = "#counting-tries");
    if (prog_running(p))
        FAIL(c, .expected = "exit 1 about TIMEOUT_MS (150 ms) after the 3rd send",
             .observed = "still running 1150 ms after it",
             .hint = "After the last send, wait TIMEOUT_MS once more, then print the error "
                     "and exit 1.",
             .see = "#counting-tries");
    long gone = prog_exit_ms(p);
    if (gone < at + 150 - EARLY)
        FAIL(c, .expected = "exit 1 no sooner than TIMEOUT_MS (150 ms) after the 3rd send",
             .observed = str("it ended %.1f ms after the 3rd send", gone - at),
             .hint = "The last send deserves its TIMEOUT_MS too: wait for its reply before "
                     "giving up.",
             .see = "#counting-tries");
    expect_gave_up(c, p, 3);
}

static void nothing_listens(struct ctx *c)
{
    int port = free_port(SOCK_DGRAM);
    long t0 = now_ms(c);
    struct proc *p = rpc(c, "127.0.0.1", port, 100, 3, "hello?\n", 7);
    if (!prog_wait_exit(p, 3 * (100 + LATE) + 1000))
        FAIL(c, .expected = "exit 1 after 3 sends, 100 ms apart (TIMEOUT_MS 100, TRIES 3)",
             .observed = "still running after 2200 ms",
             .hint = "Keep count of the sends and give up after TRIES of them.",
             .see = "#counting-tries");
    long took = prog_exit_ms(p) - t0;
    size_t n;
    const char *err = prog_stderr(p, &n);
    if (took < 3 * 100 - EARLY || has(err, n, "refused"))
        FAIL(c, .expected = "3 sends, each followed by a wait of TIMEOUT_MS (100 ms), then "
                            "\"rpcclient: no reply after 3 tries\": at least 300 ms",
             .observed = str("it ended after %ld ms; stderr: %s", took, describe(err, n)),
             .hint = "Nothing listens on that port, so the kernel reports ECONNREFUSED on a "
                     "connected socket's next recv(). That is no reply: ignore the error and "
                     "keep waiting until the deadline, then resend.",
             .see = "#connection-refused-is-no-reply");
    expect_gave_up(c, p, 3);
}

static void range_edges(struct ctx *c)
{
    struct rpc *s = state(c);
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 60000, 1, "slow\n", 5);
    answer_first(c, u, p, "slow", 4, 60000, "[ok] slow", 9);
    expect_done(c, p, u, "[ok] slow\n", 10, NULL, NULL);
    /* TIMEOUT_MS 1 and TRIES 100, nobody answering: 100 sends, then it gives up. */
    s->last_line = NULL;
    p = rpc(c, "127.0.0.1", udp_port(u), 1, 100, "fast\n", 5);
    if (!prog_wait_exit(p, 5000)) {
        /* How many it sent tells why it is still running. */
        int sent = 0, from_port;
        double when;
        s->quiet = 1;
        while (recv_at(c, u, &from_port, &when, 0) >= 0)
            sent++;
        FAIL(c, .expected = "`rpcclient 127.0.0.1 PORT 1 100` to give up after 100 sends",
             .observed = str("still running after 5 s, having sent %d datagram(s)", sent),
             .hint = sent <= 1 ?
                 "It sent the line once and has waited for its reply ever since: no timeout, "
                 "no resend. Wait at most TIMEOUT_MS after each send (poll() with the time "
                 "left), then send again, up to TRIES sends." :
                 "It resends but never gives up: count every send and stop after TRIES, with "
                 "\"rpcclient: no reply after N tries\" and exit 1.",
             .see = sent <= 1 ? "#resending" : "#counting-tries");
    }
    int sends = 0, from;
    double at;
    s->quiet = 1;
    while (recv_at(c, u, &from, &at, 0) >= 0)
        sends++;
    peer_record(c, -1, "%d datagrams \"fast\"", sends);
    if (sends != 100)
        FAIL(c, .expected = "100 sends with TIMEOUT_MS 1 and TRIES 100",
             .observed = str("%d sends", sends),
             .hint = "TIMEOUT_MS 1 and TRIES 100 are valid (1-60000 and 1-100), and TRIES "
                     "counts every send.",
             .see = "#counting-tries");
    expect_gave_up(c, p, 100);
}

static void no_input(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 3, "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
    udp_expect_none(c, u, 1);
}

static void unknown_service(struct ctx *c)
{
    expect_unknown_service(c, prog_start(c, (struct start){
        .argv = ARGV("rpcclient", "127.0.0.1", "nosuchservice", "1000", "3") }));
}

static void arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "3", "4"));
}

static void timeout_range(struct ctx *c)
{
    expect_usage_errors(c, ARGV("rpcclient", "127.0.0.1", "7", "%", "3"), ARGV("0", "60001"));
}

static void tries_range(struct ctx *c)
{
    expect_usage_errors(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "%"), ARGV("0", "101"));
}

static void not_digits(struct ctx *c)
{
    expect_usage_errors(c, ARGV("rpcclient", "127.0.0.1", "7", "%", "3"),
                        ARGV("1e3", "-100", "100ms", ""));
    expect_usage_errors(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "%"), ARGV("+3", "3 "));
}

static void first_address(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_DGRAM);
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("rpcclient", m->name, str("%d", m->port), "1000", "2"), .hosts = m->hosts },
        "first\n", 6);
    char buf[64];
    size_t n;
    int from;
    struct udp *u = multi_expect_first_datagram(c, m, buf, sizeof buf, &n, &from, 3000);
    udp_send(c, u, from, "[reply] first", 13);
    expect_exit(c, p, 0, 2000);
    expect_stdout(c, p, "[reply] first\n", 14);
}

/* Wait until `at` (ms since the test started). */
static void until_ms(struct ctx *c, double at)
{
    long left = (long)at - now_ms(c);
    if (left > 0)
        pause_ms(left);
}

/* TIMEOUT_MS 1000, TRIES 2: stray datagrams come just before the deadline.
 * The second copy must still leave 1000 to 1500 ms after the first: a wait
 * that starts again at each stray comes nearly a second late. */
static void strays_near_deadline(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct udp *other = udp_open(c, AF_INET, 0);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "ping\n", 5);
    double at[2];
    int from = 0;
    for (int i = 0; i < 2; i++) {
        long r = recv_at(c, u, &from, &at[i], i ? 1500 + 700 : 2000);
        if (r < 0 && i)
            FAIL(c, .expected = str("copy %d of \"ping\" 1000 to 1500 ms after copy %d", i + 1, i),
                 .observed = str("none came within %d ms of copy %d", 1500 + 700, i));
        if (r < 0)
            FAIL(c, .expected = "the datagram \"ping\"", .observed = "none came within 2000 ms");
        double gap = i ? at[i] - at[i - 1] : 0;
        if (i && gap < 1000 - 2)
            FAIL(c, .expected = str("copy %d of \"ping\" not before 1000 ms after copy %d", i + 1, i),
                 .observed = str("it came %.0f ms after it", gap),
                 .hint = "Resend only once TIMEOUT_MS have passed since the previous send.");
        if (i && gap > 1500 + 50)
            FAIL(c, .expected = str("copy %d of \"ping\" at most 1500 ms after copy %d "
                                    "(TIMEOUT_MS + 500)", i + 1, i),
                 .observed = str("it came %.0f ms after it", gap));
        if (i == 1)
            break;
        /* Strays: a reply that does not match from the server's address, and a
         * matching one from another port; neither may extend the wait. */
        until_ms(c, at[i] + 700);
        udp_send(c, u, from, "stray", 5);
        until_ms(c, at[i] + 850);
        udp_send(c, other, from, "[not the server] ping", 21);
        until_ms(c, at[i] + 950);
        udp_send(c, u, from, "stray again", 11);
    }
    answer(c, u, from, "ping", 4, "[pong] ping", 11);
    expect_exit(c, p, 0, 2000);
    expect_stdout(c, p, "[pong] ping\n", 12);
}

/* TIMEOUT_MS 100, TRIES 8, never answered: copy k must come at most
 * (k - 1) * 100 + 1200 ms after copy 1.  A late copy from a busy machine
 * delays those after it by as much, and no more; an interval that grows
 * adds up: doubling reaches copy 6 after 3100 ms (the bound: 1700), growing
 * by half after 2078 ms (1700), by 100 ms each time after 2100 ms (1700). */
enum { NB_TIMEOUT = 100, NB_TRIES = 8, NB_SLACK = 1200 };

static void no_backoff(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), NB_TIMEOUT, NB_TRIES, "ping\n", 5);
    double first = 0;
    for (int i = 0; i < NB_TRIES; i++) {
        double at = 0;
        int from = 0;
        long bound = (long)i * NB_TIMEOUT + NB_SLACK;
        long wait = i ? (long)(first + bound - now_ms(c)) + 50 : 2000;
        if (recv_at(c, u, &from, &at, wait > 1 ? wait : 1) < 0 && !i)
            FAIL(c, .expected = "the datagram \"ping\"", .observed = "none came within 2000 ms");
        else if (i && (at == 0 || at - first > bound + 50))
            FAIL(c, .expected = str("copy %d of \"ping\" at most %ld ms after copy 1 "
                                    "(%d x TIMEOUT_MS + %d ms for a busy machine)",
                                    i + 1, bound, i, NB_SLACK),
                 .observed = at == 0 ? str("copy %d had not come %ld ms after copy 1, and the program "
                                           "%s", i + 1, bound + 50, prog_running(p)
                                           ? "still ran: its interval grew" : "had ended")
                                     : str("it came %.0f ms after copy 1: the interval grew",
                                           at - first));
        if (!i)
            first = at;
    }
    prog_wait_exit(p, NB_TIMEOUT + 300 + 1000);   /* the last copy's TIMEOUT_MS */
    expect_gave_up(c, p, NB_TRIES);
}

const struct test rpcclient_tests[] = {
    { .name = "answered-at-once",
      .what = "answers the line \"hello\" at once",
      .run = answered_at_once,
      .hint = "Send the line (without its \"\\n\"), wait for the matching reply, print it and "
              "\"\\n\", exit 0 at the end of stdin.",
      .see = "#matching-replies" },
    { .name = "strays-near-deadline",
      .what = "never answers the first copy of \"ping\" (TIMEOUT_MS 1000, TRIES 2) and sends stray datagrams 700, 850 and 950 ms after it: the second copy must follow within 1000 to 1500 ms; answers it",
      .run = strays_near_deadline,
      .hint = "Keep one deadline per send: after each datagram that does not match, wait only for what "
              "is left of TIMEOUT_MS (poll() with the time remaining, not TIMEOUT_MS again; "
              "SO_RCVTIMEO restarts at every recvfrom).",
      .see = "#a-deadline-that-moves" },
    { .name = "no-backoff",
      .what = "never answers (TIMEOUT_MS 100, TRIES 8): copy k must come at most (k - 1) x 100 + 1200 ms after copy 1 (an interval that grows adds up past it), then it gives up",
      .run = no_backoff,
      .hint = "Resend every TIMEOUT_MS: the contract has no back-off, so do not double (or "
              "otherwise grow) the wait after each send.",
      .see = "#a-deadline-that-moves" },
    { .name = "several-lines",
      .what = "gives \"alpha\", \"bravo\" and \"charlie\" (no final \\n) and answers "
              "each at once",
      .run = several_lines,
      .hint = "One line at a time: send it, wait for its reply, print it, then read the next line. "
              "A last line without \"\\n\" is still a line.",
      .see = "#matching-replies" },
    { .name = "empty-lines",
      .what = "gives an empty line (answered by an empty datagram), \"middle\", and "
              "an empty line again (answered by \"anything\")",
      .run = empty_lines,
      .hint = "An empty line is an empty datagram; for it, any datagram from the server matches.",
      .see = "#matching-replies" },
    { .name = "binary-reply",
      .what = "answers with a reply holding NUL and non-ASCII bytes",
      .run = binary_reply,
      .hint = "Write the reply with fwrite() or write() and its length, never printf(\"%s\").",
      .see = "#printing-the-reply" },
    { .name = "big-reply",
      .what = "gives a 65000-byte line and answers with 65507 bytes, the largest "
              "datagram",
      .run = big_reply,
      .hint = "Read lines with getline() and receive into a buffer of at least 65507 bytes.",
      .see = "#a-buffer-too-small" },
    { .name = "ipv6",
      .what = "runs `rpcclient ::1 PORT 1000 2` and answers",
      .run = ipv6,
      .hint = "Make the socket with the family getaddrinfo() returned, and compare IPv6 addresses "
              "as sockaddr_in6.",
      .see = "#matching-replies" },
    { .name = "lost-requests",
      .what = "ignores the first two copies of \"ping\" (TIMEOUT_MS 200, TRIES 5) "
              "and answers the third",
      .run = lost_requests,
      .hint = "No reply within TIMEOUT_MS: send the line again, not before TIMEOUT_MS and no later "
              "than TIMEOUT_MS + 300 ms after the previous send.",
      .see = "#resending" },
    { .name = "late-reply",
      .what = "answers the first copy of \"delta\" only after the second copy came",
      .run = late_reply,
      .hint = "A late reply to an earlier copy still matches: it comes from the server and ends "
              "with the line. Send every copy from the same socket.",
      .see = "#a-new-socket-for-each-try" },
    { .name = "stale-replies",
      .what = "answers \"alpha\"; then, while waiting for \"bravo\", sends "
              "replies to \"alpha\" every 60 ms and answers only the second copy of \"bravo\"",
      .run = stale_replies,
      .hint = "A datagram that does not match is discarded and does not extend the wait: one "
              "deadline per send, and wait only for the time left.",
      .see = "#one-deadline-per-send" },
    { .name = "other-senders",
      .what = "before the server's reply, sends a matching reply from another "
              "port and one from 127.0.0.2 with the server's port",
      .run = other_senders,
      .hint = "Only datagrams from the server's address (IP and port) can match.",
      .see = "#matching-replies" },
    { .name = "no-reply",
      .what = "never answers (TIMEOUT_MS 150, TRIES 3)",
      .run = no_reply,
      .hint = "After TRIES sends without a match: \"rpcclient: no reply after TRIES tries\" on "
              "stderr, exit 1.",
      .see = "#counting-tries" },
    { .name = "nothing-listens",
      .what = "runs rpcclient against a UDP port where nothing listens "
              "(TIMEOUT_MS 100, TRIES 3)",
      .run = nothing_listens,
      .hint = "ECONNREFUSED is no reply: keep waiting until the deadline, resend, and give up "
              "after TRIES sends.",
      .see = "#connection-refused-is-no-reply" },
    { .name = "range-edges",
      .what = "runs with TIMEOUT_MS 60000 and TRIES 1 (answered), then with "
              "TIMEOUT_MS 1 and TRIES 100 (never answered)",
      .run = range_edges,
      .hint = "TIMEOUT_MS may be 1 to 60000 and TRIES 1 to 100, both ends included.",
      .see = "#usage-errors" },
    { .name = "no-input",
      .what = "gives an empty stdin",
      .run = no_input,
      .hint = "At the end of stdin, exit 0 without sending anything.",
      .see = "#matching-replies" },
    { .name = "unknown-service",
      .what = "runs `rpcclient 127.0.0.1 nosuchservice 1000 3`",
      .run = unknown_service,
      .hint = "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      .see = "#errors" },
    { .name = "usage-arg-count",
      .what = "runs rpcclient with 3 and with 5 arguments",
      .run = arg_count,
      .see = "#usage-errors" },
    { .name = "timeout-range",
      .what = "runs rpcclient with TIMEOUT_MS 0, then 60001",
      .run = timeout_range,
      .hint = "TIMEOUT_MS is 1 to 60000: check the range before using it.",
      .see = "#usage-errors" },
    { .name = "tries-range",
      .what = "runs rpcclient with TRIES 0, then 101",
      .run = tries_range,
      .hint = "TRIES is 1 to 100: check the range before using it.",
      .see = "#usage-errors" },
    { .name = "not-digits",
      .what = "runs rpcclient with TIMEOUT_MS \"1e3\", \"-100\", \"100ms\", \"\" and "
              "TRIES \"+3\", \"3 \"",
      .run = not_digits,
      .hint = "atoi() and strtol() accept signs, spaces and trailing junk: check that every "
              "character is a digit.",
      .see = "#usage-errors" },
    { .name = "first-address",
      .what = "gives dual.test the addresses 127.0.0.2, ::1 and 127.0.0.3 (private /etc/hosts; getaddrinfo lists ::1 first) and waits on all three: the datagram must come to ::1",
      .run = first_address,
      .hint = "A UDP client uses the FIRST address getaddrinfo() returns (rule 5): res itself, "
              "not the last one a loop over ai_next leaves you with.",
      .see = "#addresses-in-getaddrinfos-order" },
    { .name = NULL },
};
