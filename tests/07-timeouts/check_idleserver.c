/* check_idleserver.c - lesson 07: idleserver echoes one client at a time and
 * cuts a client that stays silent for IDLE_MS. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "check.h"

#define CUT_LATE 500   /* idleserver: at most this late (contract) */

static int idle_start(struct ctx *c, long idle)
{
    struct proc *p;
    return server_start(c, &p, ARGV("idleserver", "0", str("%ld", idle)));
}

/* The server this test started last. */
static struct proc *the_server(struct ctx *c)
{
    return prog_started(c, -1);
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
    if (end == ETIMEDOUT && idle < 1000)
        FAIL(c, .expected = exp, .observed = str("still open %ld ms after %s", took, after),
             .hint = "Is the timeout in whole seconds? Below a second, IDLE_MS / 1000 is 0, and "
                     "SO_RCVTIMEO with a struct timeval of { 0, 0 } means never time out (man 7 "
                     "socket), not at once. Give the timeval both parts, seconds and "
                     "microseconds, or wait with poll(), which takes milliseconds.",
             .see = "#a-timeout-in-the-wrong-unit");
    if (end == ETIMEDOUT)
        FAIL(c, .expected = exp, .observed = str("still open %ld ms after %s", took, after),
             .hint = how == AFTER_BYTES ?
                 "Every wait for the client's bytes needs the timeout, not only the first: "
                 "poll(fd, 1, IDLE_MS) before each recv() (or SO_RCVTIMEO on the socket), "
                 "and close the connection when it times out." :
                 "Wait for input with poll(fd, 1, IDLE_MS) before each recv(); when it "
                 "returns 0, close the connection.",
             .see = how == AFTER_BYTES ? "#a-timeout-only-on-the-first-read" : "#the-idle-timer");
    /* A server that died closes every connection: that is no cut. */
    struct proc *server = the_server(c);
    if ((end || took < idle - EARLY) && server != NULL && prog_wait_exit(server, 20))
        FAIL(c, .expected = exp,
             .observed = str("the connection ended %ld ms after %s because the server itself "
                             "had ended", took, after),
             .hint = "The server ended instead of cutting one client: see how it ended and its "
                     "stderr above. A timer, or a failed call, ends that client only; the server "
                     "goes on to accept the next.",
             .see = "#ending-more-than-the-idle-client");
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

/* Connect a client that sends nothing: the server must cut it (expect_cut)
 * idle ms after the connect.  Returns the connection. */
static struct conn *silent_client(struct ctx *c, int port, long idle, const char *after,
                                  enum wait how)
{
    long t0 = now_ms(c);
    struct conn *k = tcp_connect(c, AF_INET, port);
    expect_cut(c, k, t0, idle, after, how);
    return k;
}

/* Send a line, half-close, then read its echo and the server's EOF. */
static void echo_line(struct ctx *c, struct conn *k, const char *line)
{
    conn_send(c, k, line, strlen(line));
    conn_half_close(c, k);
    expect_bytes(c, k, line, strlen(line), 2000);
    expect_eof(c, k, 2000);
}

static void echo(struct ctx *c)
{
    echo_line(c, tcp_connect(c, AF_INET, idle_start(c, 2000)), "hello, idle server\n");
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
    silent_client(c, port, 200, "the connect", SILENT);
    pause_ms(300);   /* nobody connects for a while: the server just waits */
    expect_still_running(c, the_server(c), "300 ms without any client");
    echo_line(c, tcp_connect(c, AF_INET, port), "next\n");
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
    silent_client(c, port, 100, "the connect", SILENT);
    prog_stop(c, the_server(c));   /* the server closed first: its side is in TIME_WAIT */
    struct proc *again;
    server_start(c, &again, ARGV("idleserver", str("%d", port), "2000"));
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
    echo_line(c, tcp_connect(c, AF_INET, port), "still there?\n");
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
    struct proc *server = the_server(c);
    prog_freeze(c, server);
    conn_send(c, k, random_bytes(32 << 10, 9), 32 << 10);
    conn_half_close(c, k);
    conn_wait_acked(k, 500);
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
        const char *after = str("the connect of client %d (RLIMIT_NOFILE 16)", i + 1);
        conn_close(c, silent_client(c, port, 30, after, i ? NTH_CLIENT : SILENT));
    }
    expect_still_running(c, p, "15 idle clients");
}

static void longest_idle(struct ctx *c)
{
    echo_line(c, tcp_connect(c, AF_INET, idle_start(c, 60000)), "patient\n");
}

static void arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("idleserver", "0"));
    expect_usage_error(c, ARGV("idleserver", "0", "100", "1"));
}

static void idle_range(struct ctx *c)
{
    expect_usage_errors(c, ARGV("idleserver", "0", "%"), ARGV("0", "60001"));
}

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("idleserver", "%", "100"), ARGV("65536", "12ab", "-1"));
}

static void not_digits(struct ctx *c)
{
    expect_usage_errors(c, ARGV("idleserver", "0", "%"), ARGV("1e3", "-100", "100ms", ""));
}

/* Rule 4's edges: 65535 and 00000 are ports, six digits are not. */
static void port_edges(struct ctx *c) { expect_port_edges(c, ARGV("idleserver", "%", "2000")); }

/* IDLE_MS 1000: a timeval of a whole second (tv_usec < 1000000). */
static void idle_second(struct ctx *c)
{
    silent_client(c, idle_start(c, 1000), 1000, "the connect", SILENT);
}

/* A client that resets before it sends a byte: the server's first recv()
 * fails (ECONNRESET); that ends the client, never the server. */
static void reset_first(struct ctx *c)
{
    int port = idle_start(c, 2000);
    conn_reset(c, tcp_connect(c, AF_INET, port));
    echo_line(c, tcp_connect(c, AF_INET, port), "still there?\n");
}

const struct test idleserver_tests[] = {
    { .name = "echo",
      .what = "sends a line, half-closes, reads the echo and the EOF (IDLE_MS 2000)",
      .run = echo,
      .hint = "Echo every byte back until the client's EOF, then close the connection.",
      .see = "#the-idle-timer" },
    { .name = "idle-second",
      .what = "connects and sends nothing (IDLE_MS 1000): the cut must come 1000 to 1500 ms after the connect",
      .run = idle_second,
      .hint = "A struct timeval holds seconds and microseconds: for IDLE_MS 1000 or more, tv_sec = ms / "
              "1000 and tv_usec = (ms % 1000) * 1000. tv_usec of a million or more makes "
              "setsockopt(SO_RCVTIMEO) fail with EDOM (Numerical argument out of domain).",
      .see = "#a-timeval-of-a-second-or-more" },
    { .name = "echo-large",
      .what = "sends 1 MiB while reading its echo",
      .run = echo_large,
      .hint = "Send back every byte you received: send() may take fewer bytes than asked, loop until "
              "all went out.",
      .see = "#the-idle-timer" },
    { .name = "idle-cut",
      .what = "connects and sends nothing (IDLE_MS 200); after the cut and 300 ms "
              "without clients, a second client sends a line",
      .run = idle_cut,
      .hint = "Wait for input with poll(fd, 1, IDLE_MS) before each recv(); when it returns 0, close "
              "the connection and go back to accept(), which waits as long as it takes.",
      .see = "#the-idle-timer" },
    { .name = "active-client",
      .what = "sends a byte every 66 ms for 800 ms, reading each echo (IDLE_MS 200)",
      .run = active_client,
      .hint = "A client that keeps sending is never cut: the idle time starts again with every byte "
              "received.",
      .see = "#a-timer-for-the-whole-connection" },
    { .name = "timer-restarts",
      .what = "sends a byte at 80 ms and at 160 ms, then nothing (IDLE_MS 200): "
              "the cut must come 200 ms after the LAST byte",
      .run = timer_restarts,
      .hint = "The idle time counts from the last byte received, not from accept() or from the first "
              "byte.",
      .see = "#a-timer-for-the-whole-connection" },
    { .name = "queued-client",
      .what = "connects an idle client, then a second that sends a line at once "
              "(IDLE_MS 200)",
      .run = queued_client,
      .hint = "After cutting an idle client, close only its descriptor and go back to accept(): the "
              "listening socket and the server stay.",
      .see = "#ending-more-than-the-idle-client" },
    { .name = "restart-same-port",
      .what = "lets the server cut an idle client, stops the server and starts "
              "it again on the same port",
      .run = restart_same_port,
      .hint = "The server closed first, so its side of the connection sits in TIME_WAIT: set "
              "SO_REUSEADDR before bind().",
      .see = "#restarting-on-the-same-port" },
    { .name = "client-resets",
      .what = "sends a line and resets the connection, then a second client "
              "talks",
      .run = client_resets,
      .hint = "A reset client makes recv() or send() fail with ECONNRESET: close that client and "
              "serve the next, never exit.",
      .see = "#sigpipe" },
    { .name = "reset-first",
      .what = "connects and resets before sending a byte (the server's recv() fails), then a "
              "second client talks",
      .run = reset_first,
      .hint = "A reset client makes recv() fail with ECONNRESET: close that client and serve the "
              "next, never exit.",
      .see = "#sigpipe" },
    { .name = "closes-without-reading",
      .what = "while the server is stopped (SIGSTOP), c1 sends 32 KiB, "
              "half-closes and resets without reading the echo; then c2, waiting, sends a line",
      .run = closes_without_reading,
      .hint = "Ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL, then handle "
              "EPIPE/ECONNRESET by closing that client.",
      .see = "#sigpipe" },
    { .name = "many-idle-clients",
      .what = "15 clients in turn, each idle until cut (IDLE_MS 30), with "
              "RLIMIT_NOFILE 16",
      .run = many_idle_clients,
      .hint = "close() every client you cut: a descriptor kept per client runs the server out of "
              "descriptors.",
      .see = "#leaking-descriptors" },
    { .name = "longest-idle",
      .what = "starts `idleserver 0 60000` and echoes a line",
      .run = longest_idle,
      .hint = "IDLE_MS may be 1 to 60000, both ends included.",
      .see = "#usage-errors" },
    { .name = "usage-arg-count",
      .what = "runs idleserver with 1 and with 3 arguments",
      .run = arg_count,
      .see = "#usage-errors" },
    { .name = "idle-range",
      .what = "runs idleserver with IDLE_MS 0, then 60001",
      .run = idle_range,
      .hint = "IDLE_MS is 1 to 60000: check the range before using it.",
      .see = "#usage-errors" },
    { .name = "bad-port",
      .what = "runs idleserver with PORT 65536, \"12ab\" and \"-1\"",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535.",
      .see = "#usage-errors" },
    { .name = "not-digits",
      .what = "runs idleserver with IDLE_MS \"1e3\", \"-100\", \"100ms\" and \"\"",
      .run = not_digits,
      .hint = "atoi() and strtol() accept signs and trailing junk: check that every character is a "
              "digit.",
      .see = "#usage-errors" },
    { .name = "port-edges",
      .what = "runs `idleserver PORT 2000` with PORT 65535 (in a private network) and 00000: both accepted; then 000080 and 065535: six digits, usage errors",
      .run = port_edges,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535: 65535 itself and 00000 "
              "are valid, six digits never are. Count the digits, then compare the value "
              "with <= 65535 (not < 65535).",
      .see = "#port-edges" },
    { .name = NULL },
};
