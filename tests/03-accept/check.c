/* check.c - lesson 03: greeter accepts connections and greets each client with its address. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "../harness/harness.h"

static int swapped(int port) { return ((port & 0xff) << 8) | (port >> 8); }

static int start(struct ctx *c, struct proc **p) { return server_start(c, p, ARGV("greeter", "0")); }

/* "after 3 clients": for expect_still_running */
static const char *clients(int n)
{
    return n ? str("%d client%s", n, n == 1 ? "" : "s") : "its start";
}

/* Start `greeter PORT` and expect it to report that very port. */
static void start_on(struct ctx *c, struct proc **p, int want)
{
    int got = server_start(c, p, ARGV("greeter", str("%d", want)));
    if (got != want)
        FAIL(c, .expected = str("\"listening on port %d\", the port given", want),
             .observed = str("\"listening on port %d\"", got),
             .hint = got == swapped(want)
                 ? str("%d is %d with its two bytes swapped: bind with sin_port = htons(port) and "
                       "print ntohs() of the port getsockname() gives.", got, want)
                 : "Bind the port given on the command line, and print the port getsockname() "
                   "reports after bind().",
             .see = "#byte-order");
}

/* What went wrong with a greeting, when the mistake can be recognised. */
static const char *greeting_hint(const char *got, size_t n, int end, const char *want,
                                 const char *ip, int port, int server_port, const char **see)
{
    size_t wn = strlen(want);
    char gip[64] = "";
    int gport = -1;
    if (n == 0 && end == ETIMEDOUT)
        return "Nothing came. Send the greeting as soon as accept() returns: the client sends "
               "nothing, so do not wait to read a request from it.";
    if (n == 0 && end == 0)
        return "The connection was closed without a greeting: send it on the descriptor "
               "accept() returned (not on the listening one) before you close it.";
    if (n == wn && !memcmp(got, want, n))
        return end == ETIMEDOUT
            ? "The greeting came, but the connection stayed open: close() the accepted "
              "descriptor after sending; the client reads until EOF."
            : "The greeting came, then a reset instead of a normal close: close() the "
              "descriptor plainly (no SO_LINGER with a zero timeout).";
    if (n == wn - 1 && !memcmp(got, want, n))
        return "The greeting is a line: end it with \"\\n\".";
    if (n > wn && !memcmp(got, want, wn))
        return "After the greeting more bytes came: send exactly one \"hello IP:PORT\\n\" "
               "(is the buffer's whole size sent, or the greeting twice?).";
    *see = "#whose-address";
    if (memmem(got, n, "::ffff:", 7))
        return "An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d: print such "
               "an address as plain IPv4 (IN6_IS_ADDR_V4MAPPED, then its last 4 bytes).";
    char *line = str("%.*s", (int)(n < 200 ? n : 200), got);
    if (sscanf(line, "hello %63[0-9.]:%d", gip, &gport) != 2)
        return NULL;
    if (gport == 0)
        return "accept() did not fill in the client's address: pass it a struct sockaddr_in and "
               "a socklen_t set to sizeof that struct before every call, and use what it wrote.";
    if (!strcmp(gip, "0.0.0.0"))
        return "0.0.0.0 is INADDR_ANY, the address the listening socket is bound to: print the "
               "sin_addr of the struct that accept() filled in for this client.";
    if (gport == server_port && port != server_port)
        return str("%d is the server's own port: the client's address is what accept() writes into "
                   "its second argument (or getpeername()), not getsockname().", server_port);
    if (gport != port && gport == swapped(port)) {
        *see = "#byte-order";
        return "The port has its two bytes swapped: sin_port is in network byte order, print "
               "ntohs(peer.sin_port).";
    }
    if (gport == port && strcmp(gip, ip)) {
        unsigned a, b, cc, d, w, x, y, z;
        if (sscanf(gip, "%u.%u.%u.%u", &a, &b, &cc, &d) == 4 &&
            sscanf(ip, "%u.%u.%u.%u", &w, &x, &y, &z) == 4 && a == z && b == y && cc == x && d == w) {
            *see = "#byte-order";
            return "The address has its bytes reversed: sin_addr is in network byte order; give "
                   "&peer.sin_addr to inet_ntop() as it is, with no htonl()/ntohl().";
        }
        return str("The client is at %s: convert the sin_addr that accept() filled in with "
                   "inet_ntop(AF_INET, &peer.sin_addr, ...).", ip);
    }
    return NULL;
}

/*
 * Read until EOF and expect "hello IP:PORT\n", PORT being the client's own
 * port.  If p is given and the greeting failed, see first whether the server
 * died (SIGPIPE ...): that is then the failure.  Returns 0 if all is well,
 * else fills *f (with hint NULL if the mistake is not recognised).
 */
static int greeting_ok(struct ctx *c, struct proc *p, const char *after, struct conn *k,
                       const char *ip, int server_port, struct failure *f)
{
    int end, port = conn_local_port(k);
    size_t n;
    char *want = str("hello %s:%d\n", ip, port);
    char *got = conn_read_to_end(c, k, &n, 2000, &end);
    if (n == strlen(want) && !memcmp(got, want, n) && end == 0)
        return 0;
    if (p && prog_wait_exit(p, n ? 0 : 200))
        expect_still_running(c, p, after ? after : "its start");
    *f = (struct failure){
        .expected = str("the greeting %s, then EOF", escaped(want, strlen(want), 80)),
        .observed = str("%s, then %s", describe(got, n),
                        end == 0 ? "EOF" : end == ETIMEDOUT ? "nothing more for 2000 ms (still open)"
                                                            : strerror(end)),
    };
    const char *see = "#the-greeting";
    f->hint = greeting_hint(got, n, end, want, ip, port, server_port, &see);
    char *diff = first_difference(want, strlen(want), got, n);
    if (diff && n)
        f->observed = str("%s; %s", f->observed, diff);
    if (f->hint)
        f->see = see;
    return -1;
}

static void expect_greeting(struct ctx *c, struct proc *p, const char *after, struct conn *k,
                            const char *ip, int server_port)
{
    struct failure f;
    if (greeting_ok(c, p, after, k, ip, server_port, &f))
        fail_(c, f);
}

/* A client that the server must accept; if it cannot connect, find out why. */
static struct conn *client(struct ctx *c, struct proc *p, int port, const char *after)
{
    int err;
    struct conn *k = tcp_try_connect(c, AF_INET, port, 2000, &err);
    if (k)
        return k;
    if (prog_wait_exit(p, 500))
        expect_still_running(c, p, after);
    FAIL(c, .expected = str("a TCP connection to 127.0.0.1:%d", port),
         .observed = str("connect: %s, and the server is still running", strerror(err)),
         .hint = err == ECONNREFUSED
             ? "The server runs but no longer listens: keep the listening socket open and call "
               "accept() on it again for every client (close only the accepted descriptor)."
             : "The connection was not completed: does the server still call accept()?");
}

/* ---- the tests -------------------------------------------------------- */

static void ready_line(struct ctx *c)
{
    int port = start(c, NULL);
    conn_close(c, tcp_connect(c, AF_INET, port));
}

static void fixed_port(struct ctx *c)
{
    int want = 0;
    for (int i = 0; i < 5 && (!want || swapped(want) == want); i++)
        want = free_port(SOCK_STREAM);
    if (!want)
        skip(c, "the checker found no free TCP port");
    struct proc *p;
    note(c, "the checker picked port %d, free a moment before", want);
    start_on(c, &p, want);
    expect_greeting(c, p, NULL, tcp_connect(c, AF_INET, want), "127.0.0.1", want);
}

static void leading_zeros(struct ctx *c)
{
    int port = server_start(c, NULL, ARGV("greeter", "00000"));
    conn_close(c, tcp_connect(c, AF_INET, port));
}

static void greeting(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p);
    struct conn *k = tcp_connect(c, AF_INET, port);
    for (int i = 0; i < 5 && swapped(conn_local_port(k)) == conn_local_port(k); i++) {
        /* a port like 47802 (0xBABA) hides a missing ntohs(): take another client */
        expect_greeting(c, p, NULL, k, "127.0.0.1", port);
        k = tcp_connect(c, AF_INET, port);
    }
    expect_greeting(c, p, NULL, k, "127.0.0.1", port);
}

static void other_address(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p);
    struct conn *k = tcp_connect_from(c, "127.0.0.2", "127.0.0.3", port);
    expect_greeting(c, p, NULL, k, "127.0.0.2", port);
}

static void second_client(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p);
    for (int i = 0; i < 3; i++) {
        const char *after = clients(i);
        struct conn *k = client(c, p, port, after);
        expect_greeting(c, p, after, k, "127.0.0.1", port);
        conn_close(c, k);
    }
}

static void few_descriptors(struct ctx *c)
{
    enum { CLIENTS = 50 };
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("greeter", "0"), .nofile = 16 });
    int port = expect_ready(c, p, 3000);
    for (int i = 1; i <= CLIENTS; i++) {
        struct failure f;
        struct conn *k = client(c, p, port, clients(i - 1));
        if (greeting_ok(c, p, clients(i - 1), k, "127.0.0.1", port, &f)) {
            if (i > 1) {   /* the greeting was right before: something ran out */
                note(c, "clients 1 to %d were greeted, client %d was not", i - 1, i);
                f.hint = str("The first %d clients were greeted, then not: with only 16 "
                             "descriptors, a server that does not close() every accepted "
                             "descriptor runs out of them (accept: Too many open files).", i - 1);
                f.see = "#leaking-descriptors";
            }
            fail_(c, f);
        }
        conn_close(c, k);
    }
    expect_still_running(c, p, clients(CLIENTS));
}

static void five_in_backlog(struct ctx *c)
{
    struct proc *p;
    struct conn *k[5];
    int port = start(c, &p);
    prog_freeze(c, p);
    for (int i = 0; i < 5; i++) {
        int err;
        k[i] = tcp_try_connect(c, AF_INET, port, 1500, &err);
        if (!k[i]) {
            prog_thaw(c, p);
            FAIL(c, .expected = "5 connections to complete while the server is not accepting",
                 .observed = str("%d completed; connection %d %s", i, i + 1,
                                 err == ETIMEDOUT ? "was not completed in 1500 ms (its SYN was "
                                                    "dropped: the queue was full)"
                                                  : str("failed: %s", strerror(err))));
        }
    }
    prog_thaw(c, p);
    for (int i = 0; i < 5; i++)
        expect_greeting(c, p, "its queued clients", k[i], "127.0.0.1", port);
}

static void restart_same_port(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p);
    struct conn *k = tcp_connect(c, AF_INET, port);
    expect_greeting(c, p, NULL, k, "127.0.0.1", port);   /* the server closed first ... */
    conn_close(c, k);                               /* ... so its side is in TIME_WAIT */
    prog_stop(c, p);
    note(c, "the first server's connection to port %d was in TIME_WAIT at the restart", port);
    start_on(c, &p, port);
    expect_greeting(c, p, NULL, tcp_connect(c, AF_INET, port), "127.0.0.1", port);
}

/* A client staged while the server is stopped, so that the server meets it
 * only when it is already gone; then the next client must be greeted. */
static void after_bad_client(struct ctx *c, void (*bad)(struct ctx *, struct conn *),
                             const char *after)
{
    struct proc *p;
    int port = start(c, &p);
    prog_freeze(c, p);
    bad(c, tcp_connect(c, AF_INET, port));
    prog_thaw(c, p);
    expect_greeting(c, p, after, client(c, p, port, after), "127.0.0.1", port);
    expect_still_running(c, p, after);
}

static void vanish(struct ctx *c, struct conn *k) { conn_close(c, k); }
static void reset(struct ctx *c, struct conn *k) { conn_reset(c, k); }
static void fin_then_reset(struct ctx *c, struct conn *k)
{
    conn_half_close(c, k);
    conn_reset(c, k);
}

static void vanishing_client(struct ctx *c)
{
    after_bad_client(c, vanish, "a client that closed before it was greeted");
}

static void reset_client(struct ctx *c)
{
    after_bad_client(c, reset, "a client that reset its connection before it was greeted");
}

static void sigpipe(struct ctx *c)
{
    after_bad_client(c, fin_then_reset, "a client that closed, then reset, before it was greeted");
}

static void port_in_use(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("greeter", str("%d", listener_port(l))) });
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Address already in use");
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("greeter")); }
static void two_arguments(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "0", "0")); }
static void port_65536(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "65536")); }
static void port_minus_one(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "-1")); }
static void port_80x(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "80x")); }
static void port_six_digits(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "000080")); }
static void port_empty(struct ctx *c) { expect_usage_error(c, ARGV("greeter", "")); }

/* Rule 4's edges: 65535 and 00000 are ports, six digits are not. */
static void port_edges(struct ctx *c) { expect_port_edges(c, ARGV("greeter", "%")); }

static const struct test greeter[] = {
    { .name = "ready-line",
      .what = "runs `greeter 0`, reads the first stdout line and connects to the port it names",
      .run = ready_line,
      .hint = "Print \"listening on port N\" as the very first line of stdout, N read back with "
              "getsockname() (ntohs(addr.sin_port)), then fflush(stdout).",
      .see = "#the-ready-line" },
    { .name = "fixed-port",
      .what = "runs `greeter P` with a free port P, expects \"listening on port P\" and a "
              "greeting there",
      .run = fixed_port,
      .hint = "Bind the port given (sin_port = htons(port)) and print the port getsockname() reports, "
              "converted with ntohs().",
      .see = "#byte-order" },
    { .name = "leading-zeros",
      .what = "runs `greeter 00000` (port 0 written with five digits)",
      .run = leading_zeros,
      .hint = "A PORT is 1 to 5 decimal digits, leading zeros allowed: \"00000\" is port 0.",
      .see = "#usage-errors" },
    { .name = "greeting",
      .what = "connects from 127.0.0.1 and reads until EOF: \"hello 127.0.0.1:PORT\\n\", PORT "
              "being the checker's own port",
      .run = greeting,
      .hint = "Right after accept() returns, send \"hello IP:PORT\\n\" made from the address accept() "
              "filled in (inet_ntop, ntohs), then close() the accepted descriptor.",
      .see = "#the-greeting" },
    { .name = "other-address",
      .what = "connects from 127.0.0.2 to 127.0.0.3 and expects \"hello 127.0.0.2:PORT\\n\"",
      .run = other_address,
      .hint = "Listen on every address (INADDR_ANY), and greet with the client's address as accept() "
              "reports it: here 127.0.0.2, not 127.0.0.1.",
      .see = "#whose-address" },
    { .name = "second-client",
      .what = "connects three clients one after another; each must be greeted",
      .run = second_client,
      .hint = "Serve in a loop: accept(), greet, close the accepted descriptor, accept() again. "
              "The listening socket stays open.",
      .see = "#serving-only-one-client" },
    { .name = "few-descriptors",
      .what = "runs it with RLIMIT_NOFILE 16 and connects 50 clients, one after another",
      .run = few_descriptors,
      .hint = "A server runs until it is killed, and close()s every accepted descriptor once the client "
              "is greeted: one that leaks a descriptor per client runs out of them (accept: Too many "
              "open files).",
      .see = "#leaking-descriptors" },
    { .name = "five-in-backlog",
      .what = "stops the server (SIGSTOP), connects 5 clients, lets it go on (SIGCONT) "
              "and reads each greeting",
      .run = five_in_backlog,
      .hint = "While the server is not calling accept(), the kernel completes and queues connections up "
              "to the listen() backlog: listen(fd, 5) or more (SOMAXCONN).",
      .see = "#a-small-backlog" },
    { .name = "restart-same-port",
      .what = "greets a client, stops the server, and starts it again at once on the "
              "same port (the old connection is in TIME_WAIT)",
      .run = restart_same_port,
      .hint = "setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, ...) before bind(): without it the old "
              "connections in TIME_WAIT keep the port busy and bind() fails: Address already in use.",
      .see = "#restarting-at-once" },
    { .name = "vanishing-client",
      .what = "while the server is stopped, a client connects and closes; then another "
              "client must be greeted",
      .run = vanishing_client,
      .hint = "A client that left before its greeting is not the server's problem: ignore the failed send "
              "(and SIGPIPE), close the descriptor and accept() the next client.",
      .see = "#one-client-brings-it-down" },
    { .name = "reset-client",
      .what = "while the server is stopped, a client connects and resets (RST); then "
              "another client must be greeted",
      .run = reset_client,
      .hint = "On a reset connection send() fails with ECONNRESET (getpeername() with ENOTCONN, accept() "
              "may fail with ECONNABORTED): log it if you like, close it and go on; never exit.",
      .see = "#one-client-brings-it-down" },
    { .name = "sigpipe",
      .what = "while the server is stopped, a client connects, half-closes and resets; the "
              "server's send then raises SIGPIPE; another client must be greeted",
      .run = sigpipe,
      .hint = "Writing to a connection the peer closed raises SIGPIPE, which kills the process: "
              "signal(SIGPIPE, SIG_IGN) at the start, or send(..., MSG_NOSIGNAL).",
      .see = "#one-client-brings-it-down" },
    { .name = "port-in-use",
      .what = "runs `greeter P` while the checker itself listens on port P",
      .run = port_in_use,
      .hint = "When bind() fails, print the reason on stderr, e.g. \"greeter: bind: Address already in "
              "use\" (strerror(errno) or perror()), and exit(1).",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `greeter` with no PORT",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "two-arguments",
      .what = "runs `greeter 0 0`",
      .run = two_arguments,
      .see = "#usage-errors" },
    { .name = "port-65536",
      .what = "runs `greeter 65536` (ports end at 65535)",
      .run = port_65536,
      .see = "#usage-errors" },
    { .name = "port-minus-one",
      .what = "runs `greeter -1`",
      .run = port_minus_one,
      .see = "#usage-errors" },
    { .name = "port-80x",
      .what = "runs `greeter 80x`",
      .run = port_80x,
      .see = "#usage-errors" },
    { .name = "port-six-digits",
      .what = "runs `greeter 000080` (a PORT has at most 5 digits)",
      .run = port_six_digits,
      .see = "#usage-errors" },
    { .name = "port-empty",
      .what = "runs `greeter \"\"` (an empty PORT)",
      .run = port_empty,
      .see = "#usage-errors" },
    { .name = "port-edges",
      .what = "runs `greeter PORT` with PORT 65535 (in a private network) and 00000: both accepted; then 000080 and 065535: six digits, usage errors",
      .run = port_edges,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535: 65535 itself and 00000 "
              "are valid, six digits never are. Count the digits, then compare the value "
              "with <= 65535 (not < 65535).",
      .see = "#port-edges" },
    { .name = NULL },
};

const struct lesson LESSON = {
    .dir = "03-accept",
    .programs = (const struct program[]){
        { .name = "greeter", .tests = greeter },
        { .name = NULL },
    },
};
