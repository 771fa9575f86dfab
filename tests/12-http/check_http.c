/* check_http.c - lesson 12: the document root the checker builds for each
 * test, and a lenient HTTP reader: it takes the responses off a connection
 * one by one, as a client would, and makes sure no byte of the SECRET
 * outside DIR ever comes, whatever the test. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "check.h"

/* ---- the document root --------------------------------------------- */

static const char PNG[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"
                          "\x1f\x15\xc4\x89\0\0\0\0IEND\xae\x42\x60\x82";
static const char JPG[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9";
static const char GIF[] = "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0"
                          "\x02\x02\x44\x01\0;";
#define TEXT(s) s, sizeof s - 1

const struct site_file site_files[] = {
    { "hello.txt", "text/plain", TEXT("Hello, HTTP!\n") },
    { "index.html", "text/html", TEXT("<!doctype html>\n<title>DIR</title>\n<p>the root's index\n") },
    { "page.html", "text/html", TEXT("<!doctype html>\n<p>a page\n") },
    { "page.htm", "text/html", TEXT("<!doctype html>\n<p>a page, old style\n") },
    { "style.css", "text/css", TEXT("body { font-family: sans-serif; }\n") },
    { "app.js", "text/javascript", TEXT("console.log(\"lesson 12\");\n") },
    { "data.json", "application/json", TEXT("{\"lesson\": 12, \"program\": \"httpd\"}\n") },
    { "pic.png", "image/png", TEXT(PNG) },
    { "photo.jpg", "image/jpeg", TEXT(JPG) },
    { "photo.jpeg", "image/jpeg", TEXT(JPG) },
    { "anim.gif", "image/gif", TEXT(GIF) },
    { "logo.svg", "image/svg+xml",
      TEXT("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>\n") },
    { "data.bin", "application/octet-stream", TEXT("\0\x01\x02\x03 binary \xff\xfe\0\n") },
    { "README", "application/octet-stream", TEXT("a name without an extension\n") },
    { "notes.md", "application/octet-stream", TEXT("# an extension the table lacks\n") },
    { "page.html.bak", "application/octet-stream", TEXT("the last extension counts: .bak\n") },
    { "docs/index.html", "text/html", TEXT("<!doctype html>\n<p>the docs' index\n") },
    { "docs/guide.txt", "text/plain", TEXT("a guide in a subdirectory\n") },
    { "empty/note.txt", "text/plain", TEXT("a directory without index.html\n") },
    { "with space.txt", "text/plain", TEXT("a space in the name: %20 decoded\n") },
    { "percent%41.txt", "text/plain", TEXT("%2541 decoded once is %41\n") },
    { "percentA.txt", "text/plain", TEXT("%2541 decoded TWICE is A: wrong\n") },
    { "v1..2.txt", "text/plain", TEXT("two dots inside a name are no .. segment\n") },
    { NULL, NULL, NULL, 0 },
};

const struct site_file *site_file(const char *name)
{
    for (const struct site_file *f = site_files; f->name; f++)
        if (!strcmp(f->name, name))
            return f;
    return NULL;
}

static void put_file(struct ctx *c, const char *path, const void *body, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, body, n) != (ssize_t)n || fchmod(fd, 0644) != 0)
        skip(c, str("the checker cannot write %s: %s", path, strerror(errno)));
    close(fd);
}

void site_put(struct ctx *c, struct site *s, const char *name, const void *body, size_t n)
{
    put_file(c, str("%s/%s", s->dir, name), body, n);
}

static void put_dir(struct ctx *c, const char *path)
{
    if (mkdir(path, 0755) != 0 || chmod(path, 0755) != 0)
        skip(c, str("the checker cannot make %s: %s", path, strerror(errno)));
}

static void put_link(struct ctx *c, const char *target, const char *path)
{
    if (symlink(target, path) != 0)
        skip(c, str("the checker cannot make the symbolic link %s: %s", path, strerror(errno)));
}

static const char *secret_text(void)
{
    return SECRET_MARKER ": this file lies OUTSIDE DIR; no byte of it may ever be sent.\n"
           SECRET_MARKER ": a server that sent this let a client climb out of DIR.\n";
}

struct site make_site(struct ctx *c)
{
    struct site s;
    s.top = scratch_dir(c);
    s.dir = str("%s/www", s.top);
    put_file(c, str("%s/secret.txt", s.top), secret_text(), strlen(secret_text()));
    put_dir(c, str("%s/www2", s.top));
    put_file(c, str("%s/www2/secret.txt", s.top), secret_text(), strlen(secret_text()));
    put_dir(c, s.dir);
    put_dir(c, str("%s/docs", s.dir));
    put_dir(c, str("%s/empty", s.dir));
    put_dir(c, str("%s/trap", s.dir));
    for (const struct site_file *f = site_files; f->name; f++)
        put_file(c, str("%s/%s", s.dir, f->name), f->body, f->len);
    /* Symbolic links that lead out of DIR, each a way to the SECRET. */
    put_link(c, "../secret.txt", str("%s/outside-link.txt", s.dir));
    put_link(c, str("%s/secret.txt", s.top), str("%s/abs-link.txt", s.dir));
    put_link(c, s.top, str("%s/outdir", s.dir));
    put_link(c, "../www2/secret.txt", str("%s/sibling-link.txt", s.dir));
    put_link(c, "../../secret.txt", str("%s/trap/index.html", s.dir));
    return s;
}

/* The big file: 8-byte words, each its own offset mixed with a constant,
 * so that misplaced bytes tell where they came from. */
static const unsigned long long MIX = 0x5ce7a11ed0c0ffeeULL;

void pattern(char *buf, size_t off, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t pos = off + i, word = pos & ~(size_t)7;
        unsigned long long v = (unsigned long long)word ^ MIX;
        unsigned char b[8];
        for (int k = 0; k < 8; k++)
            b[k] = (unsigned char)(v >> (8 * k));
        size_t from = pos - word, take = 8 - from;
        if (take > n - i)
            take = n - i;
        memcpy(buf + i, b + from, take);
        i += take;
    }
}

long long pattern_offset(const char *p)
{
    unsigned long long v = 0;
    for (int k = 7; k >= 0; k--)
        v = (v << 8) | (unsigned char)p[k];
    v ^= MIX;
    return v % 8 == 0 && v < (1ULL << 40) ? (long long)v : -1;
}

void make_big_file(struct ctx *c, struct site *s, const char *name, size_t n)
{
    char *path = str("%s/%s", s->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        skip(c, str("the checker cannot write %s: %s", path, strerror(errno)));
    size_t chunk = 1u << 20;
    char *buf = xmalloc(chunk);
    for (size_t off = 0; off < n; off += chunk) {
        size_t m = n - off < chunk ? n - off : chunk;
        pattern(buf, off, m);
        if (write(fd, buf, m) != (ssize_t)m)
            skip(c, str("the checker cannot write %zu bytes to %s: %s", n, path, strerror(errno)));
    }
    fchmod(fd, 0644);
    close(fd);
    free(buf);
}

int start_httpd(struct ctx *c, struct site *s, struct proc **p, long nofile)
{
    struct proc *q = prog_start(c, (struct start){ .argv = ARGV("httpd", "0", s->dir),
                                                   .nofile = nofile });
    if (p)
        *p = q;
    return expect_ready(c, q, 3000);
}

/* ---- the reader ------------------------------------------------------ */

struct hconn {
    struct ctx *c;
    struct conn *k;
    int id;
    char *buf;            /* received, not yet taken */
    size_t len, cap;
    char tail[sizeof SECRET_MARKER];   /* the last bytes, for a marker cut in two */
    size_t tail_len;
    const char *last;     /* the last request sent, escaped */
    int responses;
    long answered;        /* when the last response came (ms) */
};

static int next_id;

struct hconn *http_connect(struct ctx *c, int port)
{
    struct hconn *h = xcalloc(1, sizeof *h);
    h->c = c;
    h->k = tcp_connect(c, AF_INET, port);
    h->id = ++next_id;
    h->cap = 1u << 16;
    h->buf = xmalloc(h->cap);
    h->last = "(no request yet)";
    return h;
}

int conn_id(struct hconn *h) { return h->id; }
const char *request_of(struct hconn *h) { return h->last; }
struct conn *hconn_conn(struct hconn *h) { return h->k; }

/* Failures name the request the connection carries: all of it, however
 * it was sent. */
static void carries(struct hconn *h, const char *req, size_t n)
{
    h->last = n > 160 ? str("%s (%zu bytes)", escaped(req, n, 120), n) : escaped(req, n, 160);
}

void http_send_bytes(struct hconn *h, const char *req, size_t n)
{
    carries(h, req, n);
    conn_send(h->c, h->k, req, n);
}

void http_send_pieces(struct hconn *h, const char *req, size_t piece, long pause)
{
    carries(h, req, strlen(req));
    conn_send_pieces(h->c, h->k, req, strlen(req), piece, pause);
}

void http_send_part(struct hconn *h, const char *req, size_t n)
{
    carries(h, req, strlen(req));
    conn_send(h->c, h->k, req, n);
}

void http_send(struct hconn *h, const char *req) { http_send_bytes(h, req, strlen(req)); }

/* Every byte from the server passes here: the SECRET must never be seen. */
static void scan(struct hconn *h, const char *b, size_t n)
{
    size_t m = strlen(SECRET_MARKER);
    char joint[2 * sizeof SECRET_MARKER];
    size_t first = n < m - 1 ? n : m - 1;
    memcpy(joint, h->tail, h->tail_len);
    memcpy(joint + h->tail_len, b, first);
    const char *at = memmem(joint, h->tail_len + first, SECRET_MARKER, m);
    if (!at)
        at = memmem(b, n, SECRET_MARKER, m);
    if (at) {
        peer_record(h->c, -1, "c%d: ... %s ...", h->id, escaped(b, n, 120));
        FAIL(h->c, .expected = str("no byte of any file outside DIR, in any response (request: %s)",
                                   h->last),
             .observed = str("the server sent the SECRET file that lies outside DIR: %s",
                             escaped(b, n, 200)),
             .hint = "Decode the path first, then refuse a NUL byte and every \"..\" segment, and "
                     "resolve the result (realpath()) to check it is still under realpath(DIR): "
                     "a symbolic link inside DIR can point anywhere.",
             .see = "#path-traversal");
    }
    /* Keep the last m - 1 bytes seen. */
    char all[2 * sizeof SECRET_MARKER];
    size_t keep = m - 1, tl;
    if (n >= keep) {
        memcpy(h->tail, b + n - keep, keep);
        h->tail_len = keep;
        return;
    }
    memcpy(all, h->tail, h->tail_len);
    memcpy(all + h->tail_len, b, n);
    tl = h->tail_len + n;
    size_t from = tl > keep ? tl - keep : 0;
    memcpy(h->tail, all + from, tl - from);
    h->tail_len = tl - from;
}

/* Read what arrives (at most ms) onto the buffer. */
static long fill(struct hconn *h, long ms, int *end)
{
    if (h->cap - h->len < 4096) {
        h->cap *= 2;
        h->buf = xrealloc(h->buf, h->cap);
    }
    long n = conn_read_some(h->k, h->buf + h->len, h->cap - h->len, ms, end);
    if (n > 0) {
        scan(h, h->buf + h->len, (size_t)n);
        h->len += (size_t)n;
    }
    return n;
}

static const char *ending(int end, long ms)
{
    if (end == 0)
        return "EOF (the server closed the connection)";
    if (end == ETIMEDOUT)
        return str("nothing more for %ld ms", ms);
    return strerror(end);
}

static size_t head_length(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] != '\n')
            continue;
        if (i + 1 < n && b[i + 1] == '\n')
            return i + 2;
        if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static _Noreturn void no_response(struct hconn *h, const char *what, int end, long ms)
{
    peer_record(h->c, -1, "c%d: %s, then %s", h->id, describe(h->buf, h->len), ending(end, ms));
    const char *hint = NULL, *see = NULL;
    long gap = now_ms(h->c) - h->answered;
    if (!h->len && end == 0 && h->responses && gap < 2000) {
        hint = "The server closed the connection after its previous response. HTTP/1.1 keeps a "
               "connection open for the next request unless the request said "
               "\"Connection: close\" (HTTP/1.0: unless it said \"Connection: keep-alive\").";
        see = "#keep-alive";
    } else if (!h->len && end == 0 && h->responses && gap < 4500) {
        hint = str("The server closed the connection less than %ld ms after its previous "
                   "response: the 5 seconds for the next request head start again after each "
                   "response, not once when the connection opened.", gap + 1);
        see = "#the-5-second-deadline";
    }
    FAIL(h->c, .expected = str("%s to the request %s", what, h->last),
         .observed = h->len ? str("only %s, then %s", escaped(h->buf, h->len, 300), ending(end, ms))
                            : str("no byte, then %s", ending(end, ms)),
         .hint = hint, .see = see);
}

const char *header(struct response *r, const char *name)
{
    size_t n = strlen(name);
    const char *line = memchr(r->head, '\n', r->head_len);
    while (line && (size_t)(line + 1 - r->head) < r->head_len) {
        line++;
        const char *eol = memchr(line, '\n', r->head_len - (size_t)(line - r->head));
        if (!eol)
            break;
        if ((size_t)(eol - line) > n && !strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1, *e = eol;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            return str("%.*s", (int)(e - v), v);
        }
        line = eol;
    }
    return NULL;
}

int has_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = value; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncasecmp(p, token, n) && (p[n] == 0 || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return 1;
    }
    return 0;
}

struct response *http_response_head(struct hconn *h, long ms)
{
    long deadline = now_ms(h->c) + ms;
    size_t n;
    while (!(n = head_length(h->buf, h->len))) {
        int end;
        long left = deadline - now_ms(h->c);
        if (h->len > (64u << 10))
            FAIL(h->c, .expected = str("a response head (ending with an empty line) to %s", h->last),
                 .observed = str("%zu bytes without an empty line: %s", h->len,
                                 escaped(h->buf, h->len, 300)),
                 .hint = "The head ends with an empty line: \"\\r\\n\\r\\n\" after the last header.");
        if (left <= 0 || fill(h, left, &end) <= 0)
            no_response(h, "a response", left <= 0 ? ETIMEDOUT : end, ms);
    }
    struct response *r = xcalloc(1, sizeof *r);
    r->head = str("%.*s", (int)n, h->buf);
    r->head_len = n;
    memmove(h->buf, h->buf + n, h->len - n);
    h->len -= n;
    h->responses++;
    h->answered = now_ms(h->c);
    const char *shown = escaped(r->head, n, 400);
    int code = 0, at = 0;
    if (sscanf(r->head, "HTTP/1.1 %3d%n", &code, &at) != 1 || at != 12 ||
        (r->head[12] != ' ' && r->head[12] != '\r' && r->head[12] != '\n')) {
        peer_record(h->c, -1, "c%d: %s", h->id, shown);
        int ten = !strncmp(r->head, "HTTP/1.0 ", 9);
        FAIL(h->c, .expected = str("a status line \"HTTP/1.1 CODE REASON\" answering %s", h->last),
             .observed = str("the response began %s", escaped(r->head, n, 80)),
             .hint = ten ? "The status line always says HTTP/1.1 (the version the server speaks), "
                           "even to an HTTP/1.0 request."
                         : "A response starts with its status line, e.g. \"HTTP/1.1 200 OK\\r\\n\".",
             .see = "#http-messages");
    }
    r->code = code;
    const char *cl = header(r, "Content-Length");
    char *stop = NULL;
    r->length = cl ? strtoll(cl, &stop, 10) : -1;
    if (!cl || !*cl || *stop || r->length < 0) {
        peer_record(h->c, -1, "c%d: %s", h->id, shown);
        FAIL(h->c, .expected = str("a Content-Length header in the response to %s", h->last),
             .observed = cl ? str("Content-Length: %s", escaped(cl, strlen(cl), 40))
                            : str("no Content-Length: %s", shown),
             .hint = "Every response says how long its body is (Content-Length: N, N decimal, "
                     "the body's size; an error page's too): on a connection that stays open it "
                     "is the only way the client knows where the next response begins.",
             .see = "#content-length");
    }
    return r;
}

long http_take(struct hconn *h, char *buf, size_t cap, long ms, int *end)
{
    if (!h->len && fill(h, ms, end) <= 0)
        return 0;
    size_t n = h->len < cap ? h->len : cap;
    memcpy(buf, h->buf, n);
    memmove(h->buf, h->buf + n, h->len - n);
    h->len -= n;
    *end = 0;
    return (long)n;
}

struct response *http_response(struct hconn *h, int head_only, long ms)
{
    struct response *r = http_response_head(h, ms);
    const char *shown = escaped(r->head, r->head_len, 400);
    if (head_only) {
        peer_record(h->c, -1, "c%d: %s (no body: HEAD)", h->id, shown);
        return r;
    }
    size_t want = (size_t)r->length, got = 0;
    r->body = xmalloc(want + 1);
    while (got < want) {
        int end;
        long n = http_take(h, r->body + got, want - got, ms, &end);
        if (n <= 0) {
            peer_record(h->c, -1, "c%d: %s + body %s, then %s", h->id, shown,
                        describe(r->body, got), ending(end, ms));
            FAIL(h->c, .expected = str("a body of %zu bytes (its Content-Length) answering %s",
                                       want, h->last),
                 .observed = str("%zu bytes of body, then %s", got, ending(end, ms)),
                 .hint = end == ETIMEDOUT && r->code != 200
                     ? "Content-Length must be the size of the body actually sent."
                     : "Send the whole file: send() (and sendfile()) may send fewer bytes than "
                       "asked; loop until all went, and make Content-Length the file's size.",
                 .see = "#large-files");
        }
        got += (size_t)n;
    }
    r->body_len = got;
    peer_record(h->c, -1, "c%d: %s + body %s", h->id, shown, describe(r->body, got));
    return r;
}

/* ---- expectations ---------------------------------------------------- */

static const char *shown_response(struct response *r)
{
    if (!r->body || !r->body_len)
        return escaped(r->head, r->head_len, 400);
    return str("%s + body %s", escaped(r->head, r->head_len, 400), describe(r->body, r->body_len));
}

void expect_status(struct hconn *h, struct response *r, int code)
{
    if (r->code != code)
        FAIL(h->c, .expected = str("status %d answering %s", code, h->last),
             .observed = str("status %d: %s", r->code, shown_response(r)));
}

void expect_refusal(struct hconn *h, struct response *r)
{
    if (r->code != 403 && r->code != 404)
        FAIL(h->c, .expected = str("403 or 404 answering %s", h->last),
             .observed = str("status %d: %s", r->code, shown_response(r)));
}

void expect_body(struct hconn *h, struct response *r, const void *want, size_t n)
{
    char *diff = first_difference(want, n, r->body, r->body_len);
    if (diff)
        FAIL(h->c, .expected = str("the body %s answering %s", describe(want, n), h->last),
             .observed = str("%s; %s", describe(r->body, r->body_len), diff));
}

void expect_type(struct hconn *h, struct response *r, const char *type)
{
    const char *v = header(r, "Content-Type");
    size_t n = v ? strcspn(v, ";") : 0;
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (!v || n != strlen(type) || strncasecmp(v, type, n))
        FAIL(h->c, .expected = str("Content-Type: %s answering %s", type, h->last),
             .observed = v ? str("Content-Type: %s", escaped(v, strlen(v), 80))
                           : str("no Content-Type header: %s", escaped(r->head, r->head_len, 300)),
             .hint = "The type comes from the extension after the LAST dot of the file's name, "
                     "compared exactly, with the contract's table; anything else is "
                     "application/octet-stream.",
             .see = "#content-type");
}

void expect_says_close(struct hconn *h, struct response *r)
{
    const char *v = header(r, "Connection");
    if (v && has_token(v, "close"))
        return;
    /* Does it close anyway (and only forgot to say so), or keep it open? */
    int how;
    wait_closed(h, 500, &how);
    FAIL(h->c, .expected = str("a response saying \"Connection: close\" answering %s (the "
                               "server closes after it)", h->last),
         .observed = str("%s, and the connection %s", escaped(r->head, r->head_len, 400),
                         how == ETIMEDOUT ? "stayed open" : "was closed"),
         .hint = how == ETIMEDOUT
             ? "This request does not keep the connection: HTTP/1.0 without "
               "\"Connection: keep-alive\", or \"Connection: close\". Answer with "
               "\"Connection: close\", then close."
             : "A response after which the server closes the connection says so with "
               "\"Connection: close\": the client then knows not to send more on it.",
         .see = "#keep-alive");
}

long wait_closed(struct hconn *h, long ms, int *how)
{
    long deadline = now_ms(h->c) + ms;
    for (;;) {
        long left = deadline - now_ms(h->c);
        int end = ETIMEDOUT;
        if (left <= 0 || fill(h, left, &end) <= 0) {
            if (h->len)
                peer_record(h->c, -1, "c%d: %s", h->id, describe(h->buf, h->len));
            if (end != ETIMEDOUT)
                peer_record(h->c, -1, "c%d: %s", h->id, end ? strerror(end) : "FIN (EOF)");
            *how = end == EBADF ? 0 : end;
            return now_ms(h->c);
        }
    }
}

/* Bytes that came before the close: nothing, or (allow_408) a 408 answer. */
static void only_408(struct hconn *h, int allow_408)
{
    if (!h->len)
        return;
    if (allow_408 && !strncmp(h->buf, "HTTP/1.1 408", 12))
        return;
    FAIL(h->c, .expected = allow_408 ? "nothing (or a 408 response) before the server closes"
                                     : "the server to close the connection with nothing more",
         .observed = str("%s more came: %s", describe(h->buf, h->len),
                         escaped(h->buf, h->len, 200)),
         .hint = "Exactly Content-Length bytes of body follow the head, no more (HEAD: none).",
         .see = "#content-length");
}

void expect_closed(struct hconn *h, long ms, int allow_408)
{
    int how;
    wait_closed(h, ms, &how);
    only_408(h, allow_408);
    if (how == ETIMEDOUT)
        FAIL(h->c, .expected = str("the server to close the connection after answering %s", h->last),
             .observed = str("the connection was still open %ld ms later", ms));
}

void http_close(struct hconn *h)
{
    conn_close(h->c, h->k);
}

struct response *get_ok(struct hconn *h, const char *name)
{
    const struct site_file *f = site_file(name);
    http_send(h, str("GET /%s HTTP/1.1\r\nHost: localhost\r\n\r\n", name));
    struct response *r = http_response(h, 0, 2000);
    expect_status(h, r, 200);
    if (f) {
        expect_body(h, r, f->body, f->len);
        expect_type(h, r, f->type);
    }
    return r;
}
