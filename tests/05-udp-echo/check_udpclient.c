/* check_udpclient.c - lesson 05: udpclient sends each stdin line as a datagram
 * and prints the server's reply; the checker plays the server. */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "check.h"

/* Start `udpclient HOST PORT` with all of stdin given (and closed) at once. */
static struct proc *client(struct ctx *c, const char *host, int port, const char *in, size_t n)
{
    return prog_start_stdin(c, (struct start){
        .argv = ARGV("udpclient", host, str("%d", port)), .stdout_cap = 1 << 20 }, in, n);
}

/* Wait for the client's datagram holding the line `want`; returns its port.
 * decoy: a socket that sent the client a datagram, or NULL. */
static int expect_dgram(struct ctx *c, struct proc *p, struct udp *srv, struct udp *decoy,
                        const char *want, size_t n)
{
    char *buf = dgram(c);
    int from = 0;
    const char *exp = n ? str("the line's datagram: %s (the line without its \\n)", describe(want, n))
                        : "the line's datagram: 0 bytes (the line was empty)";
    long len = udp_recv(c, srv, buf, DGRAM_CAP, &from, 2000);
    if (len < 0 && decoy && udp_recv(c, decoy, buf, DGRAM_CAP, &from, 1) >= 0)
        FAIL(c, .expected = str("the line \"%s\" to go to the server, port %d", want, udp_port(srv)),
             .observed = str("it went to port %d, where the decoy came from", udp_port(decoy)),
             .hint = "recvfrom() wrote the decoy's address into the variable that held the "
                     "server's address, so the next sendto() went to the decoy (the seed "
                     "tutorial's bug: `data, ADDR = recvfrom(...)`). Receive into a separate "
                     "address variable.",
             .see = "#keep-the-servers-address");
    if (len < 0)
        FAIL(c, .expected = exp,
             .observed = prog_running(p) ? "none came in 2000 ms (the program was still running)"
                                         : "none came: the program had ended");
    if ((size_t)len == n + 1 && buf[n] == '\n' && !memcmp(buf, want, n))
        FAIL(c, .expected = exp, .observed = str("a datagram of %s", describe(buf, (size_t)len)),
             .hint = "The datagram holds the line without its \"\\n\": cut it off before "
                     "sendto().",
             .see = "#lines-and-datagrams");
    char *d = first_difference(want, n, buf, (size_t)len);
    if (d && (size_t)len < n && usual_buffer_size((size_t)len))
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s", describe(buf, (size_t)len), d),
             .hint = str("The line was cut after %ld bytes: a fixed line buffer (fgets() into "
                         "a char array?) is too small for a 65000-byte line. Read lines with "
                         "getline(), which grows its buffer.", len),
             .see = "#long-lines");
    if (d)
        FAIL(c, .expected = exp, .observed = str("a datagram of %s; %s", describe(buf, (size_t)len), d),
             .see = "#lines-and-datagrams");
    return from;
}

/* Expect exit 0 and exactly `want` on stdout. */
static void expect_output(struct ctx *c, struct proc *p, const char *want, size_t n)
{
    expect_exit(c, p, 0, 2000);
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    char *d = first_difference(want, n, got, len);
    if (!d)
        return;
    const char *exp = str("stdout: %s", describe(want, n)), *obs = str("stdout: %s; %s", describe(got, len), d);
    if (memmem(got, len, "decoy", 5))
        FAIL(c, .expected = exp, .observed = obs,
             .hint = "It printed a datagram that did not come from the server's address. "
                     "Compare the address recvfrom() reports (family, IP and port) with the "
                     "server's and wait again when they differ; or connect() the socket to the "
                     "server.",
             .see = "#only-the-servers-replies");
    size_t line = memchr(got, '\n', len) ? (size_t)((char *)memchr(got, '\n', len) - got) : len;
    size_t nul = memchr(want, 0, n) ? (size_t)((char *)memchr(want, 0, n) - want) : n;
    if (len < n && line == nul && nul < n)
        FAIL(c, .expected = exp, .observed = obs,
             .hint = "The output stops where the reply has its first NUL byte: printf(\"%s\") "
                     "or fputs() stop there. Write the reply with fwrite() or write() and the "
                     "length recvfrom() returned.",
             .see = "#binary-payloads");
    if (len < n && usual_buffer_size(line))
        FAIL(c, .expected = exp, .observed = obs,
             .hint = str("Only %zu bytes of the reply came out: the receive buffer is that small, "
                         "and recvfrom() drops the rest of a bigger datagram. Use a buffer of "
                         "at least 65507 bytes.", line),
             .see = "#buffer-size");
    FAIL(c, .expected = exp, .observed = obs);
}

/* One line's datagram (n bytes) and the server's reply to it (rn bytes). */
struct turn {
    const char *line;
    size_t n;
    const char *reply;
    size_t rn;
};

/* The checker is the server (family) of `udpclient HOST PORT` given stdin
 * `in`: it answers the datagram of each turn's line in turn, up to a turn
 * without a line; then the client must exit 0 with `out` on stdout. */
static void serve(struct ctx *c, int family, const char *host, const char *in, size_t n,
                  const struct turn *t, const char *out, size_t on)
{
    struct udp *srv = udp_open(c, family, 0);
    struct proc *p = client(c, host, udp_port(srv), in, n);
    for (; t->line; t++)
        udp_send(c, srv, expect_dgram(c, p, srv, NULL, t->line, t->n), t->reply, t->rn);
    expect_output(c, p, out, on);
}

static void one_line(struct ctx *c)
{
#define REPLY "[Wed Nov 25 09:35:03 2026] hello"
    serve(c, AF_INET, "127.0.0.1", "hello\n", 6,
          (struct turn[]){
              { .line = "hello", .n = 5, .reply = REPLY, .rn = sizeof REPLY - 1 },
              { .line = NULL },
          },
          REPLY "\n", sizeof REPLY);
#undef REPLY
}

static void no_final_newline(struct ctx *c)
{
    serve(c, AF_INET, "127.0.0.1", "one\nlast", 8,
          (struct turn[]){
              { .line = "one", .n = 3, .reply = "R1", .rn = 2 },
              { .line = "last", .n = 4, .reply = "R2", .rn = 2 },
              { .line = NULL },
          },
          "R1\nR2\n", 6);
}

static void empty_line(struct ctx *c)
{
    serve(c, AF_INET, "127.0.0.1", "\nafter\n", 7,
          (struct turn[]){
              { .line = "", .n = 0, .reply = "[empty]", .rn = 7 },
              { .line = "after", .n = 5, .reply = "[after]", .rn = 7 },
              { .line = NULL },
          },
          "[empty]\n[after]\n", 16);
}

static void several_lines(struct ctx *c)
{
    char *buf = dgram(c);
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "first\nsecond line\nthird\n", 24);
    int port = expect_dgram(c, p, srv, NULL, "first", 5), from;
    long early = udp_recv(c, srv, buf, DGRAM_CAP, &from, 100);
    if (early >= 0)
        FAIL(c, .expected = "no second datagram before the checker replies to the first",
             .observed = str("a second datagram came before the reply: %s",
                             describe(buf, (size_t)early)),
             .hint = "Each line waits for its reply: send one line, receive and print its "
                     "reply, and only then read and send the next line.",
             .see = "#lines-and-datagrams");
    udp_send(c, srv, port, "reply 1", 7);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "second line", 11), "reply 2", 7);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "third", 5), "reply 3", 7);
    expect_output(c, p, "reply 1\nreply 2\nreply 3\n", 24);
}

static void empty_reply(struct ctx *c)
{
    serve(c, AF_INET, "127.0.0.1", "a\nb\n", 4,
          (struct turn[]){
              { .line = "a", .n = 1, .reply = "", .rn = 0 },
              { .line = "b", .n = 1, .reply = "B", .rn = 1 },
              { .line = NULL },
          }, "\nB\n", 3);
}

static void binary_reply(struct ctx *c)
{
#define REPLY "bin\0ary\n\r\xff\x80\0end\n"
    serve(c, AF_INET, "127.0.0.1", "bin\n", 4,
          (struct turn[]){
              { .line = "bin", .n = 3, .reply = REPLY, .rn = sizeof REPLY - 1 },
              { .line = NULL },
          },
          REPLY "\n", sizeof REPLY);
#undef REPLY
}

static void big_reply(struct ctx *c)
{
    char *reply = random_bytes(MAXDGRAM + 1, 11);
    for (size_t i = 0; i < MAXDGRAM; i++)   /* no NUL or newline: only the size matters */
        reply[i] = (char)('a' + (unsigned char)reply[i] % 26);
    reply[MAXDGRAM] = '\n';
    serve(c, AF_INET, "127.0.0.1", "big\n", 4,
          (struct turn[]){
              { .line = "big", .n = 3, .reply = reply, .rn = MAXDGRAM },
              { .line = NULL },
          }, reply, MAXDGRAM + 1);
}

static void long_line(struct ctx *c)
{
    char *line = random_bytes(BIG + 1, 13);
    for (size_t i = 0; i < BIG; i++)
        line[i] = (char)('A' + (unsigned char)line[i] % 26);
    line[BIG] = '\n';
    serve(c, AF_INET, "127.0.0.1", line, BIG + 1,
          (struct turn[]){
              { .line = line, .n = BIG, .reply = "ok", .rn = 2 },
              { .line = NULL },
          }, "ok\n", 3);
}

/* The client sends "hello"; before the server's reply, `other` sends it msg. */
static void decoy_first(struct ctx *c, struct udp *srv, struct udp *other, const char *msg)
{
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "hello\n", 6);
    int port = expect_dgram(c, p, srv, NULL, "hello", 5);
    udp_send(c, other, port, msg, strlen(msg));
    udp_send(c, srv, port, "the real reply", 14);
    expect_output(c, p, "the real reply\n", 15);
}

static void decoy(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0), *other = udp_open(c, AF_INET, 0);
    decoy_first(c, srv, other, "decoy from another port");
}

static void decoy_other_address(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct udp *other = udp_open_at(c, "127.0.0.2", udp_port(srv));   /* same port, other IP */
    decoy_first(c, srv, other, "decoy from 127.0.0.2, same port");
}

static void decoy_then_next_line(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0), *other = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "one\ntwo\n", 8);
    int port = expect_dgram(c, p, srv, NULL, "one", 3);
    udp_send(c, other, port, "decoy from another port", 23);
    udp_send(c, srv, port, "reply one", 9);
    udp_send(c, srv, expect_dgram(c, p, srv, other, "two", 3), "reply two", 9);
    expect_output(c, p, "reply one\nreply two\n", 20);
}

static void ipv6_host(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    serve(c, AF_INET6, "::1", "over IPv6\n", 10,
          (struct turn[]){
              { .line = "over IPv6", .n = 9, .reply = "v6 reply", .rn = 8 },
              { .line = NULL },
          }, "v6 reply\n", 9);
}

static void localhost(struct ctx *c)
{
    /* The client uses getaddrinfo's first address: listen where it points. */
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *res;
    if (getaddrinfo("localhost", NULL, &hints, &res) != 0)
        skip(c, "localhost does not resolve on this machine");
    int family = res->ai_family;
    freeaddrinfo(res);
    if (family == AF_INET6 && !have_ipv6())
        skip(c, "localhost resolves to ::1 first, and this machine has no IPv6 loopback");
    serve(c, family, "localhost", "by name\n", 8,
          (struct turn[]){
              { .line = "by name", .n = 7, .reply = "name reply", .rn = 10 },
              { .line = NULL },
          }, "name reply\n", 11);
}

static void unknown_service(struct ctx *c)
{
    expect_unknown_service(c, prog_start_stdin(c, (struct start){
        .argv = ARGV("udpclient", "127.0.0.1", "nosuchservice") }, "x\n", 2));
}

static void no_input(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
    udp_expect_none(c, srv, 1);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("udpclient")); }
static void one_argument(struct ctx *c) { expect_usage_error(c, ARGV("udpclient", "localhost")); }
static void three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("udpclient", "localhost", "7", "8"));
}

static void first_address(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_DGRAM);
    struct proc *p = multi_client(c, m, "udpclient", "first\n", 6);
    char buf[64];
    size_t n;
    int from;
    struct udp *u = multi_expect_first_datagram(c, m, buf, sizeof buf, &n, &from, 3000);
    udp_send(c, u, from, "[reply] first", 13);
    expect_output(c, p, "[reply] first\n", 14);
}

const struct test udpclient_tests[] = {
    { .name = "one-line",
      .what = "reads the datagram for the line \"hello\" and replies",
      .run = one_line,
      .hint = "Send the line without its \"\\n\" with sendto(), receive the reply with recvfrom(), "
              "write it and a \"\\n\" to stdout, and exit 0 at the end of stdin.",
      .see = "#lines-and-datagrams" },
    { .name = "no-final-newline",
      .what = "gives the lines \"one\" and \"last\", the last without \\n",
      .run = no_final_newline,
      .hint = "A last line without \"\\n\" is still a line: getline() returns it.",
      .see = "#lines-and-datagrams" },
    { .name = "empty-line",
      .what = "gives an empty line, then \"after\"",
      .run = empty_line,
      .hint = "An empty line is an empty datagram (sendto() with length 0), not the end of input.",
      .see = "#empty-lines-and-replies" },
    { .name = "several-lines",
      .what = "gives three lines and answers each datagram in turn",
      .run = several_lines,
      .hint = "Send one line, wait for its reply, print it, then read the next line.",
      .see = "#lines-and-datagrams" },
    { .name = "empty-reply",
      .what = "answers the first line with an empty datagram",
      .run = empty_reply,
      .hint = "A reply of 0 bytes is a reply: print just \"\\n\" and go on with the next line.",
      .see = "#empty-lines-and-replies" },
    { .name = "binary-reply",
      .what = "answers with bytes that include NUL, \\r, \\n and non-ASCII",
      .run = binary_reply,
      .hint = "Write the reply with fwrite() or write() and its length, never printf(\"%s\").",
      .see = "#binary-payloads" },
    { .name = "big-reply",
      .what = "answers with a datagram of 65507 bytes, the largest there is",
      .run = big_reply,
      .hint = "Receive into a buffer of at least 65507 bytes.",
      .see = "#buffer-size" },
    { .name = "long-line",
      .what = "gives one line of 65000 bytes",
      .run = long_line,
      .hint = "Read lines with getline(): a fixed line buffer cuts long lines.",
      .see = "#long-lines" },
    { .name = "decoy",
      .what = "sends a datagram from another port before the server's reply",
      .run = decoy,
      .hint = "Datagrams from any address but the server's are dropped: compare recvfrom()'s address "
              "with the server's (family, IP, port).",
      .see = "#only-the-servers-replies" },
    { .name = "decoy-other-address",
      .what = "sends a datagram from 127.0.0.2, with the server's port "
              "number, before the server's reply",
      .run = decoy_other_address,
      .hint = "Compare the IP address too, not only the port.",
      .see = "#only-the-servers-replies" },
    { .name = "decoy-then-next-line",
      .what = "sends a decoy before the reply to the first line, then waits "
              "for the second line at the server",
      .run = decoy_then_next_line,
      .hint = "Keep the server's address in its own variable; receive into another.",
      .see = "#keep-the-servers-address" },
    { .name = "ipv6-host",
      .what = "runs `udpclient ::1 PORT`",
      .run = ipv6_host,
      .hint = "Call getaddrinfo() with ai_family = AF_UNSPEC and make the socket with the family it "
              "returns (ai_family), not AF_INET.",
      .see = "#resolving-host-and-port" },
    { .name = "localhost",
      .what = "runs `udpclient localhost PORT`",
      .run = localhost,
      .hint = "Resolve HOST with getaddrinfo() and use its first address.",
      .see = "#resolving-host-and-port" },
    { .name = "unknown-service",
      .what = "runs `udpclient 127.0.0.1 nosuchservice`",
      .run = unknown_service,
      .hint = "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      .see = "#errors" },
    { .name = "no-input",
      .what = "gives an empty stdin",
      .run = no_input,
      .hint = "At the end of stdin, exit 0 without sending anything.",
      .see = "#lines-and-datagrams" },
    { .name = "no-arguments",
      .what = "runs `udpclient`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "one-argument",
      .what = "runs `udpclient localhost`",
      .run = one_argument,
      .see = "#usage-errors" },
    { .name = "three-arguments",
      .what = "runs `udpclient localhost 7 8`",
      .run = three_arguments,
      .see = "#usage-errors" },
    { .name = "first-address",
      .what = "gives dual.test the addresses 127.0.0.2, ::1 and 127.0.0.3 (private /etc/hosts; getaddrinfo lists ::1 first) and waits on all three: the datagram must come to ::1",
      .run = first_address,
      .hint = "A UDP client uses the FIRST address getaddrinfo() returns (rule 5): res itself, "
              "not the last one a loop over ai_next leaves you with.",
      .see = "#addresses-in-getaddrinfos-order" },
    { .name = NULL },
};
