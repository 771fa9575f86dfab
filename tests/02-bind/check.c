/* check.c - lesson 02: bindaddr binds an address, prints it, holds it until EOF. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../harness/harness.h"

static int swapped(int port) { return ((port & 0xff) << 8) | (port >> 8); }

/* A port below 10000 that is free for TCP and UDP (0: none found). */
static int free_low_port(void)
{
    for (int i = 0; i < 64; i++) {
        int port = 2000 + (int)((getpid() * 131u + i * 977u) % 7900);
        if (port_swap_proof(port) && !bind_error(SOCK_STREAM, "0.0.0.0", port, 0) && !bind_error(SOCK_DGRAM, "0.0.0.0", port, 0))
            return port;
    }
    return 0;
}

/* ---- the program ----------------------------------------------------- */

static struct proc *start(struct ctx *c, const char *proto, const char *addr, const char *port)
{
    return prog_start(c, (struct start){ .argv = ARGV("bindaddr", proto, addr, port),
                                         .stdin_pipe = 1 });
}

/* Why a program that printed no line stopped, when its stderr tells. */
static const char *exit_hint(struct proc *p, const char **see)
{
    size_t n;
    const char *err = prog_stderr(p, &n);
    *see = "#ipv6-addresses";
    if (memmem(err, n, "Invalid argument", 16))
        return "EINVAL from bind(): its length must be the size of the structure you filled, "
               "sizeof(struct sockaddr_in6) (28) for IPv6, sizeof(struct sockaddr_in) (16) for "
               "IPv4; sizeof(struct sockaddr) is too short for IPv6.";
    *see = "#listen";
    if (memmem(err, n, "Operation not supported", 23))
        return "Only TCP sockets listen(): for udp, bind and stop there.";
    *see = "#reusing-the-address";
    if (memmem(err, n, "Address already in use", 22))
        return "EADDRINUSE on a port no program holds: closed connections waiting in TIME_WAIT "
               "hold it. Set SO_REUSEADDR (setsockopt, before bind) on a tcp socket.";
    *see = "#usage-errors";
    if (memmem(err, n, "usage", 5) || memmem(err, n, "Usage", 5))
        return "It answered a valid command line with a usage message: look at how ADDR and "
               "PORT are parsed (inet_pton returns 1 for an address it read; PORT 0 is valid).";
    *see = NULL;
    return NULL;
}

/* The first stdout line (like `want`), which must come while the program
 * waits on stdin. */
static char *bound_line(struct ctx *c, struct proc *p, const char *want)
{
    long end = now_ms(c) + 3000;
    for (;;) {
        size_t n;
        const char *out = prog_stdout(p, &n, NULL);
        if (memchr(out, '\n', n))
            return expect_line(c, p, 0);
        if (!prog_running(p)) {
            prog_wait_exit(p, 200);   /* the last bytes of its output */
            out = prog_stdout(p, &n, NULL);
            if (memchr(out, '\n', n))
                return expect_line(c, p, 0);
            const char *see, *hint = exit_hint(p, &see);
            FAIL(c, .expected = str("a line \"%s\" on stdout, then the program waiting for "
                                    "EOF on stdin", want),
                 .observed = n ? str("it printed %s without a newline and exited",
                                     escaped(out, n, 80))
                               : "it exited without printing a line",
                 .hint = hint, .see = see);
        }
        if (now_ms(c) > end)
            FAIL(c, .expected = str("a line \"%s\" on stdout within 3000 ms", want),
                 .observed = n ? str("only %s, with no newline, and the program is still "
                                     "running", escaped(out, n, 80))
                               : "nothing on stdout, and the program is still running",
                 .hint = "stdout to a pipe is fully buffered: the line sits in stdio's buffer "
                         "while the program waits on stdin. Call fflush(stdout) right after "
                         "printing it.",
                 .see = "#the-bound-line");
        pause_ms(5);
    }
}

/* Expect the line "bound PROTO SHOWN:N" (want: N, or 0 for any); returns N. */
static int expect_bound(struct ctx *c, struct proc *p, const char *proto, const char *shown,
                        int want)
{
    char *prefix = str("bound %s %s:", proto, shown);
    char *line = bound_line(c, p, want ? str("%s%d", prefix, want) : str("%sPORT", prefix));
    const char *hint = NULL, *see = NULL;
    size_t k = strlen(prefix);
    int same = strncmp(line, prefix, k) == 0;
    const char *digits = same ? line + k : "";
    long port = strtol(digits, NULL, 10);
    if (!same || !*digits || strspn(digits, "0123456789") != strlen(digits) ||
        strlen(digits) > 5 || port < 1 || port > 65535 || (want && port != want)) {
        if (shown[0] == '[' && strstr(line, str(" %.*s:", (int)strlen(shown) - 2, shown + 1)))
            hint = "An IPv6 address contains ':' itself: print it in brackets, [::1]:PORT.",
            see = "#ipv6-addresses";
        else if (want && port == swapped(want))
            hint = "The port is byte-swapped: it went to bind() without htons(), or was printed "
                   "from getsockname() without ntohs().", see = "#byte-order";
        else if (strstr(line, " 0.0.0.0:") || strstr(line, " [::]:"))
            hint = "That is the wildcard address: bind the address given on the command line "
                   "(inet_pton fills sin_addr), and print what getsockname() returns.",
            see = "#the-address-you-were-given";
        else if (same && port == 0)
            hint = "Port 0 asks the kernel to choose: print the port it chose, read back with "
                   "getsockname() after bind().", see = "#port-0";
        FAIL(c, .expected = want ? str("the line \"%s%d\"", prefix, want)
                                 : str("a line \"%sPORT\", PORT the port bound (1-65535)",
                                       prefix),
             .observed = str("%s", escaped(line, strlen(line), 120)), .hint = hint, .see = see);
    }
    return (int)port;
}

/* The program must not exit (within ms) while stdin is open. */
static void expect_waiting(struct ctx *c, struct proc *p, long ms)
{
    if (prog_wait_exit(p, ms))
        FAIL(c, .expected = "the program to keep the address bound, waiting until stdin is closed",
             .observed = "it exited after printing its line, while stdin was still open",
             .hint = "After printing the line, read stdin until read() returns 0 (EOF), "
                     "discarding what comes; only then close the socket and exit 0.",
             .see = "#waiting-for-eof");
}

/* While it waits, addr:port is really bound (and for tcp, listening). */
static void expect_held(struct ctx *c, struct proc *p, int type, const char *addr, int port)
{
    expect_waiting(c, p, 30);   /* a program that does not wait is gone by now */
    const char *proto = type == SOCK_STREAM ? "tcp" : "udp";
    int err = bind_error(type, addr, port, 0);
    peer_record(c, 0, "bind %s %s port %d: %s", proto, addr, port,
                err == EADDRINUSE ? "in use" : err ? strerror(err) : "free!");
    if (err != EADDRINUSE) {
        const char *got = err ? str("the checker's bind gave %s, not EADDRINUSE", strerror(err))
                              : "the checker could bind it";
        expect_waiting(c, p, 0);
        int s = swapped(port), serr = s != port ? bind_error(type, addr, s, 0) : 0;
        if (serr == EADDRINUSE)
            FAIL(c, .expected = str("%s %s port %d to be in use while the program waits",
                                    proto, addr, port),
                 .observed = str("%s; port %d, the same two bytes swapped, is in use", got, s),
                 .hint = "The port went to bind() without htons(), or was printed from "
                         "getsockname() without ntohs().", .see = "#byte-order");
        FAIL(c, .expected = str("%s %s port %d to be in use while the program waits", proto,
                                addr, port),
             .observed = got,
             .hint = "Print the address the socket is bound to, read back with getsockname() "
                     "after bind(), and keep the socket open until EOF on stdin.",
             .see = "#the-bound-line");
    }
    if (type == SOCK_STREAM) {
        int family = strchr(addr, ':') ? AF_INET6 : AF_INET, cerr;
        struct conn *k = tcp_try_connect(c, family, port, 2000, &cerr);
        if (!k) {
            expect_waiting(c, p, 0);
            FAIL(c, .expected = str("a TCP connection to port %d to complete (the socket listens)",
                                    port),
                 .observed = str("connect: %s", strerror(cerr)),
                 .hint = "For tcp, call listen(fd, SOMAXCONN) after bind(): a bound TCP socket "
                         "that does not listen refuses connections.",
                 .see = "#listen");
        }
        conn_close(c, k);
    }
}

/* Close stdin: the program must exit 0 soon. */
static void expect_done(struct ctx *c, struct proc *p)
{
    peer_record(c, 1, "stdin: EOF (the checker closes it)");
    prog_close_stdin(p);
    if (!prog_wait_exit(p, 1000))
        FAIL(c, .expected = "the program to exit within 1000 ms of EOF on stdin",
             .observed = "it was still running",
             .hint = "read() returns 0 at EOF (fgets returns NULL, getchar EOF): then close "
                     "the socket and exit 0.", .see = "#waiting-for-eof");
    expect_exit(c, p, 0, 0);
}

/* bindaddr PROTO ADDR PORT: the line shows SHOWN:want, the address is held. */
static int bound_run(struct ctx *c, const char *proto, const char *addr, const char *shown,
                     const char *port, int want)
{
    struct proc *p = start(c, proto, addr, port);
    int got = expect_bound(c, p, proto, shown, want);
    expect_held(c, p, strcmp(proto, "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM,
                strcmp(addr, "0:0:0:0:0:0:0:1") == 0 ? "::1" : addr, got);
    expect_done(c, p);
    return got;
}

/* ---- the tests ------------------------------------------------------- */

static void need_ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
}

static void tcp_ipv4(struct ctx *c) { bound_run(c, "tcp", "127.0.0.1", "127.0.0.1", "0", 0); }
static void udp_ipv4(struct ctx *c) { bound_run(c, "udp", "127.0.0.1", "127.0.0.1", "0", 0); }

static void tcp_ipv6(struct ctx *c)
{
    need_ipv6(c);
    bound_run(c, "tcp", "::1", "[::1]", "0", 0);
}

static void udp_ipv6(struct ctx *c)
{
    need_ipv6(c);
    bound_run(c, "udp", "::1", "[::1]", "0", 0);
}

static void wildcard(struct ctx *c) { bound_run(c, "tcp", "0.0.0.0", "0.0.0.0", "0", 0); }

static void ipv6_long_form(struct ctx *c)
{
    need_ipv6(c);
    bound_run(c, "udp", "0:0:0:0:0:0:0:1", "[::1]", "0", 0);
}

static void fixed_port(struct ctx *c)
{
    int port = free_port(SOCK_STREAM);
    note(c, "port %d was free a moment before the test", port);
    bound_run(c, "tcp", "127.0.0.1", "127.0.0.1", str("%d", port), port);
}

static void leading_zeros(struct ctx *c)
{
    int port = free_low_port();
    if (!port)
        skip(c, "no free port below 10000 was found");
    note(c, "port %d was free a moment before the test", port);
    bound_run(c, "udp", "127.0.0.1", "127.0.0.1", str("0%d", port), port);
    bound_run(c, "tcp", "127.0.0.1", "127.0.0.1", "00000", 0);
}

static void waits_for_eof(struct ctx *c)
{
    struct proc *p = start(c, "udp", "127.0.0.1", "0");
    int port = expect_bound(c, p, "udp", "127.0.0.1", 0);
    char line[] = "some input, which the program reads and throws away\n";
    for (int i = 0; i < 3; i++) {
        peer_record(c, 1, "stdin: 100 lines of input");
        for (int j = 0; j < 100; j++)
            prog_feed(p, line, sizeof line - 1);
        prog_wait_idle(p, 100);   /* it has read them (or ended) */
        expect_held(c, p, SOCK_DGRAM, "127.0.0.1", port);
    }
    expect_done(c, p);
}

/* bindaddr must fail: exit 1, `reason` on stderr, no bound line. */
static void expect_bind_fails(struct ctx *c, struct start s, const char *reason)
{
    struct proc *p = prog_start(c, s);
    if (!prog_wait_exit(p, 2000))
        FAIL(c, .expected = str("exit 1 with \"%s\" on stderr", reason),
             .observed = "it was still running after 2000 ms",
             .hint = "Check what bind() returns: -1 means it failed; print strerror(errno) and "
                     "exit 1.", .see = "#errors");
    size_t n;
    const char *raw = prog_stdout(p, &n, NULL);
    char *out = str("%.*s", (int)n, raw), *colon = strrchr(out, ':');
    int asked = atoi(s.argv[3]), printed = colon ? atoi(colon + 1) : -1;
    if (strstr(out, "bound"))
        FAIL(c, .expected = str("no \"bound\" line: bind fails with \"%s\"", reason),
             .observed = str("stdout: %s", describe(raw, n)),
             .hint = asked && printed == swapped(asked)
                     ? str("It bound port %d, port %d with its two bytes swapped: the port went "
                           "to bind() without htons().", printed, asked)
                     : "bind() returned -1 and the program went on: check its result, print "
                       "strerror(errno) on stderr and exit 1.",
             .see = asked && printed == swapped(asked) ? "#byte-order" : "#errors");
    const char *err = prog_stderr(p, &n), *see, *hint = exit_hint(p, &see);
    if (!memmem(err, n, reason, strlen(reason)) && hint)
        FAIL(c, .expected = str("exit 1 with \"%s\" on stderr", reason),
             .observed = str("stderr: %s", describe(err, n)), .hint = hint, .see = see);
    expect_exit(c, p, 1, 0);
    expect_stderr_has(c, p, reason);
}

static void tcp_in_use(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.1", 1);
    expect_bind_fails(c, (struct start){ .argv = ARGV("bindaddr", "tcp", "127.0.0.1",
                                                      str("%d", listener_port(l))) },
                      "Address already in use");
}

static void udp_in_use(struct ctx *c)
{
    struct udp *u = udp_open_at(c, "127.0.0.1", 0);
    expect_bind_fails(c, (struct start){ .argv = ARGV("bindaddr", "udp", "127.0.0.1",
                                                      str("%d", udp_port(u))) },
                      "Address already in use");
}

static void not_local(struct ctx *c)
{
    /* 192.0.2.1 and 2001:db8::1 are documentation addresses, on no machine. */
    expect_bind_fails(c, (struct start){ .argv = ARGV("bindaddr", "tcp", "192.0.2.1", "0") },
                      "Cannot assign requested address");
    if (have_ipv6())
        expect_bind_fails(c, (struct start){ .argv = ARGV("bindaddr", "udp", "2001:db8::1", "0") },
                          "Cannot assign requested address");
}

static int unprivileged_port_start(void)
{
    FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
    int start = 1024;
    if (f) {
        if (fscanf(f, "%d", &start) != 1)
            start = 1024;
        fclose(f);
    }
    return start;
}

/* Root can run the program as an unprivileged user (not so in every user namespace). */
static int can_be_nobody(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(setgid(65534) != 0 || setuid(65534) != 0);
    int st = 1;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void low_port(struct ctx *c)
{
    /* A private network (a user namespace when not root): there ports below
     * 1024 need privilege, and the program has none, whoever runs the checker. */
    stage_private_net(c);
    int limit = unprivileged_port_start(), port = 0;
    if (limit > 1024)
        limit = 1024;
    for (int p = limit - 1; p >= limit - 40 && p > 0 && !port; p -= 7)
        if (!bind_error(SOCK_STREAM, "0.0.0.0", p, 0) || bind_error(SOCK_STREAM, "0.0.0.0", p, 0) == EACCES)
            port = p;
    if (!port)
        skip(c, str("no privileged port to try: ports from %d up need no privilege here", limit));
    struct start s = { .argv = ARGV("bindaddr", "tcp", "127.0.0.1", str("%d", port)) };
    if (is_root() && !can_be_nobody())
        skip(c, "the checker runs as root but cannot switch to an unprivileged user (uid 65534)");
    s.as_nobody = 1;
    note(c, "the program runs as an unprivileged user; ports below %d need privilege", limit);
    expect_bind_fails(c, s, "Permission denied");
}

static void time_wait(struct ctx *c)
{
    int port = time_wait_port();
    if (!port)
        skip(c, "the checker could not leave a connection in TIME_WAIT that blocks a bind "
                "without SO_REUSEADDR and not one with it");
    peer_record(c, 0, "port %d: a connection in TIME_WAIT", port);
    note(c, "port %d is held only by a closed connection in TIME_WAIT: a bind without "
            "SO_REUSEADDR fails with EADDRINUSE, one with it works", port);
    bound_run(c, "tcp", "127.0.0.1", "127.0.0.1", str("%d", port), port);
}

static void name_address(struct ctx *c)
{
    note(c, "inet_pton() returns 1 for an address it could read and 0 for anything else, "
            "a name included: only 1 is a success");
    expect_usage_error(c, ARGV("bindaddr", "tcp", "localhost", "0"));
}

static void port_too_big(struct ctx *c)
{
    note(c, "PORT is 1 to 5 decimal digits, at most 65535: check every character with "
            "isdigit() and the length, then convert; atoi() and strtol() accept signs, "
            "spaces and trailing junk");
    expect_usage_error(c, ARGV("bindaddr", "udp", "127.0.0.1", "65536"));
    expect_usage_error(c, ARGV("bindaddr", "tcp", "127.0.0.1", "99999"));
}

static void port_not_digits(struct ctx *c)
{
    note(c, "PORT is 1 to 5 decimal digits, at most 65535: check every character with "
            "isdigit() and the length, then convert; atoi() and strtol() accept signs, "
            "spaces and trailing junk");
    expect_usage_errors(c, ARGV("bindaddr", "udp", "127.0.0.1", "%"),
                        ARGV("+5000", "-1", "50x0", "0x50", "", " 5000", "5000 "));
}

static void six_digits(struct ctx *c)
{
    note(c, "PORT is 1 to 5 decimal digits, at most 65535: check every character with "
            "isdigit() and the length, then convert; atoi() and strtol() accept signs, "
            "spaces and trailing junk");
    expect_usage_error(c, ARGV("bindaddr", "udp", "127.0.0.1", "005000"));
}

static void argument_count(struct ctx *c)
{
    expect_usage_error(c, ARGV("bindaddr"));
    expect_usage_error(c, ARGV("bindaddr", "tcp", "127.0.0.1"));
    expect_usage_error(c, ARGV("bindaddr", "tcp", "127.0.0.1", "0", "extra"));
}

static void unknown_proto(struct ctx *c)
{
    note(c, "PROTO is exactly tcp or udp: compare with strcmp(), which is case-sensitive");
    expect_usage_error(c, ARGV("bindaddr", "sctp", "127.0.0.1", "0"));
    expect_usage_error(c, ARGV("bindaddr", "TCP", "127.0.0.1", "0"));
    expect_usage_error(c, ARGV("bindaddr", "tcp6", "::1", "0"));
}

/* 65535 is a port (rule 4): in a private network, where it is free. */
static void port_65535(struct ctx *c)
{
    stage_private_net(c);
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("bindaddr", "udp", "127.0.0.1", "65535"), .stdin_pipe = 1 });
    char *line = expect_line(c, p, 2000);
    if (strcmp(line, "bound udp 127.0.0.1:65535"))
        FAIL(c, .expected = "\"bound udp 127.0.0.1:65535\": 65535 is the largest port, and a port",
             .observed = str("the first line was %s", escaped(line, strlen(line), 100)));
    prog_close_stdin(p);
    expect_exit(c, p, 0, 2000);
}

static const struct test bindaddr[] = {
    { .name = "tcp-ipv4",
      .what = "runs `bindaddr tcp 127.0.0.1 0`, binds the printed port itself (it must be in "
              "use) and connects to it, then closes stdin",
      .run = tcp_ipv4,
      .hint = "Create the socket, set SO_REUSEADDR, bind, listen, read the address back with "
              "getsockname(), print \"bound tcp 127.0.0.1:PORT\" and fflush(stdout).",
      .see = "#the-bound-line" },
    { .name = "udp-ipv4",
      .what = "runs `bindaddr udp 127.0.0.1 0`, binds the printed port itself (it must be in "
              "use), then closes stdin",
      .run = udp_ipv4,
      .hint = "For udp: socket(AF_INET, SOCK_DGRAM, 0), bind, getsockname, print; no listen.",
      .see = "#the-bound-line" },
    { .name = "tcp-ipv6",
      .what = "runs `bindaddr tcp ::1 0`: the line shows [::1]:PORT, the port is in use and "
              "accepts a connection",
      .run = tcp_ipv6,
      .hint = "ADDR with ':' is IPv6: an AF_INET6 socket, a struct sockaddr_in6 filled by "
              "inet_pton(AF_INET6, ...), bind with sizeof(struct sockaddr_in6).",
      .see = "#ipv6-addresses" },
    { .name = "udp-ipv6",
      .what = "runs `bindaddr udp ::1 0`: the line shows [::1]:PORT and the port is in use",
      .run = udp_ipv6,
      .hint = "ADDR with ':' is IPv6: an AF_INET6 socket, a struct sockaddr_in6 filled by "
              "inet_pton(AF_INET6, ...), bind with sizeof(struct sockaddr_in6).",
      .see = "#ipv6-addresses" },
    { .name = "wildcard-address",
      .what = "runs `bindaddr tcp 0.0.0.0 0`: the line shows 0.0.0.0:PORT",
      .run = wildcard,
      .hint = "Bind the address given: 0.0.0.0 is a valid ADDR (INADDR_ANY, every address of the "
              "machine), and getsockname() reports it as such.",
      .see = "#the-address-you-were-given" },
    { .name = "ipv6-long-form",
      .what = "runs `bindaddr udp 0:0:0:0:0:0:0:1 0`: the line shows [::1]:PORT",
      .run = ipv6_long_form,
      .hint = "Print the address getsockname() returns, converted with inet_ntop(), not the text given "
              "on the command line: inet_ntop writes ::1 for 0:0:0:0:0:0:0:1.",
      .see = "#the-address-you-were-given" },
    { .name = "fixed-port",
      .what = "runs `bindaddr tcp 127.0.0.1 PORT` with a free PORT: the same port is printed "
              "and really bound",
      .run = fixed_port,
      .hint = "Convert the port with htons() when you fill sin_port, and with ntohs() when you print "
              "the port getsockname() returns.",
      .see = "#byte-order" },
    { .name = "leading-zeros",
      .what = "runs `bindaddr udp 127.0.0.1 0PORT` (a free port below 10000 with a "
              "leading 0) and `bindaddr tcp 127.0.0.1 00000`",
      .run = leading_zeros,
      .hint = "PORT is decimal even with leading zeros (0 means \"let the kernel choose\"): parse it "
              "with strtol(s, &end, 10), never base 0, which reads a leading 0 as octal.",
      .see = "#usage-errors" },
    { .name = "waits-for-eof",
      .what = "runs `bindaddr udp 127.0.0.1 0`, writes 100 lines to its stdin three times "
              "(after each, once it has read them, the address must still be bound), then "
              "closes stdin: exit 0",
      .run = waits_for_eof,
      .hint = "Read stdin until read() returns 0, throwing the bytes away; a single read() returns "
              "as soon as the first line arrives.",
      .see = "#waiting-for-eof" },
    { .name = "tcp-in-use",
      .what = "holds a TCP listener on 127.0.0.1 PORT and runs `bindaddr tcp 127.0.0.1 "
              "PORT`: exit 1, \"Address already in use\"",
      .run = tcp_in_use,
      .hint = "bind() returns -1 with errno EADDRINUSE: print strerror(errno) on stderr "
              "(\"bindaddr: bind: Address already in use\") and exit 1.",
      .see = "#errors" },
    { .name = "udp-in-use",
      .what = "holds a UDP socket on 127.0.0.1 PORT and runs `bindaddr udp 127.0.0.1 "
              "PORT`: exit 1, \"Address already in use\"",
      .run = udp_in_use,
      .hint = "bind() returns -1 with errno EADDRINUSE: print strerror(errno) on stderr "
              "(\"bindaddr: bind: Address already in use\") and exit 1.",
      .see = "#errors" },
    { .name = "not-local",
      .what = "runs `bindaddr tcp 192.0.2.1 0` and `bindaddr udp 2001:db8::1 0` (addresses "
              "of no machine): exit 1, \"Cannot assign requested address\"",
      .run = not_local,
      .hint = "bind() fails with EADDRNOTAVAIL when ADDR is not an address of this machine: print "
              "strerror(errno) and exit 1.",
      .see = "#errors" },
    { .name = "low-port",
      .what = "runs `bindaddr tcp 127.0.0.1 PORT` with a PORT below 1024 as an unprivileged "
              "user: exit 1, \"Permission denied\"",
      .run = low_port,
      .hint = "bind() fails with EACCES for a privileged port: print strerror(errno) and exit 1.",
      .see = "#errors" },
    { .name = "time-wait",
      .what = "leaves a closed connection in TIME_WAIT on 127.0.0.1 PORT, then runs "
              "`bindaddr tcp 127.0.0.1 PORT`: it must bind",
      .run = time_wait,
      .hint = "Set SO_REUSEADDR on the tcp socket before bind(): setsockopt(fd, SOL_SOCKET, "
              "SO_REUSEADDR, &one, sizeof one). Without it the port is blocked for a minute after "
              "a server closed connections.",
      .see = "#reusing-the-address" },
    { .name = "name-address",
      .what = "runs `bindaddr tcp localhost 0`: a name is a usage error",
      .run = name_address,
      .see = "#usage-errors" },
    { .name = "port-too-big",
      .what = "runs bindaddr with PORT 65536 and 99999",
      .run = port_too_big,
      .see = "#usage-errors" },
    { .name = "port-not-digits",
      .what = "runs bindaddr with PORT +5000, -1, 50x0, 0x50, empty, and with "
              "spaces",
      .run = port_not_digits,
      .see = "#usage-errors" },
    { .name = "six-digits",
      .what = "runs bindaddr with PORT 005000 (six digits)",
      .run = six_digits,
      .see = "#usage-errors" },
    { .name = "argument-count",
      .what = "runs bindaddr with no arguments, two, and four",
      .run = argument_count,
      .see = "#usage-errors" },
    { .name = "unknown-proto",
      .what = "runs bindaddr with PROTO sctp, TCP and tcp6",
      .run = unknown_proto,
      .see = "#usage-errors" },
    { .name = "port-65535",
      .what = "runs `bindaddr udp 127.0.0.1 65535` (in a private network): the largest port is a port",
      .run = port_65535,
      .hint = "PORT may be 65535: compare the value with <= 65535, not < 65535.",
      .see = "#port-edges" },
    { .name = NULL },
};

const struct lesson LESSON = {
    .dir = "02-bind",
    .programs = (const struct program[]){
        { .name = "bindaddr", .tests = bindaddr },
        { .name = NULL },
    },
};
