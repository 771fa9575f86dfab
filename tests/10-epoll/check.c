/* check.c - lesson 10: bigecho, the echo server of lesson 06 for ten
 * thousand clients at once, in one thread, with bounded memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include "../harness/harness.h"

#define CLIENTS 10000     /* the contract's ten thousand */
#define PROG_HARD 20000   /* the program's hard RLIMIT_NOFILE */
#define MIB (1024L * 1024L)

/* The hard RLIMIT_NOFILE we can give the program: 20000, or less where
 * the checker's own hard limit is lower. */
static long prog_hard(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && (long)r.rlim_max < PROG_HARD)
        return (long)r.rlim_max;
    return PROG_HARD;
}

/* bigecho 0 with a soft limit of `soft` descriptors and the hard one above. */
static int start(struct ctx *c, struct proc **p, long soft)
{
    struct start s = { .argv = ARGV("bigecho", "0"), .nofile = prog_hard(), .nofile_soft = soft };
    *p = prog_start(c, s);
    return expect_ready(c, *p, 3000);
}

/* Receive exactly n bytes equal to want on k, within ms. */
static void expect_echo_of(struct ctx *c, struct conn *k, const char *want, size_t n, long ms)
{
    expect_bytes(c, k, want, n, ms);
}

/* ---- sampling the program while the crowd waits ---------------------- */

struct watch {
    struct proc *p;
    int max_threads, max_children;
    long max_rss;
};

static void sample(struct ctx *c, void *arg)
{
    struct watch *w = arg;
    int t = prog_threads(w->p);
    int k = prog_children(w->p);
    long rss = prog_rss_kib(w->p);
    if (t > w->max_threads)
        w->max_threads = t;
    if (k > w->max_children)
        w->max_children = k;
    if (rss > w->max_rss)
        w->max_rss = rss;
    if (t > 1)
        FAIL(c, .expected = "one thread (/proc/PID/task holds one entry) at every moment",
             .observed = str("%d threads while the clients were being served", t),
             .hint = "A thread per client is what bigecho must do without: ten thousand "
                     "threads cost ten thousand stacks. One thread waits on all sockets at "
                     "once with epoll_wait() and serves whichever is ready.",
             .see = "#a-thread-or-a-process-per-client");
    if (k > 0)
        FAIL(c, .expected = "no child process at any moment",
             .observed = str("%d child process%s while the clients were being served", k,
                             k == 1 ? "" : "es"),
             .hint = "fork() per client is lesson 06's way to serve several at once; here one "
                     "process serves all, with non-blocking sockets and epoll_wait().",
             .see = "#a-thread-or-a-process-per-client");
}

/* ---- the tests -------------------------------------------------------- */

static void ready_line(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p, 1024);
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_close(c, k);
}

static void echo_text(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p, 1024);
    struct conn *k = tcp_connect(c, AF_INET, port);
    const char *a = "hello, ten thousand\n", *b = "a second line\n";
    conn_send(c, k, a, strlen(a));
    expect_echo_of(c, k, a, strlen(a), 2000);
    conn_send(c, k, b, strlen(b));
    expect_echo_of(c, k, b, strlen(b), 2000);
    conn_half_close(c, k);
    expect_eof(c, k, 2000);
}

/* Read everything until EOF on k: it must be the flood's bytes, sent of them. */
static void expect_flood_back(struct ctx *c, struct proc *p, struct conn *k, const char *block,
                              size_t bn, size_t sent, const char *hint, const char *see)
{
    /* Read 256 KiB at a time, each time waiting until the server waits
     * again: it then reads on only until it has 1 MiB pending, so that it
     * still has echo pending when it reads the FIN. */
    size_t cap = sent + 65536, got_n = 0, step = 0;
    char *got = xmalloc(cap);
    int end = ETIMEDOUT;
    long last = now_ms(c);
    while (now_ms(c) - last < 5000) {
        size_t room = cap - got_n < 65536 ? cap - got_n : 65536;
        int why = 0;
        long r = conn_read_some(k, got + got_n, room, 100, &why);
        if (r == 0 && why != ETIMEDOUT) {
            end = why;   /* 0: EOF */
            break;
        }
        if (r > 0) {
            got_n += (size_t)r;
            step += (size_t)r;
            last = now_ms(c);
        }
        if (got_n == cap)
            break;
        if (step >= 256u << 10) {
            step = 0;
            pause_ms(3);   /* it wakes up to the room we made */
            for (int i = 0; i < 200 && !prog_asleep(p); i++)
                pause_ms(1);
        }
    }
    peer_record(c, -1, "c1: %zu bytes, then %s", got_n,
                end == 0 ? "EOF" : end == ETIMEDOUT ? "silence" : strerror(end));
    size_t bad = got_n;
    for (size_t i = 0; bad == got_n && i < got_n; i++)
        if (got[i] != block[i % bn])
            bad = i;
    if (bad == got_n && got_n == sent && end == 0)
        return;
    char *where = bad < got_n ? str("; the first wrong byte is at offset %zu", bad)
                : got_n < sent ? str("; the first missing byte is at offset %zu", got_n) : "";
    FAIL(c, .expected = str("all %zu bytes back, then EOF", sent),
         .observed = str("%zu bytes, then %s%s", got_n,
                         end == 0 ? "EOF" : end == ETIMEDOUT ? "silence" : strerror(end), where),
         .hint = hint, .see = see);
}

static void half_close(struct ctx *c)
{
    struct proc *p;
    size_t bn = 256u << 10;
    char *block = random_bytes(bn, 10);
    int port = start(c, &p, 1024);
    struct conn *k = tcp_connect(c, AF_INET, port);
    /* Send without reading until nothing more goes; then FIN.  The server
     * has echo pending (send() said EAGAIN) when the FIN comes, and must
     * still send all of it before it closes. */
    size_t sent = conn_flood(c, k, block, bn, 32u << 20, 300);
    peer_record(c, 1, "c1: %zu bytes without reading, until send() made no progress for 300 ms",
                sent);
    conn_half_close(c, k);
    expect_flood_back(c, p, k, block, bn, sent,
                      "recv() returning 0 means the client sends no more, not that it is gone: "
                      "keep sending its pending echo, and close only once all of it is sent. "
                      "When send() takes only part, keep the rest; EAGAIN means later, not "
                      "broken.", "#half-close");
}

/* The queues of the server's socket for our connection: *tx the bytes it
 * sent or holds to send that we have not acknowledged, *rx the bytes it
 * has received and not yet read.  0, or -1 if the kernel does not show them. */
static int server_queues(struct conn *k, long *tx, long *rx)
{
    struct program_end e;
    if (conn_program_end(k, &e) != 1)
        return -1;
    *tx = e.tx;
    *rx = e.rx;
    return 0;
}

static void fin_with_echo_pending(struct ctx *c)
{
    struct proc *p;
    size_t bn = 256u << 10;
    char *block = random_bytes(bn, 14);
    int port = start(c, &p, 1024);
    struct conn *k = tcp_connect(c, AF_INET, port);
    int fd = conn_fd(k);
    long tx = 0, rx = 0, tx_before = -1;
    if (server_queues(k, &tx, &rx) != 0)
        skip(c, "this kernel does not show the server's socket queues (no sock_diag)");
    /* 256 KiB at a time without reading, each time until the server has
     * read all of it.  Once a piece it read did not make its send queue
     * grow (our receive buffer is full, so nothing is acknowledged), that
     * piece waits in the server's own buffer, under 1 MiB: then the FIN. */
    size_t sent = 0;
    int pending = 0;
    while (!pending && sent < (32u << 20) && now_ms(c) < 12000) {
        conn_send(c, k, block, bn);
        sent += bn;
        /* All of it has reached the server (nothing left in our send
         * queue) and the server waits: it has read it all. */
        int read_all = 0;
        for (int i = 0; i < 2000 && !read_all; i++) {
            pause_ms(1);
            int unsent = -1;
            read_all = ioctl(fd, SIOCOUTQ, &unsent) == 0 && unsent == 0 && prog_asleep(p);
        }
        read_all = read_all && server_queues(k, &tx, &rx) == 0 && rx == 0;
        pending = read_all && tx == tx_before;
        tx_before = tx;
    }
    peer_record(c, 1, "c1: %zu bytes, reading nothing, until the last 256 KiB the server read "
                "stayed in its own buffer (its send queue full at %ld bytes)", sent, tx);
    conn_half_close(c, k);
    expect_flood_back(c, p, k, block, bn, sent,
                      "The FIN came while echo was still pending in the server: recv() "
                      "returning 0 ends the input, not the echo. Remember the FIN, keep sending "
                      "what is pending (EPOLLOUT), and close only once it is all sent.",
                      "#half-close");
}

static void ten_thousand(struct ctx *c)
{
    struct proc *p;
    int n = crowd_room(c, CLIENTS, prog_hard());
    int port = start(c, &p, 1024);
    struct watch w = { .p = p };
    long t0 = now_ms(c);
    struct crowd *k = crowd_connect(c, port, n, 8000);
    crowd_on_tick(k, sample, &w);
    crowd_echo(c, k, 10240, 10000 - (now_ms(c) - t0));
    long ms = now_ms(c) - t0;
    peer_record(c, 0, "served %d clients in %ld ms; at most %d thread(s), %d child(ren), %ld KiB",
                n, ms, w.max_threads, w.max_children, w.max_rss);
    crowd_finish(c, k, 5000);
}

static void one_thread(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p, 1024);
    struct watch w = { .p = p };
    struct crowd *k = crowd_connect(c, port, crowd_room(c, 2000, prog_hard()), 5000);
    crowd_on_tick(k, sample, &w);
    sample(c, &w);
    crowd_echo(c, k, 4096, 5000);
    sample(c, &w);
    crowd_finish(c, k, 5000);
    sample(c, &w);
}

static void idle_memory(struct ctx *c)
{
    struct proc *p;
    int n = crowd_room(c, CLIENTS, prog_hard());
    int port = start(c, &p, 1024);
    struct crowd *k = crowd_connect(c, port, n, 8000);
    /* Connected is not yet accepted: wait until the server holds them. */
    int fds = prog_fds(p);
    for (int i = 0; i < 500 && fds >= 0 && fds < n; i++) {
        pause_ms(10);
        fds = prog_fds(p);
    }
    if (fds >= 0 && fds < n)
        FAIL(c, .expected = str("the server accepts all %d clients within 5 s", n),
             .observed = str("it holds %d descriptors", fds),
             .hint = "Accept every waiting client: when epoll reports the listening socket, "
                     "call accept() until it fails with EAGAIN, and raise RLIMIT_NOFILE first.",
             .see = "#raising-the-descriptor-limit");
    long rss = prog_rss_kib(p);
    peer_record(c, 0, "the server holds %d descriptors; resident memory %ld KiB", fds, rss);
    if (rss > 64 * 1024)
        FAIL(c, .expected = str("at most 64 MiB resident with %d idle clients", n),
             .observed = str("%.1f MiB resident (%ld KiB per client)", rss / 1024.0,
                             rss / n),
             .hint = "An idle client needs a few dozen bytes of state, not a buffer: allocate "
                     "a buffer only when echo is pending (send() would not take it all), and "
                     "free it once it is sent. A 64 KiB buffer per client is 640 MiB for ten "
                     "thousand.", .see = "#memory-per-client");
    crowd_close(k);
    expect_still_running(c, p, "ten thousand clients closed");
}

static void raises_limit(struct ctx *c)
{
    struct proc *p;
    int n = crowd_room(c, 3000, prog_hard());
    int port = start(c, &p, 64);
    peer_record(c, 0, "the server was started with RLIMIT_NOFILE soft 64, hard %ld",
                prog_hard());
    struct crowd *k = crowd_connect(c, port, n, 5000);
    crowd_echo(c, k, 100, 5000);
    crowd_finish(c, k, 5000);
}

/* Clients of the backpressure test: A floods, B measures. */
static void backpressure(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p, 1024);
    struct conn *a = tcp_connect(c, AF_INET, port);
    struct conn *b = tcp_connect(c, AF_INET, port);
    const char *ping = "B is still served\n";
    conn_send(c, b, ping, strlen(ping));
    expect_echo_of(c, b, ping, strlen(ping), 2000);
    long rss0 = prog_rss_kib(p), rss_max = rss0;
    size_t total = 64u << 20, sent = 0, block = 256u << 10;
    char *data = random_bytes(block, 11);
    long last_progress = now_ms(c), worst = 0, lines = 0, next_line = now_ms(c);
    peer_record(c, 1, "c1: sends up to 64 MiB and reads nothing; c2 sends a line every 100 ms");
    while (sent < total && now_ms(c) - last_progress < 1000 && now_ms(c) < 8000) {
        size_t at = sent % block;
        size_t want = block - at;
        if (want > total - sent)
            want = total - sent;
        int err = 0;
        size_t s = conn_send_now(a, data + at, want, 10, &err);
        if (s > 0)
            last_progress = now_ms(c);
        sent += s;
        if (err)
            FAIL(c, .expected = "c1's connection stays open while it sends",
                 .observed = str("send() failed after %zu bytes: %s", sent, strerror(err)),
                 .hint = "A client that does not read is slow, not broken: stop reading "
                         "it, don't close it.", .see = "#backpressure");
        if (now_ms(c) >= next_line) {
            long t = now_ms(c);
            conn_send(c, b, ping, strlen(ping));
            char got[64];
            int end = 0;
            size_t have = conn_recv_upto(b, got, strlen(ping), 1000, &end);
            long rtt = now_ms(c) - t;
            if (have != strlen(ping) || memcmp(got, ping, have))
                FAIL(c, .expected = str("c2's line %s back within 200 ms while c1 floods",
                                        escaped(ping, strlen(ping), 40)),
                     .observed = str("%s after %ld ms (c1 had sent %zu bytes)",
                                     describe(got, have), rtt, sent),
                     .hint = "One client that sends without reading must not hold up the "
                             "others: never block on it (non-blocking sockets, no send_all "
                             "loop), and serve every ready socket each time round the loop.",
                     .see = "#backpressure");
            if (rtt > worst)
                worst = rtt;
            lines++;
            next_line = t + 100;
        }
        long rss = prog_rss_kib(p);
        if (rss > rss_max)
            rss_max = rss;
    }
    peer_record(c, 0, "c1 sent %zu bytes; c2's %ld lines came back in at most %ld ms; the "
                "server's RSS went from %ld to at most %ld KiB", sent, lines, worst, rss0, rss_max);
    if (rss_max - rss0 > 16 * 1024)
        FAIL(c, .expected = "the server's resident memory grows by at most 16 MiB",
             .observed = str("it grew by %.1f MiB while c1 sent %zu bytes without reading",
                             (rss_max - rss0) / 1024.0, sent),
             .hint = "With 1 MiB of echo pending for a client, stop reading it: take EPOLLIN "
                     "out of its events (epoll_ctl EPOLL_CTL_MOD) until its echo drains. "
                     "Otherwise a client that never reads fills your memory.",
             .see = "#backpressure");
    if (worst > 200)
        FAIL(c, .expected = "each of c2's lines back within 200 ms",
             .observed = str("the slowest took %ld ms", worst),
             .hint = "Serve every ready socket each time round the loop, a chunk at a time: "
                     "don't loop on one client while it has data.", .see = "#backpressure");
    /* Now c1 reads: its echo drains, the server reads it again, all comes back. */
    conn_half_close(c, a);
    size_t got_n;
    int end;
    char *got = conn_read_to_end(c, a, &got_n, 5000, &end);
    int same = got_n == sent;
    for (size_t i = 0; same && i < got_n; i += block)
        same = !memcmp(got + i, data, got_n - i < block ? got_n - i : block);
    if (!same || end)
        FAIL(c, .expected = str("c1 reads back all %zu bytes it sent, then EOF", sent),
             .observed = str("%zu bytes%s, then %s", got_n, same ? "" : " (other bytes)",
                             end == 0 ? "EOF" : end == ETIMEDOUT ? "silence" : strerror(end)),
             .hint = "When a paused client's echo has drained, read from it again (put "
                     "EPOLLIN back); after its FIN, send what is pending, then close.",
             .see = "#backpressure");
}

static void idle_cpu(struct ctx *c)
{
    struct proc *p;
    int port = start(c, &p, 1024);
    struct conn *k = tcp_connect(c, AF_INET, port);
    const char *line = "then silence\n";
    conn_send(c, k, line, strlen(line));
    expect_echo_of(c, k, line, strlen(line), 2000);
    pause_ms(100);
    struct busy b = prog_watch_idle(p, 1000);
    peer_record(c, 0, "one client connected and silent: %ld ms of CPU in 1 s, runnable in %d "
                "of %d samples", b.cpu_ms, b.runnable, b.samples);
    if (busy_spinning(&b, 50))
        FAIL(c, .expected = "at most 50 ms of CPU over one idle second, asleep in epoll_wait()",
             .observed = str("%ld ms of CPU; running or waiting to run in %d of %d samples",
                             b.cpu_ms, b.runnable, b.samples),
             .hint = "An idle server sleeps in epoll_wait() with timeout -1. A timeout of 0 "
                     "(or a loop around non-blocking recv()) spins and burns a core.",
             .see = "#busy-waiting");
}

static void client_resets(struct ctx *c)
{
    struct proc *p;
    size_t n = 256u << 10;
    char *data = random_bytes(n, 12);
    int port = start(c, &p, 1024);
    struct conn *stay = tcp_connect(c, AF_INET, port);
    struct conn *k = tcp_connect(c, AF_INET, port);
    conn_send_some(c, k, data, n, 0, 0);
    expect_bytes(c, k, data, 4096, 2000);
    /* Once it has echoed what it could and waits, the RST comes. */
    for (int i = 0; i < 500 && !prog_asleep(p); i++)
        pause_ms(1);
    conn_reset(c, k);
    pause_ms(50);
    expect_still_running(c, p, "a client reset its connection");
    const char *line = "I was here before\n";
    conn_send(c, stay, line, strlen(line));
    expect_echo_of(c, stay, line, strlen(line), 2000);
    struct conn *next = tcp_connect(c, AF_INET, port);
    const char *line2 = "and I came after\n";
    conn_send(c, next, line2, strlen(line2));
    expect_echo_of(c, next, line2, strlen(line2), 2000);
    conn_half_close(c, stay);
    expect_eof(c, stay, 2000);
}

static void sigpipe(struct ctx *c)
{
    struct proc *p;
    size_t n = 32u << 10;
    char *data = random_bytes(n, 13);
    int port = start(c, &p, 1024);
    struct conn *stay = tcp_connect(c, AF_INET, port);
    struct conn *k = tcp_connect(c, AF_INET, port);
    const char *hello = "hello\n";
    conn_send(c, k, hello, strlen(hello));
    expect_echo_of(c, k, hello, strlen(hello), 2000);
    /* While the server is stopped, c2 sends, half-closes and resets: when
     * it goes on, it reads those bytes and echoes them to a connection
     * that is gone (the FIN before the RST makes that send EPIPE). */
    prog_freeze(c, p);
    conn_send(c, k, data, n);
    size_t sent = n;
    conn_half_close(c, k);
    conn_wait_sent(k, 500);
    conn_reset(c, k);
    prog_thaw(c, p);
    peer_record(c, 0, "c2 sent %zu bytes, half-closed and reset while the server was stopped",
                sent);
    expect_still_serving(c, p, "a client closed without reading its echo");
    const char *line = "are you still there?\n";
    conn_send(c, stay, line, strlen(line));
    expect_echo_of(c, stay, line, strlen(line), 2000);
}

static void no_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("bigecho"));
}

static void extra_argument(struct ctx *c)
{
    expect_usage_error(c, ARGV("bigecho", "0", "1"));
}

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("bigecho", "%"), ARGV("http", "80x", "-1", "65536", "000080"));
}

static const struct test tests[] = {
    { .name = "ready-line", .what = "starts `bigecho 0` and connects once", .run = ready_line,
      .hint = "Print `listening on port N` (the port getsockname() reports) and fflush(stdout) "
              "once the socket listens.", .see = "#the-ready-line" },
    { .name = "echo-text", .what = "one client sends two lines, each read back before the "
      "next, then half-closes", .run = echo_text,
      .hint = "Echo what recv() returns; when recv() returns 0 and all is sent, close().",
      .see = "#the-event-loop" },
    { .name = "half-close", .what = "sends without reading until the server stops taking "
      "bytes, half-closes, then reads everything back", .run = half_close,
      .hint = "A FIN (recv() returns 0) ends what the client sends, not the echo still pending "
              "for it: close once that is all sent.", .see = "#half-close" },
    { .name = "fin-with-echo-pending", .what = "sends 256 KiB pieces without reading until "
      "one stays in the server's own buffer (its send queue full), then half-closes and reads "
      "everything back",
      .run = fin_with_echo_pending,
      .hint = "After recv() returns 0, send all the echo still pending, then close.",
      .see = "#half-close" },
    { .name = "ten-thousand", .what = "10,000 clients connect and stay open together; each "
      "sends a line of up to 10 KB and reads its echo; all within 10 s, then each half-closes",
      .run = ten_thousand,
      .hint = "Raise RLIMIT_NOFILE, listen(fd, SOMAXCONN), accept until EAGAIN, and never "
              "block on one client: non-blocking sockets and epoll_wait().",
      .see = "#ten-thousand-clients" },
    { .name = "one-thread", .what = "2,000 clients echo lines while the checker counts the "
      "server's threads and child processes", .run = one_thread,
      .hint = "One thread, one process: serve every client from one epoll_wait() loop.",
      .see = "#a-thread-or-a-process-per-client" },
    { .name = "idle-memory", .what = "10,000 clients connect and send nothing; the server's "
      "resident memory must stay at most 64 MiB", .run = idle_memory,
      .hint = "Allocate a buffer only when echo is pending, not per connection up front.",
      .see = "#memory-per-client" },
    { .name = "raises-limit", .what = "starts the server with RLIMIT_NOFILE soft 64, hard "
      "20000; 3,000 clients each echo a line", .run = raises_limit,
      .hint = "Before bind(), raise the soft RLIMIT_NOFILE to the hard one (getrlimit, "
              "setrlimit): with 64 descriptors accept() fails with EMFILE after 60 clients.",
      .see = "#raising-the-descriptor-limit" },
    { .name = "backpressure", .what = "c1 sends up to 64 MiB and reads nothing while c2 "
      "echoes a line every 100 ms; then c1 reads everything back", .run = backpressure,
      .hint = "With 1 MiB pending for a client, stop reading it (no EPOLLIN) until it drains.",
      .see = "#backpressure" },
    { .name = "idle-cpu", .what = "one client connected and silent for a second; the server's "
      "CPU time is measured", .run = idle_cpu,
      .hint = "epoll_wait(..., -1) sleeps until something happens.", .see = "#busy-waiting" },
    { .name = "client-resets", .what = "c2 sends 256 KiB, reads 4 KiB and resets; c1 (there "
      "before) and c3 (after) each echo a line", .run = client_resets,
      .hint = "ECONNRESET ends that client only: close it and go on with the others.",
      .see = "#one-clients-errors" },
    { .name = "sigpipe", .what = "while the server is stopped, c2 sends 32 KiB, half-closes "
      "and resets; then c1 echoes a line", .run = sigpipe,
      .hint = "signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send): a send "
              "to a client that has gone must fail with EPIPE, not kill the server.",
      .see = "#sigpipe" },
    { .name = "no-arguments", .what = "runs `bigecho` without PORT", .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument", .what = "runs `bigecho 0 1`", .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "bad-port", .what = "runs bigecho with PORT http, 80x, -1, 65536 and 000080",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character, print a "
              "usage line on stderr and exit(2).", .see = "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "10-epoll",
    (const struct program[]){ { "bigecho", tests }, { NULL } },
};
