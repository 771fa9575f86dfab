/* check.c - lesson 06: echoserver echoes a byte stream; echoclient sends lines through one. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include "../checker/harness.h"

/* ---- shared steps ------------------------------------------------------ */

static struct proc *srv;          /* the server of this test, if any */
static struct conn *conns[64];    /* c1, c2 ... in the order of connection */
static int nconns;

static int server(struct ctx *c, struct proc **p)
{
    int port = server_start(c, &srv, ARGV("echoserver", "0"));
    if (p) *p = srv;
    return port;
}

static struct conn *dial(struct ctx *c, int port)
{
    struct conn *k = tcp_connect(c, AF_INET, port);
    if (nconns < 64)
        conns[nconns++] = k;
    return k;
}

static int id_of(struct conn *k)
{
    for (int i = 0; i < nconns; i++)
        if (conns[i] == k)
            return i + 1;
    return 1;   /* the one connection of an echoclient test */
}

/* Receive up to n bytes, waiting at most ms for each piece. */
static size_t recv_n(struct conn *k, char *buf, size_t n, long ms, int *eof, int *err)
{
    size_t len = 0;
    int fd = conn_fd(k);
    *eof = *err = 0;
    while (len < n) {
        ssize_t r = recv(fd, buf + len, n - len, MSG_DONTWAIT);
        if (r > 0) { len += (size_t)r; continue; }
        if (r == 0) { *eof = 1; break; }
        if (errno != EAGAIN && errno != EINTR) { *err = errno; break; }
        struct pollfd pf = { fd, POLLIN, 0 };
        if (poll(&pf, 1, (int)ms) == 0)
            break;
    }
    return len;
}

static const char *then(size_t len, size_t n, int eof, int err, long ms)
{
    return len == n ? "" : eof ? ", then EOF" : err ? str(", then %s", strerror(err))
                                            : str(", then nothing for %ld ms", ms);
}

/* Is the server spinning: running all the time, never waiting in a call? */
static int spinning(void)
{
    if (!srv || !prog_running(srv))
        return 0;
    for (int i = 0; i < 5; i++) {
        if (prog_asleep(srv))
            return 0;
        pause_ms(4);
    }
    return 1;
}

/* Once the server has dealt with what happened (it waits again, or has
 * exited), it must still run. */
static void still_serving(struct ctx *c, const char *after)
{
    for (int i = 0; i < 500 && prog_running(srv) && !prog_asleep(srv); i++)
        pause_ms(1);
    expect_still_running(c, srv, after);
}

static const char *SPIN_HINT =
    "The server keeps the CPU busy but does not answer: its loop goes on calling recv() on a "
    "connection that has ended (recv() returned 0, or -1 once closed) and never gets back to "
    "accept(). Leave the loop when recv() returns 0 or fails.";

/* Expect the n bytes `want` from the server on k. */
static void expect_reply(struct ctx *c, struct conn *k, const char *want, size_t n, long ms)
{
    char *got = malloc(n + 1);
    int eof, err;
    size_t len = recv_n(k, got, n, ms, &eof, &err);
    const char *t = then(len, n, eof, err, ms);
    peer_record(c, -1, "c%d: %s%s", id_of(k), describe(got, len), t);
    char *diff = first_difference(want, n, got, len);
    if (!diff)
        return;
    int spin = !len && !eof && !err && spinning();
    const char *hint = spin ? SPIN_HINT : NULL, *see = spin ? "#ignoring-eof" : NULL;
    if (len && memcmp(want, got, len)) {
        hint = "Other bytes came back than were sent: send exactly the n bytes recv() returned, "
               "from the start of the buffer (not sizeof buf, not strlen()).";
        see = "#binary-data-and-short-writes";
    }
    FAIL(c, .expected = describe(want, n),
         .observed = len ? str("%s%s; %s", describe(got, len), t, diff)
                   : eof ? "EOF: the server closed the connection without answering"
                   : err ? str("no byte, then %s", strerror(err))
                   : str("no byte in %ld ms", ms),
         .hint = hint, .see = see);
}

/* Send a line and expect the same bytes back. */
static void echo_line(struct ctx *c, struct conn *k, const char *line, long ms)
{
    conn_send(c, k, line, strlen(line));
    expect_reply(c, k, line, strlen(line), ms);
}

/* The server must close the connection now: EOF, with nothing more. */
static void expect_server_eof(struct ctx *c, struct conn *k)
{
    size_t n;
    int end;
    char *more = conn_read_to_end(c, k, &n, 2000, &end);
    if (n)
        FAIL(c, .expected = "EOF: the server closes the connection once all is echoed",
             .observed = str("%s more, then %s", describe(more, n),
                             end == 0 ? "EOF" : end == ETIMEDOUT ? "silence" : strerror(end)),
             .hint = "Send back exactly the bytes received, no more: the n bytes recv() "
                     "returned, not sizeof buf.", .see = "#binary-data-and-short-writes");
    if (end == ECONNRESET)
        FAIL(c, .expected = "EOF: the server closes the connection (FIN)",
             .observed = "the server reset the connection (RST) instead",
             .hint = "close() sends RST instead of FIN when SO_LINGER is {1, 0}, or when bytes "
                     "the client sent were never read: read until recv() returns 0, then "
                     "close(), without SO_LINGER.", .see = "#half-close");
    if (end == ETIMEDOUT) {
        int spin = spinning();
        FAIL(c, .expected = "EOF within 2000 ms of the client's FIN",
             .observed = "the connection stayed open",
             .hint = spin ? SPIN_HINT
                          : "When the client half-closes, recv() returns 0: that is the end of "
                            "this client. close() the connection then, so that it reads EOF.",
             .see = "#ignoring-eof");
    }
    if (end)
        FAIL(c, .expected = "EOF: the server closes the connection",
             .observed = str("reading failed: %s", strerror(end)));
}

/* The client is done: FIN, and the server must answer with its own FIN. */
static void finish_client(struct ctx *c, struct conn *k)
{
    conn_half_close(c, k);
    expect_server_eof(c, k);
}

/* Wait (at most ms) until every byte sent on fd, and so the FIN queued
 * after them, has left our socket: an RST that follows comes after them. */
static void fin_sent(int fd, long ms)
{
    for (long i = 0; i < ms * 10; i++) {
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        memset(&ti, 0, sizeof ti);
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
            len < offsetof(struct tcp_info, tcpi_notsent_bytes) + sizeof ti.tcpi_notsent_bytes ||
            ti.tcpi_notsent_bytes == 0)
            return;
        usleep(100);
    }
}

/* ---- echoserver -------------------------------------------------------- */

static void ready_line(struct ctx *c)
{
    int port = server(c, NULL);
    struct conn *k = dial(c, port);
    conn_close(c, k);
}

static void echo_text(struct ctx *c)
{
    struct conn *k = dial(c, server(c, NULL));
    echo_line(c, k, "hello, echo\n", 2000);
    echo_line(c, k, "a second line\n", 2000);
    finish_client(c, k);
}

static void sixteen_mib(struct ctx *c)
{
    size_t n = 16u << 20;
    char *data = random_bytes(n, 6);
    struct conn *k = dial(c, server(c, NULL));
    expect_echo(c, k, data, n, 3000);
    finish_client(c, k);
}

static void one_byte_pieces(struct ctx *c)
{
    const char *first = "ping\n", *rest = "one byte at a time\n";
    struct conn *k = dial(c, server(c, NULL));
    int one = 1;
    setsockopt(conn_fd(k), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* Each byte must come back before the next one is sent. */
    for (size_t i = 0; first[i]; i++) {
        conn_send(c, k, first + i, 1);
        expect_reply(c, k, first + i, 1, 1000);
    }
    conn_send_pieces(c, k, rest, strlen(rest), 1, 2);
    expect_reply(c, k, rest, strlen(rest), 2000);
    finish_client(c, k);
}

static void half_close_in_flight(struct ctx *c)
{
    size_t n = 1u << 20, tail = 32u << 10, sent = 0, recvd = 0;
    char *data = random_bytes(n, 7), *got = malloc(n);
    struct conn *k = dial(c, server(c, NULL));
    int fd = conn_fd(k), eof = 0, err = 0;
    peer_record(c, 1, "c1: %s, reading the echo while sending", describe(data, n - tail));
    while (recvd < n && !eof && !err) {
        struct pollfd pf = { fd, POLLIN | (sent < n - tail ? POLLOUT : 0), 0 };
        if (poll(&pf, 1, 2000) <= 0)
            break;
        if (sent < n - tail && (pf.revents & POLLOUT)) {
            size_t want = n - tail - sent;
            ssize_t s = send(fd, data + sent, want > 65536 ? 65536 : want, MSG_NOSIGNAL);
            if (s > 0) sent += (size_t)s;
            else if (errno != EAGAIN && errno != EINTR) err = errno;
            if (sent == n - tail) {
                /* The last 32 KiB and the FIN reach the server together:
                 * stopped, it cannot read the bytes before the FIN comes. */
                peer_record(c, 0, "%zu of the %zu bytes have come back so far", recvd, n);
                prog_freeze(c, srv);
                conn_send(c, k, data + sent, tail);
                sent = n;
                conn_half_close(c, k);
                prog_thaw(c, srv);
            }
        }
        ssize_t r = recv(fd, got + recvd, n - recvd, MSG_DONTWAIT);
        if (r > 0) recvd += (size_t)r;
        else if (r == 0) eof = 1;
        else if (errno != EAGAIN && errno != EINTR) err = errno;
    }
    peer_record(c, -1, "c1: %s%s", describe(got, recvd),
                eof ? ", then EOF" : err ? str(", then %s", strerror(err)) : "");
    char *diff = first_difference(data, n, got, recvd);
    if (diff)
        FAIL(c, .expected = str("all %zu bytes back, then EOF", n),
             .observed = str("%zu bytes came back, then %s; %s", recvd,
                             eof ? "EOF" : err ? strerror(err) : "nothing more for 2000 ms", diff));
    expect_server_eof(c, k);
}

static void closes_without_reading(struct ctx *c)
{
    struct proc *p;
    size_t n = 32u << 10;
    char *data = random_bytes(n, 9);
    int port = server(c, &p);
    struct conn *k1 = dial(c, port);
    struct conn *k2 = dial(c, port);   /* waits its turn */
    echo_line(c, k1, "hello\n", 2000);
    /* While the server is stopped, c1 sends, half-closes and resets: when the
     * server goes on, it reads those bytes and echoes them to a closed
     * connection, as when a busy server gets a request from a client that
     * has gone since. */
    prog_freeze(c, p);
    conn_send(c, k1, data, n);
    conn_half_close(c, k1);
    fin_sent(conn_fd(k1), 500);
    conn_reset(c, k1);
    prog_thaw(c, p);
    still_serving(c, "a client closed without reading its echo");
    echo_line(c, k2, "are you still there?\n", 3000);
    finish_client(c, k2);
}

static void client_resets(struct ctx *c)
{
    size_t n = 256u << 10;
    char *data = random_bytes(n, 8);
    int port = server(c, NULL);
    struct conn *k1 = dial(c, port);
    conn_send(c, k1, data, n);
    expect_reply(c, k1, data, 4096, 2000);
    for (int i = 0; i < 500 && !prog_asleep(srv); i++)
        pause_ms(1);   /* until it has echoed what it could, and waits */
    conn_reset(c, k1);
    still_serving(c, "a client reset its connection");
    struct conn *k2 = dial(c, port);
    echo_line(c, k2, "next client\n", 2000);
    finish_client(c, k2);
}

static void silent_client(struct ctx *c)
{
    int port = server(c, NULL);
    struct conn *k1 = dial(c, port);
    finish_client(c, k1);
    struct conn *k2 = dial(c, port);
    echo_line(c, k2, "after a silent client\n", 2000);
    finish_client(c, k2);
}

static void clients_in_turn(struct ctx *c)
{
    int port = server(c, NULL);
    for (int i = 1; i <= 3; i++) {
        struct conn *k = dial(c, port);
        echo_line(c, k, str("client %d\n", i), 2000);
        finish_client(c, k);
    }
}

static void second_client_waits(struct ctx *c)
{
    int port = server(c, NULL);
    struct conn *k1 = dial(c, port);
    struct conn *k2 = dial(c, port);
    conn_send(c, k2, "second client\n", 14);   /* sent while c1 is served */
    echo_line(c, k1, "first client\n", 2000);
    finish_client(c, k1);
    expect_reply(c, k2, "second client\n", 14, 2000);
    finish_client(c, k2);
}

static void many_clients(struct ctx *c)
{
    struct proc *p = srv = prog_start(c, (struct start){ .argv = ARGV("echoserver", "0"),
                                                         .nofile = 16 });
    int port = expect_ready(c, p, 3000);
    note(c, "The server runs with RLIMIT_NOFILE 16: after fds 0-2 and the listening socket, "
            "12 descriptors are left for clients.");
    for (int i = 1; i <= 50; i++) {
        struct conn *k = dial(c, port);
        echo_line(c, k, str("client %d of 50\n", i), 2000);
        finish_client(c, k);
        conn_close(c, k);
    }
    expect_still_running(c, p, "50 clients");
}

static void restart_same_port(struct ctx *c)
{
    struct proc *p;
    int port = server(c, &p);
    struct conn *k = dial(c, port);
    echo_line(c, k, "before the restart\n", 2000);
    /* Stopped with c1 still open: its end of c1 still holds the port. */
    prog_stop(c, p);
    server_start(c, &srv, ARGV("echoserver", str("%d", port)));
    struct conn *k2 = dial(c, port);
    echo_line(c, k2, "after the restart\n", 2000);
    finish_client(c, k2);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("echoserver")); }

static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("echoserver", "0", "1")); }

static void bad_port(struct ctx *c)
{
    expect_usage_error(c, ARGV("echoserver", "http"));
    expect_usage_error(c, ARGV("echoserver", "80x"));
    expect_usage_error(c, ARGV("echoserver", "-1"));
    expect_usage_error(c, ARGV("echoserver", "65536"));
    expect_usage_error(c, ARGV("echoserver", "000080"));
}

static const struct test echoserver[] = {
    { "ready-line", "starts `echoserver 0`, waits for its ready line and connects to that port",
      ready_line, NULL, "#the-ready-line" },
    { "echo-text", "sends two lines, each read back before the next, then half-closes",
      echo_text,
      "Echo every chunk recv() returns, with a loop that sends all of it. When recv() returns 0 "
      "the client has finished: close() the connection, so that the client reads EOF.",
      "#the-echo-loop" },
    { "sixteen-mib", "sends 16 MiB of random bytes, reading the echo while it sends",
      sixteen_mib,
      "Send back exactly the n bytes recv() returned (not sizeof buf, not strlen: the bytes may "
      "hold NULs), with a send_all() loop: send() may take fewer bytes than it was given.",
      "#binary-data-and-short-writes" },
    { "one-byte-pieces", "sends 1-byte pieces and waits for the echo of each before the next",
      one_byte_pieces,
      "Echo whatever recv() returned at once, even 1 byte: don't wait for a full buffer, a "
      "newline or the end of the stream (no MSG_WAITALL, no fread(), no fgets()).",
      "#echo-at-once" },
    { "half-close-in-flight", "sends 1 MiB, reading the echo; the last 32 KiB and a FIN "
      "(half-close) arrive while the server is stopped (SIGSTOP); then reads everything",
      half_close_in_flight,
      "A FIN only means the client sends no more: everything it sent before must still be read "
      "and echoed. Close only when recv() returns 0, never on POLLHUP/POLLRDHUP alone, and "
      "don't set SO_LINGER to {1, 0} (close then resets and throws the unsent echo away).",
      "#half-close" },
    { "closes-without-reading", "while the server is stopped (SIGSTOP), c1 sends 32 KiB, "
      "half-closes and resets without reading the echo; then c2, waiting, sends a line",
      closes_without_reading,
      "Sending to a client that has gone raises SIGPIPE, which kills the server: "
      "signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send); a failed send "
      "(EPIPE, ECONNRESET) then ends only that client.", "#sigpipe" },
    { "client-resets", "sends 256 KiB, reads 4 KiB of the echo and resets the connection; "
      "then another client connects", client_resets,
      "ECONNRESET from recv() or send() is the end of that client, not of the server: close its "
      "descriptor and accept() the next one.", "#one-clients-errors" },
    { "silent-client", "connects and half-closes without sending a byte; then another client "
      "connects", silent_client,
      "A client may send nothing at all: recv() then returns 0 at once. Close that connection "
      "and accept() the next.", "#the-echo-loop" },
    { "clients-in-turn", "three clients one after another, each sending a line and half-closing",
      clients_in_turn,
      "After a client's EOF (recv() returns 0), leave the echo loop, close the connection and "
      "go back to accept(). A loop that keeps calling recv() on a finished connection spins "
      "forever and never serves the next client.", "#ignoring-eof" },
    { "second-client-waits", "connects c1 and c2; c2 sends a line while c1 is being served",
      second_client_waits,
      "The next client waits in the listening socket's backlog, its bytes in its connection's "
      "buffer: keep the listening socket open (and listen()ing) the whole time, and serve c2 "
      "when c1 is done.", "#one-listening-socket" },
    { "many-clients", "50 clients one after another, the server limited to 16 descriptors",
      many_clients,
      "Every accepted descriptor must be closed when its client is done: close(), not only "
      "shutdown(). A leak makes accept() fail with EMFILE after a dozen clients.",
      "#descriptor-leaks" },
    { "restart-same-port", "stops the server while a client is still connected, then starts it "
      "again on the same port", restart_same_port,
      "The stopped server's side of the open connection still holds the port: set SO_REUSEADDR "
      "on the listening socket before bind(), or the restart fails with EADDRINUSE.",
      "#restarting-on-the-same-port" },
    { "no-arguments", "runs `echoserver` without PORT", no_arguments, NULL, "#usage-errors" },
    { "extra-argument", "runs `echoserver 0 1`", extra_argument, NULL, "#usage-errors" },
    { "bad-port", "runs echoserver with PORT http, 80x, -1, 65536 and 000080", bad_port,
      "PORT is 1 to 5 decimal digits, at most 65535: check every character (atoi() and "
      "strtol() accept junk), print a usage line on stderr and exit(2).", "#usage-errors" },
    { NULL },
};

/* ---- echoclient -------------------------------------------------------- */

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
    char *got = malloc(n + 1);
    int eof, err;
    size_t len = recv_n(k, got, n, ms, &eof, &err);
    const char *t = then(len, n, eof, err, ms);
    peer_record(c, -1, "c1: %s%s", describe(got, len), t);
    char *diff = first_difference(want, n, got, len);
    if (!diff)
        return;
    const char *hint = NULL, *see = NULL;
    if (len < n && !memcmp(want, got, len)) {
        if (want[len] == 0) {
            hint = "It sent the line up to its first NUL byte: strlen(), fgets()+strlen() or "
                   "\"%s\" stop there. Keep the length getline() returns and send that many bytes.";
            see = "#binary-data-and-nul-bytes";
        } else if (buffer_size(len) && !eof) {
            hint = str("Exactly %zu bytes of a %zu-byte line: a fixed buffer that small cuts the "
                       "line. Lines are up to 65536 bytes: use getline(), or a big enough buffer.",
                       len, n);
            see = "#long-lines";
        }
    }
    FAIL(c, .expected = str("the client to send %s", describe(want, n)),
         .observed = str("%s%s; %s", describe(got, len), t, diff), .hint = hint, .see = see);
}

/* The peer's part: read the line, send it back. */
static void echo_back(struct ctx *c, struct conn *k, const char *line, size_t n)
{
    expect_sent(c, k, line, n, 2000);
    conn_send(c, k, line, n);
}

static struct proc *client(struct ctx *c, const char *host, int port)
{
    return prog_start(c, (struct start){ .argv = ARGV("echoclient", host, str("%d", port)),
                                         .stdin_pipe = 1, .stdout_cap = 1 << 20 });
}

/* Start echoclient with all its input at once. */
static struct proc *client_with(struct ctx *c, struct listener *l, const char *in, size_t n)
{
    struct proc *p = client(c, "127.0.0.1", listener_port(l));
    prog_feed(p, in, n);
    prog_close_stdin(p);
    return p;
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

/* One connection, each line echoed whole; exit 0 with every line on stdout. */
static void run_lines(struct ctx *c, const char *in, size_t n, const char *const *lines,
                      const size_t *lens)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client_with(c, l, in, n);
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
    run_lines(c, line, strlen(line), (const char *[]){ line, NULL },
              (size_t[]){ strlen(line) });
}

static void several_lines(struct ctx *c)
{
    const char *in = "first\na second line\n\nlast\n";
    run_lines(c, in, strlen(in),
              (const char *[]){ "first\n", "a second line\n", "\n", "last\n", NULL },
              (size_t[]){ 6, 14, 1, 5 });
}

static void echo_in_pieces(struct ctx *c)
{
    const char *line = "this echo comes back one byte at a time\n";
    size_t n = strlen(line);
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client_with(c, l, line, n);
    struct conn *k = expect_accept(c, l, 2000);
    expect_sent(c, k, line, n, 2000);
    conn_send_some(c, k, line, n, 1, 3);
    expect_exit(c, p, 0, 2000);
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
    run_lines(c, line, n, (const char *[]){ line, NULL }, (size_t[]){ n });
}

static void long_line(struct ctx *c)
{
    size_t n = 65536;
    char *line = random_bytes(n, 64);
    for (size_t i = 0; i < n; i++)   /* no \n, and no NUL: binary-line tests those */
        if (line[i] == '\n' || line[i] == 0)
            line[i] = 'x';
    line[n - 1] = '\n';
    char *all = malloc(n + 6);
    memcpy(all, "short\n", 6);
    memcpy(all + 6, line, n);
    run_lines(c, all, n + 6, (const char *[]){ "short\n", line, NULL }, (size_t[]){ 6, n });
}

static void last_line_no_newline(struct ctx *c)
{
    run_lines(c, "one\ntwo", 7, (const char *[]){ "one\n", "two", NULL }, (size_t[]){ 4, 3 });
}

static void empty_input(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client_with(c, l, "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
}

static void server_closes_early(struct ctx *c)
{
    const char *line = "hello, are you there?\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client_with(c, l, line, strlen(line));
    struct conn *k = expect_accept(c, l, 2000);
    expect_sent(c, k, line, strlen(line), 2000);
    conn_send(c, k, "hello", 5);
    conn_close(c, k);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "server closed the connection");
}

static void server_resets(struct ctx *c)
{
    const char *line = "hello, are you there?\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client_with(c, l, line, strlen(line));
    struct conn *k = expect_accept(c, l, 2000);
    expect_sent(c, k, line, strlen(line), 2000);
    conn_send(c, k, "hel", 3);
    conn_reset(c, k);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Connection reset by peer");
}

static void server_gone_next_line(struct ctx *c)
{
    const char *one = "first line\n", *two = "second line\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l));
    prog_feed(p, one, strlen(one));
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, one, strlen(one));
    pause_ms(30);   /* it reads the echo */
    conn_half_close(c, k);
    fin_sent(conn_fd(k), 500);
    conn_reset(c, k);
    pause_ms(20);
    peer_record(c, 0, "the checker writes the second line to stdin, then closes stdin");
    prog_feed(p, two, strlen(two));
    prog_close_stdin(p);
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
    struct listener *l = tcp_listener(c, family, NULL, 5);
    struct proc *p = client(c, host, listener_port(l));
    prog_feed(p, line, strlen(line));
    prog_close_stdin(p);
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, line, strlen(line));
    expect_eof(c, k, 2000);
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void localhost(struct ctx *c) { via_host(c, AF_INET, "localhost"); }

static void ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    via_host(c, AF_INET6, "::1");
}

static void every_address(struct ctx *c)
{
    if (!is_root())
        skip(c, "a name with two addresses needs a private /etc/hosts (the checker is not root)");
    const char *line = "second address\n";
    /* glibc sorts 127.0.0.1 first; nothing listens there on this port. */
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.2", 5);
    note(c, "echohost has two addresses, 127.0.0.1 (tried first, refused) and 127.0.0.2 "
            "(the checker listens there).");
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("echoclient", "echohost", str("%d", listener_port(l))),
        .stdin_pipe = 1, .hosts = "127.0.0.1 echohost\n127.0.0.2 echohost\n" });
    prog_feed(p, line, strlen(line));
    prog_close_stdin(p);
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, line, strlen(line));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void service_name(struct ctx *c)
{
    if (!is_root())
        skip(c, "listening on port 7 (the echo service) needs root");
    const char *line = "port by name\n";
    struct listener *l = tcp_listener_at(c, AF_INET, "127.0.0.1", 7, 5);
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("echoclient", "127.0.0.1", "echo"),
                                                   .stdin_pipe = 1 });
    prog_feed(p, line, strlen(line));
    prog_close_stdin(p);
    struct conn *k = expect_accept(c, l, 2000);
    echo_back(c, k, line, strlen(line));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, line, strlen(line));
}

static void refused(struct ctx *c)
{
    struct proc *p = client(c, "127.0.0.1", free_port(SOCK_STREAM));
    prog_feed(p, "hello\n", 6);
    prog_close_stdin(p);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Connection refused");
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("echoclient", "127.0.0.1", "nosuchservice"), .stdin_pipe = 1 });
    prog_feed(p, "hello\n", 6);
    prog_close_stdin(p);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Servname not supported for ai_socktype");
}

static void client_no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("echoclient")); }

static void client_one_argument(struct ctx *c)
{
    expect_usage_error(c, ARGV("echoclient", "127.0.0.1"));
}

static void client_three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("echoclient", "127.0.0.1", "7", "extra"));
}

static const struct test echoclient[] = {
    { "one-line", "reads one line from the client, echoes it, expects it on stdout and exit 0",
      one_line,
      "Send the line, read until as many bytes came back, write them to stdout; at the end of "
      "stdin close the socket and return 0.", "#the-client-loop" },
    { "several-lines", "four lines (one empty), each echoed when it arrives", several_lines,
      "Handle the lines one at a time: send a line, read its whole echo, write it, then the "
      "next line. An empty line is just \"\\n\".", "#the-client-loop" },
    { "echo-in-pieces", "echoes the line back in 1-byte pieces, 3 ms apart", echo_in_pieces,
      "One recv() returns what has arrived so far, here 1 byte. Call recv() in a loop until "
      "as many bytes came back as the line had.", "#one-recv-is-not-a-line" },
    { "binary-line", "a line holding every byte value, NUL included", binary_line,
      "Lines may hold any byte but \\n, NUL too: use getline()'s return value as the length, "
      "send that many bytes and fwrite() the echo. strlen(), fgets() and printf(\"%s\") stop "
      "at NUL.", "#binary-data-and-nul-bytes" },
    { "long-line", "a short line, then one of 65536 bytes (its \\n included)", long_line,
      "Lines are up to 65536 bytes with the \\n: a char buf[1024] with fgets() cuts them. "
      "getline() grows its buffer as needed.", "#long-lines" },
    { "last-line-without-newline", "stdin \"one\\ntwo\": the last line has no \\n",
      last_line_no_newline,
      "A last line without \\n is still a line: getline() returns it; send it and echo it "
      "like the others.", "#the-last-line" },
    { "empty-input", "empty stdin: nothing to send", empty_input,
      "With no line at all, just close the socket and exit 0, printing nothing.",
      "#the-client-loop" },
    { "server-closes-early", "echoes 5 bytes of a 22-byte line, then closes", server_closes_early,
      "recv() returning 0 means the server closed: print \"echoclient: server closed the "
      "connection\" on stderr and exit 1 (don't loop on it, don't exit 0).",
      "#the-server-closed-the-connection" },
    { "server-resets", "echoes 3 bytes of the line, then resets the connection", server_resets,
      "recv() returns -1 with errno ECONNRESET: print the reason with strerror(errno) and "
      "exit 1.", "#errors" },
    { "server-gone-next-line", "echoes the first line, then closes and resets; then stdin gets "
      "a second line", server_gone_next_line,
      "Sending to a connection the server has closed and reset raises SIGPIPE, which kills the "
      "client without a word: signal(SIGPIPE, SIG_IGN) (or MSG_NOSIGNAL), then report the "
      "failed send (\"Broken pipe\") and exit 1.", "#sigpipe" },
    { "localhost", "runs `echoclient localhost PORT`", localhost,
      "Give HOST and PORT to getaddrinfo() (AF_UNSPEC, SOCK_STREAM) and connect to what it "
      "returns; inet_pton() knows no names.", "#the-client-loop" },
    { "ipv6", "runs `echoclient ::1 PORT`, the checker listening on ::1", ipv6,
      "Use the family, address and length from getaddrinfo()'s result for socket() and "
      "connect(), not AF_INET and a sockaddr_in.", "#trying-every-address" },
    { "every-address", "HOST has two addresses; only the second one accepts", every_address,
      "When connect() fails, close that socket and try the next address of the getaddrinfo() "
      "list; report the error only when none is left.", "#trying-every-address" },
    { "service-name", "runs `echoclient 127.0.0.1 echo`: PORT is a service name (7)",
      service_name,
      "PORT goes to getaddrinfo() as given: it may be a name from /etc/services. atoi(\"echo\") "
      "is 0.", "#trying-every-address" },
    { "refused", "runs echoclient against a port where nothing listens", refused,
      "connect() fails with ECONNREFUSED: print the reason (strerror(errno)) on stderr and "
      "exit 1.", "#errors" },
    { "unknown-service", "runs `echoclient 127.0.0.1 nosuchservice`", unknown_service,
      "getaddrinfo() does not set errno: print gai_strerror(its return value) and exit 1.",
      "#errors" },
    { "no-arguments", "runs `echoclient`", client_no_arguments, NULL, "#usage-errors" },
    { "one-argument", "runs `echoclient 127.0.0.1`", client_one_argument, NULL, "#usage-errors" },
    { "three-arguments", "runs `echoclient 127.0.0.1 7 extra`", client_three_arguments, NULL,
      "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "06-tcp-echo",
    (const struct program[]){ { "echoserver", echoserver }, { "echoclient", echoclient },
                              { NULL } },
};
