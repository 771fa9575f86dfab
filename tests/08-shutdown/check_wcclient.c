/* check_wcclient.c - lesson 08: wcclient sends stdin, half-closes (shutdown(fd,
 * SHUT_WR)) and prints the server's reply; the checker plays the server. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "check.h"

/* Start `wcclient HOST PORT` with all of stdin given at once. */
static struct proc *client(struct ctx *c, const char *host, int port, const void *in, size_t n)
{
    return prog_start_stdin(c, (struct start){
        .argv = ARGV("wcclient", host, str("%d", port)), .stdout_cap = 1 << 20 }, in, n);
}

/* The checker's side: read what the client sends until its EOF; it must be
 * exactly stdin. */
static void expect_request(struct ctx *c, struct conn *k, const char *want, size_t n)
{
    size_t len;
    int end;
    char *got = conn_read_to_end(c, k, &len, 2000, &end);
    char *diff = first_difference(want, n, got, len);
    const char *expected = str("%s (all of stdin), then EOF (the client's shutdown)",
                               describe(want, n));
    if (!diff && end == 0)
        return;
    if (!diff && end == ETIMEDOUT)
        FAIL(c, .expected = expected,
             .observed = str("all %zu bytes came, then nothing for 2000 ms: the connection "
                             "stayed open, so the server cannot know the request is complete "
                             "(it replies only after EOF)", n),
             .hint = "After sending all of stdin, call shutdown(fd, SHUT_WR): it sends a FIN, "
                     "the server's recv() returns 0, and the socket stays open for reading "
                     "the reply. Without it both sides wait for each other forever.",
             .see = "#forgetting-shutdown");
    const char *then = end == 0 ? "EOF" : end == ETIMEDOUT ? "nothing for 2000 ms"
                                                          : strerror(end);
    const char *hint = NULL, *see = NULL;
    size_t at = 0;   /* the first difference */
    while (at < n && at < len && want[at] == got[at])
        at++;
    if (diff && at < n && want[at] == 0) {
        hint = "The bytes go wrong at a NUL byte: strlen(), fgets()+strlen(), fputs() or "
               "\"%s\" treat the data as a C string. Send exactly the n bytes read() "
               "returned: send_all(fd, buf, n).";
        see = "#nul-bytes";
    } else if (diff && len < n) {
        hint = "Send every byte of stdin: loop on read() until it returns 0, and send all n "
               "bytes of each read (send() may send fewer: loop until all are sent).";
        see = "#sending-all-of-stdin";
    } else if (diff) {
        hint = "Send the bytes of stdin unchanged, each exactly once: no added \\n, no "
               "terminating NUL, no stale bytes from the end of the buffer.";
        see = "#sending-all-of-stdin";
    }
    FAIL(c, .expected = expected,
         .observed = diff ? str("%zu bytes, then %s; %s", len, then, diff)
                          : str("all %zu bytes, then %s", n, then),
         .hint = hint, .see = see);
}

/* It must exit 0 with exactly the reply on stdout. */
static void expect_reply_out(struct ctx *c, struct proc *p, const char *reply, size_t rn,
                             int pieces)
{
    if (prog_wait_exit(p, 2000)) {
        int st = prog_status(p);
        size_t n;
        const char *e = prog_stderr(p, &n);
        if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && has(e, n, "Bad file descriptor"))
            FAIL(c, .expected = "exit code 0, the reply on stdout",
                 .observed = str("exit code %d, stderr: %s", WEXITSTATUS(st), describe(e, n)),
                 .hint = "It read from a socket it had already closed. close() ends both "
                         "directions and frees the descriptor; to say \"I have sent "
                         "everything\" and still read the reply, call shutdown(fd, SHUT_WR).",
                 .see = "#close-or-shut_rd-instead-of-shut_wr");
    }
    expect_exit(c, p, 0, 2000);
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total == len && len < rn && !memcmp(reply, got, len)) {
        const char *hint = NULL, *see = NULL;
        if (reply[len] == 0) {
            hint = "printf(\"%s\"), fputs() and puts() stop at a NUL byte: write the reply with "
                   "fwrite(buf, 1, n, stdout) or a write() loop.";
            see = "#nul-bytes";
        } else if (pieces || len) {
            hint = "One recv() returns what has arrived so far, not the whole reply. Call "
                   "recv() in a loop, writing each piece, until it returns 0 (the server "
                   "closed).";
            see = "#one-recv-for-the-reply";
        } else {
            hint = "Nothing on stdout: it did not read the reply, or its recv() returned 0 at "
                   "once (after shutdown(fd, SHUT_RD), which ends the reading half). Shut down "
                   "the writing half, SHUT_WR, then read until recv() returns 0 and write "
                   "every byte to stdout.";
            see = "#close-or-shut_rd-instead-of-shut_wr";
        }
        FAIL(c, .expected = str("stdout: %s", describe(reply, rn)),
             .observed = str("stdout: %s; %s", describe(got, len),
                             first_difference(reply, rn, got, len)),
             .hint = hint, .see = see);
    }
    expect_stdout(c, p, reply, rn);
}

/* The whole exchange: the request, then the reply (in pieces if piece). */
static void exchange(struct ctx *c, const char *host, int family, const void *in, size_t n,
                     const void *reply, size_t rn, size_t piece)
{
    struct listener *l = tcp_listener(c, family, NULL, 5);
    struct proc *p = client(c, host, listener_port(l), in, n);
    struct conn *k = expect_accept(c, l, 3000);
    expect_request(c, k, in, n);
    conn_send_some(c, k, reply, rn, piece, piece ? 5 : 0);
    conn_close(c, k);
    expect_reply_out(c, p, reply, rn, piece != 0);
}

static void half_close(struct ctx *c)
{
    exchange(c, "127.0.0.1", AF_INET, "hello world\n", 12, "1 2 12\n", 7, 0);
}

static void reply_in_pieces(struct ctx *c)
{
    const char *in = "a few words\nin two lines\n", *reply = "2 6 25\n";
    exchange(c, "127.0.0.1", AF_INET, in, strlen(in), reply, strlen(reply), 1);
}

static void binary_reply(struct ctx *c)
{
    size_t rn = 100u << 10;
    char *reply = random_bytes(rn, 21);
    reply[3] = 0;   /* a NUL early on */
    exchange(c, "127.0.0.1", AF_INET, "any request\n", 12, reply, rn, 0);
}

static void binary_stdin(struct ctx *c)
{
    char in[300];
    size_t n = 0;
    memcpy(in, "text\0after a NUL\n", 17);
    n = 17;
    for (int b = 0; b < 256; b++)
        in[n++] = (char)b;
    exchange(c, "127.0.0.1", AF_INET, in, n, "1 4 273\n", 8, 0);
}

static void large_stdin(struct ctx *c)
{
    size_t n = 20u << 20;
    char *in = random_bytes(n, 22);
    exchange(c, "127.0.0.1", AF_INET, in, n, reply_for(in, n), strlen(reply_for(in, n)), 0);
}

static void empty_stdin(struct ctx *c)
{
    exchange(c, "127.0.0.1", AF_INET, "", 0, "0 0 0\n", 6, 0);
}

/* Exit 1 with one of the reasons on stderr. */
static void expect_failure(struct ctx *c, struct proc *p, const char *a, const char *b)
{
    if (prog_wait_exit(p, 3000)) {
        int st = prog_status(p);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            FAIL(c, .expected = "exit code 1 with the reason on stderr",
                 .observed = "exit code 0, as if all went well",
                 .hint = "recv() returning -1 is an error, not the end of the reply: only 0 "
                         "is EOF. Print strerror(errno) and exit 1.",
                 .see = "#exit-0-after-an-error");
    }
    expect_exit(c, p, 1, 3000);
    size_t n;
    const char *e = prog_stderr(p, &n);
    if (!has(e, n, a) && !(b && has(e, n, b)) && has(e, n, "Bad file descriptor"))
        FAIL(c, .expected = b ? str("stderr to contain \"%s\" or \"%s\"", a, b)
                              : str("stderr to contain \"%s\"", a),
             .observed = str("stderr: %s", describe(e, n)),
             .hint = "It read from a socket it had already closed (EBADF), so it never saw "
                     "the server's answer. close() ends both directions and frees the "
                     "descriptor; to say \"I have sent everything\" and still read, call "
                     "shutdown(fd, SHUT_WR).",
             .see = "#close-or-shut_rd-instead-of-shut_wr");
    if (!has(e, n, a) && !(b && has(e, n, b)))
        FAIL(c, .expected = b ? str("stderr to contain \"%s\" or \"%s\"", a, b)
                              : str("stderr to contain \"%s\"", a),
             .observed = n ? str("stderr: %s", describe(e, n)) : "nothing on stderr",
             .hint = "Print the failing call's reason: fprintf(stderr, \"wcclient: send: "
                     "%s\\n\", strerror(errno)), or perror(\"send\").",
             .see = "#errors");
}

static void reset_instead_of_reply(struct ctx *c)
{
    const char *in = "count me\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), in, strlen(in));
    struct conn *k = expect_accept(c, l, 3000);
    expect_request(c, k, in, strlen(in));
    conn_reset(c, k);
    expect_failure(c, p, "Connection reset by peer", NULL);
}

static void server_resets(struct ctx *c)
{
    size_t n = 16u << 20;
    char *in = random_bytes(n, 23);
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), in, n);
    struct conn *k = expect_accept(c, l, 3000);
    struct got g = conn_recv(c, k, 65536, 2000);
    peer_record(c, 0, "the checker read the first %zu of the %zu bytes, and reads no more",
                g.len, n);
    /* FIN, then RST while the client is still sending: its next send
     * fails with EPIPE, and raises SIGPIPE unless that is ignored. */
    conn_half_close(c, k);
    conn_wait_sent(k, 500);
    conn_reset(c, k);
    expect_failure(c, p, "Connection reset by peer", "Broken pipe");
}

static void refused(struct ctx *c)
{
    struct proc *p = client(c, "127.0.0.1", free_port(SOCK_STREAM), "hello\n", 6);
    expect_failure(c, p, "Connection refused", NULL);
}

static void localhost(struct ctx *c)
{
    exchange(c, "localhost", AF_INET, "by name\n", 8, "1 2 8\n", 6, 0);
}

static void ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    exchange(c, "::1", AF_INET6, "over IPv6\n", 10, "1 2 10\n", 7, 0);
}

static void every_address(struct ctx *c)
{
    /* A network of its own: no other test's listener can take 127.0.0.1
     * at this port, where a connect must be refused. */
    stage_private_net(c);
    need_private_hosts(c);
    const char *in = "second address\n";
    /* glibc lists 127.0.0.1 first; nothing listens there on this port. */
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.2", 5);
    note(c, "wchost has two addresses, 127.0.0.1 (tried first, refused) and 127.0.0.2 "
            "(the checker listens there).");
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("wcclient", "wchost", str("%d", listener_port(l))),
        .hosts = "127.0.0.1 wchost\n127.0.0.2 wchost\n" }, in, strlen(in));
    struct conn *k = expect_accept(c, l, 3000);
    expect_request(c, k, in, strlen(in));
    conn_send(c, k, "1 2 15\n", 7);
    conn_close(c, k);
    expect_reply_out(c, p, "1 2 15\n", 7, 0);
}

static void silent_address(struct ctx *c)
{
    struct multi *m = multi_stage_silent(c);
    const char *in = "past the silent address\n";
    struct proc *p = multi_client(c, m, "wcclient", in, strlen(in));
    struct conn *k = multi_expect_second(c, m, p);
    expect_request(c, k, in, strlen(in));
    conn_send(c, k, "1 4 24\n", 7);
    conn_close(c, k);
    expect_reply_out(c, p, "1 4 24\n", 7, 0);
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("wcclient", "127.0.0.1", "nosuchservice") }, "hello\n", 6);
    expect_failure(c, p, "Servname not supported for ai_socktype", NULL);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("wcclient")); }

static void one_argument(struct ctx *c) { expect_usage_error(c, ARGV("wcclient", "127.0.0.1")); }

static void three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("wcclient", "127.0.0.1", "7", "extra"));
}

static void address_order(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_STREAM);
    const char *in = "first address\n";
    struct proc *p = multi_client(c, m, "wcclient", in, strlen(in));
    struct conn *k = multi_expect_first(c, m, 3000);
    expect_request(c, k, in, strlen(in));
    conn_send(c, k, "1 2 14\n", 7);
    conn_close(c, k);
    expect_reply_out(c, p, "1 2 14\n", 7, 0);
}

static void stdout_closed(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    const char *in = "one two\n";
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("wcclient", "127.0.0.1", str("%d", listener_port(l))),
        .stdout_closed = 1 }, in, strlen(in));
    peer_record(c, 0, "wcclient's stdout is a pipe whose reader has closed it");
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, in, strlen(in));
    conn_send(c, k, "1 2 8\n", 6);
    conn_close(c, k);
    expect_no_signal_death(c, p, 2000);
}

const struct test wcclient_tests[] = {
    { .name = "half-close",
      .what = "reads \"hello world\\n\" until the client's EOF, replies \"1 2 12\\n\" and "
              "closes",
      .run = half_close,
      .hint = "Send all of stdin, then shutdown(fd, SHUT_WR) (the server replies only after your "
              "EOF), then read the reply until recv() returns 0 and write it to stdout.",
      .see = "#forgetting-shutdown" },
    { .name = "reply-in-pieces",
      .what = "sends the reply one byte at a time, 5 ms apart",
      .run = reply_in_pieces,
      .hint = "Read the reply in a loop until recv() returns 0: one recv() returns only what has "
              "arrived so far.",
      .see = "#one-recv-for-the-reply" },
    { .name = "binary-reply",
      .what = "replies with 100 KiB of random bytes (NUL bytes included)",
      .run = binary_reply,
      .hint = "Write exactly the bytes received: fwrite(buf, 1, n, stdout) or a write() loop, never "
              "printf(\"%s\").",
      .see = "#nul-bytes" },
    { .name = "binary-stdin",
      .what = "stdin holds text, a NUL byte and all 256 byte values",
      .run = binary_stdin,
      .hint = "Send exactly the bytes read() returned: no string functions on the data.",
      .see = "#nul-bytes" },
    { .name = "large-stdin",
      .what = "stdin is 20 MiB of random bytes",
      .run = large_stdin,
      .hint = "Loop: read() a buffer of stdin, send all of it, until read() returns 0. Do not try to "
              "hold stdin in a fixed buffer.",
      .see = "#sending-all-of-stdin" },
    { .name = "empty-stdin",
      .what = "stdin is empty: the request is 0 bytes, the reply \"0 0 0\\n\"",
      .run = empty_stdin,
      .hint = "With nothing to send, still connect, shutdown(fd, SHUT_WR) and print the reply.",
      .see = "#forgetting-shutdown" },
    { .name = "reset-instead-of-reply",
      .what = "reads the request until EOF, then resets instead of replying",
      .run = reset_instead_of_reply,
      .hint = "recv() fails with ECONNRESET: print \"Connection reset by peer\" (strerror(errno)) "
              "and exit 1.",
      .see = "#exit-0-after-an-error" },
    { .name = "server-resets",
      .what = "reads 64 KiB of a 16 MiB stdin, then FIN and RST while the client "
              "still sends",
      .run = server_resets,
      .hint = "Ignore SIGPIPE (signal(SIGPIPE, SIG_IGN), or MSG_NOSIGNAL on each send), then report "
              "the failed send (\"Broken pipe\" or \"Connection reset by peer\") and exit 1.",
      .see = "#sigpipe" },
    { .name = "refused",
      .what = "runs wcclient against a port where nothing listens",
      .run = refused,
      .hint = "connect() fails with ECONNREFUSED: print the reason on stderr and exit 1.",
      .see = "#errors" },
    { .name = "localhost",
      .what = "runs `wcclient localhost PORT`",
      .run = localhost,
      .hint = "Give HOST and PORT to getaddrinfo() (AF_UNSPEC, SOCK_STREAM) and connect to what it "
              "returns.",
      .see = "#trying-every-address" },
    { .name = "ipv6",
      .what = "runs `wcclient ::1 PORT`, the checker listening on ::1",
      .run = ipv6,
      .hint = "Use each address's ai_family, ai_addr and ai_addrlen from getaddrinfo() for socket() "
              "and connect().",
      .see = "#trying-every-address" },
    { .name = "every-address",
      .what = "HOST has two addresses; only the second one accepts",
      .run = every_address,
      .hint = "When connect() fails, close that socket and try the next address of the getaddrinfo() "
              "list.",
      .see = "#trying-every-address" },
    { .name = "silent-address",
      .what = "HOST has two addresses: a connect to the first gets no answer, and after "
              "300 ms the checker ends it as a timeout would (connect() fails); the second "
              "accepts",
      .run = silent_address,
      .hint = "A connect() that times out (ETIMEDOUT) is one failed address, like a refused "
              "one: close that socket and try the next address, whatever the errno.",
      .see = "#trying-every-address" },
    { .name = "unknown-service",
      .what = "runs `wcclient 127.0.0.1 nosuchservice`",
      .run = unknown_service,
      .hint = "getaddrinfo() does not set errno: print gai_strerror(its return value), exit 1.",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `wcclient`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "one-argument",
      .what = "runs `wcclient 127.0.0.1`",
      .run = one_argument,
      .see = "#usage-errors" },
    { .name = "three-arguments",
      .what = "runs `wcclient 127.0.0.1 7 extra`",
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
      .what = "runs wcclient with its stdout a pipe whose reader has closed it: it must not die of SIGPIPE",
      .run = stdout_closed,
      .hint = "A write to a pipe nobody reads raises SIGPIPE, which kills by default: "
              "signal(SIGPIPE, SIG_IGN) at the start, then check what write() or fwrite() "
              "returns (EPIPE) and report it.",
      .see = "#sigpipe-from-stdout" },
    { .name = NULL },
};
