/* check_kvserver.c - lesson 11: kvserver answers framed requests from many
 * clients at once, one store for all; the checker plays the clients. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* A client connection and its number in the sequence diagram (c1, c2 ...:
 * the order of connection). */
struct peer {
    struct conn *k;
    int id;
};

static struct peer dial(struct ctx *c, int port, int id)
{
    struct peer p = { tcp_connect(c, AF_INET, port), id };
    return p;
}

static int server(struct ctx *c, struct proc **p)
{
    return server_start(c, p, ARGV("kvserver", "0"));
}

/* Send one request frame. */
static void request(struct ctx *c, struct peer p, const char *body, size_t n)
{
    struct bytes f = frame(body, n);
    conn_send(c, p.k, f.p, f.n);
}

static const char *BYTE_ORDER_HINT =
    "The length is 4 bytes in network byte order (big-endian): read it with ntohl() (after "
    "memcpy into a uint32_t) and write it with htonl(). In host byte order a length of 5 "
    "becomes 83,886,080 on this machine.";

/* The reply to compare with: the frame of want, read from p. */
static void expect_reply(struct ctx *c, struct peer p, const char *want, size_t n, long ms)
{
    struct bytes f = frame(want, n);
    struct got_frame g = read_frame(c, p.k, p.id, ms);
    char *diff = first_difference(f.p, f.n, g.raw, g.n);
    if (!diff)
        return;
    const char *hint = NULL, *see = NULL;
    if (length_swapped(g, n)) {
        hint = BYTE_ORDER_HINT;
        see = "#byte-order";
    } else if (g.n == 0 && g.end == CONN_EOF) {
        hint = "The server closed the connection instead of answering. A valid frame needs a "
               "reply; a malformed body gets the reply \"?\" and the connection stays open; "
               "only a length of 0 or over 1,048,576 closes it. Read the length with ntohl(): "
               "in host byte order a valid length looks far over the limit.";
        see = "#reading-a-frame";
    } else if (g.n > 4 && g.len != n && g.len < n && !memcmp(f.p + 4, g.raw + 4, g.n - 4)) {
        hint = "The reply stops at a NUL byte: keys and values are bytes with a length, not C "
               "strings. Keep their lengths; never strlen(), strcpy() or \"%s\" on them.";
        see = "#binary-keys-and-values";
    }
    FAIL(c, .expected = str("on c%d, the reply %s", p.id, show_frame(f.p, f.n)),
         .observed = g.n ? str("%s; %s", frame_observed(g, ms), diff) : frame_observed(g, ms),
         .hint = hint, .see = see);
}

/* A request and its reply, the next request only once the reply came. */
static void ask(struct ctx *c, struct peer p, const char *body, size_t n, const char *want,
                size_t wn)
{
    request(c, p, body, n);
    expect_reply(c, p, want, wn, 2000);
}

/* The server must close p's connection now, without a byte. */
static void expect_closed(struct ctx *c, struct peer p, const char *why)
{
    size_t n;
    int end;
    char *more = conn_read_to_end(c, p.k, &n, 2000, &end);
    if (n)
        FAIL(c, .expected = str("the server to close c%d without a reply (%s)", p.id, why),
             .observed = str("it answered: %s", show_frame(more, n)));
    if (end == ETIMEDOUT)
        FAIL(c, .expected = str("the server to close c%d within 2000 ms (%s)", p.id, why),
             .observed = "the connection stayed open, with no reply");
}

static void ready_line(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    conn_close(c, a.k);
}

static void set_and_get(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("S\x04" "nameAda"), B("+"));
    ask(c, a, B("Gname"), B("+Ada"));
    ask(c, a, B("S\x04" "nameGrace Hopper"), B("+"));
    ask(c, a, B("Gname"), B("+Grace Hopper"));
}

static void get_missing(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("Gnobody"), B("!"));
    ask(c, a, B("S\x01" "kv"), B("+"));
    ask(c, a, B("Gk"), B("+v"));
    ask(c, a, B("Gkk"), B("!"));
}

static void delete_key(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("S\x03" "keyvalue"), B("+"));
    ask(c, a, B("Dkey"), B("+"));
    ask(c, a, B("Gkey"), B("!"));
    ask(c, a, B("Dkey"), B("!"));
    ask(c, a, B("Dnever-set"), B("!"));
}

static void empty_value(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("S\x05" "empty"), B("+"));
    ask(c, a, B("Gempty"), B("+"));
}

static void malformed_bodies(struct ctx *c)
{
    char key256[1 + 256];
    key256[0] = 'G';
    memset(key256 + 1, 'k', 256);
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("Xkey"), B("?"));          /* an unknown operation */
    ask(c, a, B("s\x01" "kv"), B("?"));     /* ops are upper case */
    ask(c, a, B("G"), B("?"));              /* get, empty key */
    ask(c, a, B("D"), B("?"));              /* delete, empty key */
    ask(c, a, B("S"), B("?"));              /* set, no K */
    ask(c, a, B("S\x00" "value"), B("?"));  /* K = 0 */
    ask(c, a, B("S\x09" "key"), B("?"));    /* K past the end */
    ask(c, a, key256, sizeof key256, B("?"));  /* a 256-byte key */
    key256[0] = 'D';
    ask(c, a, key256, sizeof key256, B("?"));
    /* And the connection is still usable. */
    ask(c, a, B("S\x01" "kv"), B("+"));
    ask(c, a, B("Gk"), B("+v"));
}

static void longest_key(struct ctx *c)
{
    char set[2 + 255 + 5], get[1 + 255];
    set[0] = 'S';
    set[1] = (char)255;
    memset(set + 2, 'K', 255);
    memcpy(set + 2 + 255, "value", 5);
    get[0] = 'G';
    memset(get + 1, 'K', 255);
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, set, sizeof set, B("+"));
    ask(c, a, get, sizeof get, B("+value"));
    get[0] = 'D';
    ask(c, a, get, sizeof get, B("+"));
}

static void one_byte_pieces(struct ctx *c)
{
    struct bytes all = { NULL, 0 };
    add_frame(&all, B("S\x05" "piecein pieces"));
    add_frame(&all, B("Gpiece"));
    add_frame(&all, B("Gnone"));
    struct peer a = dial(c, server(c, NULL), 1);
    conn_send_pieces(c, a.k, all.p, all.n, 1, 2);
    expect_reply(c, a, B("+"), 2000);
    expect_reply(c, a, B("+in pieces"), 2000);
    expect_reply(c, a, B("!"), 2000);
}

/* The i-th of the thousand requests, and the reply it must get. */
static void thousand(int i, struct bytes *req, struct bytes *rep)
{
    char body[64], want[64];
    int n, wn = 1;
    want[0] = '+';
    if (i < 500) {
        int kn = snprintf(body + 2, sizeof body - 2, "key%d", i);
        body[0] = 'S';
        body[1] = (char)kn;
        n = 2 + kn + snprintf(body + 2 + kn, sizeof body - 2 - (size_t)kn, "value %d", i * 7);
    } else if (i % 100 == 99) {
        n = snprintf(body, sizeof body, "Gmissing%d", i);
        want[0] = '!';
    } else {
        n = snprintf(body, sizeof body, "Gkey%d", i - 500);
        wn = snprintf(want, sizeof want, "+value %d", (i - 500) * 7);
    }
    add_frame(req, body, (size_t)n);
    add_frame(rep, want, (size_t)wn);
}

static void pipelined_thousand(struct ctx *c)
{
    struct bytes all = { NULL, 0 }, replies = { NULL, 0 };
    for (int i = 0; i < 1000; i++)
        thousand(i, &all, &replies);
    struct peer a = dial(c, server(c, NULL), 1);
    peer_record(c, 0, "1000 requests in one go: 500 sets, then 500 gets (5 of missing keys)");
    conn_send(c, a.k, all.p, all.n);
    for (int i = 0; i < 1000; i++) {
        struct bytes req = { NULL, 0 }, rep = { NULL, 0 };
        thousand(i, &req, &rep);
        struct got_frame g = read_frame(c, a.k, 0, 2000);
        char *diff = first_difference(rep.p, rep.n, g.raw, g.n);
        if (diff) {
            peer_record(c, -1, "c1: %d replies as expected, then %s", i,
                        frame_observed(g, 2000));
            FAIL(c, .expected = str("reply %d of 1000, to the request %s: %s", i + 1,
                                    show_frame(req.p, req.n), show_frame(rep.p, rep.n)),
                 .observed = str("%s; %s", frame_observed(g, 2000), diff));
        }
    }
    peer_record(c, -1, "c1: all 1000 replies, in order");
}

static void largest_frame(struct ctx *c)
{
    size_t vlen = MAX_BODY - 2 - 3;
    char *set = xmalloc(MAX_BODY), *want = xmalloc(1 + vlen);
    set[0] = 'S';
    set[1] = 3;
    memcpy(set + 2, "big", 3);
    memcpy(set + 5, random_bytes(vlen, 11), vlen);
    want[0] = '+';
    memcpy(want + 1, set + 5, vlen);
    struct peer a = dial(c, server(c, NULL), 1);
    note(c, "The set request's body is exactly 1,048,576 bytes, the largest a frame may have.");
    request(c, a, set, MAX_BODY);
    expect_reply(c, a, B("+"), 3000);
    ask(c, a, B("Gbig"), want, 1 + vlen);
}

static void binary_keys_and_values(struct ctx *c)
{
    struct peer a = dial(c, server(c, NULL), 1);
    ask(c, a, B("S\x03" "k\0a" "v\0\xff\n1"), B("+"));
    ask(c, a, B("S\x03" "k\0b" "other"), B("+"));
    ask(c, a, B("S\x02" "\xff\xfe" "\0\0\0"), B("+"));
    ask(c, a, B("Gk\0a"), B("+v\0\xff\n1"));
    ask(c, a, B("Gk\0b"), B("+other"));
    ask(c, a, B("G\xff\xfe"), B("+\0\0\0"));
    ask(c, a, B("Gk"), B("!"));
    ask(c, a, B("Dk\0a"), B("+"));
    ask(c, a, B("Gk\0b"), B("+other"));
}

/* c1 breaks the framing with the 4 length bytes `head` (then a request):
 * c1 is closed without a reply; c2, connected all along, is unharmed. */
static void framing_broken(struct ctx *c, const char *head, const char *why)
{
    struct proc *p;
    int port = server(c, &p);
    struct peer a = dial(c, port, 1);
    struct peer b = dial(c, port, 2);
    ask(c, a, B("S\x04" "kept" "safe"), B("+"));
    /* The bad length, then a request a server that reads on would answer. */
    struct bytes bad = { xmalloc(4), 4 };
    memcpy(bad.p, head, 4);
    add_frame(&bad, B("Gkept"));
    conn_send_some(c, a.k, bad.p, bad.n, 0, 0);
    expect_closed(c, a, why);
    expect_still_serving(c, p, why);
    ask(c, b, B("Gkept"), B("+safe"));
    struct peer d = dial(c, port, 3);
    ask(c, d, B("S\x01" "kv"), B("+"));
}

static void zero_length(struct ctx *c)
{
    framing_broken(c, "\0\0\0\0", "a frame of length 0");
}

static void over_the_limit(struct ctx *c)
{
    /* 1,048,577: one byte over. */
    framing_broken(c, "\0\x10\0\x01", "a frame of length 1,048,577");
}

static void huge_length(struct ctx *c)
{
    framing_broken(c, "\xff\xff\xff\xff", "a frame of length 4,294,967,295");
}

static void shared_store(struct ctx *c)
{
    int port = server(c, NULL);
    struct peer a = dial(c, port, 1);
    struct peer b = dial(c, port, 2);
    ask(c, a, B("S\x05" "colorblue"), B("+"));
    ask(c, b, B("Gcolor"), B("+blue"));
    ask(c, b, B("S\x05" "colorgreen"), B("+"));
    ask(c, a, B("Gcolor"), B("+green"));
    ask(c, b, B("Dcolor"), B("+"));
    ask(c, a, B("Gcolor"), B("!"));
    ask(c, a, B("S\x04" "lastc1 was here"), B("+"));
    conn_close(c, a.k);
    struct peer d = dial(c, port, 3);
    ask(c, d, B("Glast"), B("+c1 was here"));
}

static void interleaved_clients(struct ctx *c)
{
    struct bytes slow = frame(B("S\x04" "slowpoke"));
    int port = server(c, NULL);
    struct peer a = dial(c, port, 1);
    struct peer b = dial(c, port, 2);
    struct peer d = dial(c, port, 3);
    conn_send(c, a.k, slow.p, 6);   /* c1's frame stops in the middle */
    ask(c, b, B("S\x04" "fastlane"), B("+"));
    ask(c, d, B("Gfast"), B("+lane"));
    conn_send(c, a.k, slow.p + 6, slow.n - 6);
    expect_reply(c, a, B("+"), 2000);
    ask(c, d, B("Gslow"), B("+poke"));
    ask(c, a, B("Gfast"), B("+lane"));
}

static void reset_mid_frame(struct ctx *c)
{
    struct proc *p;
    int port = server(c, &p);
    struct peer a = dial(c, port, 1);
    struct peer b = dial(c, port, 2);
    ask(c, a, B("S\x01" "ab"), B("+"));
    struct bytes f = frame(B("S\x01" "xa value that never ends"));
    conn_send(c, a.k, f.p, 9);
    conn_reset(c, a.k);
    expect_still_serving(c, p, "a client reset its connection in the middle of a frame");
    ask(c, b, B("Ga"), B("+b"));
    ask(c, b, B("Gx"), B("!"));
    struct peer d = dial(c, port, 3);
    ask(c, d, B("Ga"), B("+b"));
}

static void client_gone_before_replies(struct ctx *c)
{
    struct proc *p;
    size_t vlen = 256u << 10;
    char *set = xmalloc(2 + 3 + vlen);
    set[0] = 'S';
    set[1] = 3;
    memcpy(set + 2, "big", 3);
    memset(set + 5, 'v', vlen);
    int port = server(c, &p);
    struct peer a = dial(c, port, 1);
    struct peer b = dial(c, port, 2);
    ask(c, a, set, 5 + vlen, B("+"));
    /* While the server is stopped, c1 asks for 5 MiB of replies, then
     * half-closes and resets: when the server goes on, it reads the
     * requests and sends the replies to a connection that is gone. */
    struct bytes gets = { NULL, 0 };
    for (int i = 0; i < 20; i++)
        add_frame(&gets, B("Gbig"));
    prog_freeze(c, p);
    conn_send(c, a.k, gets.p, gets.n);
    conn_half_close(c, a.k);
    conn_wait_sent(a.k, 500);
    conn_reset(c, a.k);
    prog_thaw(c, p);
    expect_still_serving(c, p, "a client went away without reading its replies");
    ask(c, b, B("S\x01" "kv"), B("+"));
    ask(c, b, B("Gk"), B("+v"));
}

static void many_clients(struct ctx *c)
{
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("kvserver", "0"), .nofile = 16 });
    int port = expect_ready(c, p, 3000);
    note(c, "The server runs with RLIMIT_NOFILE 16: after fds 0-2 and the listening socket, "
            "12 descriptors are left for clients.");
    for (int i = 1; i <= 40; i++) {
        struct peer k = dial(c, port, i);
        char body[32];
        int n = snprintf(body, sizeof body, "S\x01" "k%d", i);
        ask(c, k, body, (size_t)n, B("+"));
        conn_close(c, k.k);
    }
    struct peer last = dial(c, port, 41);
    ask(c, last, B("Gk"), B("+40"));
    expect_still_running(c, p, "40 clients, one after another");
}

static void restart_same_port(struct ctx *c)
{
    struct proc *p;
    int port = server(c, &p);
    struct peer a = dial(c, port, 1);
    ask(c, a, B("S\x01" "kv"), B("+"));
    /* Stopped with c1 still open: its end of c1 still holds the port. */
    prog_stop(c, p);
    server_start(c, &p, ARGV("kvserver", str("%d", port)));
    struct peer b = dial(c, port, 2);
    ask(c, b, B("S\x01" "kw"), B("+"));
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("kvserver")); }

static void extra_argument(struct ctx *c) { expect_usage_error(c, ARGV("kvserver", "0", "1")); }

static void bad_port(struct ctx *c)
{
    expect_usage_errors(c, ARGV("kvserver", "%"), ARGV("http", "80x", "-1", "65536", "000080"));
}

const struct test kvserver_tests[] = {
    { .name = "ready-line",
      .what = "starts `kvserver 0`, waits for its ready line and connects to that port",
      .run = ready_line,
      .see = "#the-ready-line" },
    { .name = "set-and-get",
      .what = "sets a key, gets it, sets it again and gets the new value",
      .run = set_and_get,
      .hint = "Read 4 bytes, turn them into N with ntohl(), read exactly N more: that is one request. "
              "Answer it with a frame of its own: 4 length bytes (htonl) and the reply body.",
      .see = "#reading-a-frame" },
    { .name = "get-missing",
      .what = "gets keys that were never set (and one that only starts like a set key)",
      .run = get_missing,
      .hint = "A missing key gets the one-byte reply \"!\". Compare keys by length and bytes (memcmp "
              "with equal lengths), not by prefix.",
      .see = "#the-store" },
    { .name = "delete",
      .what = "sets a key, deletes it twice, gets it, deletes a key never set",
      .run = delete_key,
      .hint = "Delete answers \"+\" when the key existed (and removes it) and \"!\" when it did not.",
      .see = "#the-store" },
    { .name = "empty-value",
      .what = "sets a key to the empty value and gets it: the reply is \"+\" alone",
      .run = empty_value,
      .hint = "A value may be empty: the set body is then just 'S', K and the key. The get reply is "
              "then the one byte \"+\", which is not the same as \"!\" (missing).",
      .see = "#the-store" },
    { .name = "malformed-bodies",
      .what = "sends bodies with an unknown op, empty keys, K = 0, K past the end "
              "and 256-byte keys, each expecting \"?\", then a set and a get on the same connection",
      .run = malformed_bodies,
      .hint = "Check every body before using it: the op byte, the key length (1 to 255), K against the "
              "bytes the body really has. A bad body gets the reply \"?\"; the connection stays open, "
              "since the framing is still intact.",
      .see = "#closing-on-a-bad-body" },
    { .name = "longest-key",
      .what = "sets, gets and deletes a key of 255 bytes, the longest allowed",
      .run = longest_key,
      .hint = "Keys are 1 to 255 bytes: 255 is allowed (K is one byte, so it cannot say more). Check "
              "klen > 255, not klen >= 255.",
      .see = "#checking-a-body" },
    { .name = "one-byte-pieces",
      .what = "sends three requests in 1-byte pieces, 2 ms apart",
      .run = one_byte_pieces,
      .hint = "One recv() may return a single byte, part of the length or of a body. Keep what came in "
              "a per-connection buffer and answer a frame only once all its 4 + N bytes are there.",
      .see = "#one-recv-is-not-one-frame" },
    { .name = "pipelined-thousand",
      .what = "sends 1000 requests in one go (500 sets, then 500 gets) before "
              "reading any reply, then reads the 1000 replies",
      .run = pipelined_thousand,
      .hint = "One recv() may hold many frames: answer every whole frame in the buffer, in order, keep "
              "the rest. Don't wait for the client to read or to close before answering.",
      .see = "#pipelining" },
    { .name = "largest-frame",
      .what = "sets a value with a body of exactly 1,048,576 bytes, the limit, and "
              "gets it back",
      .run = largest_frame,
      .hint = "A body may be 1,048,576 bytes: the buffer of a connection must grow to 4 + N as the "
              "frame comes (or be that big). Send the whole reply with a send_all() loop.",
      .see = "#limits-against-hostile-peers" },
    { .name = "binary-keys-and-values",
      .what = "keys and values holding NUL, \\xff and \\n; two keys that "
              "differ only after a NUL",
      .run = binary_keys_and_values,
      .hint = "Keys and values are bytes with a length: store the length, compare with memcmp(), copy "
              "with memcpy(). strlen(), strcmp(), strdup() and \"%s\" stop at the first NUL.",
      .see = "#binary-keys-and-values" },
    { .name = "zero-length-frame",
      .what = "c1 sends a frame length of 0, then a get; c2, connected all along, "
              "then gets a key",
      .run = zero_length,
      .hint = "A length of 0 is not an empty request: it breaks the framing. Close that connection "
              "without a reply (no \"?\"), and go on serving the others.",
      .see = "#limits-against-hostile-peers" },
    { .name = "over-the-limit",
      .what = "c1 sends a frame length of 1,048,577 and 9 bytes; c2 then gets a key",
      .run = over_the_limit,
      .hint = "Check N against 1,048,576 as soon as its 4 bytes are in, before allocating or waiting "
              "for the body: close that connection at once, without a reply.",
      .see = "#limits-against-hostile-peers" },
    { .name = "huge-length",
      .what = "c1 sends a frame length of 4,294,967,295 and 9 bytes; c2 then gets a "
              "key",
      .run = huge_length,
      .hint = "Never malloc(N) or wait for N bytes before checking N: a peer could make you allocate "
              "4 GiB with 4 bytes. Close that connection at once.",
      .see = "#limits-against-hostile-peers" },
    { .name = "shared-store",
      .what = "c1 sets, c2 gets and changes, c1 sees the change; after c1 closes, c3 "
              "still finds c1's key",
      .run = shared_store,
      .hint = "One store for the whole server, for as long as it runs: not one per connection (in a "
              "forked child or a thread's local variable), not cleared when a client leaves.",
      .see = "#one-store-for-all" },
    { .name = "interleaved-clients",
      .what = "c1 sends half a frame; c2 and c3 are served meanwhile; then c1 "
              "sends the rest",
      .run = interleaved_clients,
      .hint = "Serve several clients at once: with poll() and a buffer per connection, a client in the "
              "middle of a frame must not block the others (no blocking readn on one client).",
      .see = "#several-clients-at-once" },
    { .name = "reset-mid-frame",
      .what = "c1 sends 9 bytes of a frame and resets; c2 and then c3 are served",
      .run = reset_mid_frame,
      .hint = "ECONNRESET (or EOF) in the middle of a frame ends that client only: close it, free its "
              "buffers, drop its half frame, and serve the others.",
      .see = "#one-clients-errors" },
    { .name = "client-gone-before-replies",
      .what = "while the server is stopped (SIGSTOP), c1 sends 20 gets "
              "of a 256 KiB value, half-closes and resets; then c2 sets and gets",
      .run = client_gone_before_replies,
      .hint = "Sending replies to a client that is gone raises SIGPIPE, which kills the server: "
              "signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send); a failed send "
              "then ends only that client.",
      .see = "#sigpipe" },
    { .name = "many-clients",
      .what = "41 clients one after another, the server limited to 16 descriptors",
      .run = many_clients,
      .hint = "Close every connection when its client is done, and free its buffers: a leak makes "
              "accept() fail with EMFILE after a dozen clients.",
      .see = "#one-clients-errors" },
    { .name = "restart-same-port",
      .what = "stops the server while a client is still connected, then starts "
              "it again on the same port",
      .run = restart_same_port,
      .hint = "The stopped server's side of the open connection still holds the port: set SO_REUSEADDR "
              "on the listening socket before bind(), or the restart fails with EADDRINUSE.",
      .see = "#restarting-on-the-same-port" },
    { .name = "no-arguments",
      .what = "runs `kvserver` without PORT",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "extra-argument",
      .what = "runs `kvserver 0 1`",
      .run = extra_argument,
      .see = "#usage-errors" },
    { .name = "bad-port",
      .what = "runs kvserver with PORT http, 80x, -1, 65536 and 000080",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character, print a usage line "
              "on stderr and exit(2).",
      .see = "#usage-errors" },
    { .name = NULL },
};
