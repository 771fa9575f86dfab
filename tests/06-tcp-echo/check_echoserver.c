/* check_echoserver.c - lesson 06: echoserver echoes each client's bytes until
 * its EOF, one client after another. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include "check.h"

static int server(struct ctx *c, struct proc **p)
{
    struct proc *srv;
    int port = server_start(c, &srv, ARGV("echoserver", "0"));
    if (p)
        *p = srv;
    return port;
}

/* The server this test started last (NULL: none yet). */
static struct proc *the_server(struct ctx *c)
{
    return prog_started(c, -1);
}

static struct conn *dial(struct ctx *c, int port)
{
    return tcp_connect(c, AF_INET, port);
}

/* Is the server spinning: running all the time, never waiting in a call? */
static int spinning(struct ctx *c)
{
    struct proc *srv = the_server(c);
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
    struct proc *srv = the_server(c);
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
    struct got g = conn_recv(c, k, n, ms);
    char *diff = first_difference(want, n, g.buf, g.len);
    if (!diff)
        return;
    int spin = !g.len && !g.eof && !g.err && spinning(c);
    const char *hint = spin ? SPIN_HINT : NULL, *see = spin ? "#ignoring-eof" : NULL;
    if (g.len && memcmp(want, g.buf, g.len)) {
        hint = "Other bytes came back than were sent: send exactly the n bytes recv() returned, "
               "from the start of the buffer (not sizeof buf, not strlen()).";
        see = "#binary-data-and-short-writes";
    }
    FAIL(c, .expected = describe(want, n),
         .observed = g.len ? str("%s%s; %s", describe(g.buf, g.len), g.then, diff)
                   : g.eof ? "EOF: the server closed the connection without answering"
                   : g.err ? str("no byte, then %s", strerror(g.err))
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
        int spin = spinning(c);
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
    conn_nodelay(k);
    /* Each byte must come back before the next one is sent. */
    for (size_t i = 0; first[i]; i++) {
        conn_send(c, k, first + i, 1);
        expect_reply(c, k, first + i, 1, 1000);
    }
    conn_send_pieces(c, k, rest, strlen(rest), 1, 2);
    expect_reply(c, k, rest, strlen(rest), 2000);
    finish_client(c, k);
}

/* The rest of the data, sent with the FIN while the server is stopped. */
struct rest {
    const char *data;
    size_t n;
    size_t total;
};

static void send_rest_frozen(struct ctx *c, struct conn *k, const struct got *so_far, void *arg)
{
    const struct rest *r = arg;
    struct proc *srv = the_server(c);
    /* The last 32 KiB and the FIN reach the server together: stopped, it
     * cannot read the bytes before the FIN comes. */
    peer_record(c, 0, "%zu of the %zu bytes have come back so far", so_far->len, r->total);
    prog_freeze(c, srv);
    conn_send(c, k, r->data, r->n);
    conn_half_close(c, k);
    prog_thaw(c, srv);
}

static void half_close_in_flight(struct ctx *c)
{
    size_t n = 1u << 20;
    size_t tail = 32u << 10;
    char *data = random_bytes(n, 7);
    struct conn *k = dial(c, server(c, NULL));
    struct rest rest = { .data = data + n - tail, .n = tail, .total = n };
    struct got g = conn_echo(c, k, data, n - tail, n, 2000, send_rest_frozen, &rest);
    char *diff = first_difference(data, n, g.buf, g.len);
    const char *then = "nothing more for 2000 ms";
    if (g.eof)
        then = "EOF";
    else if (g.err)
        then = strerror(g.err);
    if (diff)
        FAIL(c, .expected = str("all %zu bytes back, then EOF", n),
             .observed = str("%zu bytes came back, then %s; %s", g.len, then, diff));
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
    conn_wait_sent(k1, 500);
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
    for (int i = 0; i < 500 && !prog_asleep(the_server(c)); i++)
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
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("echoserver", "0"),
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
    struct proc *again;
    server_start(c, &again, ARGV("echoserver", str("%d", port)));
    struct conn *k2 = dial(c, port);
    echo_line(c, k2, "after the restart\n", 2000);
    finish_client(c, k2);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("echoserver")); }

static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("echoserver", "0", "1")); }

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("echoserver", "%"), ARGV("http", "80x", "-1", "65536", "000080"));
}

/* Rule 4's edges: 65535 and 00000 are ports, six digits are not. */
static void port_edges(struct ctx *c) { expect_port_edges(c, ARGV("echoserver", "%")); }

/* Half-close once everything is sent (conn_echo's action). */
static void finish_sending(struct ctx *c, struct conn *k, const struct got *so_far, void *arg)
{
    (void)so_far;
    (void)arg;
    conn_half_close(c, k);
}

/* The client sends 8 MiB before it reads any echo: the echo fills its
 * receive buffer, then the server's send buffer (at most 4 MiB here), and
 * the server's sends would block.  Then it reads. */
/* The server has done all it will do before we read: it waits (asleep)
 * and either leaves our bytes unread (it pushes back) or, once we have
 * sent everything, has read it all (and echoed or dropped it). */
static int settled(struct proc *p, struct conn *k, int all_sent)
{
    struct program_end e;
    prog_wait_idle(p, 300);
    return prog_asleep(p) && conn_program_end(k, &e) == 1 && (e.rx > 0 || all_sent);
}

static void late_reader(struct ctx *c)
{
    struct conn *k = dial(c, server(c, NULL));
    /* A small window of ours: 8 MiB of echo cannot all wait in buffers on
     * the way (ours would grow to 32 MiB here), so the server's sends block. */
    conn_rcvbuf(k, 64 << 10);
    size_t n = 8 << 20;
    char *buf = random_bytes(n, 29);
    size_t sent = conn_flood(c, k, buf, n, n, 50);   /* until it takes no more for 50 ms */
    /* A server starved of CPU on a busy machine also takes nothing for a
     * while.  The flood has stopped it only when it waits in a system call
     * with our bytes unread (a correct one in send(), its client's window
     * full); one that has read all we sent goes on taking more.  Its
     * receive buffer may take all 8 MiB: then we still read nothing until
     * it has read them, or a server that drops what would block would
     * find us reading and drop nothing. */
    struct proc *p = prog_started(c, 0);
    for (int i = 0; i < 20 && prog_running(p) && !settled(p, k, sent == n); i++)
        if (sent < n)
            sent += conn_flood(c, k, buf + sent, n - sent, n - sent, 50);
    struct got g = conn_echo(c, k, buf + sent, n - sent, n, 3000, finish_sending, NULL);
    char *d = first_difference(buf, n, g.buf, g.len);
    if (d)
        FAIL(c, .expected = str("the echo of all %zu bytes, in order", n),
             .observed = str("%zu bytes came back%s; %s", g.len, g.then, d));
    expect_eof(c, k, 2000);
}

const struct test echoserver_tests[] = {
    { .name = "ready-line",
      .what = "starts `echoserver 0`, waits for its ready line and connects to that port",
      .run = ready_line,
      .see = "#the-ready-line" },
    { .name = "echo-text",
      .what = "sends two lines, each read back before the next, then half-closes",
      .run = echo_text,
      .hint = "Echo every chunk recv() returns, with a loop that sends all of it. When recv() returns 0 "
              "the client has finished: close() the connection, so that the client reads EOF.",
      .see = "#the-echo-loop" },
    { .name = "sixteen-mib",
      .what = "sends 16 MiB of random bytes, reading the echo while it sends",
      .run = sixteen_mib,
      .hint = "Send back exactly the n bytes recv() returned (not sizeof buf, not strlen: the bytes may "
              "hold NULs), with a send_all() loop: send() may take fewer bytes than it was given.",
      .see = "#binary-data-and-short-writes" },
    { .name = "one-byte-pieces",
      .what = "sends 1-byte pieces and waits for the echo of each before the next",
      .run = one_byte_pieces,
      .hint = "Echo whatever recv() returned at once, even 1 byte: don't wait for a full buffer, a "
              "newline or the end of the stream (no MSG_WAITALL, no fread(), no fgets()).",
      .see = "#echo-at-once" },
    { .name = "half-close-in-flight",
      .what = "sends 1 MiB, reading the echo; the last 32 KiB and a FIN "
              "(half-close) arrive while the server is stopped (SIGSTOP); then reads everything",
      .run = half_close_in_flight,
      .hint = "A FIN only means the client sends no more: everything it sent before must still be read "
              "and echoed. Close only when recv() returns 0, never on POLLHUP/POLLRDHUP alone, and "
              "don't set SO_LINGER to {1, 0} (close then resets and throws the unsent echo away).",
      .see = "#half-close" },
    { .name = "closes-without-reading",
      .what = "while the server is stopped (SIGSTOP), c1 sends 32 KiB, "
              "half-closes and resets without reading the echo; then c2, waiting, sends a line",
      .run = closes_without_reading,
      .hint = "Sending to a client that has gone raises SIGPIPE, which kills the server: "
              "signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send); a failed send "
              "(EPIPE, ECONNRESET) then ends only that client.",
      .see = "#sigpipe" },
    { .name = "client-resets",
      .what = "sends 256 KiB, reads 4 KiB of the echo and resets the connection; "
              "then another client connects",
      .run = client_resets,
      .hint = "ECONNRESET from recv() or send() is the end of that client, not of the server: close its "
              "descriptor and accept() the next one.",
      .see = "#one-clients-errors" },
    { .name = "silent-client",
      .what = "connects and half-closes without sending a byte; then another client "
              "connects",
      .run = silent_client,
      .hint = "A client may send nothing at all: recv() then returns 0 at once. Close that connection "
              "and accept() the next.",
      .see = "#the-echo-loop" },
    { .name = "clients-in-turn",
      .what = "three clients one after another, each sending a line and half-closing",
      .run = clients_in_turn,
      .hint = "After a client's EOF (recv() returns 0), leave the echo loop, close the connection and "
              "go back to accept(). A loop that keeps calling recv() on a finished connection spins "
              "forever and never serves the next client.",
      .see = "#ignoring-eof" },
    { .name = "second-client-waits",
      .what = "connects c1 and c2; c2 sends a line while c1 is being served",
      .run = second_client_waits,
      .hint = "The next client waits in the listening socket's backlog, its bytes in its connection's "
              "buffer: keep the listening socket open (and listen()ing) the whole time, and serve c2 "
              "when c1 is done.",
      .see = "#one-listening-socket" },
    { .name = "many-clients",
      .what = "50 clients one after another, the server limited to 16 descriptors",
      .run = many_clients,
      .hint = "Every accepted descriptor must be closed when its client is done: close(), not only "
              "shutdown(). A leak makes accept() fail with EMFILE after a dozen clients.",
      .see = "#descriptor-leaks" },
    { .name = "restart-same-port",
      .what = "stops the server while a client is still connected, then starts it "
              "again on the same port",
      .run = restart_same_port,
      .hint = "The stopped server's side of the open connection still holds the port: set SO_REUSEADDR "
              "on the listening socket before bind(), or the restart fails with EADDRINUSE.",
      .see = "#restarting-on-the-same-port" },
    { .name = "no-arguments",
      .what = "runs `echoserver` without PORT",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument",
      .what = "runs `echoserver 0 1`",
      .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "bad-port",
      .what = "runs echoserver with PORT http, 80x, -1, 65536 and 000080",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character (atoi() and "
              "strtol() accept junk), print a usage line on stderr and exit(2).",
      .see = "#usage-errors" },
    { .name = "port-edges",
      .what = "runs `echoserver PORT` with PORT 65535 (in a private network) and 00000: both accepted; then 000080 and 065535: six digits, usage errors",
      .run = port_edges,
      .hint = "PORT is 1 to 5 decimal digits with a value of at most 65535: 65535 itself and 00000 "
              "are valid, six digits never are. Count the digits, then compare the value "
              "with <= 65535 (not < 65535).",
      .see = "#port-edges" },
    { .name = "late-reader",
      .what = "sends 8 MiB before reading any echo (the server's sends would block), then reads: every byte must come back",
      .run = late_reader,
      .hint = "When send() would block, wait (a blocking send, or poll() for POLLOUT) and send the rest "
              "later: never drop bytes on EAGAIN, and never send with MSG_DONTWAIT without "
              "keeping what was not sent.",
      .see = "#dropping-data-when-send-would-block" },
    { .name = NULL },
};
