/* check_udpserver.c - lesson 05: udpserver answers each datagram with
 * "[ctime] payload", from the port it received it on. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "check.h"

#define STAMP 24       /* "Wed Nov 25 09:35:03 2026" */

static int start(struct ctx *c)
{
    struct proc *p;
    return server_start(c, &p, ARGV("udpserver", "0"));
}

/* The server this test started last. */
static struct proc *the_server(struct ctx *c)
{
    return prog_started(c, -1);
}

/* What ctime(&t) prints in UTC, without its "\n". */
static char *ctime_utc(time_t t)
{
    struct tm tm;
    char s[64];
    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%a %b %e %H:%M:%S %Y", &tm);
    return str("%s", s);
}

static _Noreturn void no_reply(struct ctx *c, struct udp *u, int port, const void *msg, size_t n)
{
    char *buf = dgram(c);
    expect_still_running(c, the_server(c), n > 40 ? str("a datagram of %zu bytes", n)
                                           : str("a datagram of %s", describe(msg, n)));
    int swapped = ((port & 0xff) << 8) | (port >> 8), from;
    if (swapped != port && n < 100) {
        udp_send(c, u, swapped, msg, n);
        if (udp_recv(c, u, buf, DGRAM_CAP, &from, 300) >= 0)
            FAIL(c, .expected = str("a reply from port %d", port),
                 .observed = str("no reply from port %d, but port %d (%d with its two bytes "
                                 "swapped) answered", port, swapped, port),
                 .hint = "The port went to bind() without htons(), or the ready line printed "
                         "getsockname()'s port without ntohs().",
                 .see = "#byte-order");
    }
    FAIL(c, .expected = str("a reply on port %d within 2000 ms", udp_port(u)),
         .observed = "no datagram came back");
}

/* Check the reply r (len bytes) to payload p (n bytes), sent between before
 * and after; returns the time its stamp says. */
static time_t check_reply(struct ctx *c, const char *r, size_t len, const char *p, size_t n,
                          time_t before, time_t after)
{
    char *stamp = str("[%s] ", ctime_utc(before)), *whole = xmalloc(strlen(stamp) + n + 1);
    memcpy(whole, stamp, strlen(stamp));
    memcpy(whole + strlen(stamp), p, n);
    const char *want = str("%s (any time from %s to %s UTC)",
                           n <= 40 ? str("the reply %s", escaped(whole, strlen(stamp) + n, 200))
                                   : str("the reply \"%s\" followed by the %zu payload bytes", stamp, n),
                           ctime_utc(before - 1), ctime_utc(after + 1));
    const char *seen = str("a reply of %s", describe(r, len));
    if (len >= 3 && !memcmp(r, "[b'", 3))
        FAIL(c, .expected = want, .observed = seen,
             .hint = "The time is printed as a Python bytes literal b'...', like the seed "
                     "tutorial's server does ('[%s]' % bytes(ctime(), 'utf-8')): the prefix is "
                     "just '[', the ctime() text, ']' and a space.",
             .see = "#the-seeds-bytes-quoting");
    char *close = len > 1 ? memmem(r + 1, len - 1 < 64 ? len - 1 : 64, "] ", 2) : NULL;
    if (!len || r[0] != '[' || !close)
        FAIL(c, .expected = want, .observed = seen,
             .hint = "Build the reply as '[', ctime()'s text without its newline, \"] \", then "
                     "the payload bytes, all in one buffer sent with one sendto().",
             .see = "#the-reply");
    size_t slen = (size_t)(close - r) - 1;
    if (slen && r[slen] == '\n')
        FAIL(c, .expected = want, .observed = seen,
             .hint = "ctime() ends its text with \"\\n\": copy only the first 24 characters "
                     "(or cut at the newline) before adding \"] \".",
             .see = "#ctimes-newline");
    for (time_t t = before - 1; slen == STAMP && t <= after + 1; t++)
        if (!memcmp(r + 1, ctime_utc(t), STAMP)) {
            size_t got = len - slen - 3;
            char *d = first_difference(p, n, close + 2, got), *z = memchr(p, 0, n);
            size_t nul = z ? (size_t)(z - p) : n;
            if (d && got < n && got == nul)
                FAIL(c, .expected = want, .observed = str("%s; %s", seen, d),
                     .hint = str("The payload stops right before its first NUL byte (offset %zu): "
                                 "a string function (strlen, strcpy, %%s) copied it. Copy the "
                                 "payload with memcpy() and the length recvfrom() returned.", nul),
                     .see = "#binary-payloads");
            if (d && got < n && (usual_buffer_size(got) || usual_buffer_size(len)))
                FAIL(c, .expected = want, .observed = str("%s; %s", seen, d),
                     .hint = str("Only %zu of the %zu payload bytes came back: a buffer of about "
                                 "that size cut the datagram (recvfrom() drops what does not fit). "
                                 "Receive into a buffer of at least 65507 bytes, and make the "
                                 "reply buffer 27 bytes bigger still.", got, n),
                     .see = "#buffer-size");
            if (d)
                FAIL(c, .expected = want, .observed = str("%s; %s", seen, d),
                     .hint = "After \"] \" comes the payload exactly as received, every byte, "
                             "nothing added.",
                     .see = "#the-reply");
            return t;
        }
    struct tm tm = { 0 };
    char *end = strptime(str("%.*s", (int)slen, r + 1), "%a %b %e %H:%M:%S %Y", &tm);
    if (end && !*end && slen != STAMP)
        FAIL(c, .expected = want, .observed = seen,
             .hint = "The time has the right parts but not ctime()'s exact layout (24 "
                     "characters; a day below 10 is padded with a space: \"Nov  5\"). "
                     "Use ctime() itself, or strftime() with \"%a %b %e %H:%M:%S %Y\".",
             .see = "#the-time-stamp");
    if (end && !*end) {
        long off = (long)(timegm(&tm) - before);
        FAIL(c, .expected = want,
             .observed = str("%s: its time is %ld s %s the time the checker sent the datagram",
                             seen, off < 0 ? -off : off, off < 0 ? "before" : "after"),
             .hint = off % 3600 == 0 || off % 1800 == 0 ?
                 "The time is whole hours off: print the local time that ctime() gives "
                 "(the checker runs you with TZ=UTC), do not shift it yourself." :
                 "Take the time for each datagram, when it arrives: time(NULL) then ctime(), "
                 "inside the receive loop, not once before it.",
             .see = "#the-time-stamp");
    }
    FAIL(c, .expected = want, .observed = seen,
         .hint = "The time stamp must read exactly as ctime() writes it, e.g. "
                 "\"Wed Nov 25 09:35:03 2026\": call time(NULL), then ctime(&now).",
         .see = "#the-time-stamp");
}

static void check_from(struct ctx *c, int from, int port)
{
    if (from != port)
        FAIL(c, .expected = str("the reply to come from the server's port %d", port),
             .observed = str("it came from port %d", from),
             .hint = "Reply with sendto() on the socket that received the datagram: a new "
                     "socket has another port, and a client that checks where the reply "
                     "comes from throws it away.",
             .see = "#replying-from-another-socket");
}

/* Wait for the reply to msg on u: from the server's port, right content. */
static time_t expect_reply(struct ctx *c, struct udp *u, int port, const void *msg, size_t n,
                           time_t before)
{
    char *buf = dgram(c);
    int from = 0;
    long len = udp_recv(c, u, buf, DGRAM_CAP, &from, 2000);
    time_t after = time(NULL);
    if (len < 0)
        no_reply(c, u, port, msg, n);
    check_from(c, from, port);
    return check_reply(c, buf, (size_t)len, msg, n, before, after);
}

/* Send msg from u to the server and check the reply. */
static time_t exchange(struct ctx *c, struct udp *u, int port, const void *msg, size_t n)
{
    time_t before = time(NULL);
    udp_send(c, u, port, msg, n);
    return expect_reply(c, u, port, msg, n, before);
}

static void ready_line(struct ctx *c) { start(c); }

static void hello(struct ctx *c)
{
    int port = start(c);
    exchange(c, udp_open(c, AF_INET, 0), port, "hello", 5);
}

static void reply_port(struct ctx *c)
{
    char *buf = dgram(c);
    int port = start(c), from = 0;
    struct udp *u = udp_open(c, AF_INET, 0);
    udp_send(c, u, port, "which port?", 11);
    if (udp_recv(c, u, buf, DGRAM_CAP, &from, 2000) < 0)
        no_reply(c, u, port, "which port?", 11);
    check_from(c, from, port);
}

static void current_time(struct ctx *c)
{
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    time_t first = exchange(c, u, port, "first", 5);
    /* ctime() counts whole seconds: wait for the clock's next one (50 ms
     * past it), not a fixed second and more. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long wait = (long)(first + 1 - now.tv_sec) * 1000 - now.tv_nsec / 1000000 + 50;
    if (wait > 0)
        pause_ms(wait);
    time_t second = exchange(c, u, port, "a second later", 14);
    if (second <= first)
        FAIL(c, .expected = "the second reply's time to be at least 1 s after the first's",
             .observed = str("both say %s", ctime_utc(first)),
             .hint = "Take the time for each datagram: time(NULL) and ctime() inside the "
                     "receive loop, not once before it.",
             .see = "#the-time-stamp");
}

static void empty_datagram(struct ctx *c)
{
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    exchange(c, u, port, "", 0);
    exchange(c, u, port, "after the empty one", 19);
}

static void nul_bytes(struct ctx *c)
{
    static const char msg[] = "a\0b\r\n\xff\x80\0end";
    int port = start(c);
    exchange(c, udp_open(c, AF_INET, 0), port, msg, sizeof msg - 1);
}

static void big_datagram(struct ctx *c)
{
    int port = start(c);
    char *msg = random_bytes(BIG, 5);
    msg[3] = 0;   /* a NUL early on, whatever the seed gives */
    exchange(c, udp_open(c, AF_INET, 0), port, msg, BIG);
}

static void too_big_to_echo(struct ctx *c)
{
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    /* 65507 + 27 bytes of reply do not fit in a datagram: sendto() fails. */
    udp_send(c, u, port, random_bytes(MAXDGRAM, 7), MAXDGRAM);
    exchange(c, udp_open(c, AF_INET, 0), port, "still there?", 12);
}

static void several_clients(struct ctx *c)
{
    char *buf = dgram(c);
    int port = start(c);
    struct udp *u[3];
    const char *m[6];
    time_t before = time(NULL);
    for (int i = 0; i < 3; i++)
        u[i] = udp_open(c, AF_INET, 0);
    for (int i = 0; i < 3; i++) {
        m[i] = str("client %d, request 1", i + 1);
        udp_send(c, u[i], port, m[i], strlen(m[i]));
    }
    for (int i = 2; i >= 0; i--) {
        m[3 + i] = str("client %d, request 2", i + 1);
        udp_send(c, u[i], port, m[3 + i], strlen(m[3 + i]));
    }
    for (int k = 0; k < 6; k++) {
        int i = k % 3, from = 0;
        long len = udp_recv(c, u[i], buf, DGRAM_CAP, &from, 2000);
        if (len < 0)
            no_reply(c, u[i], port, m[k], strlen(m[k]));
        for (int j = 0; j < 6; j++)
            if (j % 3 != i && len >= (long)strlen(m[j]) &&
                !memcmp(buf + len - strlen(m[j]), m[j], strlen(m[j])))
                FAIL(c, .expected = str("client %d (port %d) to get the reply to \"%s\"", i + 1,
                                        udp_port(u[i]), m[k]),
                     .observed = str("it got the reply to client %d's \"%s\"", j % 3 + 1, m[j]),
                     .hint = "Send each reply to the address recvfrom() gave for that very "
                             "datagram: keep no client address from an earlier datagram, and "
                             "do not connect() the server's socket.",
                     .see = "#reply-to-the-sender");
        check_from(c, from, port);
        check_reply(c, buf, (size_t)len, m[k], strlen(m[k]), before, time(NULL));
    }
    udp_expect_none(c, u[0], 50);
    udp_expect_none(c, u[1], 1);
    udp_expect_none(c, u[2], 1);
}

static void any_address(struct ctx *c)
{
    char *buf = dgram(c);
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    time_t before = time(NULL);
    udp_send_to(c, u, "127.0.0.2", port, "to 127.0.0.2", 12);
    int from = 0;
    long len = udp_recv(c, u, buf, DGRAM_CAP, &from, 2000);
    if (len < 0) {
        expect_still_running(c, the_server(c), "a datagram to 127.0.0.2");
        FAIL(c, .expected = "a reply to a datagram sent to 127.0.0.2, a loopback address too",
             .observed = "no datagram came back",
             .hint = "Bind every IPv4 address: sin_addr.s_addr = htonl(INADDR_ANY), not "
                     "127.0.0.1.",
             .see = "#every-address");
    }
    check_reply(c, buf, (size_t)len, "to 127.0.0.2", 12, before, time(NULL));
}

static void leading_zeros(struct ctx *c)
{
    struct proc *p;
    int port = server_start(c, &p, ARGV("udpserver", "00000"));
    exchange(c, udp_open(c, AF_INET, 0), port, "zeros", 5);
}

static void port_in_use(struct ctx *c)
{
    struct udp *u = udp_open(c, AF_INET, 0);   /* holds 127.0.0.1:port */
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("udpserver", str("%d", udp_port(u))) });
    expect_exit(c, p, 1, 3000);
    expect_stderr_has(c, p, "Address already in use");
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("udpserver")); }
static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("udpserver", "0", "0")); }
static void port_not_a_number(struct ctx *c) { expect_usage_error(c, ARGV("udpserver", "12ab")); }
static void port_too_big(struct ctx *c) { expect_usage_error(c, ARGV("udpserver", "65536")); }
static void port_negative(struct ctx *c) { expect_usage_error(c, ARGV("udpserver", "-1")); }

/* Rule 4's edges: 65535 and 00000 are ports, six digits are not. */
static void port_edges(struct ctx *c) { expect_port_edges(c, ARGV("udpserver", "%")); }

const struct test udpserver_tests[] = {
    { .name = "ready-line",
      .what = "starts `udpserver 0` and reads the first line of stdout",
      .run = ready_line,
      .hint = "Print \"listening on port N\" with the port getsockname() reports, then "
              "fflush(stdout).",
      .see = "#the-ready-line" },
    { .name = "hello",
      .what = "sends the datagram \"hello\" and reads the reply",
      .run = hello,
      .hint = "Reply with one sendto() to the address recvfrom() filled in: '[', ctime()'s text "
              "without its newline, \"] \", then the payload.",
      .see = "#the-reply" },
    { .name = "reply-port",
      .what = "sends a datagram and looks at the port the reply comes from",
      .run = reply_port,
      .hint = "Reply with sendto() on the socket that received the datagram.",
      .see = "#replying-from-another-socket" },
    { .name = "current-time",
      .what = "sends a datagram, waits for the clock's next second, sends another: "
              "the second reply's time must be later",
      .run = current_time,
      .hint = "Take the time for each datagram: time(NULL) and ctime() inside the loop.",
      .see = "#the-time-stamp" },
    { .name = "empty-datagram",
      .what = "sends a datagram of 0 bytes, then another one",
      .run = empty_datagram,
      .hint = "recvfrom() returning 0 is an empty datagram, not an end of file: reply to it with the "
              "prefix alone and keep serving.",
      .see = "#empty-datagrams" },
    { .name = "nul-bytes",
      .what = "sends a short datagram with NUL, \\r, \\n and non-ASCII bytes",
      .run = nul_bytes,
      .hint = "Copy the payload with memcpy() and the length recvfrom() returned; string functions "
              "stop at the first NUL.",
      .see = "#binary-payloads" },
    { .name = "big-datagram",
      .what = "sends one datagram of 65000 random bytes (NULs included)",
      .run = big_datagram,
      .hint = "Receive into a buffer of at least 65507 bytes; the reply needs 27 bytes more.",
      .see = "#buffer-size" },
    { .name = "too-big-to-echo",
      .what = "sends 65507 bytes, whose reply cannot fit in a datagram, then a "
              "small datagram from another port",
      .run = too_big_to_echo,
      .hint = "When one datagram fails (here sendto() fails with EMSGSIZE), print the error and go "
              "on with the next datagram: never exit, and never write past your buffers.",
      .see = "#one-bad-datagram" },
    { .name = "several-clients",
      .what = "three sockets on three ports send two datagrams each, interleaved",
      .run = several_clients,
      .hint = "Each reply goes to the address recvfrom() gave for that datagram.",
      .see = "#reply-to-the-sender" },
    { .name = "any-address",
      .what = "sends a datagram to 127.0.0.2 (loopback, but not 127.0.0.1)",
      .run = any_address,
      .hint = "Bind every IPv4 address: htonl(INADDR_ANY).",
      .see = "#every-address" },
    { .name = "leading-zeros",
      .what = "starts `udpserver 00000` (port 0 written with leading zeros)",
      .run = leading_zeros,
      .hint = "PORT is 1 to 5 decimal digits; leading zeros are allowed.",
      .see = "#usage-errors" },
    { .name = "port-in-use",
      .what = "holds a UDP port, then starts `udpserver` on that port",
      .run = port_in_use,
      .hint = "Check bind()'s result: print the reason (\"udpserver: bind: Address already in use\") "
              "and exit 1.",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `udpserver`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument",
      .what = "runs `udpserver 0 0`",
      .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "port-not-a-number",
      .what = "runs `udpserver 12ab`",
      .run = port_not_a_number,
      .hint = "atoi(\"12ab\") quietly gives 12: check that every character is a digit.",
      .see = "#usage-errors" },
    { .name = "port-too-big",
      .what = "runs `udpserver 65536`",
      .run = port_too_big,
      .hint = "A port is at most 65535: check the value before htons() cuts it to 16 bits.",
      .see = "#usage-errors" },
    { .name = "port-negative",
      .what = "runs `udpserver -1`",
      .run = port_negative,
      .hint = "Only decimal digits: a '-' makes PORT a usage error.",
      .see = "#usage-errors" },
    { .name = "port-edges",
      .what = "runs `udpserver PORT` with PORT 65535 (in a private network) and 00000: both accepted; then 000080 and 065535: six digits, usage errors",
      .run = port_edges,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535: 65535 itself and 00000 "
              "are valid, six digits never are. Count the digits, then compare the value "
              "with <= 65535 (not < 65535).",
      .see = "#port-edges" },
    { .name = NULL },
};
