/* check.c - lesson 09: chatserver relays every whole line a client sends to
 * every other client, prefixed with the sender's address, in one event loop
 * that no client can stall. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "../harness/harness.h"

/* One test's chat: the server and its clients c1, c2 ... in the order the
 * checker connected them (the harness numbers connections the same way). */
struct chat {
    struct proc *p;
    int port;
    struct conn *k[80];
    int n;
    int gone;       /* of those, how many were closed since */
    int base_fds;   /* the server's descriptors before any client */
    long nofile;    /* its RLIMIT_NOFILE */
};

#define LINE_CAP 4096                 /* the contract's line limit */
#define MIB (1024u * 1024u)

static void open_chat(struct ctx *c, struct chat *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->port = server_start(c, &ch->p, ARGV("chatserver", "0"));
    ch->base_fds = prog_fds(ch->p);
    ch->nofile = 64;
}

static void open_chat_nofile(struct ctx *c, struct chat *ch, long nofile)
{
    memset(ch, 0, sizeof *ch);
    ch->p = prog_start(c, (struct start){ .argv = ARGV("chatserver", "0"), .nofile = nofile });
    ch->port = expect_ready(c, ch->p, 3000);
    ch->base_fds = prog_fds(ch->p);
    ch->nofile = nofile;
    note(c, "The server runs with RLIMIT_NOFILE %ld.", nofile);
}

/* Let the server deal with what it got: wait until it has a descriptor
 * for every client still connected (a connection the checker sees as
 * complete may not have reached the server's accept queue yet on a busy
 * machine), then (at most 500 ms) until it waits in a call again.  Never
 * fails: the tests judge what the server then does. */
static void settle(struct chat *ch)
{
    long want = ch->base_fds + ch->n - ch->gone;
    if (want > ch->nofile)
        want = ch->nofile;
    for (int i = 0; i < 1000 && ch->base_fds > 0 && prog_running(ch->p) &&
                    prog_fds(ch->p) < want; i++)
        pause_ms(1);
    prog_wait_idle(ch->p, 500);
}

static struct conn *join(struct ctx *c, struct chat *ch)
{
    struct conn *k = tcp_connect(c, AF_INET, ch->port);
    ch->k[ch->n++] = k;
    return k;
}

static const char *name(struct chat *ch, struct conn *k)
{
    for (int i = 0; i < ch->n; i++)
        if (ch->k[i] == k)
            return str("c%d", i + 1);
    return "a client";
}

/* What a client hears: "IP:PORT: " and the line. */
static char *said(const char *ip, struct conn *from, const char *line)
{
    return str("%s:%d: %s", ip, conn_local_port(from), line);
}

static const char *ending(size_t got, size_t want, int end, long ms)
{
    if (got == want)
        return "";
    if (end == CONN_EOF)
        return ", then EOF (the server closed this connection)";
    if (end == ETIMEDOUT)
        return str(", then nothing for %ld ms", ms);
    return str(", then %s", strerror(end));
}

static int swapped(int port) { return ((port & 0xff) << 8) | (port >> 8); }

/* A known mistake behind what came instead of want, or NULL. */
static const char *said_hint(struct chat *ch, const char *want, const char *got, size_t n,
                             int from_port, const char **see)
{
    char ip[64] = "";
    int port = -1;
    size_t pre = strcspn(want, " ") + 1;   /* "IP:PORT: " */
    *see = "#the-prefix";
    if (n >= strlen(want + pre) && !memcmp(got, want + pre, strlen(want + pre)))
        return "The line came without its prefix: put \"IP:PORT: \" (the sender's address, "
               "then a colon and a space) before every line you relay.";
    if (n >= 7 && !memcmp(got, "::ffff:", 7))
        return "An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d: print such an "
               "address as plain IPv4 (IN6_IS_ADDR_V4MAPPED, then its last 4 bytes).";
    char *text = str("%.*s", (int)(n < 100 ? n : 100), got);
    if (sscanf(text, "%63[0-9.]:%d: ", ip, &port) == 2) {
        if (port == ch->port)
            return str("%d is the server's own port: the prefix is the SENDER's address, as "
                       "accept() wrote it into its second argument when that client "
                       "connected (keep it with the client).", port);
        if (port == swapped(from_port))
            return "The port has its two bytes swapped: sin_port is in network byte order, "
                   "print ntohs(addr.sin_port).";
        if (port != from_port)
            return "That port is not the sender's: keep each client's own address (from its "
                   "accept()) with that client, and use the sender's when relaying its line.";
    }
    size_t same = 0;
    while (same < n && same < strlen(want) && got[same] == want[same])
        same++;
    if (same > pre && same < strlen(want) && usual_buffer_size(same - pre)) {
        *see = "#the-line-limit";
        return str("The line was cut after %zu bytes, the size of a fixed buffer: a client's "
                   "buffer must hold a whole line of up to 4096 bytes, and a line goes out "
                   "only once its \\n has come.", same - pre);
    }
    if (n && n < strlen(want) && !memcmp(got, want, n)) {
        *see = "#partial-lines";
        return "Only the start of the line came: relay a line only once its \\n has arrived, "
               "and relay all of it, however many recv() calls it took.";
    }
    *see = NULL;
    return NULL;
}

/* Expect `to` to hear the line `line` that `from` (at ip) sent. */
static void expect_said(struct ctx *c, struct chat *ch, struct conn *to, struct conn *from,
                        const char *ip, const char *line, long ms)
{
    char *want = said(ip, from, line);
    size_t n = strlen(want);
    char *got = xmalloc(n + 1);
    int end = 0;
    size_t len = conn_recv_upto(to, got, n, ms, &end);
    const char *then = ending(len, n, end, ms);
    peer_record(c, -1, "%s: %s%s", name(ch, to), describe(got, len), then);
    char *diff = first_difference(want, n, got, len);
    if (!diff)
        return;
    if (!prog_running(ch->p))
        expect_still_running(c, ch->p, str("%s sent a line", name(ch, from)));
    const char *see = NULL;
    const char *hint = len ? said_hint(ch, want, got, len, conn_local_port(from), &see) : NULL;
    if (!len && end == CONN_EOF) {
        hint = str("The server closed %s, which did nothing wrong: close only the client whose "
                   "recv() returned 0 or failed.", name(ch, to));
        see = "#one-clients-end";
    }
    FAIL(c, .expected = str("%s to get %s", name(ch, to), describe(want, n)),
         .observed = len ? str("%s%s; %s", describe(got, len), then, diff)
                         : str("nothing%s", then),
         .hint = hint, .see = see);
}

/* Expect nothing on k for ms (bytes sent before would be there by then). */
static void expect_quiet(struct ctx *c, struct chat *ch, struct conn *k, long ms,
                         const char *why, const char *hint, const char *see)
{
    char buf[LINE_CAP + 100];
    int end = 0;
    long n = conn_read_some(k, buf, sizeof buf, ms, &end);
    if (n > 0) {
        peer_record(c, -1, "%s: %s", name(ch, k), describe(buf, (size_t)n));
        FAIL(c, .expected = str("nothing on %s: %s", name(ch, k), why),
             .observed = describe(buf, (size_t)n), .hint = hint, .see = see);
    }
    if (end != ETIMEDOUT) {
        peer_record(c, -1, "%s: %s", name(ch, k), end ? strerror(end) : "EOF");
        if (!prog_running(ch->p))
            expect_still_running(c, ch->p, "the steps above");
        FAIL(c, .expected = str("%s to stay connected, hearing nothing", name(ch, k)),
             .observed = end ? str("its connection failed: %s", strerror(end))
                             : "the server closed its connection",
             .hint = "Close only the client whose recv() returned 0 or failed (or who broke "
                     "the line limit), never another.", .see = "#one-clients-end");
    }
    peer_record(c, -1, "%s: (nothing for %ld ms)", name(ch, k), ms);
}

/* Expect the server to close k (EOF or reset) within ms; what came before
 * is returned in *n. */
static char *expect_closed(struct ctx *c, struct chat *ch, struct conn *k, size_t *n, long ms,
                           const char *why, const char *hint, const char *see)
{
    int end = 0;
    char *got = conn_read_to_end(c, k, n, ms, &end);
    if (end == ETIMEDOUT)
        FAIL(c, .expected = str("the server to close %s: %s", name(ch, k), why),
             .observed = str("%s, and the connection stayed open for %ld ms more",
                             describe(got, *n), ms),
             .hint = hint, .see = see);
    ch->gone++;
    return got;
}


static void nothing_on_connect(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    conn_close(c, k3);
    ch.gone++;
    struct conn *k4 = join(c, &ch);
    settle(&ch);
    const char *why = "clients coming and going are not announced";
    expect_quiet(c, &ch, k1, 300, why, NULL, NULL);
    expect_quiet(c, &ch, k2, 50, why, NULL, NULL);
    expect_quiet(c, &ch, k4, 50, why, NULL, NULL);
}

static void broadcast(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    long sent = now_ms(c);
    conn_send(c, k1, "hello, everyone\n", 16);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "hello, everyone\n", 2000);
    expect_said(c, &ch, k3, k1, "127.0.0.1", "hello, everyone\n", 2000);
    long took = now_ms(c) - sent;
    if (took > 700)
        FAIL(c, .expected = "the line at c2 and c3 within 200 ms (700 ms allowed here)",
             .observed = str("it took %ld ms", took),
             .hint = "Relay a line as soon as it is complete: hand it to send() at once, or "
                     "ask poll() for POLLOUT right away, not on a timer.",
             .see = "#slow-readers");
    conn_send(c, k3, "hi c1\n", 6);
    expect_said(c, &ch, k1, k3, "127.0.0.1", "hi c1\n", 2000);
    expect_said(c, &ch, k2, k3, "127.0.0.1", "hi c1\n", 2000);
}

static void not_to_sender(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    settle(&ch);
    conn_send(c, k1, "do I hear myself?\n", 18);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "do I hear myself?\n", 2000);
    expect_quiet(c, &ch, k1, 200, "a client never gets its own line back",
                 "Skip the sender when relaying: compare each client with the one the line "
                 "came from.", "#everyone-else");
}

static void sender_address(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = tcp_connect_from(c, "127.0.0.2", "127.0.0.1", ch.port);
    ch.k[ch.n++] = k2;
    note(c, "c2 connects from 127.0.0.2, another loopback address: its prefix is "
            "127.0.0.2:PORT.");
    settle(&ch);
    conn_send(c, k2, "from another address\n", 21);
    expect_said(c, &ch, k1, k2, "127.0.0.2", "from another address\n", 2000);
}

/* The lines of each of three senders, as one reader hears them, in the
 * order the server completed them. */
static void same_order(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *s[3], *r[2];
    for (int i = 0; i < 3; i++)
        s[i] = join(c, &ch);
    for (int i = 0; i < 2; i++)
        r[i] = join(c, &ch);
    settle(&ch);
    size_t total = 0;
    for (int round = 0; round < 30; round++) {
        for (int i = 0; i < 3; i++) {
            char *line = str("line %02d of c%d\n", round, i + 1);
            conn_send(c, s[i], line, strlen(line));
            total += strlen(said("127.0.0.1", s[i], line));
        }
    }
    char *heard[5];
    size_t len[5];
    struct conn *who[5] = { r[0], r[1], s[0], s[1], s[2] };
    for (int i = 0; i < 5; i++) {
        size_t want = total;
        if (i >= 2)
            want -= 30 * strlen(said("127.0.0.1", who[i], "line 00 of c1\n"));
        heard[i] = xmalloc(want + 1);
        int end = 0;
        len[i] = conn_recv_upto(who[i], heard[i], want, 2000, &end);
        peer_record(c, -1, "%s: %s%s", name(&ch, who[i]), describe(heard[i], len[i]),
                    ending(len[i], want, end, 2000));
        if (len[i] < want)
            FAIL(c, .expected = str("%s to hear %zu bytes: the 90 lines of c1, c2 and c3%s",
                                    name(&ch, who[i]), want, i >= 2 ? ", less its own 30" : ""),
                 .observed = str("%zu bytes%s", len[i], ending(len[i], want, end, 2000)));
    }
    if (len[0] != len[1] || memcmp(heard[0], heard[1], len[0]))
        FAIL(c, .expected = "c4 and c5 to hear the same lines in the same order",
             .observed = first_difference(heard[0], len[0], heard[1], len[1]));
    for (int i = 2; i < 5; i++) {
        /* c4's lines without those of this sender: what it must have heard. */
        char *own = str("127.0.0.1:%d: ", conn_local_port(who[i]));
        char *want = xmalloc(len[0] + 1);
        size_t wl = 0;
        for (char *line = heard[0]; line < heard[0] + len[0];) {
            char *nl = memchr(line, '\n', (size_t)(heard[0] + len[0] - line));
            size_t ll = nl ? (size_t)(nl - line) + 1 : (size_t)(heard[0] + len[0] - line);
            if (strncmp(line, own, strlen(own))) {
                memcpy(want + wl, line, ll);
                wl += ll;
            }
            line += ll;
        }
        char *diff = first_difference(want, wl, heard[i], len[i]);
        if (diff)
            FAIL(c, .expected = str("%s to hear the others' lines in the order c4 heard them",
                                    name(&ch, who[i])),
                 .observed = diff);
    }
}

static void partial_lines(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    settle(&ch);
    const char *why = "a line is relayed once its \\n has come, not before";
    const char *hint = "Keep the bytes after the last \\n in that client's buffer and relay "
                       "nothing of them until their \\n arrives.";
    conn_nodelay(k1);
    conn_send(c, k1, "hel", 3);
    expect_quiet(c, &ch, k2, 200, why, hint, "#partial-lines");
    conn_send(c, k1, "lo, wor", 7);
    expect_quiet(c, &ch, k2, 200, why, hint, "#partial-lines");
    conn_send(c, k1, "ld\n", 3);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "hello, world\n", 2000);
    const char *slow = "one byte at a time\n";
    conn_send_pieces(c, k1, slow, strlen(slow), 1, 2);
    expect_said(c, &ch, k2, k1, "127.0.0.1", slow, 2000);
}

static void several_lines(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    settle(&ch);
    conn_send(c, k1, "first\nsecond\nthird\nfour", 23);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "first\n", 2000);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "second\n", 2000);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "third\n", 2000);
    conn_send(c, k1, "th and last\n", 12);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "fourth and last\n", 2000);
}

static void interleaved_senders(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    conn_send(c, k1, "c1 starts, ", 11);
    settle(&ch);
    conn_send(c, k2, "c2 says a whole line\n", 21);
    expect_said(c, &ch, k3, k2, "127.0.0.1", "c2 says a whole line\n", 2000);
    conn_send(c, k1, "c1 ends\n", 8);
    expect_said(c, &ch, k3, k1, "127.0.0.1", "c1 starts, c1 ends\n", 2000);
}

static char *text_of(size_t n, char fill)
{
    char *s = xmalloc(n + 1);
    memset(s, fill, n);
    s[n] = '\0';
    return s;
}

static void line_4096(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    char *line = text_of(LINE_CAP, 'L');
    line[LINE_CAP - 1] = '\n';
    note(c, "The line is 4095 bytes and its \\n: 4096 bytes, the longest the contract allows.");
    conn_nodelay(k1);
    settle(&ch);
    conn_send(c, k1, line, 1000);
    settle(&ch);
    conn_send(c, k1, line + 1000, 3095);
    settle(&ch);
    conn_send(c, k1, "\n", 1);
    expect_said(c, &ch, k2, k1, "127.0.0.1", line, 2000);
    conn_send(c, k1, "and a short one\n", 16);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "and a short one\n", 2000);
}

static void line_too_long(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    char *junk = text_of(LINE_CAP, 'x');
    size_t n;
    settle(&ch);
    note(c, "c1 sends 4096 bytes without a \\n: one more than the longest line.");
    conn_send(c, k1, junk, LINE_CAP);
    expect_closed(c, &ch, k1, &n, 2000, "4096 bytes came without a \\n",
                  "Count the bytes in each client's buffer: once 4096 are there with no \\n "
                  "among them, close that client and forget its bytes.", "#the-line-limit");
    expect_quiet(c, &ch, k2, 200, "the bytes of a line over the limit are dropped",
                 "Relay nothing of a line over 4096 bytes: close its sender and drop its "
                 "buffered bytes (a full buffer is not a line).", "#the-line-limit");
    struct conn *k3 = join(c, &ch);
    conn_send(c, k3, "after the long one\n", 19);
    expect_said(c, &ch, k2, k3, "127.0.0.1", "after the long one\n", 2000);
}

static void eof_drops_partial(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    size_t n;
    settle(&ch);
    conn_send(c, k1, "no newline at the end", 21);
    conn_half_close(c, k1);
    expect_closed(c, &ch, k1, &n, 2000, "c1 sent its EOF",
                  "recv() returning 0 is the client's EOF: close its connection.",
                  "#eof-and-the-unfinished-line");
    expect_quiet(c, &ch, k2, 200, "an unfinished line is dropped at its sender's EOF",
                 "At EOF, throw away the bytes after the last \\n: only whole lines are "
                 "relayed (unlike rule 6's last line).", "#eof-and-the-unfinished-line");
    conn_send(c, k2, "anyone left?\n", 13);
    struct conn *k3 = join(c, &ch);
    conn_send(c, k3, "me\n", 3);
    expect_said(c, &ch, k2, k3, "127.0.0.1", "me\n", 2000);
}

static void client_resets(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    conn_send(c, k1, "half a li", 9);
    settle(&ch);
    conn_reset(c, k1);
    ch.gone++;
    settle(&ch);
    expect_still_running(c, ch.p, "c1 reset its connection");
    conn_send(c, k2, "c1 is gone\n", 11);
    expect_said(c, &ch, k3, k2, "127.0.0.1", "c1 is gone\n", 2000);
    conn_send(c, k3, "so it is\n", 9);
    expect_said(c, &ch, k2, k3, "127.0.0.1", "so it is\n", 2000);
}

/* c1 sends total bytes of 4000-byte lines, 64 lines at a time, while c3
 * reads nothing; c2 must hear every batch with at most ms of silence. */
static size_t flood(struct ctx *c, struct chat *ch, struct conn *from, struct conn *to,
                    size_t total, long ms)
{
    const size_t len = 4000, batch = 64;
    char *lines = xmalloc(batch * len);
    char *heard = xmalloc(batch * (len + 64));
    char *want = xmalloc(batch * (len + 64));
    size_t sent = 0, nline = 0, wl;
    peer_record(c, 0, "c1 sends %zu MiB of %zu-byte lines, %zu at a time; c2 reads each "
                "batch; c3 reads nothing", total / MIB, len, batch);
    while (sent < total) {
        wl = 0;
        for (size_t i = 0; i < batch; i++) {
            char *line = lines + i * len;
            memset(line, 'a' + (int)(nline % 26), len);
            int head = snprintf(line, len, "line %zu ", ++nline);
            line[head] = '.';
            line[len - 1] = '\n';
            wl += (size_t)sprintf(want + wl, "127.0.0.1:%d: ", conn_local_port(from));
            memcpy(want + wl, line, len);
            wl += len;
        }
        conn_send(c, from, lines, batch * len);
        int end = 0;
        size_t got = conn_recv_upto(to, heard, wl, ms, &end);
        char *diff = first_difference(want, wl, heard, got);
        if (diff) {
            peer_record(c, -1, "c2: %s%s", describe(heard, got), ending(got, wl, end, ms));
            if (!prog_running(ch->p))
                expect_still_running(c, ch->p, "c3 did not read");
            int stuck = got < wl && end == ETIMEDOUT && prog_asleep(ch->p);
            FAIL(c, .expected = str("c2 to hear lines %zu to %zu, each within %ld ms",
                                    nline - batch + 1, nline, ms),
                 .observed = str("%s%s; %s (after %zu KiB sent in all)", describe(heard, got),
                                 ending(got, wl, end, ms), diff, (sent + batch * len) / 1024),
                 .hint = stuck ? "The server sleeps in a system call while c2 waits: a "
                                 "blocking send() to c3, who reads nothing, stops everything. "
                                 "Make every client socket non-blocking, queue what send() "
                                 "does not take, and send it when poll() says POLLOUT."
                               : NULL);
        }
        sent += batch * len;
    }
    peer_record(c, -1, "c2: every line, in order, %zu KiB in all", sent / 1024);
    return nline;
}

static void slow_reader(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    join(c, &ch);   /* c3: connected, reading nothing */
    settle(&ch);
    flood(c, &ch, k1, k2, 8 * MIB, 700);
    conn_send(c, k1, "still quick?\n", 13);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "still quick?\n", 700);
}

static void slow_reader_closed(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    size_t lines = flood(c, &ch, k1, k2, 8 * MIB, 700);
    size_t all = lines * (4000 + strlen(said("127.0.0.1", k1, "")));
    size_t n;
    note(c, "Only what the kernel's buffers hold (a few MiB) and the server's 1 MiB may "
            "wait for c3: the rest of the %zu bytes can never be queued for it.", all);
    expect_closed(c, &ch, k3, &n, 2000, str("over 1 MiB of lines waited for it"),
                  "Count the bytes queued for each client that send() has not taken yet: "
                  "when a line would take that past 1 MiB, close that client instead of "
                  "queueing without bound.", "#slow-readers");
}

static void many_clients(struct ctx *c)
{
    struct chat ch;
    open_chat_nofile(c, &ch, 64);
    note(c, "With RLIMIT_NOFILE 64, 56 clients (64 - 8) must be served at once.");
    for (int i = 0; i < 56; i++)
        join(c, &ch);
    settle(&ch);
    conn_send(c, ch.k[0], "hello, 55 others\n", 17);
    for (int i = 1; i < 56; i++)
        expect_said(c, &ch, ch.k[i], ch.k[0], "127.0.0.1", "hello, 55 others\n", 2000);
    conn_send(c, ch.k[55], "and back\n", 9);
    expect_said(c, &ch, ch.k[0], ch.k[55], "127.0.0.1", "and back\n", 2000);
}

static const char *cpu_hint =
    "Something keeps the server awake: poll() with a timeout of 0 (use -1 when nothing is "
    "pending), a closed descriptor left in the poll set (poll() then reports POLLNVAL at once, "
    "forever), or a socket polled for POLLOUT with nothing to send.";

static void emfile(struct ctx *c)
{
    struct chat ch;
    open_chat_nofile(c, &ch, 32);
    for (int i = 0; i < 24; i++)
        join(c, &ch);
    settle(&ch);
    conn_send(c, ch.k[0], "24 of us\n", 9);
    expect_said(c, &ch, ch.k[1], ch.k[0], "127.0.0.1", "24 of us\n", 2000);
    expect_said(c, &ch, ch.k[23], ch.k[0], "127.0.0.1", "24 of us\n", 2000);
    /* More clients than descriptors: accept() fails with EMFILE. */
    int extra = 0;
    for (int i = 0; i < 16; i++) {
        int err = 0;
        struct conn *k = tcp_try_connect(c, AF_INET, ch.port, 500, &err);
        if (!k)
            break;
        ch.k[ch.n++] = k;
        extra++;
    }
    note(c, "%d more clients connected: more than the server has descriptors for, so its "
            "accept() fails with EMFILE.", extra);
    settle(&ch);
    struct busy b = prog_watch_idle(ch.p, 1000);
    peer_record(c, 0, "the server used %ld ms of CPU in 1000 ms, runnable in %d of %d samples",
                b.cpu_ms, b.runnable, b.samples);
    expect_still_running(c, ch.p, "accept() failed with EMFILE");
    if (busy_spinning(&b, 100))
        FAIL(c, .expected = "no spinning while accept() fails: at most 100 ms of CPU in 1 s, "
                            "asleep in poll()",
             .observed = str("%ld ms of CPU in 1000 ms; running or waiting to run in %d of "
                             "%d samples", b.cpu_ms, b.runnable, b.samples),
             .hint = "The listening socket stays readable while the connection waits in the "
                     "backlog: polling it again wakes poll() at once, forever. Stop polling "
                     "the listener after EMFILE until a client leaves (or keep a spare "
                     "descriptor to close, accept and close the newcomer).",
             .see = "#running-out-of-descriptors");
    /* Everyone but c2 leaves; a newcomer must then be accepted. */
    for (int i = 0; i < ch.n; i++)
        if (i != 1) {
            conn_close(c, ch.k[i]);
            ch.gone++;
        }
    struct conn *late = join(c, &ch);
    conn_send(c, late, "room for me now?\n", 17);
    expect_said(c, &ch, ch.k[1], late, "127.0.0.1", "room for me now?\n", 3000);
}

static void idle_cpu(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    conn_send(c, k1, "then silence\n", 13);
    expect_said(c, &ch, k2, k1, "127.0.0.1", "then silence\n", 2000);
    conn_close(c, k3);   /* a client that left: its descriptor must leave the poll set */
    ch.gone++;
    settle(&ch);
    struct busy b = prog_watch_idle(ch.p, 1000);
    peer_record(c, 0, "the server used %ld ms of CPU in 1000 ms without traffic, runnable in "
                "%d of %d samples", b.cpu_ms, b.runnable, b.samples);
    expect_still_running(c, ch.p, "a client left");
    if (busy_spinning(&b, 50))
        FAIL(c, .expected = "at most 50 ms of CPU in an idle second, asleep in poll()",
             .observed = str("%ld ms of CPU; running or waiting to run in %d of %d samples",
                             b.cpu_ms, b.runnable, b.samples), .hint = cpu_hint, .see = "#idle-cpu");
}

static void sigpipe(struct ctx *c)
{
    struct chat ch;
    open_chat(c, &ch);
    struct conn *k1 = join(c, &ch);
    struct conn *k2 = join(c, &ch);
    struct conn *k3 = join(c, &ch);
    settle(&ch);
    expect_quiet(c, &ch, k3, 100, "nobody said anything yet", NULL, NULL);
    /* While the server is stopped, c2 half-closes and resets, and c1 sends a
     * line: relaying it to c2 is a write after FIN and RST, which raises
     * SIGPIPE. */
    prog_freeze(c, ch.p);
    conn_half_close(c, k2);
    conn_wait_acked(k2, 500);
    conn_reset(c, k2);
    ch.gone++;
    conn_send(c, k1, "c2, are you there?\n", 19);
    prog_thaw(c, ch.p);
    settle(&ch);
    expect_still_running(c, ch.p, "c2 half-closed and reset while c1's line came");
    expect_said(c, &ch, k3, k1, "127.0.0.1", "c2, are you there?\n", 2000);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("chatserver")); }

static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("chatserver", "0", "1")); }

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("chatserver", "%"), ARGV("http", "80x", "-1", "65536", "000080"));
}

static const struct test chatserver_tests[] = {
    { .name = "nothing-on-connect", .what = "connects c1, c2 and c3, closes c3, connects c4; "
      "expects nothing on any of them", .run = nothing_on_connect,
      .hint = "Send nothing when a client connects or leaves: no greeting, no \"c3 left\". "
              "Only relayed lines go out.", .see = "#the-contract" },
    { .name = "broadcast", .what = "c1 sends a line: c2 and c3 must hear `IP:PORT: ` and it "
      "within 700 ms; then c3 sends one to c1 and c2", .run = broadcast,
      .hint = "When a client's line is complete, send \"IP:PORT: \" and the line to every "
              "other connected client: loop over all clients, not only the last one accepted.",
      .see = "#everyone-else" },
    { .name = "not-to-sender", .what = "c1 sends a line; c2 hears it; c1 must hear nothing",
      .run = not_to_sender, .hint = "Skip the sender when relaying.", .see = "#everyone-else" },
    { .name = "sender-address", .what = "c2 connects from 127.0.0.2 and sends a line: c1 must "
      "hear it prefixed `127.0.0.2:PORT: `", .run = sender_address,
      .hint = "The prefix is the sender's address as accept() reported it: inet_ntop() of "
              "sin_addr and ntohs() of sin_port, kept with the client.", .see = "#the-prefix" },
    { .name = "same-order", .what = "c1, c2 and c3 send 30 lines each, interleaved; c4 and c5 "
      "only read: all five must hear the lines in one and the same order",
      .run = same_order,
      .hint = "Relay each line to everyone at once, in the order lines are completed, and "
              "append to each client's queue in that order (with threads: under one lock).",
      .see = "#one-order" },
    { .name = "partial-lines", .what = "c1 sends `hel`, `lo, wor`, `ld\\n` with pauses, then a "
      "line in 1-byte pieces: c2 must hear each line once, whole", .run = partial_lines,
      .hint = "TCP delivers pieces, not lines: append what recv() returns to that client's "
              "buffer and relay each complete line from it.", .see = "#partial-lines" },
    { .name = "several-lines", .what = "c1 sends three lines and the start of a fourth in one "
      "send, then the rest: c2 must hear four lines", .run = several_lines,
      .hint = "One recv() may return several lines: relay every \\n-terminated line in the "
              "buffer, then keep the bytes after the last \\n for later.",
      .see = "#partial-lines" },
    { .name = "interleaved-senders", .what = "c1 sends half a line, c2 a whole line, c1 the "
      "rest: c3 must hear c2's line, then c1's, each whole", .run = interleaved_senders,
      .hint = "Each client needs its own input buffer: c1's unfinished line must not mix "
              "with c2's bytes.", .see = "#per-client-state" },
    { .name = "line-4096", .what = "c1 sends a 4096-byte line (4095 bytes and \\n) in three "
      "pieces: c2 must hear it whole; then a short line", .run = line_4096,
      .hint = "The buffer of a client must hold 4096 bytes: a line of 4095 bytes and its \\n "
              "is allowed. Close only once 4096 bytes are there without a \\n.",
      .see = "#the-line-limit" },
    { .name = "line-too-long", .what = "c1 sends 4096 bytes without a \\n: the server must close "
      "c1, relay nothing, and go on serving", .run = line_too_long,
      .hint = "4096 bytes without a \\n: close that client and drop its bytes.",
      .see = "#the-line-limit" },
    { .name = "eof-drops-partial", .what = "c1 sends a line without \\n and half-closes: the "
      "server must close c1 and relay nothing", .run = eof_drops_partial,
      .hint = "At a client's EOF, drop its unfinished line and close it.",
      .see = "#eof-and-the-unfinished-line" },
    { .name = "client-resets", .what = "c1 sends half a line and resets; c2 and c3 go on "
      "talking", .run = client_resets,
      .hint = "An error on one client (ECONNRESET) closes that client only: close it, take it "
              "out of the poll set, go on.", .see = "#one-clients-end" },
    { .name = "slow-reader", .what = "c3 never reads while c1 sends 8 MiB of lines: c2 must "
      "hear every line within 700 ms", .run = slow_reader,
      .hint = "One client that does not read must not stall the others: non-blocking "
              "sockets, a queue per client, POLLOUT to send what is queued.",
      .see = "#slow-readers" },
    { .name = "slow-reader-closed", .what = "c3 never reads while c1 sends 8 MiB of lines; "
      "then c3 reads: its connection must end before all 8 MiB came", .run = slow_reader_closed,
      .hint = "Hold at most 1 MiB for one client: past that, close it.", .see = "#slow-readers" },
    { .name = "many-clients", .what = "with RLIMIT_NOFILE 64: 56 clients at once; c1's line "
      "must reach the 55 others", .run = many_clients,
      .hint = "Keep as many clients as there are descriptors (no small fixed array), and "
              "close each one that leaves.", .see = "#running-out-of-descriptors" },
    { .name = "emfile", .what = "with RLIMIT_NOFILE 32: 24 clients, then more than it has "
      "descriptors for; measures its CPU for 1 s; then all but c2 leave and a newcomer speaks",
      .run = emfile,
      .hint = "accept() failing with EMFILE is not the end: don't exit, don't spin, and "
              "accept again once a client has left.", .see = "#running-out-of-descriptors" },
    { .name = "idle-cpu", .what = "after a line and a client that left, measures the server's "
      "CPU over 1 s without traffic: at most 50 ms", .run = idle_cpu, .hint = NULL,
      .see = "#idle-cpu" },
    { .name = "sigpipe", .what = "while the server is stopped, c2 half-closes and resets and c1 "
      "sends a line: the server must relay it to c3 and live", .run = sigpipe,
      .hint = "Relaying to a client that sent FIN and RST raises SIGPIPE, which kills the "
              "server: signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send).",
      .see = "#sigpipe" },
    { .name = "no-arguments", .what = "runs `chatserver` without PORT", .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument", .what = "runs `chatserver 0 1`", .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "bad-port", .what = "runs chatserver with PORT http, 80x, -1, 65536 and 000080",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character, print a "
              "usage line on stderr and exit(2).", .see = "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "09-multiplex",
    (const struct program[]){ { "chatserver", chatserver_tests }, { NULL } },
};
