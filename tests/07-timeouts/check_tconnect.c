/* check_tconnect.c - lesson 07: tconnect connects to HOST PORT, trying every
 * address, and gives up at one deadline TIMEOUT_MS after the start. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"

static struct proc *tconnect(struct ctx *c, const char *host, int port, long t,
                             const char *hosts)
{
    return prog_start(c, (struct start){
        .argv = ARGV("tconnect", host, str("%d", port), str("%ld", t)), .hosts = hosts });
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
    /* Ending just after a whole number of seconds, for a TIMEOUT_MS that is
     * not one, is the mark of a timer counted in seconds (alarm(), sleep(),
     * a timeval of TIMEOUT_MS / 1000 + 1, time()): that is the cause, even
     * with several addresses. */
    int whole_seconds = took > t + LATE && took >= 1000 && took % 1000 <= 150 && t % 1000 != 0;
    if (whole_seconds)
        FAIL(c, .expected = exp, .observed = str("it gave up %ld ms after the start: about %ld "
                                                 "whole second(s) for a TIMEOUT_MS of %ld ms",
                                                 took, took / 1000, t),
             .hint = "The timeout was counted in whole seconds (alarm(), sleep(), a struct "
                     "timeval with TIMEOUT_MS / 1000 seconds, time()), so it rounds up. Count "
                     "in milliseconds: a deadline on the monotonic clock, and poll() with the "
                     "milliseconds left.",
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

/* tconnect must say it connected and exit 0 (within ms). */
static void expect_connected(struct ctx *c, struct proc *p, long ms)
{
    expect_exit(c, p, 0, ms);
    expect_stdout(c, p, "connected\n", 10);
}

/* `tconnect 127.0.0.1 PORT t` where the connect gets no answer: it must time out. */
static void unanswered(struct ctx *c, long t)
{
    int port = stage_silent_address(c, "127.0.0.1", 0, NULL);
    long t0 = now_ms(c);
    expect_timed_out(c, tconnect(c, "127.0.0.1", port, t, NULL), t0, t, NULL);
}

static void connects(struct ctx *c, int family)
{
    if (family == AF_INET6 && !have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    struct listener *l = tcp_listener(c, family, NULL, 5);
    struct proc *p = tconnect(c, family == AF_INET6 ? "::1" : "127.0.0.1",
                              listener_port(l), 2000, NULL);
    expect_connected(c, p, 2000);
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

static void times_out(struct ctx *c) { unanswered(c, 200); }

static void one_deadline(struct ctx *c)
{
    need_private_hosts(c);
    int port = stage_silent_address(c, "127.0.0.2", 0, NULL);
    stage_silent_address(c, "127.0.0.3", port, NULL);
    stage_silent_address(c, "127.0.0.4", port, NULL);
    long t0 = now_ms(c);
    struct proc *p = tconnect(c, "multi", port, 250,
                              "127.0.0.2 multi\n127.0.0.3 multi\n127.0.0.4 multi\n");
    expect_timed_out(c, p, t0, 250, " (3 addresses: 3 x 250 ms would be 750 ms)");
}

static void next_address(struct ctx *c)
{
    /* A network of its own: no other test's listener can take 127.0.0.2
     * at this port, where a connect must be refused. */
    stage_private_net(c);
    need_private_hosts(c);
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
    expect_connected(c, p, 0);
    expect_accept(c, l, 500);
}

static void range_edges(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    expect_connected(c, tconnect(c, "127.0.0.1", listener_port(l), 60000, NULL), 2000);
    unanswered(c, 1);
}

static void unknown_service(struct ctx *c)
{
    expect_unknown_service(c, prog_start(c, (struct start){
        .argv = ARGV("tconnect", "127.0.0.1", "nosuchservice", "1000") }));
}

static void arg_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7"));
    expect_usage_error(c, ARGV("tconnect", "127.0.0.1", "7", "1000", "1"));
}

static void timeout_range(struct ctx *c)
{
    expect_usage_errors(c, ARGV("tconnect", "127.0.0.1", "7", "%"), ARGV("0", "60001"));
}

static void not_digits(struct ctx *c)
{
    expect_usage_errors(c, ARGV("tconnect", "127.0.0.1", "7", "%"),
                        ARGV("1e3", "-100", "100ms", ""));
}

static void address_order(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_STREAM);
    struct proc *p = tconnect(c, m->name, m->port, 2000, m->hosts);
    multi_expect_first(c, m, 2500);
    expect_connected(c, p, 2000);
}

const struct test tconnect_tests[] = {
    { .name = "connects",
      .what = "listens on 127.0.0.1 and runs `tconnect 127.0.0.1 PORT 2000`",
      .run = connects4,
      .hint = "On success print exactly \"connected\\n\" and exit 0.",
      .see = "#the-non-blocking-connect" },
    { .name = "connects-ipv6",
      .what = "listens on ::1 and runs `tconnect ::1 PORT 2000`",
      .run = connects6,
      .hint = "Make the socket with the family getaddrinfo() returned (ai_family).",
      .see = "#trying-every-address" },
    { .name = "refused",
      .what = "runs tconnect against a port where nothing listens",
      .run = refused,
      .hint = "A refusal ends the connect at once: SO_ERROR is ECONNREFUSED; print "
              "\"Connection refused\" and exit 1.",
      .see = "#writable-is-not-connected" },
    { .name = "times-out",
      .what = "runs `tconnect 127.0.0.1 PORT 200` where the connect gets no answer "
              "(a listener with a full accept queue)",
      .run = times_out,
      .hint = "Non-blocking connect, poll() for POLLOUT until the deadline, then ETIMEDOUT.",
      .see = "#a-blocking-connect" },
    { .name = "one-deadline",
      .what = "gives the name three addresses whose connects all get no answer "
              "(TIMEOUT_MS 250)",
      .run = one_deadline,
      .hint = "One deadline for all addresses together, not one TIMEOUT_MS per address.",
      .see = "#a-timeout-per-address" },
    { .name = "next-address",
      .what = "gives the name two addresses: the first refuses, the second accepts",
      .run = next_address,
      .hint = "Try every address in order until one connects.",
      .see = "#trying-every-address" },
    { .name = "range-edges",
      .what = "runs with TIMEOUT_MS 60000 (connects), then with TIMEOUT_MS 1 (no "
              "answer)",
      .run = range_edges,
      .hint = "TIMEOUT_MS may be 1 to 60000, both ends included.",
      .see = "#usage-errors" },
    { .name = "unknown-service",
      .what = "runs `tconnect 127.0.0.1 nosuchservice 1000`",
      .run = unknown_service,
      .hint = "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      .see = "#errors" },
    { .name = "usage-arg-count",
      .what = "runs tconnect with 2 and with 4 arguments",
      .run = arg_count,
      .see = "#usage-errors" },
    { .name = "timeout-range",
      .what = "runs tconnect with TIMEOUT_MS 0, then 60001",
      .run = timeout_range,
      .hint = "TIMEOUT_MS is 1 to 60000: check the range before using it.",
      .see = "#usage-errors" },
    { .name = "not-digits",
      .what = "runs tconnect with TIMEOUT_MS \"1e3\", \"-100\", \"100ms\" and \"\"",
      .run = not_digits,
      .hint = "atoi() and strtol() accept signs and trailing junk: check that every character is a "
              "digit.",
      .see = "#usage-errors" },
    { .name = "address-order",
      .what = "gives dual.test the addresses 127.0.0.2, ::1 and 127.0.0.3 (private /etc/hosts; getaddrinfo lists ::1 first) and listens on all three: the connection must come to ::1",
      .run = address_order,
      .hint = "Try the addresses in the order getaddrinfo() returns them: it has sorted them "
              "already (RFC 6724: here IPv6's ::1 before IPv4). Do not ask for one family "
              "first, or sort or reverse the list yourself.",
      .see = "#addresses-in-getaddrinfos-order" },
    { .name = NULL },
};
