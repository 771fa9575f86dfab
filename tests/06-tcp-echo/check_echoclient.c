/* check_echoclient.c - lesson 06: echoclient sends each stdin line to an echo
 * server and writes the echo; the checker plays the server. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* Sizes a fixed line buffer usually has (the line may be one byte short of
 * it): here lines are up to 65536 bytes, more than usual_buffer_size() knows. */
static int buffer_size(size_t n)
{
    for (size_t b = 128; b <= 65536; b *= 2)
        if (n == b || n == b - 1)
            return 1;
    return 0;
}

/* Read the n bytes of a line the client must send; recognise the usual mistakes. */
static void expect_sent(struct ctx *c, struct conn *k, const char *want, size_t n, long ms)
{
    struct got g = conn_recv(c, k, n, ms);
    char *diff = first_difference(want, n, g.buf, g.len);
    if (!diff)
        return;
    const char *hint = NULL, *see = NULL;
    if (g.len < n && !memcmp(want, g.buf, g.len)) {
        if (want[g.len] == 0) {
            hint = "It sent the line up to its first NUL byte: strlen(), fgets()+strlen() or "
                   "\"%s\" stop there. Keep the length getline() returns and send that many bytes.";
            see = "#binary-data-and-nul-bytes";
        } else if (buffer_size(g.len) && !g.eof) {
            hint = str("Exactly %zu bytes of a %zu-byte line: a fixed buffer that small cuts the "
                       "line. Lines are up to 65536 bytes: use getline(), or a big enough buffer.",
                       g.len, n);
            see = "#long-lines";
        }
    }
    FAIL(c, .expected = str("the client to send %s", describe(want, n)),
         .observed = str("%s%s; %s", describe(g.buf, g.len), g.then, diff), .hint = hint,
         .see = see);
}

/* The peer's part: read the line, send it back. */
static void echo_back(struct ctx *c, struct conn *k, const char *line, size_t n)
{
    expect_sent(c, k, line, n, 2000);
    conn_send(c, k, line, n);
}

/* Start `echoclient HOST PORT` with all its input at once. */
static struct proc *client(struct ctx *c, const char *host, int port, const char *in, size_t n)
{
    return prog_start_stdin(c, (struct start){
        .argv = ARGV("echoclient", host, str("%d", port)), .stdout_cap = 1 << 20 }, in, n);
}

/* stdout must be exactly want; a cut at a NUL byte has its own hint. */
static void expect_out(struct ctx *c, struct proc *p, const char *want, size_t n)
{
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total < n && total == len && !memcmp(want, got, len) && want[len] == 0)
        FAIL(c, .expected = str("stdout: %s", describe(want, n)),
             .observed = str("stdout: %s; it stops before the first NUL byte", describe(got, len)),
             .hint = "printf(\"%s\"), fputs() and puts() stop at a NUL byte: write the echo with "
                     "fwrite(buf, 1, n, stdout) or write(1, buf, n).",
             .see = "#binary-data-and-nul-bytes");
    expect_stdout(c, p, want, n);
}

/* One connection to a listener of family, found as HOST, each line echoed
 * whole; exit 0 with every line on stdout. */
static void run_lines(struct ctx *c, int family, const char *host, const char *in, size_t n,
                      const char *const *lines, const size_t *lens)
{
    struct listener *l = tcp_listener(c, family, NULL, 5);
    struct proc *p = client(c, host, listener_port(l), in, n);
    struct conn *k = expect_accept(c, l, 2000);
    for (int i = 0; lines[i]; i++)
        echo_back(c, k, lines[i], lens[i]);
    expect_eof(c, k, 2000);
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, in, n);
}

static void one_line(struct ctx *c)
{
    const char *line = "hello, echo\n";
    run_lines(c, AF_INET, "127.0.0.1", line, strlen(line), (const char *[]){ line, NULL },
              (size_t[]){ strlen(line) });
}

static void several_lines(struct ctx *c)
{
    const char *in = "first\na second line\n\nlast\n";
    run_lines(c, AF_INET, "127.0.0.1", in, strlen(in),
              (const char *[]){ "first\n", "a second line\n", "\n", "last\n", NULL },
              (size_t[]){ 6, 14, 1, 5 });
}

static void echo_in_pieces(struct ctx *c)
{
    const char *line = "this echo comes back one byte at a time\n";
    size_t n = strlen(line);
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), line, n);
    struct conn *k = expect_accept(c, l, 2000);
    expect_sent(c, k, line, n, 2000);
    conn_send_some(c, k, line, n, 1, 3);
    expect_exit(c, p, 0, 2000);
    /* Every 1-byte piece received at the start of the buffer, over the one
     * before, leaves the line's last byte first: it loops, at the wrong place. */
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (len == n && memcmp(got, line, n) != 0 && got[0] == line[n - 1])
        FAIL(c, .expected = str("stdout: %s", describe(line, n)),
             .observed = str("stdout: %s; %s", describe(got, len),
                             first_difference(line, n, got, len)),
             .hint = "It loops, but each recv() puts its piece at the start of the buffer, "
                     "over the piece before. Receive after the bytes already in: into "
                     "buf + got, at most len - got bytes.",
             .see = "#one-recv-is-not-a-line");
    expect_out(c, p, line, n);
}

static void binary_line(struct ctx *c)
{
    char line[262] = "bytes:";
    size_t n = 6;
    for (int b = 0; b < 256; b++)
        if (b != '\n')
            line[n++] = (char)b;
    line[n++] = '\n';
    run_lines(c, AF_INET, "127.0.0.1", line, n, (const char *[]){ line, NULL }, (size_t[]){ n });
}

static void long_line(struct ctx *c)
{
    size_t n = 65536;
    char *line = random_bytes(n, 64);
    for (size_t i = 0; i < n; i++)   /* no \n, and no NUL: binary-line tests those */
        if (line[i] == '\n' || line[i] == 0)
            line[i] = 'x';
    line[n - 1] = '\n';
    char *all = xmalloc(n + 6);
    memcpy(all, "short\n", 6);
    memcpy(all + 6, line, n);
    run_lines(c, AF_INET, "127.0.0.1", all, n + 6, (const char *[]){ "short\n", line, NULL },
              (size_t[]){ 6, n });
}

static void last_line_no_newline(struct ctx *c)
{
    run_lines(c, AF_INET, "127.0.0.1", "one\ntwo", 7, (const char *[]){ "one\n", "two", NULL },
              (size_t[]){ 4, 3 });
}

static void empty_input(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
}

/* The server echoes part (pn bytes) of the line, then ends the connection
 * with end (conn_close, conn_reset): exit 1 with the reason on stderr. */
static void server_ends_early(struct ctx *c, const char *part, size_t pn,
                              void (*end)(struct ctx *, struct conn *), const char *reason)
{
    const char *line = "hello, are you there?\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), line, strlen(line));
    struct conn *k = expect_accept(c, l, 2000);
    expect_sent(c, k, line, strlen(line), 2000);
    conn_send(c, k, part, pn);
    end(c, k);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, reason);
}

static void server_closes_early(struct ctx *c)
{
    server_ends_early(c, "hello", 5, conn_close, "server closed the connection");
}

static void server_resets(struct ctx *c)
{
    server_ends_early(c, "hel", 3, conn_reset, "Connection reset by peer");
}

static void server_gone_next_line(struct ctx *c)
{
    const char *one = "first line\n", *two = "second line\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("echoclient", "127.0.0.1", str("%d", listener_port(l))), .stdin_pipe = 1,
        .stdout_cap = 1 << 20 });
    prog_feed(p, one, strlen(one));
    if (!listener_pending(l, 1000)) {
        /* A client may read all of stdin before it connects: correct too.
         * Then only the end can be judged: exit 1 with a reason. */
        note(c, "it did not connect before stdin ended: the second line is given at once");
        prog_feed(p, two, strlen(two));
        prog_close_stdin(p);
        struct conn *k = expect_accept(c, l, 2000);
        echo_back(c, k, one, strlen(one));
        conn_half_close(c, k);
        conn_wait_sent(k, 500);
        conn_reset(c, k);
    } else {
        struct conn *k = expect_accept(c, l, 2000);
        echo_back(c, k, one, strlen(one));
        pause_ms(30);   /* it reads the echo */
        conn_half_close(c, k);
        conn_wait_sent(k, 500);
        conn_reset(c, k);
        pause_ms(20);
        peer_record(c, 0, "the checker writes the second line to stdin, then closes stdin");
        prog_feed(p, two, strlen(two));
        prog_close_stdin(p);
    }
    expect_exit(c, p, 1, 2000);
    size_t n;
    prog_stderr(p, &n);
    if (!n)
        FAIL(c, .expected = "the reason on stderr", .observed = "nothing on stderr",
             .hint = "Say why it failed: perror(\"send\") or fprintf(stderr, \"...: %s\\n\", "
                     "strerror(errno)).", .see = "#errors");
}

static void via_host(struct ctx *c, int family, const char *host)
{
    const char *line = "over the network\n";
    run_lines(c, family, host, line, strlen(line), (const char *[]){ line, NULL },
              (size_t[]){ strlen(line) });
}

static void localhost(struct ctx *c) { via_host(c, AF_INET, "localhost"); }

static void ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    via_host(c, AF_INET6, "::1");
}

/* echoclient, started as s with the line as its stdin, connects to l: the
 * checker echoes the line; exit 0 with the line on stdout. */
static void echo_one_line(struct ctx *c, struct start s, struct listener *l, const char *line)
{
    struct proc *p = prog_start_stdin(c, s, line, strlen(line));
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, line, strlen(line));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void every_address(struct ctx *c)
{
    /* A network of its own: no other test's listener can take 127.0.0.1
     * at this port, where a connect must be refused. */
    stage_private_net(c);
    need_private_hosts(c);
    /* glibc sorts 127.0.0.1 first; nothing listens there on this port. */
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.2", 5);
    note(c, "echohost has two addresses, 127.0.0.1 (tried first, refused) and 127.0.0.2 "
            "(the checker listens there).");
    echo_one_line(c, (struct start){
        .argv = ARGV("echoclient", "echohost", str("%d", listener_port(l))),
        .hosts = "127.0.0.1 echohost\n127.0.0.2 echohost\n" }, l, "second address\n");
}

static void silent_address(struct ctx *c)
{
    struct multi *m = multi_stage_silent(c);
    const char *line = "past the silent address\n";
    struct proc *p = multi_client(c, m, "echoclient", line, strlen(line));
    struct conn *k = multi_expect_second(c, m, p);
    echo_back(c, k, line, strlen(line));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void service_name(struct ctx *c)
{
    /* Port 7 needs privilege: a private network (a user namespace when not root). */
    stage_private_net(c);
    struct listener *l = tcp_listener_at(c, AF_INET, "127.0.0.1", 7, 5);
    echo_one_line(c, (struct start){ .argv = ARGV("echoclient", "127.0.0.1", "echo") }, l,
                  "port by name\n");
}

static void refused(struct ctx *c)
{
    struct proc *p = client(c, "127.0.0.1", free_port(SOCK_STREAM), "hello\n", 6);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Connection refused");
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("echoclient", "127.0.0.1", "nosuchservice") }, "hello\n", 6);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Servname not supported for ai_socktype");
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("echoclient")); }

static void one_argument(struct ctx *c) { expect_usage_error(c, ARGV("echoclient", "127.0.0.1")); }

static void three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("echoclient", "127.0.0.1", "7", "extra"));
}

static void address_order(struct ctx *c)
{
    struct multi *m = multi_stage(c, SOCK_STREAM);
    const char *line = "first address\n";
    struct proc *p = multi_client(c, m, "echoclient", line, strlen(line));
    struct conn *k = multi_expect_first(c, m, 3000);
    echo_back(c, k, line, strlen(line));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void stdout_closed(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    const char *line = "nobody reads this\n";
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("echoclient", "127.0.0.1", str("%d", listener_port(l))),
        .stdout_closed = 1 }, line, strlen(line));
    peer_record(c, 0, "echoclient's stdout is a pipe whose reader has closed it");
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, line, strlen(line));
    expect_no_signal_death(c, p, 2000);
}

const struct test echoclient_tests[] = {
    { .name = "one-line",
      .what = "reads one line from the client, echoes it, expects it on stdout and exit 0",
      .run = one_line,
      .hint = "Send the line, read until as many bytes came back, write them to stdout; at the end of "
              "stdin close the socket and return 0.",
      .see = "#the-client-loop" },
    { .name = "several-lines",
      .what = "four lines (one empty), each echoed when it arrives",
      .run = several_lines,
      .hint = "Handle the lines one at a time: send a line, read its whole echo, write it, then the "
              "next line. An empty line is just \"\\n\".",
      .see = "#the-client-loop" },
    { .name = "echo-in-pieces",
      .what = "echoes the line back in 1-byte pieces, 3 ms apart",
      .run = echo_in_pieces,
      .hint = "One recv() returns what has arrived so far, here 1 byte. Call recv() in a loop until "
              "as many bytes came back as the line had.",
      .see = "#one-recv-is-not-a-line" },
    { .name = "binary-line",
      .what = "a line holding every byte value, NUL included",
      .run = binary_line,
      .hint = "Lines may hold any byte but \\n, NUL too: use getline()'s return value as the length, "
              "send that many bytes and fwrite() the echo. strlen(), fgets() and printf(\"%s\") stop "
              "at NUL.",
      .see = "#binary-data-and-nul-bytes" },
    { .name = "long-line",
      .what = "a short line, then one of 65536 bytes (its \\n included)",
      .run = long_line,
      .hint = "Lines are up to 65536 bytes with the \\n: a char buf[1024] with fgets() cuts them. "
              "getline() grows its buffer as needed.",
      .see = "#long-lines" },
    { .name = "last-line-without-newline",
      .what = "stdin \"one\\ntwo\": the last line has no \\n",
      .run = last_line_no_newline,
      .hint = "A last line without \\n is still a line: getline() returns it; send it and echo it "
              "like the others.",
      .see = "#the-last-line" },
    { .name = "empty-input",
      .what = "empty stdin: nothing to send",
      .run = empty_input,
      .hint = "With no line at all, just close the socket and exit 0, printing nothing.",
      .see = "#the-client-loop" },
    { .name = "server-closes-early",
      .what = "echoes 5 bytes of a 22-byte line, then closes",
      .run = server_closes_early,
      .hint = "recv() returning 0 means the server closed: print \"echoclient: server closed the "
              "connection\" on stderr and exit 1 (don't loop on it, don't exit 0).",
      .see = "#the-server-closed-the-connection" },
    { .name = "server-resets",
      .what = "echoes 3 bytes of the line, then resets the connection",
      .run = server_resets,
      .hint = "recv() returns -1 with errno ECONNRESET: print the reason with strerror(errno) and "
              "exit 1.",
      .see = "#errors" },
    { .name = "server-gone-next-line",
      .what = "echoes the first line, then closes and resets; then stdin gets "
              "a second line",
      .run = server_gone_next_line,
      .hint = "Sending to a connection the server has closed and reset raises SIGPIPE, which kills the "
              "client without a word: signal(SIGPIPE, SIG_IGN) (or MSG_NOSIGNAL), then report the "
              "failed send (\"Broken pipe\") and exit 1.",
      .see = "#sigpipe" },
    { .name = "localhost",
      .what = "runs `echoclient localhost PORT`",
      .run = localhost,
      .hint = "Give HOST and PORT to getaddrinfo() (AF_UNSPEC, SOCK_STREAM) and connect to what it "
              "returns; inet_pton() knows no names.",
      .see = "#the-client-loop" },
    { .name = "ipv6",
      .what = "runs `echoclient ::1 PORT`, the checker listening on ::1",
      .run = ipv6,
      .hint = "Use the family, address and length from getaddrinfo()'s result for socket() and "
              "connect(), not AF_INET and a sockaddr_in.",
      .see = "#trying-every-address" },
    { .name = "every-address",
      .what = "HOST has two addresses; only the second one accepts",
      .run = every_address,
      .hint = "When connect() fails, close that socket and try the next address of the getaddrinfo() "
              "list; report the error only when none is left.",
      .see = "#trying-every-address" },
    { .name = "silent-address",
      .what = "HOST has two addresses: a connect to the first gets no answer, and after "
              "300 ms the checker ends it as a timeout would (connect() fails); the second "
              "accepts",
      .run = silent_address,
      .hint = "A connect() that times out (ETIMEDOUT) is one failed address, like a refused "
              "one: close that socket and try the next address, whatever the errno; report "
              "the error only when none is left.",
      .see = "#trying-every-address" },
    { .name = "service-name",
      .what = "runs `echoclient 127.0.0.1 echo`: PORT is a service name (7)",
      .run = service_name,
      .hint = "PORT goes to getaddrinfo() as given: it may be a name from /etc/services. atoi(\"echo\") "
              "is 0.",
      .see = "#trying-every-address" },
    { .name = "refused",
      .what = "runs echoclient against a port where nothing listens",
      .run = refused,
      .hint = "connect() fails with ECONNREFUSED: print the reason (strerror(errno)) on stderr and "
              "exit 1.",
      .see = "#errors" },
    { .name = "unknown-service",
      .what = "runs `echoclient 127.0.0.1 nosuchservice`",
      .run = unknown_service,
      .hint = "getaddrinfo() does not set errno: print gai_strerror(its return value) and exit 1.",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `echoclient`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "one-argument",
      .what = "runs `echoclient 127.0.0.1`",
      .run = one_argument,
      .see = "#usage-errors" },
    { .name = "three-arguments",
      .what = "runs `echoclient 127.0.0.1 7 extra`",
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
      .what = "runs echoclient with its stdout a pipe whose reader has closed it: it must not die of SIGPIPE",
      .run = stdout_closed,
      .hint = "A write to a pipe nobody reads raises SIGPIPE, which kills by default: "
              "signal(SIGPIPE, SIG_IGN) at the start, then check what write() or fwrite() "
              "returns (EPIPE) and report it.",
      .see = "#sigpipe-from-stdout" },
    { .name = NULL },
};
