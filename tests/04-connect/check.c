/* check.c - lesson 04: fetch connects, reads until EOF and copies the bytes to stdout. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../harness/harness.h"

#define BIG (4u << 20)   /* the binary payload: 4 MiB */

static struct proc *fetch(struct ctx *c, const char *host, int port, size_t cap)
{
    return prog_start(c, (struct start){ .argv = ARGV("fetch", host, str("%d", port)),
                                         .stdout_cap = cap });
}

/* fetch must have exited 0 with exactly want on stdout; say why not. */
static void expect_fetched(struct ctx *c, struct proc *p, const char *want, size_t n)
{
    if (!prog_wait_exit(p, 3000))
        FAIL(c, .expected = "fetch to exit once the server had closed the connection",
             .observed = "it was still running 3000 ms after the close",
             .hint = "When the server closes, recv() returns 0: that is the end of the data. "
                     "Leave the loop, close the socket and exit 0 (a loop that waits for -1 "
                     "never ends).",
             .see = "#not-stopping-at-eof");
    expect_exit(c, p, 0, 0);
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total == n && len == n && !memcmp(got, want, n))
        return;
    const char *diff = first_difference(want, n, got, len);
    const char *obs = str("stdout: %s; %s", describe(got, len),
                          diff ? diff : "then more than the checker keeps");
    if (total == n + 1 && len > n && !memcmp(got, want, n) && got[n] == '\n')
        FAIL(c, .expected = str("stdout: %s", describe(want, n)), .observed = obs,
             .hint = "fetch added a newline of its own (puts(), printf(\"%s\\n\")): write "
                     "the bytes exactly as they came.",
             .see = "#writing-more-than-you-received");
    if (total > n)
        FAIL(c, .expected = str("stdout: %s", describe(want, n)), .observed = obs,
             .hint = str("fetch wrote %zu bytes, %zu more than the server sent: write only the "
                         "n bytes each recv() returned, write(1, buf, n), not sizeof buf.",
                         total, total - n),
             .see = "#writing-more-than-you-received");
    if (len < n && memchr(want, 0, n) && !memchr(got, 0, len))
        FAIL(c, .expected = str("stdout: %s", describe(want, n)), .observed = obs,
             .hint = "Not one NUL byte came out, though the data has many: printf(\"%s\"), "
                     "fputs(), puts() and strlen() stop at the first NUL. Write the n bytes "
                     "recv() returned with write(1, buf, n) or fwrite(buf, 1, n, stdout).",
             .see = "#text-functions-on-binary-data");
    if (len < n && !memcmp(got, want, len))
        FAIL(c, .expected = str("stdout: %s", describe(want, n)), .observed = obs,
             .hint = str("fetch wrote the first %zu byte%s and exited 0: it stopped reading "
                         "before the end. One recv() returns what has arrived so far, however "
                         "little; a short read is not the end either. Call recv() in a loop "
                         "until it returns 0.", len, len == 1 ? "" : "s"),
             .see = "#only-one-recv");
    FAIL(c, .expected = str("stdout: %s", describe(want, n)), .observed = obs);
}

/* fetch's connection on l.  If fetch ends without connecting, say so at once,
 * with connect_hint: GENERIC (how to connect at all) or NULL (the test's own
 * hint, for the tests that are about connecting). */
static const char *const GENERIC = "";
static struct conn *accept_fetch(struct ctx *c, struct listener *l, struct proc *p,
                                 const char *connect_hint)
{
    for (long end = now_ms(c) + 3000; !listener_pending(l, 20) && now_ms(c) < end; )
        if (!prog_running(p) && !listener_pending(l, 0)) {
            prog_wait_exit(p, 200);   /* its last words on stderr */
            FAIL(c, .expected = str("fetch to connect to port %d", listener_port(l)),
                 .observed = "it ended without connecting (its stderr may say why)",
                 .hint = connect_hint == GENERIC ?
                     "fetch must connect first: getaddrinfo(HOST, PORT) with AF_UNSPEC and "
                     "SOCK_STREAM, then socket() and connect() for each address in turn." :
                     connect_hint,
                 .see = connect_hint == GENERIC ? "#your-task" : NULL);
        }
    return expect_accept(c, l, 500);
}

/* Accept fetch's connection on l, send data (in pieces if piece > 0) and
 * close the sending side (FIN, which fetch reads as the end).  The checker
 * keeps reading, so bytes fetch might send cause no reset here: only the
 * test sends-nothing judges those. */
static struct conn *serve(struct ctx *c, struct listener *l, struct proc *p,
                          const char *connect_hint, const void *data, size_t n, size_t piece,
                          long pause)
{
    struct conn *k = accept_fetch(c, l, p, connect_hint);
    if (n)
        conn_send_some(c, k, data, n, piece, pause);
    conn_half_close(c, k);
    return k;
}

/* Listen on addr (family), run `fetch HOST PORT`, serve text, expect it on stdout. */
static void fetch_text(struct ctx *c, int family, const char *host, const char *text,
                       const char *connect_hint)
{
    struct listener *l = tcp_listener(c, family, NULL, 4);
    struct proc *p = fetch(c, host, listener_port(l), 0);
    serve(c, l, p, connect_hint, text, strlen(text), 0, 0);
    expect_fetched(c, p, text, strlen(text));
}

static void small_text(struct ctx *c)
{
    fetch_text(c, AF_INET, "127.0.0.1", "hello, world\n", GENERIC);
}

static void binary_payload(struct ctx *c)
{
    char *data = random_bytes(BIG, 4);
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = fetch(c, "127.0.0.1", listener_port(l), BIG + 65536);
    serve(c, l, p, GENERIC, data, BIG, 0, 0);
    expect_fetched(c, p, data, BIG);
}

static void one_byte_pieces(struct ctx *c)
{
    const char *text = "one\ntwo\nthree\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = fetch(c, "127.0.0.1", listener_port(l), 0);
    serve(c, l, p, GENERIC, text, strlen(text), 1, 15);
    expect_fetched(c, p, text, strlen(text));
}

static void empty_reply(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = fetch(c, "127.0.0.1", listener_port(l), 0);
    serve(c, l, p, GENERIC, "", 0, 0, 0);
    expect_fetched(c, p, "", 0);
}

static void sends_nothing(struct ctx *c)
{
    /* The checker still reads after its FIN: it must get EOF, and no byte. */
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = fetch(c, "127.0.0.1", listener_port(l), 0);
    struct conn *k = serve(c, l, p, GENERIC, "data\n", 5, 0, 0);
    expect_fetched(c, p, "data\n", 5);
    expect_eof(c, k, 1000);
}

static void ipv6_loopback(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    fetch_text(c, AF_INET6, "::1", "over IPv6\n", NULL);
}

static void localhost_name(struct ctx *c)
{
    fetch_text(c, AF_INET, "localhost", "by name\n", NULL);
}

static void service_name(struct ctx *c)
{
    struct servent *s = getservbyname("daytime", "tcp");
    if (!s)
        skip(c, "this machine's /etc/services has no daytime/tcp entry");
    /* Port 13 needs privilege: a private network (a user namespace when not root). */
    stage_private_net(c);
    /* A random 127.x.y.z: parallel checks each get their own address. */
    unsigned r = (unsigned)getpid() * 2654435761u;
    char *addr = str("127.%u.%u.%u", 1 + r % 254, 1 + (r >> 8) % 254, 1 + (r >> 16) % 254);
    struct listener *l = tcp_listener_at(c, AF_INET, addr, ntohs(s->s_port), 4);
    const char *text = "Wed Nov 25 09:35:03 2026\r\n";
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("fetch", addr, "daytime") });
    serve(c, l, p, NULL, text, strlen(text), 0, 0);
    expect_fetched(c, p, text, strlen(text));
}

static int stderr_has(struct proc *p, const char *text)
{
    size_t len;
    const char *err = prog_stderr(p, &len);
    return memmem(err, len, text, strlen(text)) != NULL;
}

/* fetch must fail: exit 1, reason on stderr, nothing on stdout. */
static void expect_failure(struct ctx *c, struct proc *p, const char *reason)
{
    expect_exit(c, p, 1, 3000);
    if (!stderr_has(p, reason)) {
        size_t len;
        const char *err = prog_stderr(p, &len);
        FAIL(c, .expected = str("stderr to contain \"%s\"", reason),
             .observed = len ? str("stderr: %s", describe(err, len)) : "nothing on stderr");
    }
    expect_stdout_empty(c, p);
}

static struct proc *run(struct ctx *c, const char *const *argv)
{
    return prog_start(c, (struct start){ .argv = argv });
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = run(c, ARGV("fetch", "127.0.0.1", "nosuchservice"));
    if (prog_wait_exit(p, 3000) && stderr_has(p, strerror(ECONNREFUSED)))
        FAIL(c, .expected = str("stderr to contain \"%s\"", gai_strerror(EAI_SERVICE)),
             .observed = "fetch tried to connect, and was refused",
             .hint = "PORT was turned into a number by hand: atoi(\"nosuchservice\") is 0, and "
                     "port 0 refuses. Give PORT to getaddrinfo() as it is.",
             .see = "#parsing-host-and-port-yourself");
    expect_failure(c, p, gai_strerror(EAI_SERVICE));
}

static void unknown_host(struct ctx *c)
{
    /* The C library rejects this name itself: no DNS query leaves the machine. */
    expect_failure(c, run(c, ARGV("fetch", "bad_host!.invalid", "80")), gai_strerror(EAI_NONAME));
}

static void connection_refused(struct ctx *c)
{
    int port = free_port(SOCK_STREAM);
    expect_failure(c, run(c, ARGV("fetch", "127.0.0.1", str("%d", port))), strerror(ECONNREFUSED));
}

static void reset_mid_stream(struct ctx *c)
{
    const char *part = "the first part, then a reset\n";
    size_t n = strlen(part);
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = fetch(c, "127.0.0.1", listener_port(l), 0);
    struct conn *k = accept_fetch(c, l, p, GENERIC);
    conn_send(c, k, part, n);
    pause_ms(100);   /* let fetch read it and wait for more */
    conn_reset(c, k);
    if (!prog_wait_exit(p, 3000))
        FAIL(c, .expected = "fetch to exit 1 after the reset",
             .observed = "it was still running 3000 ms after the reset",
             .hint = "recv() returned -1 (ECONNRESET): report it and exit 1. Retrying a "
                     "failed recv() forever never ends.",
             .see = "#treating-an-error-as-the-end");
    expect_exit(c, p, 1, 0);
    expect_stderr_has(c, p, strerror(ECONNRESET));
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total > n || memcmp(got, part, len))
        FAIL(c, .expected = str("stdout: at most the %zu bytes sent before the reset: %s", n,
                                describe(part, n)),
             .observed = str("stdout: %s", describe(got, len)),
             .hint = "Write only what recv() returned, and only when it returned more than 0: "
                     "n == -1 is an error, not a count of bytes.",
             .see = "#treating-an-error-as-the-end");
}

/* ---- a name with several addresses ------------------------------------ */

static void several_addresses(struct ctx *c)
{
    /* A network of its own: no other test's listener can take the
     * addresses that must refuse, at this port. */
    stage_private_net(c);
    const char *hosts = have_ipv6() ? "127.0.0.3 multi.test\n::1 multi.test\n127.0.0.2 multi.test\n"
                                    : "127.0.0.3 multi.test\n127.0.0.2 multi.test\n";
    char **addrs = hosts_order(c, hosts, "multi.test", SOCK_STREAM);
    char *order = str("%s", "");
    for (int i = 0; addrs[i]; i++)
        order = str("%s%s\n", order, addrs[i]);
    /* Listen only on the address fetch will try last: the others refuse. */
    char *last = order + strlen(order) - 1;
    *last = 0;
    while (last > order && last[-1] != '\n')
        last--;
    if (last == order)
        skip(c, "multi.test got only one address under the private hosts file");
    char *shown = str("%.*s", (int)(last - order - 1), order);
    for (char *s = shown; (s = strchr(s, '\n')); )
        *s = ',';
    note(c, "multi.test has the addresses %s,%s in getaddrinfo's order; only %s listens",
         shown, last, last);
    struct listener *l = tcp_listener(c, strchr(last, ':') ? AF_INET6 : AF_INET, last, 4);
    const char *text = "from the last address\n";
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("fetch", "multi.test", str("%d", listener_port(l))), .hosts = hosts });
    serve(c, l, p, NULL, text, strlen(text), 0, 0);
    expect_fetched(c, p, text, strlen(text));
}

static void silent_address(struct ctx *c)
{
    struct multi *m = multi_stage_silent(c);
    const char *text = "past the silent address\n";
    struct proc *p = multi_client(c, m, "fetch", NULL, 0);
    struct conn *k = multi_expect_second(c, m, p);
    conn_send(c, k, text, strlen(text));
    conn_half_close(c, k);
    expect_fetched(c, p, text, strlen(text));
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("fetch")); }
static void one_argument(struct ctx *c) { expect_usage_error(c, ARGV("fetch", "127.0.0.1")); }
static void three_arguments(struct ctx *c)
{
    int port = free_port(SOCK_STREAM);
    expect_usage_error(c, ARGV("fetch", "127.0.0.1", str("%d", port), "extra"));
}

static void address_order(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_STREAM);
    const char *text = "from the first address\n";
    struct proc *p = multi_client(c, m, "fetch", NULL, 0);
    struct conn *k = multi_expect_first(c, m, 3000);
    conn_send(c, k, text, strlen(text));
    conn_close(c, k);
    expect_fetched(c, p, text, strlen(text));
}

static void stdout_closed(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 4);
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("fetch", "127.0.0.1", str("%d", listener_port(l))), .stdout_closed = 1 });
    peer_record(c, 0, "fetch's stdout is a pipe whose reader has closed it");
    struct conn *k = expect_accept(c, l, 2000);
    conn_send(c, k, "data\n", 5);
    conn_close(c, k);
    expect_no_signal_death(c, p, 2000);
}

static const struct test fetch_tests[] = {
    { .name = "small-text",
      .what = "accepts fetch's connection on 127.0.0.1, sends 13 bytes of text and closes (FIN)",
      .run = small_text,
      .hint = "Read with recv() until it returns 0 (the server closed) and write each piece to stdout "
              "unchanged; then exit 0.",
      .see = "#your-task" },
    { .name = "binary-payload",
      .what = "sends 4 MiB of random bytes, NULs included, and closes (FIN)",
      .run = binary_payload,
      .hint = "Bytes are bytes: loop on recv() until it returns 0, and write exactly the n bytes each "
              "call returned with write() or fwrite(), never with a string function.",
      .see = "#text-functions-on-binary-data" },
    { .name = "one-byte-pieces",
      .what = "sends \"one\\ntwo\\nthree\\n\" one byte at a time, 15 ms apart, then "
              "closes (FIN)",
      .run = one_byte_pieces,
      .hint = "TCP is a stream: one recv() returns whatever has arrived, even a single byte. Keep "
              "calling recv() until it returns 0.",
      .see = "#only-one-recv" },
    { .name = "empty-reply",
      .what = "accepts the connection and closes it (FIN) at once, sending nothing",
      .run = empty_reply,
      .hint = "A server may send nothing: recv() returns 0 at once. Print nothing and exit 0.",
      .see = "#not-stopping-at-eof" },
    { .name = "sends-nothing",
      .what = "sends \"data\\n\" and half-closes, then reads until fetch closes: "
              "no byte may come from fetch",
      .run = sends_nothing,
      .hint = "fetch only listens: do not send a request, a greeting or a newline. Read, copy, close.",
      .see = "#sending-a-request" },
    { .name = "ipv6-loopback",
      .what = "listens on ::1 only and runs `fetch ::1 PORT`",
      .run = ipv6_loopback,
      .hint = "Let getaddrinfo() choose the family: hints.ai_family = AF_UNSPEC, and create each socket "
              "with that address's ai_family (not a hard-coded AF_INET).",
      .see = "#ipv4-only" },
    { .name = "localhost-name",
      .what = "runs `fetch localhost PORT`: HOST is a name to resolve",
      .run = localhost_name,
      .hint = "HOST may be a name: give it to getaddrinfo(), which resolves names and numeric "
              "addresses alike (inet_pton() takes numbers only).",
      .see = "#parsing-host-and-port-yourself" },
    { .name = "service-name",
      .what = "listens on port 13 and runs `fetch 127.x.y.z daytime`: PORT is a service "
              "name",
      .run = service_name,
      .hint = "PORT goes to getaddrinfo() as given: it turns a service name such as \"daytime\" into "
              "its port (13). atoi(\"daytime\") is 0.",
      .see = "#parsing-host-and-port-yourself" },
    { .name = "unknown-service",
      .what = "runs `fetch 127.0.0.1 nosuchservice`",
      .run = unknown_service,
      .hint = "A service name is a valid PORT (not a usage error): give it to getaddrinfo(), which "
              "fails here with EAI_SERVICE. Print gai_strerror(rc) (getaddrinfo does not set errno, so "
              "perror() and strerror(errno) say the wrong thing) and exit 1.",
      .see = "#reporting-getaddrinfo-errors" },
    { .name = "unknown-host",
      .what = "runs `fetch 'bad_host!.invalid' 80` (a name the C library rejects "
              "without asking DNS)",
      .run = unknown_host,
      .hint = "getaddrinfo() fails with EAI_NONAME: print gai_strerror(rc) on stderr (not perror(): "
              "getaddrinfo does not set errno) and exit 1.",
      .see = "#reporting-getaddrinfo-errors" },
    { .name = "connection-refused",
      .what = "runs fetch against a port where nothing listens",
      .run = connection_refused,
      .hint = "connect() returns -1 with errno ECONNREFUSED: once every address has failed, print "
              "strerror(errno) of a failed connect (\"fetch: connect: Connection refused\") and exit 1.",
      .see = "#errors" },
    { .name = "reset-mid-stream",
      .what = "sends some bytes, waits 100 ms, then resets the connection (RST)",
      .run = reset_mid_stream,
      .hint = "recv() returns -1 with errno ECONNRESET: that is an error, not the end. Print "
              "strerror(errno) (\"Connection reset by peer\") on stderr and exit 1.",
      .see = "#treating-an-error-as-the-end" },
    { .name = "several-addresses",
      .what = "gives the name multi.test several addresses (private /etc/hosts) "
              "and listens only on the one getaddrinfo lists last",
      .run = several_addresses,
      .hint = "Try every address getaddrinfo() returned, in order: when connect() fails, close that "
              "socket and go on with ai_next; only when the list is exhausted is it an error.",
      .see = "#trying-only-the-first-address" },
    { .name = "silent-address",
      .what = "gives the name silent.test two addresses (private /etc/hosts): a connect to the "
              "first gets no answer, and after 300 ms the checker ends it as a timeout would "
              "(connect() fails); the second accepts",
      .run = silent_address,
      .hint = "A connect() that times out (ETIMEDOUT) is one failed address, like a refused "
              "one (or EHOSTUNREACH, ENETUNREACH): close that socket and try the next address, "
              "whatever the errno; only when the list is exhausted is it an error.",
      .see = "#trying-only-the-first-address" },
    { .name = "no-arguments",
      .what = "runs `fetch`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "one-argument",
      .what = "runs `fetch 127.0.0.1`",
      .run = one_argument,
      .see = "#usage-errors" },
    { .name = "three-arguments",
      .what = "runs `fetch 127.0.0.1 PORT extra`",
      .run = three_arguments,
      .see = "#usage-errors" },
    { .name = "address-order",
      .what = "gives dual.test the addresses 127.0.0.2, ::1 and 127.0.0.3 (private /etc/hosts; getaddrinfo lists ::1 first) and listens on all three: the connection must come to ::1",
      .run = address_order,
      .hint = "Try the addresses in the order getaddrinfo() returns them: it has sorted them "
              "already (RFC 6724: here IPv6's ::1 before IPv4). Do not ask for one family "
              "first, or sort or reverse the list yourself.",
      .see = "#addresses-in-getaddrinfos-order" },
    { .name = "stdout-closed",
      .what = "runs fetch with its stdout a pipe whose reader has closed it: it must not die of SIGPIPE",
      .run = stdout_closed,
      .hint = "A write to a pipe nobody reads raises SIGPIPE, which kills by default: "
              "signal(SIGPIPE, SIG_IGN) at the start, then check what write() or fwrite() "
              "returns (EPIPE) and report it.",
      .see = "#sigpipe-from-stdout" },
    { .name = NULL },
};

const struct lesson LESSON = {
    .dir = "04-connect",
    .programs = (const struct program[]){
        { .name = "fetch", .tests = fetch_tests },
        { .name = NULL },
    },
};
