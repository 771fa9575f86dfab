/* check.c - lesson 05: udpserver answers each datagram with "[ctime] payload";
 * udpclient sends each stdin line as a datagram and prints the server's reply. */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "../checker/harness.h"

#define BIG 65000      /* the largest payload or line of the contract */
#define MAXDGRAM 65507 /* the largest UDP payload over IPv4 */
#define STAMP 24       /* "Wed Nov 25 09:35:03 2026" */

static char buf[MAXDGRAM + 4096];   /* one received datagram */

/* Sizes a fixed buffer usually has (the reply may be one byte short of it). */
static int buffer_size(size_t n)
{
    for (size_t k = 256; k <= 32768; k *= 2)
        if (n == k || n + 1 == k)
            return 1;
    return n == 1000 || n == 1500;
}

/* ==== udpserver ========================================================= */

static struct proc *server;

static int start(struct ctx *c) { return server_start(c, &server, ARGV("udpserver", "0")); }

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
    expect_still_running(c, server, n > 40 ? str("a datagram of %zu bytes", n)
                                           : str("a datagram of %s", describe(msg, n)));
    int swapped = ((port & 0xff) << 8) | (port >> 8), from;
    if (swapped != port && n < 100) {
        udp_send(c, u, swapped, msg, n);
        if (udp_recv(c, u, buf, sizeof buf, &from, 300) >= 0)
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
    char *stamp = str("[%s] ", ctime_utc(before)), *whole = malloc(strlen(stamp) + n + 1);
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
            if (d && got < n && (buffer_size(got) || buffer_size(len)))
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
    int from = 0;
    long len = udp_recv(c, u, buf, sizeof buf, &from, 2000);
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
    int port = start(c), from = 0;
    struct udp *u = udp_open(c, AF_INET, 0);
    udp_send(c, u, port, "which port?", 11);
    if (udp_recv(c, u, buf, sizeof buf, &from, 2000) < 0)
        no_reply(c, u, port, "which port?", 11);
    check_from(c, from, port);
}

static void current_time(struct ctx *c)
{
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    time_t first = exchange(c, u, port, "first", 5);
    pause_ms(1100);
    time_t second = exchange(c, u, port, "1.1 s later", 11);
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
        long len = udp_recv(c, u[i], buf, sizeof buf, &from, 2000);
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
    int port = start(c);
    struct udp *u = udp_open(c, AF_INET, 0);
    time_t before = time(NULL);
    udp_send_to(c, u, "127.0.0.2", port, "to 127.0.0.2", 12);
    int from = 0;
    long len = udp_recv(c, u, buf, sizeof buf, &from, 2000);
    if (len < 0) {
        expect_still_running(c, server, "a datagram to 127.0.0.2");
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
    int port = server_start(c, &server, ARGV("udpserver", "00000"));
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

static const struct test udpserver[] = {
    { "ready-line", "starts `udpserver 0` and reads the first line of stdout", ready_line,
      "Print \"listening on port N\" with the port getsockname() reports, then "
      "fflush(stdout).", "#the-ready-line" },
    { "hello", "sends the datagram \"hello\" and reads the reply", hello,
      "Reply with one sendto() to the address recvfrom() filled in: '[', ctime()'s text "
      "without its newline, \"] \", then the payload.", "#the-reply" },
    { "reply-port", "sends a datagram and looks at the port the reply comes from", reply_port,
      "Reply with sendto() on the socket that received the datagram.", "#replying-from-another-socket" },
    { "current-time", "sends a datagram, waits 1.1 s, sends another: the second reply's time "
      "must be later", current_time,
      "Take the time for each datagram: time(NULL) and ctime() inside the loop.",
      "#the-time-stamp" },
    { "empty-datagram", "sends a datagram of 0 bytes, then another one", empty_datagram,
      "recvfrom() returning 0 is an empty datagram, not an end of file: reply to it with the "
      "prefix alone and keep serving.", "#empty-datagrams" },
    { "nul-bytes", "sends a short datagram with NUL, \\r, \\n and non-ASCII bytes", nul_bytes,
      "Copy the payload with memcpy() and the length recvfrom() returned; string functions "
      "stop at the first NUL.", "#binary-payloads" },
    { "big-datagram", "sends one datagram of 65000 random bytes (NULs included)", big_datagram,
      "Receive into a buffer of at least 65507 bytes; the reply needs 27 bytes more.",
      "#buffer-size" },
    { "too-big-to-echo", "sends 65507 bytes, whose reply cannot fit in a datagram, then a "
      "small datagram from another port", too_big_to_echo,
      "When one datagram fails (here sendto() fails with EMSGSIZE), print the error and go "
      "on with the next datagram: never exit, and never write past your buffers.",
      "#one-bad-datagram" },
    { "several-clients", "three sockets on three ports send two datagrams each, interleaved",
      several_clients,
      "Each reply goes to the address recvfrom() gave for that datagram.",
      "#reply-to-the-sender" },
    { "any-address", "sends a datagram to 127.0.0.2 (loopback, but not 127.0.0.1)",
      any_address, "Bind every IPv4 address: htonl(INADDR_ANY).", "#every-address" },
    { "leading-zeros", "starts `udpserver 00000` (port 0 written with leading zeros)",
      leading_zeros, "PORT is 1 to 5 decimal digits; leading zeros are allowed.",
      "#usage-errors" },
    { "port-in-use", "holds a UDP port, then starts `udpserver` on that port", port_in_use,
      "Check bind()'s result: print the reason (\"udpserver: bind: Address already in use\") "
      "and exit 1.", "#errors" },
    { "no-arguments", "runs `udpserver`", no_arguments, NULL, "#usage-errors" },
    { "extra-argument", "runs `udpserver 0 0`", extra_argument, NULL, "#usage-errors" },
    { "port-not-a-number", "runs `udpserver 12ab`", port_not_a_number,
      "atoi(\"12ab\") quietly gives 12: check that every character is a digit.",
      "#usage-errors" },
    { "port-too-big", "runs `udpserver 65536`", port_too_big,
      "A port is at most 65535: check the value before htons() cuts it to 16 bits.",
      "#usage-errors" },
    { "port-negative", "runs `udpserver -1`", port_negative,
      "Only decimal digits: a '-' makes PORT a usage error.", "#usage-errors" },
    { NULL },
};

/* ==== udpclient ========================================================= */

/* Start `udpclient HOST PORT` with all of stdin given (and closed) at once. */
static struct proc *client(struct ctx *c, const char *host, int port, const char *in, size_t n)
{
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("udpclient", host, str("%d", port)), .stdin_pipe = 1,
        .stdout_cap = 1 << 20 });
    prog_feed(p, in, n);
    prog_close_stdin(p);
    return p;
}

/* Wait for the client's datagram holding the line `want`; returns its port.
 * decoy: a socket that sent the client a datagram, or NULL. */
static int expect_dgram(struct ctx *c, struct proc *p, struct udp *srv, struct udp *decoy,
                        const char *want, size_t n)
{
    int from = 0;
    const char *exp = n ? str("the line's datagram: %s (the line without its \\n)", describe(want, n))
                        : "the line's datagram: 0 bytes (the line was empty)";
    long len = udp_recv(c, srv, buf, sizeof buf, &from, 2000);
    if (len < 0 && decoy && udp_recv(c, decoy, buf, sizeof buf, &from, 1) >= 0)
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
    if (d && (size_t)len < n && buffer_size((size_t)len))
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
    if (len < n && buffer_size(line))
        FAIL(c, .expected = exp, .observed = obs,
             .hint = str("Only %zu bytes of the reply came out: the receive buffer is that small, "
                         "and recvfrom() drops the rest of a bigger datagram. Use a buffer of "
                         "at least 65507 bytes.", line),
             .see = "#buffer-size");
    FAIL(c, .expected = exp, .observed = obs);
}

static void one_line(struct ctx *c)
{
#define REPLY "[Wed Nov 25 09:35:03 2026] hello"
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "hello\n", 6);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "hello", 5), REPLY, sizeof REPLY - 1);
    expect_output(c, p, REPLY "\n", sizeof REPLY);
#undef REPLY
}

static void no_final_newline(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "one\nlast", 8);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "one", 3), "R1", 2);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "last", 4), "R2", 2);
    expect_output(c, p, "R1\nR2\n", 6);
}

static void empty_line(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "\nafter\n", 7);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "", 0), "[empty]", 7);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "after", 5), "[after]", 7);
    expect_output(c, p, "[empty]\n[after]\n", 16);
}

static void several_lines(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "first\nsecond line\nthird\n", 24);
    int port = expect_dgram(c, p, srv, NULL, "first", 5), from;
    long early = udp_recv(c, srv, buf, sizeof buf, &from, 100);
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
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "a\nb\n", 4);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "a", 1), "", 0);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "b", 1), "B", 1);
    expect_output(c, p, "\nB\n", 3);
}

static void binary_reply(struct ctx *c)
{
#define REPLY "bin\0ary\n\r\xff\x80\0end\n"
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "bin\n", 4);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "bin", 3), REPLY, sizeof REPLY - 1);
    expect_output(c, p, REPLY "\n", sizeof REPLY);
#undef REPLY
}

static void big_reply(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    char *reply = random_bytes(MAXDGRAM + 1, 11);
    for (size_t i = 0; i < MAXDGRAM; i++)   /* no NUL or newline: only the size matters */
        reply[i] = (char)('a' + (unsigned char)reply[i] % 26);
    reply[MAXDGRAM] = '\n';
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "big\n", 4);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "big", 3), reply, MAXDGRAM);
    expect_output(c, p, reply, MAXDGRAM + 1);
}

static void long_line(struct ctx *c)
{
    char *line = random_bytes(BIG + 1, 13);
    for (size_t i = 0; i < BIG; i++)
        line[i] = (char)('A' + (unsigned char)line[i] % 26);
    line[BIG] = '\n';
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), line, BIG + 1);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, line, BIG), "ok", 2);
    expect_output(c, p, "ok\n", 3);
}

static void decoy(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0), *other = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "hello\n", 6);
    int port = expect_dgram(c, p, srv, NULL, "hello", 5);
    udp_send(c, other, port, "decoy from another port", 23);
    udp_send(c, srv, port, "the real reply", 14);
    expect_output(c, p, "the real reply\n", 15);
}

static void decoy_other_address(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct udp *other = udp_open_at(c, "127.0.0.2", udp_port(srv));   /* same port, other IP */
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "hello\n", 6);
    int port = expect_dgram(c, p, srv, NULL, "hello", 5);
    udp_send(c, other, port, "decoy from 127.0.0.2, same port", 31);
    udp_send(c, srv, port, "the real reply", 14);
    expect_output(c, p, "the real reply\n", 15);
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
    struct udp *srv = udp_open(c, AF_INET6, 0);
    struct proc *p = client(c, "::1", udp_port(srv), "over IPv6\n", 10);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "over IPv6", 9), "v6 reply", 8);
    expect_output(c, p, "v6 reply\n", 9);
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
    struct udp *srv = udp_open(c, family, 0);
    struct proc *p = client(c, "localhost", udp_port(srv), "by name\n", 8);
    udp_send(c, srv, expect_dgram(c, p, srv, NULL, "by name", 7), "name reply", 10);
    expect_output(c, p, "name reply\n", 11);
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("udpclient", "127.0.0.1", "nosuchservice"), .stdin_pipe = 1 });
    prog_feed(p, "x\n", 2);
    prog_close_stdin(p);
    expect_exit(c, p, 1, 2000);
    size_t n;
    const char *err = prog_stderr(p, &n);
    const char *a = gai_strerror(EAI_SERVICE), *b = gai_strerror(EAI_NONAME);
    if (!memmem(err, n, a, strlen(a)) && !memmem(err, n, b, strlen(b)))
        FAIL(c, .expected = str("stderr to contain gai_strerror()'s reason, \"%s\"", a),
             .observed = n ? str("stderr: %s", describe(err, n)) : "nothing on stderr");
}

static void no_input(struct ctx *c)
{
    struct udp *srv = udp_open(c, AF_INET, 0);
    struct proc *p = client(c, "127.0.0.1", udp_port(srv), "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
    udp_expect_none(c, srv, 1);
}

static void cl_no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("udpclient")); }
static void cl_one_argument(struct ctx *c) { expect_usage_error(c, ARGV("udpclient", "localhost")); }
static void cl_three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("udpclient", "localhost", "7", "8"));
}

static const struct test udpclient[] = {
    { "one-line", "reads the datagram for the line \"hello\" and replies", one_line,
      "Send the line without its \"\\n\" with sendto(), receive the reply with recvfrom(), "
      "write it and a \"\\n\" to stdout, and exit 0 at the end of stdin.",
      "#lines-and-datagrams" },
    { "no-final-newline", "gives the lines \"one\" and \"last\", the last without \\n",
      no_final_newline,
      "A last line without \"\\n\" is still a line: getline() returns it.",
      "#lines-and-datagrams" },
    { "empty-line", "gives an empty line, then \"after\"", empty_line,
      "An empty line is an empty datagram (sendto() with length 0), not the end of input.",
      "#empty-lines-and-replies" },
    { "several-lines", "gives three lines and answers each datagram in turn", several_lines,
      "Send one line, wait for its reply, print it, then read the next line.",
      "#lines-and-datagrams" },
    { "empty-reply", "answers the first line with an empty datagram", empty_reply,
      "A reply of 0 bytes is a reply: print just \"\\n\" and go on with the next line.",
      "#empty-lines-and-replies" },
    { "binary-reply", "answers with bytes that include NUL, \\r, \\n and non-ASCII",
      binary_reply,
      "Write the reply with fwrite() or write() and its length, never printf(\"%s\").",
      "#binary-payloads" },
    { "big-reply", "answers with a datagram of 65507 bytes, the largest there is", big_reply,
      "Receive into a buffer of at least 65507 bytes.", "#buffer-size" },
    { "long-line", "gives one line of 65000 bytes", long_line,
      "Read lines with getline(): a fixed line buffer cuts long lines.", "#long-lines" },
    { "decoy", "sends a datagram from another port before the server's reply", decoy,
      "Datagrams from any address but the server's are dropped: compare recvfrom()'s address "
      "with the server's (family, IP, port).", "#only-the-servers-replies" },
    { "decoy-other-address", "sends a datagram from 127.0.0.2, with the server's port "
      "number, before the server's reply", decoy_other_address,
      "Compare the IP address too, not only the port.", "#only-the-servers-replies" },
    { "decoy-then-next-line", "sends a decoy before the reply to the first line, then waits "
      "for the second line at the server", decoy_then_next_line,
      "Keep the server's address in its own variable; receive into another.",
      "#keep-the-servers-address" },
    { "ipv6-host", "runs `udpclient ::1 PORT`", ipv6_host,
      "Call getaddrinfo() with ai_family = AF_UNSPEC and make the socket with the family it "
      "returns (ai_family), not AF_INET.", "#resolving-host-and-port" },
    { "localhost", "runs `udpclient localhost PORT`", localhost,
      "Resolve HOST with getaddrinfo() and use its first address.",
      "#resolving-host-and-port" },
    { "unknown-service", "runs `udpclient 127.0.0.1 nosuchservice`", unknown_service,
      "When getaddrinfo() fails, print gai_strerror() of its result on stderr and exit 1.",
      "#errors" },
    { "no-input", "gives an empty stdin", no_input,
      "At the end of stdin, exit 0 without sending anything.", "#lines-and-datagrams" },
    { "no-arguments", "runs `udpclient`", cl_no_arguments, NULL, "#usage-errors" },
    { "one-argument", "runs `udpclient localhost`", cl_one_argument, NULL, "#usage-errors" },
    { "three-arguments", "runs `udpclient localhost 7 8`", cl_three_arguments, NULL,
      "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "05-udp-echo",
    (const struct program[]){ { "udpserver", udpserver }, { "udpclient", udpclient }, { NULL } },
};
