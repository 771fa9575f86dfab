/* check_wcserver.c - lesson 08: wcserver counts what a client sends until the
 * client's EOF (its shutdown(fd, SHUT_WR)) and stops cleanly on SIGTERM and SIGINT. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "check.h"

#define EXIT_MS 500   /* contract: with no client in progress, exit within 500 ms */
#define SLACK 250     /* what a busy machine may add to it */

/* The sets of separators students use instead of the contract's six. */
static int sep_alnum(unsigned char ch)
{
    return !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'));
}
static int sep_graph(unsigned char ch) { return ch < 0x21 || ch > 0x7e; }
static int sep_signed(unsigned char ch) { return (signed char)ch <= ' '; }
static int sep_control(unsigned char ch) { return ch <= ' '; }
static int sep_nul(unsigned char ch) { return ch == 0 || sep_right(ch); }
static int sep_three(unsigned char ch) { return ch == ' ' || ch == '\t' || ch == '\n'; }

/* A wrong W that one of these separator sets gives has a known cause. */
static const struct {
    int (*sep)(unsigned char);
    const char *hint, *see;
} word_mistakes[] = {
    { sep_alnum, "It counts runs of letters and digits. A word is any run of bytes other than "
                 "the six separators (space \\t \\n \\v \\f \\r): \"don't\", \"e-mail,\" and "
                 "\"x+y=z!\" are one word each.", "#what-a-word-is" },
    { sep_graph, "Bytes that are not printable ASCII end a word in your count (isgraph()? "
                 "isprint()?). Only the six separators (space \\t \\n \\v \\f \\r) do: NUL, "
                 "control bytes and bytes >= 0x80 are word bytes.", "#what-a-word-is" },
    { sep_signed, "Bytes >= 0x80 count as separators: `char c` is signed here, so c <= ' ' "
                  "holds for them (0xe9 is -23). Compare with the six separators one by one, "
                  "on an unsigned char.", "#signed-char" },
    { sep_control, "c <= ' ' makes NUL and every control byte a separator. Only the six "
                   "separators (space \\t \\n \\v \\f \\r) are: NUL, \\x01 or ESC are word "
                   "bytes.", "#what-a-word-is" },
    { sep_nul, "A NUL byte ends a word in your count (strtok(), strlen() or a string function "
               "stop there). The data are bytes, not a C string: NUL is a word byte like "
               "'a'.", "#nul-bytes" },
    { sep_three, "Only space, \\t and \\n separate words in your count: \\v, \\f and \\r do "
                 "too (the six bytes isspace() knows in the C locale).", "#what-a-word-is" },
};

static int server(struct ctx *c, struct proc **p)
{
    return server_start(c, p, ARGV("wcserver", "0"));
}

/* A server that the test will stop with a signal: not watched for dying. */
static int server_to_stop(struct ctx *c, struct proc **p)
{
    *p = prog_start(c, (struct start){ .argv = ARGV("wcserver", "0") });
    return expect_ready(c, *p, 3000);
}

/* The reply was "L W B\n" but with wrong numbers: why? */
static void wrong_counts(struct ctx *c, const unsigned char *data, size_t n, struct wc got,
                         const char *want, const char *seen, int pieces)
{
    struct wc ok = count(data, n, sep_right);
    const char *hint = NULL, *see = NULL, *what;
    if (got.b != ok.b) {
        const unsigned char *nul = memchr(data, 0, n);
        what = str("B is %llu, not %llu", got.b, ok.b);
        hint = nul && got.b == (unsigned long long)(nul - data)
                   ? "B stops at the first NUL byte: the data are bytes, not a string. B is the "
                     "sum of what recv() returned, never strlen()."
                   : "B is the number of bytes received: add up the values recv() returned "
                     "until it returned 0.";
        see = nul ? "#nul-bytes" : "#counting-across-reads";
    } else if (got.l != ok.l) {
        what = str("L is %llu, not %llu", got.l, ok.l);
        hint = got.l == ok.l + 1 && n && data[n - 1] != '\n'
                   ? "L is the number of \\n bytes: a last line without \\n adds no \\n (wc "
                     "counts newlines, not lines)."
                   : "L is the number of \\n bytes received, nothing else: \\r or \\v are no "
                     "line ends.";
        see = "#counting-lines";
    } else {
        what = str("W is %llu, not %llu", got.w, ok.w);
        if (pieces && got.w > ok.w) {
            hint = "Each piece of a word that arrived in its own recv() was counted as a word: "
                   "a word may be split across two reads. Keep \"am I inside a word\" in a "
                   "variable that lives across recv() calls, not one reset for every buffer.";
            see = "#words-split-across-reads";
        }
        for (size_t i = 0; !hint && i < sizeof word_mistakes / sizeof word_mistakes[0]; i++)
            if (count(data, n, word_mistakes[i].sep).w == got.w) {
                hint = word_mistakes[i].hint;
                see = word_mistakes[i].see;
            }
        if (!hint && got.w > ok.w) {
            hint = "More words than there are: a word split across two recv() calls is one "
                   "word (keep the in-a-word state across calls), and a run of separators "
                   "(\"a  \\t b\") ends only one word.";
            see = "#words-split-across-reads";
        }
    }
    FAIL(c, .expected = str("the reply %s, then EOF", escaped(want, strlen(want), 60)),
         .observed = str("the reply %s: %s", seen, what), .hint = hint, .see = see);
}

/* Read the reply to data[0..n) until EOF: exactly "L W B\n". */
static void expect_counts(struct ctx *c, struct conn *k, const void *data, size_t n, int pieces)
{
    char *want = reply_for(data, n);
    size_t len;
    int end;
    char *got = conn_read_to_end(c, k, &len, 3000, &end);
    int right = len == strlen(want) && !memcmp(got, want, len);
    const char *seen = escaped(got, len, 80);
    if (right && end == 0)
        return;
    const char *expected = str("the reply %s, then EOF", escaped(want, strlen(want), 60));
    if (right && end == ETIMEDOUT)
        FAIL(c, .expected = expected,
             .observed = "the right reply, but the connection stayed open for 3000 ms",
             .hint = "After sending the reply, close() the client's socket: the client reads "
                     "until EOF, and only your close sends it.", .see = "#the-reply");
    if (right)
        FAIL(c, .expected = expected,
             .observed = str("the right reply, then %s instead of EOF", strerror(end)));
    if (!len)
        FAIL(c, .expected = expected,
             .observed = end == 0 ? "EOF without a reply: the server closed the connection"
                       : end == ETIMEDOUT ? "nothing for 3000 ms after the client's FIN"
                                          : str("no reply, then %s", strerror(end)),
             .hint = end == ETIMEDOUT
                 ? "The client has half-closed: recv() returned 0. That is the moment to stop "
                   "reading and send \"L W B\\n\" (is the loop waiting for something else?)."
                 : "When recv() returns 0, send \"L W B\\n\", then close the connection. An "
                   "error on one client must not end the server either.",
             .see = "#the-reply");
    unsigned long long l, w, b;
    int used = -1;
    if (sscanf(got, "%llu %llu %llu%n", &l, &w, &b, &used) == 3 && used >= 0 &&
        (size_t)used + 1 == len && got[used] == '\n' &&
        !strcmp(str("%llu %llu %llu\n", l, w, b), got))
        wrong_counts(c, data, n, (struct wc){ l, w, b }, want, seen, pieces);
    FAIL(c, .expected = expected, .observed = str("the reply %s", seen),
         .hint = "The reply is exactly the three numbers in decimal, one space between them, "
                 "then \\n: snprintf(reply, sizeof reply, \"%\" PRIu64 \" %\" PRIu64 \" %\" "
                 "PRIu64 \"\\n\", lines, words, bytes), nothing before, nothing after.",
         .see = "#the-reply");
}

/* One whole request: connect, send, FIN, the reply, EOF. */
static void count_one(struct ctx *c, int port, const void *data, size_t n)
{
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_send(c, k, data, n);
    conn_half_close(c, k);
    expect_counts(c, k, data, n, 0);
    conn_close(c, k);
}

/* ---- has the server accepted the connection? -------------------------- */

/* Has the server accepted k, not just queued it?  1: yes, 0: not (yet),
 * -1: this machine does not tell. */
static int accepted_now(struct conn *k)
{
    struct program_end e;
    int r = conn_program_end(k, &e);
    return r == 1 ? e.accepted : r;
}

/* Wait until the server has accepted k; 1 if it did within ms. */
static int accepted_within(struct ctx *c, struct conn *k, long ms)
{
    long end = now_ms(c) + ms;
    for (;;) {
        int a = accepted_now(k);
        if (a != 0 || now_ms(c) >= end)
            return a;
        pause_ms(5);
    }
}

static void wait_accepted(struct ctx *c, struct conn *k)
{
    int a = accepted_within(c, k, 3000);
    if (a < 0) {
        note(c, "this kernel does not tell whether a connection was accepted (no sock_diag): "
                "the checker waited 300 ms for the server to accept it");
        pause_ms(300);
    } else if (a == 0) {
        FAIL(c, .expected = "the idle server to accept the connection",
             .observed = "it was not accepted within 3000 ms",
             .hint = "An idle server waits in accept() (or poll() on the listener) and accepts "
                     "a client at once.");
    } else {
        peer_record(c, 0, "(the server has accepted the connection)");
    }
}

/* ---- the tests ---------------------------------------------------------- */

static void ready_line(struct ctx *c)
{
    count_one(c, server(c, NULL), "ready\n", 6);
}

static void counts_text(struct ctx *c)
{
    const char *text = "hello world\ndon't stop: e-mail, x+y=z!\n";
    count_one(c, server(c, NULL), text, strlen(text));
}

static void separators(struct ctx *c)
{
    const char *text = "  leading spaces\ntabs\tbetween\t\twords\ncrlf line\r\n"
                       "vertical\vtab and form\ffeed\nruns \t\r\v\f of all six \n\n\n"
                       "  \t trailing   ";
    count_one(c, server(c, NULL), text, strlen(text));
}

static void no_final_newline(struct ctx *c)
{
    count_one(c, server(c, NULL), "one two\nthree", 13);
}

static void empty_input(struct ctx *c)
{
    count_one(c, server(c, NULL), "", 0);
}

static void binary_bytes(struct ctx *c)
{
    static const char parts[] =
        "\x00 \x00\x00 a\x00z\n"                        /* NUL is a word byte */
        "\xe9t\xe9 na\xefve \x80 \xff \xa0 \x85 \xc2\xa0\n" /* so is every byte >= 0x80 */
        "\x01\x02 \x1b[0m \x7f del\n";                  /* and every control byte */
    char data[sizeof parts - 1 + 256];
    memcpy(data, parts, sizeof parts - 1);
    for (int i = 0; i < 256; i++)   /* every byte value, in order */
        data[sizeof parts - 1 + i] = (char)i;
    count_one(c, server(c, NULL), data, sizeof data);
}

static void large_input(struct ctx *c)
{
    size_t n = 20u << 20;
    unsigned char *data = random_bytes(n, 8);
    count_one(c, server(c, NULL), data, n);
}

/* ---- past 4 GiB ---------------------------------------------------------- */

/* 2^32 + 4096 bytes of "a\n": L = W = 2^31 + 2048, B = 2^32 + 4096.  Why
 * that page: an int L or W (the commonest mistake, even beside a 64-bit B)
 * goes past 2^31 - 1 and prints negative with %d, and a 32-bit B (int or
 * unsigned) wraps to 4096.  A page of "\n" alone would take L past 2^32
 * instead (an unsigned L beside a 64-bit B) but leave W at 0, so an int W
 * would pass: "a\n" catches a 32-bit int in any of the three counts and a
 * 32-bit unsigned B.  An unsigned L or W beside a 64-bit B needs 8 GiB
 * (W past 2^32): twice the cost for a rarer mix. */
#define BIG_B ((1ull << 32) + 4096)
/* The cost is the server's counting, 4 GiB of it: the solution takes 4.5 s,
 * the good programs (isspace(), a table, a 4 KiB buffer) 7 to 8 s.  Under
 * make test, beside lesson 10's crowds and eight other checks, the solution
 * took 26 s (166 MiB/s): time here says how busy the machine is, not how
 * good the program is.  So 45 s, under the test's own watchdog budget of
 * 50 s (the grader gives one program's checks 60 s); and a program still
 * reading at 45 s is judged by its own CPU time (conn_send_repeated): under
 * 100 MiB per CPU second it fails, else the test is skipped as too busy. */
#define BIG_MS 45000

/* Why the counts in a reply to BIG_B bytes of "a\n" are wrong, "" if it
 * holds no three numbers: which went negative (an int printed with %d),
 * which are the right one modulo 2^32 (a 32-bit count), which are off. */
static const char *big_counts_wrong(const char *reply)
{
    long long n[3];
    const unsigned long long right[3] = { BIG_B / 2, BIG_B / 2, BIG_B };
    const char *names[3] = { "L", "W", "B" };
    const char *how[3] = { " went past 2^31 - 1 and turned negative (an int: undefined "
                           "behaviour)", " wrapped at 2^32 (a 32-bit count)", " wrong" };
    const char *which[3] = { "", "", "" };
    if (sscanf(reply, "%lld %lld %lld", &n[0], &n[1], &n[2]) != 3)
        return "";
    for (int i = 0; i < 3; i++) {
        int kind = 2;
        if (n[i] >= 0 && (unsigned long long)n[i] == right[i])
            continue;
        if (n[i] < 0 && n[i] == (long long)(int32_t)(uint32_t)right[i])
            kind = 0;
        else if (n[i] == (long long)(uint32_t)right[i])
            kind = 1;
        which[kind] = str("%s%s%s", which[kind], *which[kind] ? " and " : "", names[i]);
    }
    const char *why = "";
    for (int k = 0; k < 3; k++)
        if (*which[k])
            why = str("%s%s%s%s", why, *why ? "; " : ": ", which[k], how[k]);
    return why;
}

static void past_4_gib(struct ctx *c)
{
    const char *want = str("%llu %llu %llu\n", BIG_B / 2, BIG_B / 2, BIG_B);
    const char *expected = str("the reply %s, then EOF", escaped(want, strlen(want), 60));
    struct proc *p;
    struct conn *k = tcp_connect(c, AF_INET, server(c, &p));
    conn_send_repeated(c, k, p, "a\n", 2, BIG_B, BIG_MS);
    conn_half_close(c, k);
    size_t len;
    int end;
    char *got = conn_read_to_end(c, k, &len, 3000, &end);
    if (len == strlen(want) && !memcmp(got, want, len) && end == 0)
        return;
    if (!len)
        FAIL(c, .expected = expected,
             .observed = end == 0 ? "EOF without a reply: the server closed the connection"
                       : end == ETIMEDOUT ? "nothing for 3000 ms after the client's FIN"
                                          : str("no reply, then %s", strerror(end)));
    FAIL(c, .expected = expected,
         .observed = str("the reply %s%s", escaped(got, len, 80), big_counts_wrong(got)));
}

static void one_byte_pieces(struct ctx *c)
{
    const char *text = "split words\nacross\tmany pieces";
    size_t n = strlen(text);
    struct conn *k = tcp_connect(c, AF_INET, server(c, NULL));
    conn_send_pieces(c, k, text, n, 1, 3);
    conn_half_close(c, k);
    expect_counts(c, k, text, n, 1);
}

static void waits_for_eof(struct ctx *c)
{
    const char *first = "the first words\n", *all = "the first words\nand the last ones\n";
    struct conn *k = tcp_connect(c, AF_INET, server(c, NULL));
    conn_send(c, k, first, strlen(first));
    peer_record(c, 0, "c1 waits 150 ms (no FIN yet: nothing may come back)");
    struct got g = conn_recv(c, k, 256, 150);
    if (g.len || g.eof || g.err) {
        const char *observed = str("a reply before the client had half-closed: %s",
                                   describe(g.buf, g.len));
        if (!g.len && g.eof)
            observed = "the server closed the connection before the client's EOF";
        if (!g.len && g.err)
            observed = str("the connection failed: %s", strerror(g.err));
        FAIL(c, .expected = "nothing from the server before the client's EOF",
             .observed = observed,
             .hint = "Only recv() returning 0 (the client's shutdown(SHUT_WR)) says the input "
                     "is complete. A short read, or a pause in the data, is not the end: keep "
                     "calling recv() until it returns 0, then reply.",
             .see = "#replying-before-the-end");
    }
    conn_send(c, k, all + strlen(first), strlen(all) - strlen(first));
    conn_half_close(c, k);
    expect_counts(c, k, all, strlen(all), 0);
}

static void clients_in_turn(struct ctx *c)
{
    int port = server(c, NULL);
    for (int i = 1; i <= 3; i++) {
        const char *text = str("client %d says %.*s\n", i, i, "hi hi hi");
        count_one(c, port, text, strlen(text));
    }
}

static void second_client_waits(struct ctx *c)
{
    const char *one = "first client\n", *two = "the second client\nwaited its turn\n";
    int port = server(c, NULL);
    struct conn *k1 = tcp_connect(c, AF_INET, port);
    struct conn *k2 = tcp_connect(c, AF_INET, port);
    conn_send(c, k2, two, strlen(two));   /* while c1 is served */
    conn_half_close(c, k2);
    conn_send(c, k1, one, strlen(one));
    conn_half_close(c, k1);
    expect_counts(c, k1, one, strlen(one), 0);
    expect_counts(c, k2, two, strlen(two), 0);
}

/* A server that dies of what a client did dies at once: give it a moment. */
static void expect_survives(struct ctx *c, struct proc *p, const char *what)
{
    if (!prog_wait_exit(p, 150))
        return;
    int st = prog_status(p);
    FAIL(c, .expected = str("the server to keep running after %s", what),
         .observed = WIFSIGNALED(st) ? str("it was killed by signal %d (%s)", WTERMSIG(st),
                                           strsignal(WTERMSIG(st)))
                                     : str("it exited with code %d", WEXITSTATUS(st)));
}

static void client_resets(struct ctx *c)
{
    size_t n = 256u << 10;
    char *data = random_bytes(n, 12);
    struct proc *p;
    int port = server(c, &p);
    struct conn *k1 = tcp_connect(c, AF_INET, port);
    conn_send(c, k1, data, n);
    conn_reset(c, k1);
    expect_survives(c, p, "a client reset its connection");
    count_one(c, port, "after a reset\n", 14);
    expect_still_running(c, p, "a client reset its connection");
}

static void client_gone_before_reply(struct ctx *c)
{
    struct proc *p;
    int port = server(c, &p);
    struct conn *k1 = tcp_connect(c, AF_INET, port);
    conn_send(c, k1, "count this\n", 11);
    wait_accepted(c, k1);
    /* Its FIN and RST arrive while the server is stopped: when it goes on,
     * it reads the data and the EOF, and its reply goes to a dead peer
     * (EPIPE, and SIGPIPE unless it is ignored). */
    prog_freeze(c, p);
    conn_half_close(c, k1);
    conn_wait_sent(k1, 500);
    conn_reset(c, k1);
    pause_ms(20);
    prog_thaw(c, p);
    expect_survives(c, p, "a client vanished before its reply");
    count_one(c, port, "the next client\n", 16);
    expect_still_running(c, p, "a client vanished before its reply");
}

static void many_clients(struct ctx *c)
{
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("wcserver", "0"), .nofile = 16 });
    int port = expect_ready(c, p, 3000);
    note(c, "The server runs with RLIMIT_NOFILE 16: after fds 0-2 and the listening socket, "
            "12 descriptors are left for clients.");
    for (int i = 1; i <= 30; i++) {
        const char *text = str("client %d of 30\n", i), *want = reply_for(text, strlen(text));
        struct conn *k = tcp_connect(c, AF_INET, port);
        conn_send(c, k, text, strlen(text));
        conn_half_close(c, k);
        size_t len;
        int end;
        char *got = conn_read_to_end(c, k, &len, 2000, &end);
        if (end || len != strlen(want) || memcmp(got, want, len))
            FAIL(c, .expected = str("client %d: the reply %s, then EOF", i,
                                    escaped(want, strlen(want), 40)),
                 .observed = str("client %d: %s, then %s", i, describe(got, len),
                                 end == 0 ? "EOF" : end == ETIMEDOUT ? "nothing for 2000 ms"
                                                                     : strerror(end)));
        conn_close(c, k);
    }
    expect_still_running(c, p, "30 clients");
}

/* The server must have ended with exit code 0 by now. */
static void expect_exit_0(struct ctx *c, struct proc *p, const char *sig)
{
    int st = prog_status(p);
    if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGTERM || WTERMSIG(st) == SIGINT))
        FAIL(c, .expected = "exit code 0 after the clean stop",
             .observed = str("it was killed by the %s (the default action of the signal)", sig),
             .hint = str("Catch %s: sigaction() with a handler that sets a `volatile "
                         "sig_atomic_t` flag; the main loop sees the flag, closes the "
                         "listening socket and returns 0.", sig),
             .see = "#no-handler-for-sigterm");
    expect_exit(c, p, 0, 0);
}

static void signal_idle(struct ctx *c, int sig)
{
    const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    struct proc *p;
    int port = server_to_stop(c, &p);
    count_one(c, port, "warm up\n", 8);
    peer_record(c, 0, "the server is idle for 100 ms");   /* back waiting for clients */
    pause_ms(100);
    long t0 = now_ms(c);
    prog_signal(c, p, sig);
    if (!prog_wait_exit(p, 2000))
        FAIL(c, .expected = str("exit code 0 within %d ms of the %s (no client in progress)",
                                EXIT_MS, name),
             .observed = str("still running 2000 ms after the %s", name),
             .hint = "The handler ran, but the program went back to sleep in accept(): with "
                     "SA_RESTART (which signal() sets) accept() is restarted instead of "
                     "failing with EINTR. Install the handler with sigaction() and sa_flags 0, "
                     "and wait in poll() with a timeout (100 ms) so the flag is seen in time.",
             .see = "#a-blocking-accept-that-never-returns");
    expect_exit_0(c, p, name);
    long took = prog_exit_ms(p) - t0;
    if (took > EXIT_MS + SLACK)
        FAIL(c, .expected = str("exit within %d ms of the %s (the checker allows %d)", EXIT_MS,
                                name, EXIT_MS + SLACK),
             .observed = str("it exited %ld ms after the %s", took, name),
             .hint = "The flag is seen too late: wait for clients in poll() with a timeout of "
                     "at most 100 ms (or let the signal interrupt the wait with EINTR), then "
                     "test the flag.",
             .see = "#a-blocking-accept-that-never-returns");
    note(c, "it exited %ld ms after the %s", took, name);
    /* No probe of the port after the exit: the kernel closed the listener
     * with the process, and a parallel test may already own that port. */
}

static void sigterm_idle(struct ctx *c) { signal_idle(c, SIGTERM); }
static void sigint_idle(struct ctx *c) { signal_idle(c, SIGINT); }

static void signal_mid_request(struct ctx *c, int sig)
{
    const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    const char *first = "a request that is ", *all = "a request that is \nstill coming in\n";
    const char *two = "c2 was accepted early\n";
    struct proc *p;
    int port = server_to_stop(c, &p);
    struct conn *k1 = tcp_connect(c, AF_INET, port);
    conn_send(c, k1, first, strlen(first));
    wait_accepted(c, k1);
    /* c2 waits in the backlog: not in progress, the server may drop it.  A
     * server that serves several clients at once has accepted it already:
     * then it is in progress too, and gets its reply. */
    struct conn *k2 = tcp_connect(c, AF_INET, port);
    peer_record(c, 0, "c1 pauses for 150 ms: the server waits in recv()");
    int early = accepted_within(c, k2, 150) == 1;
    if (early)   /* the rest of the pause */
        pause_ms(100);
    long t0 = now_ms(c);
    prog_signal(c, p, sig);
    peer_record(c, 0, "c1 takes its time: 150 ms");
    pause_ms(150);
    if (!prog_running(p)) {
        int st = prog_status(p);
        size_t en;
        const char *e = prog_stderr(p, &en);
        int eintr = has(e, en, "Interrupted system call");
        FAIL(c, .expected = str("the server to finish c1's request after the %s, then exit", name),
             .observed = str("it %s %ld ms after the %s, while c1 was in progress (c1 never "
                             "got its reply)",
                             WIFSIGNALED(st) ? str("was killed by signal %d", WTERMSIG(st))
                                             : str("exited with code %d", WEXITSTATUS(st)),
                             prog_exit_ms(p) - t0, name),
             .hint = WIFSIGNALED(st)
                 ? str("Catch %s with sigaction(): a handler that only sets a flag.", name)
                 : eintr ? str("The %s interrupted recv(): it failed with EINTR (\"Interrupted "
                               "system call\"), and the client was dropped. EINTR is no error "
                               "of the client: call recv() again.", name)
                 : "The client in progress must get its reply first. Do not exit in the "
                   "handler (only set a `volatile sig_atomic_t` flag), and when recv() fails "
                   "with EINTR because of the signal, call it again.",
             .see = WIFSIGNALED(st) ? "#no-handler-for-sigterm"
                    : eintr ? "#eintr-in-recv" : "#exiting-in-the-handler");
    }
    size_t sent = conn_send_some(c, k1, all + strlen(first), strlen(all) - strlen(first), 0, 0);
    conn_half_close(c, k1);
    size_t len;
    int end;
    char *want = reply_for(all, strlen(all));
    char *got = conn_read_to_end(c, k1, &len, 3000, &end);
    if (sent < strlen(all) - strlen(first) || len != strlen(want) || memcmp(got, want, len) ||
        end)
        FAIL(c, .expected = str("c1's reply %s after the %s, then EOF",
                                escaped(want, strlen(want), 40), name),
             .observed = len ? str("c1 got %s, then %s", escaped(got, len, 60),
                                   end ? strerror(end) : "EOF")
                             : str("c1 got no reply: %s", end == 0 ? "EOF"
                                   : end == ETIMEDOUT ? "nothing for 3000 ms" : strerror(end)),
             .hint = str("The %s interrupts the recv() the server is blocked in: it fails with "
                         "errno EINTR. That is not an error of this client: call recv() "
                         "again, finish the client, reply, and only then leave the loop.",
                         name),
             .see = "#eintr-in-recv");
    conn_close(c, k1);
    if (early) {
        peer_record(c, 0, "c2 was accepted before the signal: it is in progress too");
        conn_send(c, k2, two, strlen(two));
        conn_half_close(c, k2);
        expect_counts(c, k2, two, strlen(two), 0);
    }
    long t1 = now_ms(c);
    if (!prog_wait_exit(p, 2000)) {
        int taken = !early && accepted_now(k2) == 1;
        FAIL(c, .expected = str("exit code 0 within %d ms once c1 had its reply", EXIT_MS),
             .observed = taken ? str("it accepted c2 after the %s, and still ran 2000 ms later",
                                     name)
                               : "it was still running 2000 ms later",
             .hint = taken ? "After a stop signal, accept no new client: test the flag before "
                             "each accept() (the loop condition), then close the listening "
                             "socket and exit."
                           : "Once the client in progress is done, the loop must see the flag "
                             "and end: test it before waiting for the next client.",
             .see = taken ? "#accepting-after-the-signal" : "#stopping-cleanly");
    }
    expect_exit_0(c, p, name);
    long took = prog_exit_ms(p) - t1;
    if (took > EXIT_MS + SLACK)
        FAIL(c, .expected = str("exit within %d ms once c1 had its reply (the checker allows %d)",
                                EXIT_MS, EXIT_MS + SLACK),
             .observed = str("it exited %ld ms after c1's reply", took),
             .see = "#stopping-cleanly");
}

static void sigterm_mid_request(struct ctx *c) { signal_mid_request(c, SIGTERM); }
static void sigint_mid_request(struct ctx *c) { signal_mid_request(c, SIGINT); }

static void restart_same_port(struct ctx *c)
{
    struct proc *p;
    int port = server_to_stop(c, &p);
    struct conn *k = tcp_connect(c, AF_INET, port);
    wait_accepted(c, k);
    /* Killed with c1 open: its end of c1 (FIN_WAIT2) still holds the port. */
    prog_signal(c, p, SIGKILL);
    prog_wait_exit(p, 2000);
    server_start(c, NULL, ARGV("wcserver", str("%d", port)));
    count_one(c, port, "after the restart\n", 18);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("wcserver")); }

static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("wcserver", "0", "1")); }

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("wcserver", "%"), ARGV("http", "80x", "-1", "65536", "123456"));
}

/* Rule 4's edges: 65535 and 00000 are ports, six digits are not. */
static void port_edges(struct ctx *c) { expect_port_edges(c, ARGV("wcserver", "%")); }

const struct test wcserver_tests[] = {
    { .name = "ready-line",
      .what = "starts `wcserver 0`, reads the ready line, counts \"ready\\n\"",
      .run = ready_line,
      .hint = "Print \"listening on port N\" (the port from getsockname()) and fflush(stdout) before "
              "waiting for clients.",
      .see = "#the-ready-line" },
    { .name = "counts-text",
      .what = "sends two lines of text with punctuation, then FIN",
      .run = counts_text,
      .hint = "Count while reading: L the \\n bytes, W the runs of non-separator bytes, B all bytes; "
              "when recv() returns 0, send \"L W B\\n\" and close.",
      .see = "#the-reply" },
    { .name = "separators",
      .what = "runs of spaces, tabs, \\r\\n, \\v and \\f, leading and trailing blanks",
      .run = separators,
      .hint = "The separators are exactly space, \\t, \\n, \\v, \\f and \\r; a run of them ends one "
              "word, and blanks at the start or the end make no word.",
      .see = "#what-a-word-is" },
    { .name = "no-final-newline",
      .what = "\"one two\\nthree\": the last line has no \\n",
      .run = no_final_newline,
      .hint = "L counts \\n bytes, so \"one two\\nthree\" is \"1 3 13\\n\"; the last word ends at EOF "
              "and still counts.",
      .see = "#counting-lines" },
    { .name = "empty-input",
      .what = "connects and half-closes at once: nothing to count",
      .run = empty_input,
      .hint = "No byte at all is the reply \"0 0 0\\n\": the first recv() returns 0.",
      .see = "#the-reply" },
    { .name = "binary-bytes",
      .what = "NUL bytes, control bytes, bytes >= 0x80 and all 256 byte values",
      .run = binary_bytes,
      .hint = "Only the six separators end a word: NUL, control bytes and bytes >= 0x80 are word "
              "bytes. Look at the bytes as unsigned char, and never use string functions on them.",
      .see = "#what-a-word-is" },
    { .name = "large-input",
      .what = "sends 20 MiB of random bytes, then FIN",
      .run = large_input,
      .hint = "Count as the data come, in a fixed buffer: no need to keep it all. Counters are "
              "uint64_t, printed with PRIu64.",
      .see = "#counting-across-reads" },
    /* Seconds long: early in the table, so the runner's other slots run
     * the rest beside it. */
    { .name = "past-4-gib",
      .what = "sends 2^32 + 4096 bytes of \"a\\n\" (4 GiB and a page), then FIN: \"2147485696 "
              "2147485696 4294971392\\n\"",
      .run = past_4_gib,
      .hint = "Counts past 2^32 need 64 bits: uint64_t lines, words, bytes, printed with PRIu64. An "
              "int stops at 2^31 - 1 (2 GiB) and overflowing it is undefined behaviour; unsigned "
              "wraps at 2^32 (4 GiB).",
      .see = "#counts-past-4-gib",
      .budget_s = 50 },
    { .name = "one-byte-pieces",
      .what = "sends \"split words\\nacross\\tmany pieces\" one byte at a time",
      .run = one_byte_pieces,
      .hint = "A word may be split across two recv() calls: keep the in-a-word state across calls.",
      .see = "#words-split-across-reads" },
    { .name = "waits-for-eof",
      .what = "sends a line, waits 150 ms (nothing may come), sends more, then FIN",
      .run = waits_for_eof,
      .hint = "Reply only after recv() returned 0: until the client's FIN, more may come.",
      .see = "#replying-before-the-end" },
    { .name = "clients-in-turn",
      .what = "three clients one after the other",
      .run = clients_in_turn,
      .hint = "After a client's reply, close its socket and go back to accept() for the next one; "
              "reset the counters for each client.",
      .see = "#the-reply" },
    { .name = "second-client-waits",
      .what = "c2 connects and sends everything while c1 is being served",
      .run = second_client_waits,
      .hint = "c2 waits in the backlog while c1 is served; then it gets its own counts.",
      .see = "#the-reply" },
    { .name = "client-resets",
      .what = "c1 sends 256 KiB and resets without FIN; then c2 is served",
      .run = client_resets,
      .hint = "recv() fails with ECONNRESET: that ends this client only. Close its socket and accept "
              "the next one; never exit.",
      .see = "#one-client-brings-it-down" },
    { .name = "client-gone-before-reply",
      .what = "c1 sends, half-closes and resets before its reply; then c2",
      .run = client_gone_before_reply,
      .hint = "The reply goes to a closed connection: send() fails with EPIPE and, unless it is "
              "ignored, SIGPIPE kills the server. signal(SIGPIPE, SIG_IGN) at the start (or "
              "MSG_NOSIGNAL), then close that client and go on.",
      .see = "#sigpipe" },
    { .name = "many-clients",
      .what = "30 clients in turn, the server with RLIMIT_NOFILE 16",
      .run = many_clients,
      .hint = "close() each client's socket after its reply: every accept() makes a descriptor.",
      .see = "#leaking-descriptors" },
    { .name = "sigterm-idle",
      .what = "serves a client, then sends SIGTERM with no client in progress",
      .run = sigterm_idle,
      .hint = "On SIGTERM with no client: close the listening socket and exit 0 within 500 ms. A "
              "handler sets a flag; the accept loop sees it (poll() with a 100 ms timeout).",
      .see = "#stopping-cleanly" },
    { .name = "sigint-idle",
      .what = "serves a client, then sends SIGINT (Ctrl-C) with no client in progress",
      .run = sigint_idle,
      .hint = "SIGINT is handled like SIGTERM: the same handler for both.",
      .see = "#stopping-cleanly" },
    { .name = "sigterm-mid-request",
      .what = "SIGTERM while c1 has sent part of its request (c2 in the "
              "backlog); c1 then finishes",
      .run = sigterm_mid_request,
      .hint = "The client in progress is finished and gets its reply; then the server exits 0 "
              "without accepting another.",
      .see = "#stopping-cleanly" },
    { .name = "sigint-mid-request",
      .what = "SIGINT while c1 has sent part of its request (c2 in the "
              "backlog); c1 then finishes",
      .run = sigint_mid_request,
      .hint = "SIGINT is handled like SIGTERM: the client in progress gets its reply first.",
      .see = "#stopping-cleanly" },
    { .name = "restart-same-port",
      .what = "kills the server with a client connected, restarts it on the same "
              "port at once",
      .run = restart_same_port,
      .hint = "setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) before bind(): the old "
              "connection still holds the port.",
      .see = "#restarting-at-once" },
    { .name = "no-arguments",
      .what = "runs `wcserver`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument",
      .what = "runs `wcserver 0 1`",
      .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "bad-port",
      .what = "runs `wcserver` with http, 80x, -1, 65536 and 123456",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character (atoi(\"80x\") is "
              "80, atoi(\"http\") is 0).",
      .see = "#usage-errors" },
    { .name = "port-edges",
      .what = "runs `wcserver PORT` with PORT 65535 (in a private network) and 00000: both accepted; then 000080 and 065535: six digits, usage errors",
      .run = port_edges,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535: 65535 itself and 00000 "
              "are valid, six digits never are. Count the digits, then compare the value "
              "with <= 65535 (not < 65535).",
      .see = "#port-edges" },
    { .name = NULL },
};
