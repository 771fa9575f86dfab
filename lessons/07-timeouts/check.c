/* check.c - lesson 07: rpcclient resends a request that got no reply in time,
 * tconnect gives up on a connect at one deadline, idleserver cuts a client
 * that stays silent.  Time is measured where it is least disturbed by a busy
 * machine: datagrams by the kernel's arrival stamp, the program's exit by
 * the moment it was seen, starts before the program is forked. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "../checker/harness.h"

#define MAXDGRAM 65507 /* the largest UDP payload over IPv4 */
#define BIG 65000      /* the longest line */
#define EARLY 2        /* ms a deadline may seem early by clock rounding */
#define LATE 300       /* rpcclient and tconnect: at most this late (contract) */
#define CUT_LATE 500   /* idleserver: at most this late (contract) */

static char buf[MAXDGRAM + 4096];   /* one received datagram */

/* Sizes a fixed buffer usually has (the data may be one byte short of it). */
static int buffer_size(size_t n)
{
    for (size_t k = 256; k <= 32768; k *= 2)
        if (n == k || n + 1 == k)
            return 1;
    return n == 1000 || n == 1500;
}

static int has(const char *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* ==== rpcclient ========================================================= */

/* Arrival times are the kernel's stamps (SO_TIMESTAMPNS, wall clock), turned
 * into ms since the test started with one fixed offset: the gaps between two
 * datagrams are exact, whatever delays the checker itself. */
static double real_base, rel_base;
static const char *last_line;   /* the line the checker answered last */
static size_t last_len;
static double replied_at = -1;  /* when (ms) */
static int quiet;               /* do not record each datagram */

static double real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The checker's server socket, stamping every datagram it receives. */
static struct udp *rpc_server(struct ctx *c, int family)
{
    struct udp *u = udp_open(c, family, 0);
    int on = 1;
    if (setsockopt(udp_fd(u), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
        note(c, "no kernel time stamps: arrival times are the checker's own");
    rel_base = (double)now_ms(c);
    real_base = real_ms();
    return u;
}

/* One datagram into buf within ms: its length (-1 if none came), the sender's
 * port and its arrival time.  Silence is not recorded: callers say it. */
static long recv_at(struct ctx *c, struct udp *u, int *from, double *at, long ms)
{
    long end = now_ms(c) + ms;
    for (;;) {
        struct sockaddr_storage ss;
        char ctl[256];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr m = { .msg_name = &ss, .msg_namelen = sizeof ss, .msg_iov = &iov,
                            .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
        ssize_t r = recvmsg(udp_fd(u), &m, MSG_TRUNC | MSG_DONTWAIT);
        if (r >= 0) {
            double t = real_ms();
            for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
                if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
                    struct timespec ts;
                    memcpy(&ts, CMSG_DATA(h), sizeof ts);
                    t = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
                }
            *at = rel_base + (t - real_base);
            *from = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                             : ntohs(((struct sockaddr_in *)&ss)->sin_port);
            size_t len = (size_t)r < sizeof buf ? (size_t)r : sizeof buf;
            if (!quiet)
                peer_record(c, -1, "%s (from port %d, at %.1f ms)", describe(buf, len), *from,
                            *at);
            return (long)r;
        }
        long left = end - now_ms(c);
        struct pollfd p = { udp_fd(u), POLLIN, 0 };
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
    }
}

/* Start `rpcclient HOST PORT TIMEOUT TRIES` with all of stdin given at once. */
static struct proc *rpc(struct ctx *c, const char *host, int port, long t, long tries,
                        const char *in, size_t n)
{
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("rpcclient", host, str("%d", port), str("%ld", t), str("%ld", tries)),
        .stdin_pipe = 1, .stdout_cap = 1 << 17 });
    prog_feed(p, in, n);
    prog_close_stdin(p);
    return p;
}

/* Send a reply to the program's port. */
static void answer(struct ctx *c, struct udp *u, int port, const char *line, const void *r,
                   size_t n)
{
    last_line = line;
    last_len = strlen(line);
    replied_at = (double)now_ms(c);
    udp_send(c, u, port, r, n);
}

/* A datagram that resends the line answered last, sent before the answer
 * could arrive: a correct program may do that when the checker is slow. */
static int early_resend(long len, double at)
{
    return last_line && (size_t)len == last_len && !memcmp(buf, last_line, last_len) &&
           at < replied_at + 5;
}

static _Noreturn void resent_after_reply(struct ctx *c, long len, const char *hint,
                                         const char *see)
{
    FAIL(c, .expected = str("no more copies of %s: the checker had answered it",
                            describe(last_line, last_len)),
         .observed = str("it sent %s again after the reply", describe(buf, (size_t)len)),
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
    const char *exp = copy == 1
        ? str("a datagram holding the line %s (without its \\n)", describe(line, n))
        : str("copy %d of the line %s, %ld to %ld ms after copy %d (TIMEOUT_MS is %ld)", copy,
              describe(line, n), t, t + LATE, copy - 1, t);
    if (last_line && (size_t)len == last_len && !memcmp(buf, last_line, last_len) &&
        (n != last_len || memcmp(line, last_line, n)))
        resent_after_reply(c, len, NULL, NULL);
    char *d = first_difference(line, n, buf, (size_t)len);
    if (d && (size_t)len < n && buffer_size((size_t)len))
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s",
                                                 describe(buf, (size_t)len), d),
             .hint = str("The line was cut after %ld bytes: a fixed line buffer (fgets() into "
                         "a char array?) is too small for a %zu-byte line. Read lines with "
                         "getline(), which grows its buffer.", len, n),
             .see = "#a-buffer-too-small");
    if (d)
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s",
                                                 describe(buf, (size_t)len), d),
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
        if (len >= 0 && early_resend(len, at))
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
            if (!early_resend(len, at))
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
             .hint = "After the reply to the last line, read stdin again: at its end, exit 0.",
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
    int from;
    expect_copy(c, u, p, "hello", 5, 1, 0, 1000, &from);
    answer(c, u, from, "hello", "[ok] hello", 10);
    expect_done(c, p, u, "[ok] hello\n", 11, NULL, NULL);
}

static void several_lines(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "alpha\nbravo\ncharlie", 19);
    int from;
    expect_copy(c, u, p, "alpha", 5, 1, 0, 1000, &from);
    answer(c, u, from, "alpha", "[1] alpha", 9);
    expect_copy(c, u, p, "bravo", 5, 1, 0, 1000, &from);
    answer(c, u, from, "bravo", "[2] bravo", 9);
    expect_copy(c, u, p, "charlie", 7, 1, 0, 1000, &from);
    answer(c, u, from, "charlie", "[3] charlie", 11);
    expect_done(c, p, u, "[1] alpha\n[2] bravo\n[3] charlie\n", 32, NULL, NULL);
}

static void empty_lines(struct ctx *c)
{
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 1000, 2, "\nmiddle\n\n", 9);
    int from;
    expect_copy(c, u, p, "", 0, 1, 0, 1000, &from);
    answer(c, u, from, "", "", 0);
    expect_copy(c, u, p, "middle", 6, 1, 0, 1000, &from);
    answer(c, u, from, "middle", "[ok] middle", 11);
    expect_copy(c, u, p, "", 0, 1, 0, 1000, &from);
    answer(c, u, from, "", "anything", 8);
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
    int from;
    expect_copy(c, u, p, "bin", 3, 1, 0, 1000, &from);
    answer(c, u, from, "bin", REPLY, sizeof REPLY - 1);
    expect_done(c, p, u, REPLY "\n", sizeof REPLY,
                "The reply holds NUL bytes: compare its end with memcmp() and the length "
                "recvfrom() returned, not with strcmp()/strstr(), which stop at the NUL.",
                "#matching-replies");
#undef REPLY
}

static void big_reply(struct ctx *c)
{
    char *line = random_bytes(BIG + 1, 17), *reply = malloc(MAXDGRAM + 1);
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
    int from;
    expect_copy(c, u, p, line, BIG, 1, 0, 500, &from);
    answer(c, u, from, str("%.*s", BIG, line), reply, MAXDGRAM);
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
    int from;
    expect_copy(c, u, p, "over IPv6", 9, 1, 0, 1000, &from);
    answer(c, u, from, "over IPv6", "[v6] over IPv6", 14);
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
    answer(c, u, from, "ping", "[ok] ping", 9);
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
    answer(c, u, from1, "delta", "[late but fine] delta", 21);
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
    expect_copy(c, u, p, "alpha", 5, 1, 0, 200, &from);
    answer(c, u, from, "alpha", "[ok] alpha", 10);
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
    answer(c, u, from2, "bravo", "[ok] bravo", 10);
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
    answer(c, u, from, "charlie", "[server] charlie", 16);
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
             .observed = str("a 4th datagram came: %s", describe(buf, (size_t)len)),
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
    struct udp *u = rpc_server(c, AF_INET);
    struct proc *p = rpc(c, "127.0.0.1", udp_port(u), 60000, 1, "slow\n", 5);
    int from;
    expect_copy(c, u, p, "slow", 4, 1, 0, 60000, &from);
    answer(c, u, from, "slow", "[ok] slow", 9);
    expect_done(c, p, u, "[ok] slow\n", 10, NULL, NULL);
    /* TIMEOUT_MS 1 and TRIES 100, nobody answering: 100 sends, then it gives up. */
    last_line = NULL;
    p = rpc(c, "127.0.0.1", udp_port(u), 1, 100, "fast\n", 5);
    if (!prog_wait_exit(p, 5000))
        FAIL(c, .expected = "`rpcclient 127.0.0.1 PORT 1 100` to give up after 100 sends",
             .observed = "still running after 5 s");
    int sends = 0;
    double at;
    quiet = 1;
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

static void unknown_service(struct ctx *c, const char *const *argv)
{
    struct proc *p = prog_start(c, (struct start){ .argv = argv });
    expect_exit(c, p, 1, 2000);
    size_t n;
    const char *err = prog_stderr(p, &n);
    const char *a = gai_strerror(EAI_SERVICE), *b = gai_strerror(EAI_NONAME);
    if (!has(err, n, a) && !has(err, n, b))
        FAIL(c, .expected = str("stderr to contain gai_strerror()'s reason, \"%s\"", a),
             .observed = n ? str("stderr: %s", describe(err, n)) : "nothing on stderr");
}

static void rpc_service(struct ctx *c)
{
    unknown_service(c, ARGV("rpcclient", "127.0.0.1", "nosuchservice", "1000", "3"));
}

static void rpc_arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "3", "4"));
}

static void rpc_timeout_range(struct ctx *c)
{
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "0", "3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "60001", "3"));
}

static void rpc_tries_range(struct ctx *c)
{
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "0"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "101"));
}

static void rpc_not_digits(struct ctx *c)
{
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1e3", "3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "-100", "3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "100ms", "3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "", "3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "+3"));
    expect_usage_error(c, ARGV("rpcclient", "127.0.0.1", "7", "1000", "3 "));
}

static const struct test rpcclient[] = {
    { "answered-at-once", "answers the line \"hello\" at once", answered_at_once,
      "Send the line (without its \"\\n\"), wait for the matching reply, print it and "
      "\"\\n\", exit 0 at the end of stdin.", "#matching-replies" },
    { "several-lines", "gives \"alpha\", \"bravo\" and \"charlie\" (no final \\n) and answers "
      "each at once", several_lines,
      "One line at a time: send it, wait for its reply, print it, then read the next line. "
      "A last line without \"\\n\" is still a line.", "#matching-replies" },
    { "empty-lines", "gives an empty line (answered by an empty datagram), \"middle\", and "
      "an empty line again (answered by \"anything\")", empty_lines,
      "An empty line is an empty datagram; for it, any datagram from the server matches.",
      "#matching-replies" },
    { "binary-reply", "answers with a reply holding NUL and non-ASCII bytes", binary_reply,
      "Write the reply with fwrite() or write() and its length, never printf(\"%s\").",
      "#printing-the-reply" },
    { "big-reply", "gives a 65000-byte line and answers with 65507 bytes, the largest "
      "datagram", big_reply,
      "Read lines with getline() and receive into a buffer of at least 65507 bytes.",
      "#a-buffer-too-small" },
    { "ipv6", "runs `rpcclient ::1 PORT 1000 2` and answers", ipv6,
      "Make the socket with the family getaddrinfo() returned, and compare IPv6 addresses "
      "as sockaddr_in6.", "#matching-replies" },
    { "lost-requests", "ignores the first two copies of \"ping\" (TIMEOUT_MS 200, TRIES 5) "
      "and answers the third", lost_requests,
      "No reply within TIMEOUT_MS: send the line again, not before TIMEOUT_MS and no later "
      "than TIMEOUT_MS + 300 ms after the previous send.", "#resending" },
    { "late-reply", "answers the first copy of \"delta\" only after the second copy came",
      late_reply,
      "A late reply to an earlier copy still matches: it comes from the server and ends "
      "with the line. Send every copy from the same socket.", "#a-new-socket-for-each-try" },
    { "stale-replies", "answers \"alpha\"; then, while waiting for \"bravo\", sends "
      "replies to \"alpha\" every 60 ms and answers only the second copy of \"bravo\"",
      stale_replies,
      "A datagram that does not match is discarded and does not extend the wait: one "
      "deadline per send, and wait only for the time left.", "#one-deadline-per-send" },
    { "other-senders", "before the server's reply, sends a matching reply from another "
      "port and one from 127.0.0.2 with the server's port", other_senders,
      "Only datagrams from the server's address (IP and port) can match.",
      "#matching-replies" },
    { "no-reply", "never answers (TIMEOUT_MS 150, TRIES 3)", no_reply,
      "After TRIES sends without a match: \"rpcclient: no reply after TRIES tries\" on "
      "stderr, exit 1.", "#counting-tries" },
    { "nothing-listens", "runs rpcclient against a UDP port where nothing listens "
      "(TIMEOUT_MS 100, TRIES 3)", nothing_listens,
      "ECONNREFUSED is no reply: keep waiting until the deadline, resend, and give up "
      "after TRIES sends.", "#connection-refused-is-no-reply" },
    { "range-edges", "runs with TIMEOUT_MS 60000 and TRIES 1 (answered), then with "
      "TIMEOUT_MS 1 and TRIES 100 (never answered)", range_edges,
      "TIMEOUT_MS may be 1 to 60000 and TRIES 1 to 100, both ends included.",
      "#usage-errors" },
    { "no-input", "gives an empty stdin", no_input,
      "At the end of stdin, exit 0 without sending anything.", "#matching-replies" },
    { "unknown-service", "runs `rpcclient 127.0.0.1 nosuchservice 1000 3`", rpc_service,
      "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      "#errors" },
    { "usage-arg-count", "runs rpcclient with 3 and with 5 arguments", rpc_arg_count, NULL,
      "#usage-errors" },
    { "timeout-range", "runs rpcclient with TIMEOUT_MS 0, then 60001", rpc_timeout_range,
      "TIMEOUT_MS is 1 to 60000: check the range before using it.", "#usage-errors" },
    { "tries-range", "runs rpcclient with TRIES 0, then 101", rpc_tries_range,
      "TRIES is 1 to 100: check the range before using it.", "#usage-errors" },
    { "not-digits", "runs rpcclient with TIMEOUT_MS \"1e3\", \"-100\", \"100ms\", \"\" and "
      "TRIES \"+3\", \"3 \"", rpc_not_digits,
      "atoi() and strtol() accept signs, spaces and trailing junk: check that every "
      "character is a digit.", "#usage-errors" },
    { NULL },
};

/* ==== tconnect ========================================================== */

static struct proc *tconnect(struct ctx *c, const char *host, int port, long t,
                             const char *hosts)
{
    return prog_start(c, (struct start){
        .argv = ARGV("tconnect", host, str("%d", port), str("%ld", t)), .hosts = hosts });
}

/* A listener on addr:port (0: any) whose accept queue is full: the kernel
 * drops further SYNs, so a connect there gets no answer.  Returns the port. */
static int silent_listener(struct ctx *c, const char *addr, int port)
{
    struct listener *l = tcp_listener_at(c, AF_INET, addr, port, 0);
    port = listener_port(l);
    tcp_connect_from(c, "127.0.0.1", addr, port);   /* takes the one place in the queue */
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, addr, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct pollfd p = { fd, POLLOUT, 0 };
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 ||
        (errno == EINPROGRESS && poll(&p, 1, 20) > 0))
        skip(c, "this machine answers a connect to a listener whose accept queue is full, "
                "so a connect that gets no answer cannot be staged");
    close(fd);
    peer_record(c, 0, "%s port %d has a full accept queue: a new connect gets no answer",
                addr, port);
    return port;
}

/* tconnect must end with "Connection timed out", t to t + 300 ms after t0. */
static void expect_timed_out(struct ctx *c, struct proc *p, long t0, long t, const char *per)
{
    if (!prog_wait_exit(p, t + LATE + 1000))
        FAIL(c, .expected = str("exit 1 with \"Connection timed out\", %ld to %ld ms after the "
                                "start (TIMEOUT_MS %ld)", t, t + LATE, t),
             .observed = str("still running after %ld ms", t + LATE + 1000),
             .hint = "A blocking connect() to an address that does not answer waits for the "
                     "kernel's own timeout, about two minutes. Make the socket non-blocking "
                     "(fcntl O_NONBLOCK), start the connect (EINPROGRESS), and wait with "
                     "poll() for POLLOUT until the deadline.",
             .see = "#a-blocking-connect");
    long took = prog_exit_ms(p) - t0;
    size_t n;
    const char *err = prog_stderr(p, &n);
    const char *exp = str("exit 1 and \"Connection timed out\" on stderr, %ld to %ld ms after "
                          "the start (TIMEOUT_MS %ld)", t, t + LATE, t);
    if (has(err, n, "Operation now in progress"))
        FAIL(c, .expected = exp, .observed = str("stderr: %s", describe(err, n)),
             .hint = "\"Operation now in progress\" is EINPROGRESS, the errno a "
                     "non-blocking connect() leaves (and a blocking one that runs out of "
                     "SO_SNDTIMEO). When the deadline passes, report ETIMEDOUT: set errno = "
                     "ETIMEDOUT before printing (strerror: \"Connection timed out\").",
             .see = "#operation-now-in-progress");
    expect_exit(c, p, 1, 0);
    if (!has(err, n, "Connection timed out"))
        FAIL(c, .expected = exp, .observed = n ? str("stderr: %s", describe(err, n))
                                               : "nothing on stderr",
             .hint = "poll() returning 0 sets no errno: when the deadline passes, set errno "
                     "to ETIMEDOUT (or print strerror(ETIMEDOUT), \"Connection timed out\").",
             .see = "#errors");
    if (took < t - EARLY)
        FAIL(c, .expected = exp, .observed = str("it gave up %ld ms after the start", took),
             .hint = "It gave up before TIMEOUT_MS. Is the timeout in the right unit? poll() "
                     "takes milliseconds, a struct timeval seconds and microseconds "
                     "(TIMEOUT_MS / 1000 is 0 for anything under a second).",
             .see = "#a-timeout-in-the-wrong-unit");
    if (took > t + LATE)
        FAIL(c, .expected = exp, .observed = str("it gave up %ld ms after the start%s", took,
                                                 per ? per : ""),
             .hint = per ?
                 "Each address got its own TIMEOUT_MS. Compute ONE deadline at the start and "
                 "give every address only what is left of it; stop when nothing is left." :
                 "Compute the deadline once, at the start, and wait with poll() for the time "
                 "left.",
             .see = per ? "#a-timeout-per-address" : "#one-deadline");
}

static void connects(struct ctx *c, int family)
{
    if (family == AF_INET6 && !have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    struct listener *l = tcp_listener(c, family, NULL, 5);
    struct proc *p = tconnect(c, family == AF_INET6 ? "::1" : "127.0.0.1",
                              listener_port(l), 2000, NULL);
    expect_exit(c, p, 0, 2000);
    expect_stdout(c, p, "connected\n", 10);
    expect_accept(c, l, 500);
}

static void connects4(struct ctx *c) { connects(c, AF_INET); }
static void connects6(struct ctx *c) { connects(c, AF_INET6); }

static void refused(struct ctx *c)
{
    int port = free_port(SOCK_STREAM);
    long t0 = now_ms(c);
    struct proc *p = tconnect(c, "127.0.0.1", port, 2000, NULL);
    const char *exp = "exit 1 and \"Connection refused\" on stderr within 200 ms";
    if (!prog_wait_exit(p, 2000))
        FAIL(c, .expected = exp, .observed = "still running after 2000 ms",
             .hint = "When poll() says the socket is writable, the connect is over: read its "
                     "result with getsockopt(SO_ERROR) and stop waiting.",
             .see = "#writable-is-not-connected");
    size_t n;
    const char *out = prog_stdout(p, &n, NULL);
    if (has(out, n, "connected"))
        FAIL(c, .expected = exp, .observed = str("stdout: %s", describe(out, n)),
             .hint = "poll() reports POLLOUT when the connect is over, failed or not: read "
                     "the result with getsockopt(fd, SOL_SOCKET, SO_ERROR, ...); not 0 means "
                     "it failed, with that errno.",
             .see = "#writable-is-not-connected");
    expect_exit(c, p, 1, 0);
    expect_stderr_has(c, p, "Connection refused");
    long took = prog_exit_ms(p) - t0;
    if (took > 200)
        FAIL(c, .expected = exp, .observed = str("it ended %ld ms after the start", took),
             .hint = "A refusal is an answer: stop at once (SO_ERROR is ECONNREFUSED) and "
                     "try the next address, do not wait for the deadline.",
             .see = "#writable-is-not-connected");
}

static void times_out(struct ctx *c)
{
    int port = silent_listener(c, "127.0.0.1", 0);
    long t0 = now_ms(c);
    expect_timed_out(c, tconnect(c, "127.0.0.1", port, 200, NULL), t0, 200, NULL);
}

static void one_deadline(struct ctx *c)
{
    if (!is_root())
        skip(c, "a name with several addresses needs a private /etc/hosts (root only)");
    int port = silent_listener(c, "127.0.0.2", 0);
    silent_listener(c, "127.0.0.3", port);
    silent_listener(c, "127.0.0.4", port);
    long t0 = now_ms(c);
    struct proc *p = tconnect(c, "multi", port, 250,
                              "127.0.0.2 multi\n127.0.0.3 multi\n127.0.0.4 multi\n");
    expect_timed_out(c, p, t0, 250, " (3 addresses: 3 x 250 ms would be 750 ms)");
}

static void next_address(struct ctx *c)
{
    if (!is_root())
        skip(c, "a name with several addresses needs a private /etc/hosts (root only)");
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.3", 5);
    peer_record(c, 0, "nothing listens on 127.0.0.2 port %d: a connect there is refused",
                listener_port(l));
    struct proc *p = tconnect(c, "multi", listener_port(l), 2000,
                              "127.0.0.2 multi\n127.0.0.3 multi\n");
    if (!prog_wait_exit(p, 2000))
        FAIL(c, .expected = "\"connected\" and exit 0", .observed = "still running after 2000 ms");
    size_t n;
    const char *err = prog_stderr(p, &n);
    if (has(err, n, "refused"))
        FAIL(c, .expected = "a connection to 127.0.0.3, the second address of \"multi\", after "
                            "127.0.0.2 refused",
             .observed = str("it gave up: stderr %s", describe(err, n)),
             .hint = "Try every address getaddrinfo() returns, in order, until one connects "
                     "(each with what is left of the one deadline); report the last error "
                     "only when all failed.",
             .see = "#trying-every-address");
    expect_exit(c, p, 0, 0);
    expect_stdout(c, p, "connected\n", 10);
    expect_accept(c, l, 500);
}

static void tc_range_edges(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = tconnect(c, "127.0.0.1", listener_port(l), 60000, NULL);
    expect_exit(c, p, 0, 2000);
    expect_stdout(c, p, "connected\n", 10);
    int port = silent_listener(c, "127.0.0.1", 0);
    long t0 = now_ms(c);
    expect_timed_out(c, tconnect(c, "127.0.0.1", port, 1, NULL), t0, 1, NULL);
}

static void tc_service(struct ctx *c)
{
    unknown_service(c, ARGV("tconnect", "127.0.0.1", "nosuchservice", "1000"));
}

static void tc_arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "1000", "1"));
}

static void tc_timeout_range(struct ctx *c)
{
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "0"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "60001"));
}

static void tc_not_digits(struct ctx *c)
{
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "1e3"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "-100"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "100ms"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", ""));
}

static const struct test tconnect_tests[] = {
    { "connects", "listens on 127.0.0.1 and runs `tconnect 127.0.0.1 PORT 2000`", connects4,
      "On success print exactly \"connected\\n\" and exit 0.", "#the-non-blocking-connect" },
    { "connects-ipv6", "listens on ::1 and runs `tconnect ::1 PORT 2000`", connects6,
      "Make the socket with the family getaddrinfo() returned (ai_family).",
      "#trying-every-address" },
    { "refused", "runs tconnect against a port where nothing listens", refused,
      "A refusal ends the connect at once: SO_ERROR is ECONNREFUSED; print "
      "\"Connection refused\" and exit 1.", "#writable-is-not-connected" },
    { "times-out", "runs `tconnect 127.0.0.1 PORT 200` where the connect gets no answer "
      "(a listener with a full accept queue)", times_out,
      "Non-blocking connect, poll() for POLLOUT until the deadline, then ETIMEDOUT.",
      "#a-blocking-connect" },
    { "one-deadline", "gives the name three addresses whose connects all get no answer "
      "(TIMEOUT_MS 250)", one_deadline,
      "One deadline for all addresses together, not one TIMEOUT_MS per address.",
      "#a-timeout-per-address" },
    { "next-address", "gives the name two addresses: the first refuses, the second accepts",
      next_address, "Try every address in order until one connects.",
      "#trying-every-address" },
    { "range-edges", "runs with TIMEOUT_MS 60000 (connects), then with TIMEOUT_MS 1 (no "
      "answer)", tc_range_edges, "TIMEOUT_MS may be 1 to 60000, both ends included.",
      "#usage-errors" },
    { "unknown-service", "runs `tconnect 127.0.0.1 nosuchservice 1000`", tc_service,
      "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      "#errors" },
    { "usage-arg-count", "runs tconnect with 2 and with 4 arguments", tc_arg_count, NULL,
      "#usage-errors" },
    { "timeout-range", "runs tconnect with TIMEOUT_MS 0, then 60001", tc_timeout_range,
      "TIMEOUT_MS is 1 to 60000: check the range before using it.", "#usage-errors" },
    { "not-digits", "runs tconnect with TIMEOUT_MS \"1e3\", \"-100\", \"100ms\" and \"\"",
      tc_not_digits,
      "atoi() and strtol() accept signs and trailing junk: check that every character is a "
      "digit.", "#usage-errors" },
    { NULL },
};

/* ==== idleserver ======================================================== */

static struct proc *server;

static int idle_start(struct ctx *c, long idle)
{
    return server_start(c, &server, ARGV("idleserver", "0", str("%ld", idle)));
}

/* Wait until `when`, a time since the test started (a staged pause). */
static void until(struct ctx *c, long when)
{
    long left = when - now_ms(c);
    if (left > 0)
        pause_ms(left);
}

/* How a client waited for its cut: it sent nothing, it sent bytes first,
 * or it is one of many clients that came earlier. */
enum wait { SILENT, AFTER_BYTES, NTH_CLIENT };

/* The server must close k (EOF) idle to idle + 500 ms after `from` (ms
 * since the test started), the moment the last byte went out or the
 * connect began. */
static void expect_cut(struct ctx *c, struct conn *k, long from, long idle, const char *after,
                       enum wait how)
{
    size_t n;
    int end;
    long wait = from + idle + CUT_LATE + 1000 - now_ms(c);
    char *got = conn_read_to_end(c, k, &n, wait > 0 ? wait : 1, &end);
    long took = now_ms(c) - from;
    const char *exp = str("the server to close the connection (EOF) %ld to %ld ms after %s "
                          "(IDLE_MS %ld)", idle, idle + CUT_LATE, after, idle);
    if (n)
        FAIL(c, .expected = exp, .observed = str("bytes came: %s", describe(got, n)),
             .hint = "Send back only what the client sent.", .see = "#the-idle-timer");
    if (end == ETIMEDOUT && how == NTH_CLIENT)
        FAIL(c, .expected = exp, .observed = str("still open %ld ms after %s", took, after),
             .hint = "The earlier clients were cut, this one is never served: the server ran "
                     "out of descriptors (accept() fails with EMFILE). close() every client "
                     "you cut; shutdown() alone keeps the descriptor.",
             .see = "#leaking-descriptors");
    if (end == ETIMEDOUT)
        FAIL(c, .expected = exp, .observed = str("still open %ld ms after %s", took, after),
             .hint = how == AFTER_BYTES ?
                 "Every wait for the client's bytes needs the timeout, not only the first: "
                 "poll(fd, 1, IDLE_MS) before each recv() (or SO_RCVTIMEO on the socket), "
                 "and close the connection when it times out." :
                 "Wait for input with poll(fd, 1, IDLE_MS) before each recv(); when it "
                 "returns 0, close the connection.",
             .see = how == AFTER_BYTES ? "#a-timeout-only-on-the-first-read" : "#the-idle-timer");
    if (end)
        FAIL(c, .expected = exp, .observed = str("the connection was reset (%s) after %ld ms",
                                                 strerror(end), took),
             .hint = "Cut an idle client with a plain close(): it sends FIN.",
             .see = "#the-idle-timer");
    if (took < idle - EARLY)
        FAIL(c, .expected = exp, .observed = str("it closed %ld ms after %s", took, after),
             .hint = how == AFTER_BYTES ?
                 "The idle time counts from the LAST byte received and starts again with "
                 "every byte: poll() with IDLE_MS before each recv(), not one deadline from "
                 "accept() or from the first byte." :
                 "It cut the client before IDLE_MS. Is the timeout in the right unit? poll() "
                 "takes milliseconds, sleep() seconds (IDLE_MS / 1000 is 0 below a second), "
                 "a struct timeval seconds and microseconds.",
             .see = how == AFTER_BYTES ? "#a-timer-for-the-whole-connection"
                                       : "#a-timeout-in-the-wrong-unit");
    if (took > idle + CUT_LATE)
        FAIL(c, .expected = exp, .observed = str("it closed %ld ms after %s", took, after),
             .hint = "Wait with a timeout of IDLE_MS (poll() takes milliseconds): a sleep or "
                     "a timeout in seconds is too coarse.",
             .see = "#the-idle-timer");
}

static void echo(struct ctx *c)
{
    struct conn *k = tcp_connect(c, AF_INET, idle_start(c, 2000));
    conn_send(c, k, "hello, idle server\n", 19);
    conn_half_close(c, k);
    expect_bytes(c, k, "hello, idle server\n", 19, 2000);
    expect_eof(c, k, 2000);
}

static void echo_large(struct ctx *c)
{
    struct conn *k = tcp_connect(c, AF_INET, idle_start(c, 2000));
    expect_echo(c, k, random_bytes(1 << 20, 3), 1 << 20, 2000);
    conn_half_close(c, k);
    expect_eof(c, k, 2000);
}

static void idle_cut(struct ctx *c)
{
    int port = idle_start(c, 200);
    long t0 = now_ms(c);
    expect_cut(c, tcp_connect(c, AF_INET, port), t0, 200, "the connect", SILENT);
    pause_ms(300);   /* nobody connects for a while: the server just waits */
    expect_still_running(c, server, "300 ms without any client");
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_send(c, k, "next\n", 5);
    conn_half_close(c, k);
    expect_bytes(c, k, "next\n", 5, 2000);
    expect_eof(c, k, 2000);
}

static void active_client(struct ctx *c)
{
    struct conn *k = tcp_connect(c, AF_INET, idle_start(c, 200));
    long t0 = now_ms(c);
    for (int i = 1; i <= 12; i++) {   /* a byte every 66 ms for 800 ms */
        until(c, t0 + i * 200 / 3);
        char b = (char)('a' + i);
        conn_send(c, k, &b, 1);
        expect_bytes(c, k, &b, 1, 1000);
    }
    conn_half_close(c, k);
    expect_eof(c, k, 2000);
}

static void timer_restarts(struct ctx *c)
{
    struct conn *k = tcp_connect(c, AF_INET, idle_start(c, 200));
    long t0 = now_ms(c);
    until(c, t0 + 80);
    conn_send(c, k, "1", 1);
    expect_bytes(c, k, "1", 1, 1000);
    until(c, t0 + 160);
    long last = now_ms(c);
    conn_send(c, k, "2", 1);
    expect_bytes(c, k, "2", 1, 1000);
    expect_cut(c, k, last, 200, "the last byte", AFTER_BYTES);
}

static void queued_client(struct ctx *c)
{
    int port = idle_start(c, 200);
    long t0 = now_ms(c);
    struct conn *a = tcp_connect(c, AF_INET, port), *b = tcp_connect(c, AF_INET, port);
    conn_send(c, b, "next in line\n", 13);
    expect_cut(c, a, t0, 200, "the connect", SILENT);
    expect_bytes(c, b, "next in line\n", 13, 1000);
    conn_half_close(c, b);
    expect_eof(c, b, 1000);
}

static void restart_same_port(struct ctx *c)
{
    int port = idle_start(c, 100);
    long t0 = now_ms(c);
    expect_cut(c, tcp_connect(c, AF_INET, port), t0, 100, "the connect", SILENT);
    prog_stop(c, server);   /* the server closed first: its side is in TIME_WAIT */
    server_start(c, &server, ARGV("idleserver", str("%d", port), "2000"));
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_send(c, k, "again\n", 6);
    expect_bytes(c, k, "again\n", 6, 2000);
}

static void client_resets(struct ctx *c)
{
    int port = idle_start(c, 2000);
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_send(c, k, "about to reset\n", 15);
    conn_reset(c, k);
    k = tcp_connect(c, AF_INET, port);
    conn_send(c, k, "still there?\n", 13);
    conn_half_close(c, k);
    expect_bytes(c, k, "still there?\n", 13, 2000);
    expect_eof(c, k, 2000);
}

/* Wait (at most ms) until the FIN of fd has reached the peer: our side is
 * then in FIN_WAIT2. */
static void fin_acked(int fd, long ms)
{
    for (long i = 0; i < ms; i++) {
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
            ti.tcpi_state == TCP_FIN_WAIT2)
            return;
        pause_ms(1);
    }
}

static void closes_without_reading(struct ctx *c)
{
    int port = idle_start(c, 2000);
    struct conn *k = tcp_connect(c, AF_INET, port), *next = tcp_connect(c, AF_INET, port);
    conn_send(c, k, "hello\n", 6);
    expect_bytes(c, k, "hello\n", 6, 2000);   /* the server is busy with c1 */
    conn_send(c, next, "alive?\n", 7);        /* c2 waits its turn */
    conn_half_close(c, next);
    /* While the server is stopped, c1 sends, half-closes and resets: going
     * on, the server echoes to a connection that is gone (EPIPE). */
    prog_freeze(c, server);
    conn_send(c, k, random_bytes(32 << 10, 9), 32 << 10);
    conn_half_close(c, k);
    fin_acked(conn_fd(k), 500);
    conn_reset(c, k);
    prog_thaw(c, server);
    size_t n;
    int end;
    char *got = conn_read_to_end(c, next, &n, 3000, &end);
    if (n != 7 || memcmp(got, "alive?\n", 7) || end) {
        prog_wait_exit(server, 100);
        expect_still_running(c, server, "a client that closed without reading its echo");
        FAIL(c, .expected = "the next client's echo \"alive?\\n\", then EOF",
             .observed = str("%s, then %s", describe(got, n), end ? strerror(end) : "EOF"));
    }
}

static void many_idle_clients(struct ctx *c)
{
    /* 16 descriptors: a server that leaks one per cut runs out before the 14th. */
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("idleserver", "0", "30"),
                                                   .nofile = 16 });
    int port = expect_ready(c, p, 3000);
    for (int i = 0; i < 15; i++) {
        long t0 = now_ms(c);
        struct conn *k = tcp_connect(c, AF_INET, port);
        expect_cut(c, k, t0, 30, str("the connect of client %d (RLIMIT_NOFILE 16)", i + 1),
                   i ? NTH_CLIENT : SILENT);
        conn_close(c, k);
    }
    expect_still_running(c, p, "15 idle clients");
}

static void longest_idle(struct ctx *c)
{
    struct conn *k = tcp_connect(c, AF_INET, idle_start(c, 60000));
    conn_send(c, k, "patient\n", 8);
    conn_half_close(c, k);
    expect_bytes(c, k, "patient\n", 8, 2000);
    expect_eof(c, k, 2000);
}

static void is_arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("idleserver", "0"));
    expect_usage_error(c, ARGV("idleserver", "0", "100", "1"));
}

static void is_idle_range(struct ctx *c)
{
    expect_usage_error(c, ARGV("idleserver", "0", "0"));
    expect_usage_error(c, ARGV("idleserver", "0", "60001"));
}

static void is_bad_port(struct ctx *c)
{
    expect_usage_error(c, ARGV("idleserver", "65536", "100"));
    expect_usage_error(c, ARGV("idleserver", "12ab", "100"));
    expect_usage_error(c, ARGV("idleserver", "-1", "100"));
}

static void is_not_digits(struct ctx *c)
{
    expect_usage_error(c, ARGV("idleserver", "0", "1e3"));
    expect_usage_error(c, ARGV("idleserver", "0", "-100"));
    expect_usage_error(c, ARGV("idleserver", "0", "100ms"));
    expect_usage_error(c, ARGV("idleserver", "0", ""));
}

static const struct test idleserver[] = {
    { "echo", "sends a line, half-closes, reads the echo and the EOF (IDLE_MS 2000)", echo,
      "Echo every byte back until the client's EOF, then close the connection.",
      "#the-idle-timer" },
    { "echo-large", "sends 1 MiB while reading its echo", echo_large,
      "Send back every byte you received: send() may take fewer bytes than asked, loop until "
      "all went out.", "#the-idle-timer" },
    { "idle-cut", "connects and sends nothing (IDLE_MS 200); after the cut and 300 ms "
      "without clients, a second client sends a line", idle_cut,
      "Wait for input with poll(fd, 1, IDLE_MS) before each recv(); when it returns 0, close "
      "the connection and go back to accept(), which waits as long as it takes.",
      "#the-idle-timer" },
    { "active-client", "sends a byte every 66 ms for 800 ms, reading each echo (IDLE_MS 200)",
      active_client,
      "A client that keeps sending is never cut: the idle time starts again with every byte "
      "received.", "#a-timer-for-the-whole-connection" },
    { "timer-restarts", "sends a byte at 80 ms and at 160 ms, then nothing (IDLE_MS 200): "
      "the cut must come 200 ms after the LAST byte", timer_restarts,
      "The idle time counts from the last byte received, not from accept() or from the first "
      "byte.", "#a-timer-for-the-whole-connection" },
    { "queued-client", "connects an idle client, then a second that sends a line at once "
      "(IDLE_MS 200)", queued_client,
      "After cutting an idle client, close only its descriptor and go back to accept(): the "
      "listening socket and the server stay.", "#ending-more-than-the-idle-client" },
    { "restart-same-port", "lets the server cut an idle client, stops the server and starts "
      "it again on the same port", restart_same_port,
      "The server closed first, so its side of the connection sits in TIME_WAIT: set "
      "SO_REUSEADDR before bind().", "#restarting-on-the-same-port" },
    { "client-resets", "sends a line and resets the connection, then a second client "
      "talks", client_resets,
      "A reset client makes recv() or send() fail with ECONNRESET: close that client and "
      "serve the next, never exit.", "#sigpipe" },
    { "closes-without-reading", "while the server is stopped (SIGSTOP), c1 sends 32 KiB, "
      "half-closes and resets without reading the echo; then c2, waiting, sends a line",
      closes_without_reading,
      "Ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL, then handle "
      "EPIPE/ECONNRESET by closing that client.", "#sigpipe" },
    { "many-idle-clients", "15 clients in turn, each idle until cut (IDLE_MS 30), with "
      "RLIMIT_NOFILE 16", many_idle_clients,
      "close() every client you cut: a descriptor kept per client runs the server out of "
      "descriptors.", "#leaking-descriptors" },
    { "longest-idle", "starts `idleserver 0 60000` and echoes a line", longest_idle,
      "IDLE_MS may be 1 to 60000, both ends included.", "#usage-errors" },
    { "usage-arg-count", "runs idleserver with 1 and with 3 arguments", is_arg_count, NULL,
      "#usage-errors" },
    { "idle-range", "runs idleserver with IDLE_MS 0, then 60001", is_idle_range,
      "IDLE_MS is 1 to 60000: check the range before using it.", "#usage-errors" },
    { "bad-port", "runs idleserver with PORT 65536, \"12ab\" and \"-1\"", is_bad_port,
      "PORT is 1 to 5 decimal digits with a value of at most 65535.", "#usage-errors" },
    { "not-digits", "runs idleserver with IDLE_MS \"1e3\", \"-100\", \"100ms\" and \"\"",
      is_not_digits,
      "atoi() and strtol() accept signs and trailing junk: check that every character is a "
      "digit.", "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "07-timeouts",
    (const struct program[]){ { "rpcclient", rpcclient }, { "tconnect", tconnect_tests },
                              { "idleserver", idleserver }, { NULL } },
};
