/* check.c - lesson 12: httpd, a static file server speaking HTTP/1.1.
 * The document root and the HTTP reader are in check_http.c; every byte
 * read from the server is searched for the SECRET outside DIR there. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include "check.h"

#define REQ(target) "GET " target " HTTP/1.1\r\nHost: localhost\r\n\r\n"

/* A server of this test on a fresh document root. */
static int server(struct ctx *c, struct site *s, struct proc **p)
{
    *s = make_site(c);
    return start_httpd(c, s, p, 0);
}

/* Send one request on a fresh connection and read its response. */
static struct response *ask(struct ctx *c, int port, const char *req, struct hconn **out)
{
    struct hconn *h = http_connect(c, port);
    http_send(h, req);
    struct response *r = http_response(h, !strncmp(req, "HEAD ", 5), 2000);
    if (out)
        *out = h;
    else
        http_close(h);
    return r;
}

/* The connection must end between 4.5 and 7.5 s after `since` (a 408
 * response may come first). */
static void closed_in_window(struct ctx *c, struct hconn *h, long since, const char *after)
{
    int how;
    long t = wait_closed(h, since + 7500 - now_ms(c), &how);
    if (how == ETIMEDOUT)
        FAIL(c, .expected = str("c%d closed about 5 s after %s", conn_id(h), after),
             .observed = str("c%d was still open %ld ms after %s", conn_id(h), t - since, after));
    if (t - since < 4500)
        FAIL(c, .expected = str("c%d kept open about 5 s after %s", conn_id(h), after),
             .observed = str("c%d was closed after only %ld ms", conn_id(h), t - since),
             .hint = "The deadline is 5 seconds: a client may take its time to send a request.",
             .see = "#the-5-second-deadline");
}

/* ---- time: near the top of the table, these start at once, beside the rest */

static void silent_client(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *quiet = http_connect(c, port);
    long opened = now_ms(c);
    struct hconn *busy = http_connect(c, port);
    get_ok(busy, "hello.txt");
    get_ok(busy, "docs/guide.txt");
    long answered = now_ms(c);
    peer_record(c, 0, "c%d sends nothing; c%d waits after its answers", conn_id(quiet),
                conn_id(busy));
    closed_in_window(c, quiet, opened, "it connected without sending a byte");
    closed_in_window(c, busy, answered, "its last response");
}

static void trickle(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *h = http_connect(c, port);
    long opened = now_ms(c);
    const char *start = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    conn_send_some(c, hconn_conn(h), start, strlen(start), 0, 0);
    int how = ETIMEDOUT;
    long t = now_ms(c);
    while (how == ETIMEDOUT && t - opened < 8000) {
        t = wait_closed(h, 400, &how);
        if (how == ETIMEDOUT)
            conn_send_some(c, hconn_conn(h), "z", 1, 0, 0);
    }
    if (how == ETIMEDOUT)
        FAIL(c, .expected = "the connection closed about 5 s after it opened: no complete "
                            "request head had come",
             .observed = str("still open after %ld ms, a byte coming every 400 ms", t - opened));
    if (t - opened < 4500)
        FAIL(c, .expected = "the connection kept open about 5 s while the head trickles in",
             .observed = str("closed after only %ld ms", t - opened),
             .hint = "A head may come in many pieces: keep what arrived and wait for more "
                     "until the deadline.");
}

static void deadline_rearmed(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    get_ok(h, "hello.txt");
    pause_ms(2800);
    get_ok(h, "style.css");
    pause_ms(2800);
    get_ok(h, "hello.txt");
}

/* ---- files ----------------------------------------------------------- */

static void get_file(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    get_ok(h, "hello.txt");
}

static void content_types(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    for (const struct site_file *f = site_files; f->name; f++)
        if (!strchr(f->name, ' ') && !strchr(f->name, '%') && !strstr(f->name, ".."))
            get_ok(h, f->name);
}

static void binary_file(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    size_t n = 256u << 10;
    char *data = random_bytes(n, 12);
    data[0] = 0;   /* a NUL first: strlen() would see nothing */
    site_put(c, &s, "random.bin", data, n);
    struct hconn *h = http_connect(c, port);
    http_send(h, REQ("/random.bin"));
    struct response *r = http_response(h, 0, 3000);
    expect_status(h, r, 200);
    expect_body(h, r, data, n);
}

/* How big "big" can be here: 100 MiB, unless a limit (the grader's file
 * size limit, the free space) says less. */
static size_t big_size(struct ctx *c, struct site *s)
{
    size_t n = 100u << 20, mib = 1u << 20;
    struct rlimit rl;
    struct statvfs v;
    signal(SIGXFSZ, SIG_IGN);   /* over a file size limit: EFBIG, not death */
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < n + mib)
        n = rl.rlim_cur > mib ? (size_t)(rl.rlim_cur - mib) / mib * mib : 0;
    if (statvfs(s->dir, &v) == 0 && (size_t)v.f_bavail * v.f_frsize / 2 < n)
        n = (size_t)v.f_bavail * v.f_frsize / 2 / mib * mib;
    if (n < 4 * mib)
        skip(c, "the checker cannot write a big file here (file size limit or free space)");
    if (n < 100 * mib)
        note(c, "A limit on this machine (file size or free space) allows a %zu MiB file, not "
                "100 MiB.", n / mib);
    return n;
}

static void big_file(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    size_t n = big_size(c, &s), chunk = 1u << 20, off = 0;
    make_big_file(c, &s, "big.bin", n);
    struct hconn *h = http_connect(c, port);
    http_send(h, REQ("/big.bin"));
    struct response *r = http_response_head(h, 3000);
    peer_record(c, -1, "c%d: %s", conn_id(h), escaped(r->head, r->head_len, 300));
    expect_status(h, r, 200);
    if (r->length != (long long)n)
        FAIL(c, .expected = str("Content-Length: %zu (the file's size)", n),
             .observed = str("Content-Length: %lld", r->length),
             .hint = "Content-Length is the size fstat() gives (st_size, an off_t: print it "
                     "with %lld or %jd, not %d).");
    char *got = xmalloc(chunk), *want = xmalloc(chunk);
    while (off < n) {
        int end;
        long m = http_take(h, got, n - off < chunk ? n - off : chunk, 3000, &end);
        if (m <= 0) {
            peer_record(c, -1, "c%d: %zu bytes of body, then %s", conn_id(h), off,
                        end == ETIMEDOUT ? "silence" : end ? strerror(end) : "EOF");
            FAIL(c, .expected = str("a body of %zu bytes", n),
                 .observed = str("%zu bytes, then %s", off,
                                 end == ETIMEDOUT ? "nothing for 3 s" : end ? strerror(end) : "EOF"),
                 .hint = usual_buffer_size(off)
                     ? str("%zu bytes is the size of a buffer: the file must go out in a loop, "
                           "buffer after buffer, until all of it is sent.", off)
                     : NULL);
        }
        pattern(want, off, (size_t)m);
        if (memcmp(got, want, (size_t)m)) {
            size_t i = 0;
            while (got[i] == want[i])
                i++;
            size_t at = off + i, word = i & ~(size_t)7;
            long long from = word + 8 <= (size_t)m ? pattern_offset(got + word) : -1;
            FAIL(c, .expected = str("the file's bytes, unchanged (offset %zu: %s)", at,
                                    escaped(want + i, 8, 40)),
                 .observed = str("from offset %zu: %s%s", at, escaped(got + i, 8, 40),
                                 from >= 0 ? str(", the file's bytes from offset %lld", from) : ""),
                 .hint = "Each piece of the file must be sent once, in order: after a short "
                         "send() go on from where it stopped, not from the start of the buffer.");
        }
        off += (size_t)m;
    }
    peer_record(c, -1, "c%d: a body of %zu bytes, every one as in the file", conn_id(h), off);
    get_ok(h, "hello.txt");
}

static void head_request(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *f = site_file("docs/guide.txt");
    http_send(h, "HEAD /docs/guide.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    struct response *r = http_response(h, 1, 2000);
    expect_status(h, r, 200);
    expect_type(h, r, f->type);
    if (r->length != (long long)f->len)
        FAIL(c, .expected = str("Content-Length: %zu, as a GET would say", f->len),
             .observed = str("Content-Length: %lld", r->length),
             .hint = "HEAD answers with the very headers of GET (Content-Length the file's "
                     "size), and no body.");
    /* A body sent anyway would come before the next response. */
    get_ok(h, "hello.txt");
}

static void directory_index(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *root = site_file("index.html"), *docs = site_file("docs/index.html");
    const char *targets[] = { "/", "/docs/", "/docs" };
    for (int i = 0; i < 3; i++) {
        const struct site_file *f = i ? docs : root;
        http_send(h, str(REQ("%s"), targets[i]));
        struct response *r = http_response(h, 0, 2000);
        expect_status(h, r, 200);
        expect_body(h, r, f->body, f->len);
        expect_type(h, r, "text/html");
    }
}

static void directory_without_index(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    http_send(h, REQ("/empty/"));
    expect_status(h, http_response(h, 0, 2000), 404);
    http_send(h, REQ("/empty"));
    expect_status(h, http_response(h, 0, 2000), 404);
}

static void not_found(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const char *targets[] = { "/nothing.txt", "/docs/nothing.html", "/hello.txt/more", "/no/dir/" };
    for (int i = 0; i < 4; i++) {
        http_send(h, str(REQ("%s"), targets[i]));
        expect_status(h, http_response(h, 0, 2000), 404);
    }
    get_ok(h, "hello.txt");   /* the connection stays open after a 404 */
}

static void method_not_allowed(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const char *methods[] = { "POST", "DELETE", "PUT", "BREW" };
    for (int i = 0; i < 4; i++) {
        http_send(h, str("%s /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", methods[i]));
        struct response *r = http_response(h, 0, 2000);
        expect_status(h, r, 405);
        const char *allow = header(r, "Allow");
        if (!allow || strcmp(allow, "GET, HEAD"))
            FAIL(c, .expected = "the header \"Allow: GET, HEAD\" with the 405",
                 .observed = allow ? str("Allow: %s", escaped(allow, strlen(allow), 60))
                                   : "no Allow header");
    }
    get_ok(h, "hello.txt");
}

static void bad_request(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    const char *lines[] = {
        "GARBAGE\r\n\r\n",
        "GET /hello.txt\r\nHost: localhost\r\n\r\n",
        "GET hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET /hello.txt HTTP/2.0\r\nHost: localhost\r\n\r\n",
        "GET /hello.txt http/1.1\r\nHost: localhost\r\n\r\n",
        "GET /hello.txt HTTP/1.1 please\r\nHost: localhost\r\n\r\n",
    };
    for (int i = 0; i < 6; i++) {
        struct hconn *h;
        struct response *r = ask(c, port, lines[i], &h);
        expect_status(h, r, 400);
        expect_says_close(h, r);
        expect_closed(h, 2000, 0);
        http_close(h);
    }
}

/* A head of exactly n bytes asking for /hello.txt. */
static char *head_of(size_t n)
{
    const char *start = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Fill: ";
    size_t fill = n - strlen(start) - 4;
    char *req = xmalloc(n + 1);
    strcpy(req, start);
    memset(req + strlen(start), 'f', fill);
    strcpy(req + strlen(start) + fill, "\r\n\r\n");
    return req;
}

static void head_limit(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *f = site_file("hello.txt");
    http_send(h, head_of(8192));
    struct response *r = http_response(h, 0, 2000);
    if (r->code == 431)
        FAIL(c, .expected = "200: a head of exactly 8192 bytes is allowed",
             .observed = str("431: %s", escaped(r->head, r->head_len, 200)),
             .hint = "8192 bytes, from the request line's first byte to the end of the empty "
                     "line, still fit: a buffer of 8192 bytes holds them all (no byte kept "
                     "back for a '\\0').");
    expect_status(h, r, 200);
    expect_body(h, r, f->body, f->len);
}

static void head_too_large(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *h = http_connect(c, port);
    http_send(h, head_of(8193));
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 431);
    expect_says_close(h, r);
    expect_closed(h, 2000, 0);
    /* 256 KiB of header lines and no end: a server without a limit waits for more. */
    size_t n = 256u << 10;
    char *flood = xmalloc(n);
    for (size_t i = 0; i < n; i += 32)
        memcpy(flood + i, "X-Flood: fffffffffffffffffffff\r\n", 32);
    memcpy(flood, "GET /hello.txt HTTP/1.1\r\n", 25);
    struct hconn *h2 = http_connect(c, port);
    conn_send_some(c, hconn_conn(h2), flood, n, 0, 0);
    r = http_response(h2, 0, 2000);
    expect_status(h2, r, 431);
    expect_closed(h2, 2000, 0);
}

static void query_ignored(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *f = site_file("hello.txt"), *d = site_file("docs/index.html");
    const char *targets[] = { "/hello.txt?lang=en", "/hello.txt?next=../../secret.txt",
                              "/docs/?page=2" };
    for (int i = 0; i < 3; i++) {
        http_send(h, str(REQ("%s"), targets[i]));
        struct response *r = http_response(h, 0, 2000);
        expect_status(h, r, 200);
        expect_body(h, r, i < 2 ? f->body : d->body, i < 2 ? f->len : d->len);
    }
}

static void percent_decoding(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const char *targets[] = { "/with%20space.txt", "/%68ello.txt", "/percent%2541.txt" };
    const char *names[] = { "with space.txt", "hello.txt", "percent%41.txt" };
    for (int i = 0; i < 3; i++) {
        const struct site_file *f = site_file(names[i]);
        http_send(h, str(REQ("%s"), targets[i]));
        struct response *r = http_response(h, 0, 2000);
        expect_status(h, r, 200);
        expect_body(h, r, f->body, f->len);
    }
}

static void dots_in_names(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    get_ok(h, "v1..2.txt");
}

/* ---- connections ----------------------------------------------------- */

static void keep_alive(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    get_ok(h, "hello.txt");
    get_ok(h, "style.css");
    get_ok(h, "docs/guide.txt");
    http_send(h, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    expect_says_close(h, r);
    expect_closed(h, 2000, 0);
}

static void http10_close(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *h;
    struct response *r = ask(c, port, "GET /hello.txt HTTP/1.0\r\n\r\n", &h);
    expect_status(h, r, 200);
    expect_says_close(h, r);
    expect_closed(h, 2000, 0);
}

static void http10_keep_alive(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    for (int i = 0; i < 2; i++) {
        http_send(h, "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        expect_status(h, http_response(h, 0, 2000), 200);
    }
    http_send(h, "GET /style.css HTTP/1.0\r\n\r\n");
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    expect_says_close(h, r);
    expect_closed(h, 2000, 0);
}

static void connection_case(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *h;
    struct response *r = ask(c, port, "GET /hello.txt HTTP/1.1\r\nhost: localhost\r\n"
                                      "connection: CLOSE\r\n\r\n", &h);
    expect_status(h, r, 200);
    const char *v = header(r, "Connection");
    if (!v || !has_token(v, "close"))   /* the test's hint: the request's header was missed */
        FAIL(c, .expected = "\"Connection: close\" in the response: the request said "
                            "\"connection: CLOSE\"",
             .observed = escaped(r->head, r->head_len, 400));
    expect_closed(h, 2000, 0);
    struct hconn *k = http_connect(c, port);
    for (int i = 0; i < 2; i++) {
        http_send(k, "GET /hello.txt HTTP/1.0\r\nCONNECTION: Keep-Alive\r\n\r\n");
        expect_status(k, http_response(k, 0, 2000), 200);
    }
}

static void pipelined(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *a = site_file("hello.txt"), *b = site_file("style.css");
    http_send(h, REQ("/hello.txt") "HEAD /docs/guide.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                 REQ("/style.css") REQ("/nothing.txt"));
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    expect_body(h, r, a->body, a->len);
    expect_status(h, http_response(h, 1, 2000), 200);
    r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    expect_body(h, r, b->body, b->len);
    expect_status(h, http_response(h, 0, 2000), 404);
}

static void pipelined_many(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *f = site_file("hello.txt");
    const char *one = REQ("/hello.txt");
    const char *last = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    int n = 300;
    size_t len = strlen(one) * (size_t)(n - 1) + strlen(last);
    char *all = xmalloc(len + 1);
    for (int i = 0; i < n - 1; i++)
        memcpy(all + strlen(one) * (size_t)i, one, strlen(one));
    strcpy(all + strlen(one) * (size_t)(n - 1), last);
    peer_record(c, 0, "%d requests in one send, %zu bytes (more than 8192 in all)", n, len);
    http_send_bytes(h, all, len);
    for (int i = 0; i < n; i++) {
        struct response *r = http_response(h, 0, 2000);
        expect_status(h, r, 200);
        expect_body(h, r, f->body, f->len);
    }
    expect_closed(h, 2000, 0);
}

static void bare_lf(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *h;
    const struct site_file *f = site_file("hello.txt");
    struct response *r = ask(c, port, "GET /hello.txt HTTP/1.1\nHost: localhost\n\n", &h);
    expect_status(h, r, 200);
    expect_body(h, r, f->body, f->len);
}

static void split_request(struct ctx *c)
{
    struct site s;
    struct hconn *h = http_connect(c, server(c, &s, NULL));
    const struct site_file *f = site_file("hello.txt");
    const char *req = REQ("/hello.txt");
    http_send_pieces(h, req, 1, 3);
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    expect_body(h, r, f->body, f->len);
}

static void others_served(struct ctx *c)
{
    struct site s;
    int port = server(c, &s, NULL);
    struct hconn *slow = http_connect(c, port);
    const char *req = "GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n";
    size_t part = strlen("GET /style.css HTTP/1.1\r\nHost: loc");
    http_send_part(slow, req, part);
    struct hconn *fast = http_connect(c, port);
    get_ok(fast, "hello.txt");
    get_ok(fast, "docs/guide.txt");
    conn_send(c, hconn_conn(slow), req + part, strlen(req) - part);
    const struct site_file *f = site_file("style.css");
    struct response *r = http_response(slow, 0, 2000);
    expect_status(slow, r, 200);
    expect_body(slow, r, f->body, f->len);
}

/* ---- path traversal: each probe on a connection of its own ---------- */

static void probes(struct ctx *c, const char *const *targets)
{
    struct site s;
    int port = server(c, &s, NULL);
    for (int i = 0; targets[i]; i++) {
        struct hconn *h;
        struct response *r = ask(c, port, str(REQ("%s"), targets[i]), &h);
        expect_refusal(h, r);
        http_close(h);
    }
}

static void traversal_dotdot(struct ctx *c)
{
    probes(c, ARGV("/../secret.txt", "/docs/../../secret.txt", "/./../secret.txt", "/..",
                   "/../www2/secret.txt", "/docs/../hello.txt"));
}

static void traversal_encoded(struct ctx *c)
{
    probes(c, ARGV("/%2e%2e/secret.txt", "/%2E%2e/secret.txt", "/.%2e/secret.txt",
                   "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/docs/%2E%2E/%2e%2E/secret.txt",
                   "/docs%2f..%2f..%2fsecret.txt"));
}

static void traversal_symlink(struct ctx *c)
{
    probes(c, ARGV("/outside-link.txt", "/abs-link.txt", "/outdir/secret.txt", "/outdir/",
                   "/sibling-link.txt", "/trap/", "/trap/index.html"));
}

static void traversal_nul(struct ctx *c)
{
    probes(c, ARGV("/hello.txt%00.png", "/hello.txt%00", "/docs%00/guide.txt",
                   "/outside-link.txt%00"));
}

/* ---- robustness ------------------------------------------------------ */

static void reset_mid_request(struct ctx *c)
{
    struct site s;
    struct proc *p;
    int port = server(c, &s, &p);
    struct hconn *h = http_connect(c, port);
    conn_send(c, hconn_conn(h), "GET /hel", 8);
    conn_reset(c, hconn_conn(h));
    struct hconn *k = http_connect(c, port);
    conn_reset(c, hconn_conn(k));
    expect_still_serving(c, p, "two clients reset their connections");
    get_ok(http_connect(c, port), "hello.txt");
}

static void sigpipe(struct ctx *c)
{
    struct site s;
    struct proc *p;
    int port = server(c, &s, &p);
    make_big_file(c, &s, "medium.bin", 12u << 20);
    struct hconn *h = http_connect(c, port);
    conn_rcvbuf(hconn_conn(h), 16 << 10);
    http_send(h, REQ("/medium.bin"));
    struct response *r = http_response_head(h, 3000);
    expect_status(h, r, 200);
    char buf[4096];
    int end;
    http_take(h, buf, sizeof buf, 2000, &end);
    for (int i = 0; i < 500 && !prog_asleep(p); i++)
        pause_ms(2);   /* until the server waits in send(): our buffer is full */
    peer_record(c, 0, "c%d read 4 KiB of the 12 MiB and stops reading", conn_id(h));
    conn_half_close(c, hconn_conn(h));
    pause_ms(20);
    conn_reset(c, hconn_conn(h));
    expect_still_serving(c, p, "a client went away in the middle of a 12 MiB response");
    get_ok(http_connect(c, port), "hello.txt");
}

static void many_clients(struct ctx *c)
{
    struct site s;
    struct proc *p;
    s = make_site(c);
    int port = start_httpd(c, &s, &p, 16);
    note(c, "The server runs with RLIMIT_NOFILE 16: a descriptor lost per request (a file not "
            "closed, a connection not closed) runs it out.");
    const char *reqs[] = {
        "GET /hello.txt HTTP/1.0\r\n\r\n",
        "GET /docs/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "GET /nothing.txt HTTP/1.0\r\n\r\n",
        "HEAD /style.css HTTP/1.0\r\n\r\n",
        "GET /empty/ HTTP/1.0\r\n\r\n",
        "POST /hello.txt HTTP/1.0\r\n\r\n",
        "BAD REQUEST\r\n\r\n",
        "GET /../secret.txt HTTP/1.0\r\n\r\n",
    };
    for (int i = 0; i < 48; i++) {
        struct hconn *h;
        ask(c, port, reqs[i % 8], &h);
        expect_closed(h, 2000, 0);
        http_close(h);
    }
    get_ok(http_connect(c, port), "hello.txt");
}

/* ---- the command line ------------------------------------------------ */

static void not_a_directory(struct ctx *c)
{
    struct site s = make_site(c);
    const char *file = str("%s/hello.txt", s.dir), *missing = str("%s/missing", s.top);
    struct proc *p = prog_start(c, (struct start){ .argv = ARGV("httpd", "0", file) });
    expect_exit(c, p, 1, 2000);
    size_t n;
    prog_stderr(p, &n);
    if (!n)
        FAIL(c, .expected = "a reason on stderr (e.g. \"Not a directory\")",
             .observed = "stderr was empty");
    p = prog_start(c, (struct start){ .argv = ARGV("httpd", "0", missing) });
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "No such file or directory");
}

static void no_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("httpd"));
    expect_usage_error(c, ARGV("httpd", "0"));
}

static void extra_argument(struct ctx *c)
{
    struct site s = make_site(c);
    expect_usage_error(c, ARGV("httpd", "0", s.dir, "1"));
}

static void bad_port(struct ctx *c)
{
    struct site s = make_site(c);
    const char *values[] = { "http", "80x", "-1", "65536", "000080", NULL };
    for (int i = 0; values[i]; i++)
        expect_usage_error(c, ARGV("httpd", values[i], s.dir));
}

const struct test httpd_tests[] = {
    { .name = "get-file",
      .what = "GET /hello.txt HTTP/1.1",
      .run = get_file,
      .hint = "A 200 response: \"HTTP/1.1 200 OK\\r\\n\", Content-Type, Content-Length (the file's "
              "size), an empty line, then the file's bytes.",
      .see = "#http-messages" },
    { .name = "silent-client",
      .what = "c1 connects and sends nothing; c2 is served meanwhile, then waits: each "
              "must be closed about 5 s later (c1 after connecting, c2 after its last response)",
      .run = silent_client,
      .hint = "A client that sends nothing must not hold up the others (a thread per connection, or "
              "poll()), and a connection without a complete request head for 5 s is closed.",
      .see = "#the-5-second-deadline" },
    { .name = "trickle",
      .what = "sends a request head one byte every 400 ms, never finishing it: closed about "
              "5 s after connecting",
      .run = trickle,
      .hint = "The 5 seconds are a deadline, fixed when you start waiting for the head: a byte that "
              "arrives does not give the client 5 more seconds.",
      .see = "#the-5-second-deadline" },
    { .name = "deadline-rearmed",
      .what = "three requests on one connection, 2.8 s apart (the last 5.6 s after "
              "it opened)",
      .run = deadline_rearmed,
      .hint = "The 5 seconds start again after each response: a connection that keeps sending requests "
              "stays open however long it lasts.",
      .see = "#the-5-second-deadline" },
    { .name = "content-types",
      .what = "GETs a file of each extension of the contract's table (and a few "
              "others) on one connection",
      .run = content_types,
      .hint = "Content-Type from the extension after the last dot, with the table of the contract.",
      .see = "#content-type" },
    { .name = "binary-file",
      .what = "GETs 256 KiB of random bytes (NULs included)",
      .run = binary_file,
      .hint = "A file is bytes, not a string: read() and send() counts, never strlen() or fgets().",
      .see = "#large-files" },
    { .name = "big-file",
      .what = "GETs a 100 MiB file and compares every byte, then GETs another file on the "
              "same connection",
      .run = big_file,
      .hint = "Stream the file: read a buffer, send all of it, repeat (or sendfile() in a loop); never "
              "the whole file in memory, never one send() for all.",
      .see = "#large-files" },
    { .name = "head-request",
      .what = "HEAD /docs/guide.txt, then GET /hello.txt on the same connection",
      .run = head_request,
      .hint = "HEAD: the same status and headers as GET, and no body at all.",
      .see = "#head" },
    { .name = "directory-index",
      .what = "GETs /, /docs/ and /docs",
      .run = directory_index,
      .hint = "A target naming a directory is answered with its index.html.",
      .see = "#directories" },
    { .name = "directory-without-index",
      .what = "GETs /empty/ and /empty, a directory without index.html",
      .run = directory_without_index,
      .hint = "A directory without index.html is 404: no listing, no empty 200.",
      .see = "#directories" },
    { .name = "not-found",
      .what = "GETs four paths that do not exist, then a file, on one connection",
      .run = not_found,
      .hint = "404 with a Content-Length (an error page has a body too), and the connection stays "
              "open.",
      .see = "#content-length" },
    { .name = "method-not-allowed",
      .what = "POST, DELETE, PUT and BREW /hello.txt, then a GET, on one "
              "connection",
      .run = method_not_allowed,
      .hint = "Any method but GET and HEAD: 405 with the header \"Allow: GET, HEAD\"; the connection "
              "goes on.",
      .see = "#methods" },
    { .name = "bad-request",
      .what = "six malformed request lines, each on its own connection",
      .run = bad_request,
      .hint = "METHOD SP TARGET SP VERSION, exactly: no third space, TARGET starting with '/', VERSION "
              "HTTP/1.0 or HTTP/1.1. Otherwise 400 with \"Connection: close\", then close.",
      .see = "#bad-requests" },
    { .name = "head-limit",
      .what = "a request head of exactly 8192 bytes",
      .run = head_limit,
      .hint = "8192 bytes is the most a head may have, and still allowed.",
      .see = "#the-8192-byte-limit" },
    { .name = "head-too-large",
      .what = "a request head of 8193 bytes; then 256 KiB of header lines without "
              "an end",
      .run = head_too_large,
      .hint = "Keep at most 8192 bytes of head: when they are full and no empty line came, answer 431 "
              "with \"Connection: close\" and close.",
      .see = "#the-8192-byte-limit" },
    { .name = "query-ignored",
      .what = "GETs with a query (?lang=en, ?next=../../secret.txt)",
      .run = query_ignored,
      .hint = "The query names no file: cut the target at the first '?'.",
      .see = "#the-target" },
    { .name = "percent-decoding",
      .what = "GETs /with%20space.txt, /%68ello.txt and /percent%2541.txt",
      .run = percent_decoding,
      .hint = "Decode each %XX once: %2541 becomes %41, not A.",
      .see = "#the-target" },
    { .name = "dots-in-names",
      .what = "GETs /v1..2.txt, a name with two dots in it",
      .run = dots_in_names,
      .hint = "Only a whole \"..\" segment (between slashes) climbs: look at segments, not at the "
              "substring \"..\".",
      .see = "#path-traversal" },
    { .name = "keep-alive",
      .what = "three HTTP/1.1 requests on one connection, then one with "
              "\"Connection: close\"",
      .run = keep_alive,
      .hint = "HTTP/1.1 keeps the connection open for the next request, until a request says "
              "\"Connection: close\": then answer with \"Connection: close\" and close.",
      .see = "#keep-alive" },
    { .name = "http10-close",
      .what = "an HTTP/1.0 request without a Connection header",
      .run = http10_close,
      .hint = "HTTP/1.0 closes after each response unless the request said "
              "\"Connection: keep-alive\"; the response says \"Connection: close\".",
      .see = "#keep-alive" },
    { .name = "http10-keep-alive",
      .what = "two HTTP/1.0 requests with \"Connection: keep-alive\", then one "
              "without",
      .run = http10_keep_alive,
      .hint = "HTTP/1.0 with \"Connection: keep-alive\" keeps the connection open.",
      .see = "#keep-alive" },
    { .name = "connection-case",
      .what = "\"connection: CLOSE\" on HTTP/1.1; \"CONNECTION: Keep-Alive\" on "
              "HTTP/1.0",
      .run = connection_case,
      .hint = "Header names and the Connection value ignore case: strcasecmp(), strncasecmp().",
      .see = "#keep-alive" },
    { .name = "pipelined",
      .what = "four requests (GET, HEAD, GET, a 404) in one send",
      .run = pipelined,
      .hint = "Bytes after one request's empty line are the next request: keep them in the buffer "
              "and answer each, in order.",
      .see = "#pipelining" },
    { .name = "pipelined-many",
      .what = "300 requests in one send (over 8192 bytes in all), the last with "
              "\"Connection: close\"",
      .run = pipelined_many,
      .hint = "The 8192-byte limit is for one head, not for all that arrived: take each head out of "
              "the buffer once answered.",
      .see = "#pipelining" },
    { .name = "bare-lf",
      .what = "a request whose lines end with a bare \\n",
      .run = bare_lf,
      .hint = "Lines end with \\r\\n, but a bare \\n is accepted too: the head ends at \\n\\n or "
              "\\n\\r\\n.",
      .see = "#http-messages" },
    { .name = "split-request",
      .what = "sends a request in 1-byte pieces",
      .run = split_request,
      .hint = "One recv() is not one request: keep receiving into the buffer until the empty line "
              "has come.",
      .see = "#http-messages" },
    { .name = "others-served",
      .what = "c1 sends half a request and waits; c2 sends two requests; then c1 "
              "finishes its own",
      .run = others_served,
      .hint = "A slow client must not hold up the others: a thread per connection, or poll().",
      .see = "#serving-several-clients" },
    { .name = "traversal-dotdot",
      .what = "GETs /../secret.txt, /docs/../../secret.txt, /docs/../hello.txt "
              "and others with a \"..\" segment",
      .run = traversal_dotdot,
      .hint = "Refuse (404 or 403) any path with a \"..\" segment, even one that would stay inside DIR.",
      .see = "#path-traversal" },
    { .name = "traversal-encoded",
      .what = "GETs /%2e%2e/secret.txt, /%2E%2e/..., /..%2fsecret.txt and other "
              "escaped forms",
      .run = traversal_encoded,
      .hint = "Check for \"..\" AFTER decoding %XX: %2e%2e is \"..\" and %2f is '/'.",
      .see = "#path-traversal" },
    { .name = "traversal-symlink",
      .what = "GETs symbolic links inside DIR that lead out of it (to a file, a "
              "directory, a sibling www2/, an index.html)",
      .run = traversal_symlink,
      .hint = "Resolve the path (realpath()) and check the result is under realpath(DIR) followed by "
              "'/' (\"/srv/www2\" is not under \"/srv/www\"), or open it component by component with "
              "openat(O_NOFOLLOW).",
      .see = "#path-traversal" },
    { .name = "traversal-nul",
      .what = "GETs /hello.txt%00.png and other paths holding %00",
      .run = traversal_nul,
      .hint = "A decoded NUL cuts a C string: \"/hello.txt\\0.png\" opens hello.txt. Refuse a path "
              "holding a NUL (the decoded length differs from strlen()).",
      .see = "#path-traversal" },
    { .name = "reset-mid-request",
      .what = "c1 sends half a request and resets; c2 connects and resets; c3 "
              "asks for a file",
      .run = reset_mid_request,
      .hint = "A reset or EOF ends that connection only: close it and go on serving.",
      .see = "#one-clients-errors" },
    { .name = "sigpipe",
      .what = "asks for a 12 MiB file, reads 4 KiB, half-closes and resets; then another "
              "client asks for a file",
      .run = sigpipe,
      .hint = "Sending to a client that has gone raises SIGPIPE, which kills the server: "
              "signal(SIGPIPE, SIG_IGN) at the start (or MSG_NOSIGNAL on every send()).",
      .see = "#sigpipe" },
    { .name = "many-clients",
      .what = "48 clients one after another (200, 404, HEAD, 405, 400, 403...), the "
              "server limited to 16 descriptors",
      .run = many_clients,
      .hint = "Close the file on every path out (404 after open(), a failed send...), and the "
              "connection when it ends.",
      .see = "#descriptor-leaks" },
    { .name = "not-a-directory",
      .what = "runs httpd with DIR a regular file, then a missing path",
      .run = not_a_directory,
      .hint = "Check DIR at the start (stat() and S_ISDIR, or realpath()): a reason on stderr, exit 1.",
      .see = "#usage-errors" },
    { .name = "no-arguments",
      .what = "runs `httpd` and `httpd 0`",
      .run = no_arguments,
      .hint = NULL,
      .see = "#usage-errors" },
    { .name = "extra-argument",
      .what = "runs `httpd 0 DIR 1`",
      .run = extra_argument,
      .hint = NULL,
      .see = "#usage-errors" },
    { .name = "bad-port",
      .what = "runs httpd with PORT http, 80x, -1, 65536 and 000080",
      .run = bad_port,
      .hint = "PORT is 1 to 5 decimal digits, at most 65535: check every character, print a usage "
              "line on stderr and exit(2).",
      .see = "#usage-errors" },
    { .name = NULL },
};

const struct lesson LESSON = {
    "12-http",
    (const struct program[]){ { "httpd", httpd_tests }, { NULL } },
};
