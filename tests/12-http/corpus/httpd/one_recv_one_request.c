/* expect-fail: split-request trickle head-too-large -- takes what one recv() brought as the whole request: a request arriving in pieces gets 400, an unfinished head is not waited for, an over-long one is cut instead of 431 */
/*
 * usage: httpd PORT DIR
 *
 * Lesson 12: a static file server speaking a small, honest part of HTTP/1.1.
 *
 * HTTP is text on a TCP byte stream.  A request is a head, lines ending in
 * CRLF up to an empty line:
 *
 *     GET /docs/guide.txt HTTP/1.1\r\n
 *     Host: localhost\r\n
 *     \r\n
 *
 * and the answer is a status line, headers, an empty line and exactly
 * Content-Length bytes of body.  Because every response says how long its
 * body is, one connection can carry many requests (keep-alive), and a
 * client may send several requests before reading any answer (pipelining):
 * we answer them one after the other, in order.
 *
 * The design, chosen to be the simplest correct one:
 *   - one thread per connection: a slow or silent client blocks only its
 *     own thread, never the others;
 *   - each connection keeps a buffer of at most 8192 bytes: the request
 *     head must fit (else 431), and bytes after it are the next request;
 *   - a deadline of 5 seconds for each head, measured from the moment we
 *     start waiting for it, so bytes trickling in do not extend it;
 *   - the path from the request is decoded, refused if it holds NUL or a
 *     ".." segment, then resolved with realpath() and refused unless the
 *     result lies under realpath(DIR): no byte outside DIR ever leaves.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 8192       /* the longest request head we accept */
#define DEADLINE_MS 5000    /* time allowed for a complete request head */

/* realpath(DIR): every file we serve must resolve to a path under it. */
static char root[PATH_MAX];
static size_t root_len;

static void die(const char *call)
{
    fprintf(stderr, "httpd: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: httpd PORT DIR\n");
    exit(2);
}

/* PORT: 1 to 5 decimal digits, at most 65535. Returns -1 if malformed. */
static int parse_port(const char *s)
{
    size_t len = strlen(s);
    long value = 0;

    if (len < 1 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    if (value > 65535)
        return -1;
    return (int)value;
}

/* Send all len bytes: send() may send fewer than asked. 0, or -1. */
static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One connection: its socket and the bytes received but not yet used. */
struct client {
    int fd;
    char buf[HEAD_MAX];
    size_t len;
};

/* Where the head in buf ends (just after the empty line), or 0 if the
 * empty line has not arrived yet.  Lines end in "\r\n" or a bare "\n", so
 * the empty line is a "\n" followed by "\n" or by "\r\n". */
static size_t head_end(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

enum head_result { HEAD_OK, HEAD_GONE, HEAD_TOO_LARGE, HEAD_TIMEOUT };

/* Receive until cl->buf holds a complete head, whose length goes to *n.
 * The deadline is fixed once, here: a client sending one byte a second
 * still runs out of time. */
static enum head_result read_head(struct client *cl, size_t *n)
{
    long deadline = now_ms() + DEADLINE_MS;

    for (;;) {
        /* A pipelined request may already be waiting in the buffer. */
        *n = head_end(cl->buf, cl->len);
        if (*n > 0)
            return HEAD_OK;
        if (cl->len == sizeof cl->buf)
            return HEAD_TOO_LARGE;   /* 8192 bytes and still no empty line */

        long left = deadline - now_ms();
        if (left <= 0)
            return HEAD_TIMEOUT;
        struct pollfd pfd = { .fd = cl->fd, .events = POLLIN };
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 && errno != EINTR)
            return HEAD_GONE;
        if (ready <= 0)
            continue;   /* interrupted, or time is up: the loop decides */

        ssize_t got = recv(cl->fd, cl->buf + cl->len, sizeof cl->buf - cl->len, 0);
        if (got == 0)
            return HEAD_GONE;   /* EOF: the client has finished */
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return HEAD_GONE;   /* e.g. ECONNRESET: this client only */
        }
        cl->len += (size_t)got;
        /* What came is the request. */
        *n = head_end(cl->buf, cl->len);
        if (*n == 0)
            *n = cl->len;
        return HEAD_OK;
    }
}

/* What a request asks for, taken from its head (pointers into the head). */
struct request {
    char *method, *target, *version;
    int keep_alive;   /* does the connection stay open after the answer? */
};

/* Is token one of the comma-separated words of value, ignoring case? */
static int has_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    const char *p = value;

    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (strncasecmp(p, token, n) == 0) {
            const char *after = p + n;
            while (*after == ' ' || *after == '\t')
                after++;
            if (*after == '\0' || *after == ',')
                return 1;
        }
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

/* Cut the head into lines (each ends at "\n"; a "\r" before it goes) and
 * read the request line and the Connection header.  0, or -1 for a
 * malformed request line (answered 400). */
static int parse_head(char *head, size_t n, struct request *rq)
{
    head[n - 1] = '\0';   /* the head's last "\n" */
    char *line = head;
    char *next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';

    /* METHOD SP TARGET SP VERSION: exactly two single spaces. */
    rq->method = line;
    char *sp1 = strchr(line, ' ');
    if (!sp1)
        return -1;
    *sp1 = '\0';
    rq->target = sp1 + 1;
    char *sp2 = strchr(rq->target, ' ');
    if (!sp2)
        return -1;
    *sp2 = '\0';
    rq->version = sp2 + 1;
    if (*rq->method == '\0' || rq->target[0] != '/' || strchr(rq->version, ' '))
        return -1;
    int http11 = strcmp(rq->version, "HTTP/1.1") == 0;
    if (!http11 && strcmp(rq->version, "HTTP/1.0") != 0)
        return -1;

    /* HTTP/1.1 keeps the connection unless told "close"; HTTP/1.0 closes
     * it unless told "keep-alive".  Names and the value ignore case. */
    rq->keep_alive = http11;
    while (next && *next) {
        line = next;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[len - 1] = '\0';
        char *colon = strchr(line, ':');
        if (!colon)
            continue;   /* not a header line: ignore it */
        *colon = '\0';
        if (strcasecmp(line, "Connection") != 0)
            continue;
        if (has_token(colon + 1, "close"))
            rq->keep_alive = 0;
        else if (has_token(colon + 1, "keep-alive"))
            rq->keep_alive = 1;
    }
    return 0;
}

/* Send a status line and headers; extra is "" or more header lines. */
static int send_head(int fd, int code, const char *reason, const char *type,
                     long long length, const char *extra, int keep_alive)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %lld\r\n"
                     "%s%s\r\n",
                     code, reason, type, length, extra,
                     keep_alive ? "" : "Connection: close\r\n");
    return send_all(fd, head, (size_t)n);
}

/* An error answer with a one-line body (none for HEAD). */
static int send_error(int fd, int code, const char *reason, const char *extra,
                      int head_only, int keep_alive)
{
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s\n", code, reason);
    if (send_head(fd, code, reason, "text/plain", n, extra, keep_alive) < 0)
        return -1;
    return head_only ? 0 : send_all(fd, body, (size_t)n);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode %XX escapes once, in place.  *len is the decoded length: the
 * result may hold a NUL byte (%00), so strlen() would lie about it.
 * -1 for a broken escape. */
static int percent_decode(char *s, size_t *len)
{
    char *out = s;

    for (char *in = s; *in; in++) {
        if (*in != '%') {
            *out++ = *in;
            continue;
        }
        int hi = hex_value(in[1]);
        int lo = hi < 0 ? -1 : hex_value(in[2]);
        if (lo < 0)
            return -1;
        *out++ = (char)(hi * 16 + lo);
        in += 2;
    }
    *len = (size_t)(out - s);
    *out = '\0';
    return 0;
}

/* Does the decoded path hold a ".." segment ("/a/../b", "/..")? */
static int has_dotdot(const char *path)
{
    const char *seg = path;

    while (*seg) {
        while (*seg == '/')
            seg++;
        size_t n = strcspn(seg, "/");
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            return 1;
        seg += n;
    }
    return 0;
}

/* realpath() of path, into out, if it lies under root; else -1. */
static int resolve_under_root(const char *path, char *out)
{
    if (!realpath(path, out))
        return -1;   /* no such file, or a component is not a directory */
    /* "/srv/www" must not match "/srv/www2/secret": after the root's
     * name comes a "/" or the end. */
    if (strncmp(out, root, root_len) != 0)
        return -1;
    if (out[root_len] != '/' && out[root_len] != '\0')
        return -1;
    return 0;
}

static const char *content_type(const char *path)
{
    static const char *const table[][2] = {
        { ".html", "text/html" },         { ".htm", "text/html" },
        { ".txt", "text/plain" },         { ".css", "text/css" },
        { ".js", "text/javascript" },     { ".json", "application/json" },
        { ".png", "image/png" },          { ".jpg", "image/jpeg" },
        { ".jpeg", "image/jpeg" },        { ".gif", "image/gif" },
        { ".svg", "image/svg+xml" },
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');

    if (dot)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strcmp(dot, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

/* Send the file's bytes.  sendfile() copies from the file to the socket
 * inside the kernel; like send(), it may send fewer bytes than asked. */
static int send_file(int sock, int file, off_t size)
{
    off_t offset = 0;

    while (offset < size) {
        ssize_t n = sendfile(sock, file, &offset, (size_t)(size - offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;   /* e.g. EPIPE, ECONNRESET: the client is gone */
        }
        if (n == 0)
            return -1;   /* the file got shorter under us */
    }
    return 0;
}

/* Answer one well-formed request.  0 to go on, -1 when the connection
 * must end (it failed). */
static int answer(int fd, struct request *rq)
{
    int head_only = strcmp(rq->method, "HEAD") == 0;

    if (!head_only && strcmp(rq->method, "GET") != 0)
        return send_error(fd, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n", 0,
                          rq->keep_alive);

    /* The query ("?..." ) names no file; then decode %XX, once. */
    rq->target[strcspn(rq->target, "?")] = '\0';
    size_t len;
    if (percent_decode(rq->target, &len) < 0) {
        rq->keep_alive = 0;   /* a malformed target, like a malformed line */
        return send_error(fd, 400, "Bad Request", "", head_only, 0);
    }

    /* A NUL would cut the C string short ("/secret%00.png" would open
     * "/secret"), and ".." would climb out of DIR: refuse both outright. */
    if (len != strlen(rq->target) || has_dotdot(rq->target))
        return send_error(fd, 403, "Forbidden", "", head_only, rq->keep_alive);

    char path[PATH_MAX * 2], real[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s%s", root, rq->target);
    if (n < 0 || (size_t)n >= sizeof path || resolve_under_root(path, real) < 0)
        return send_error(fd, 404, "Not Found", "", head_only, rq->keep_alive);

    struct stat st;
    if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* A directory is served by its index.html, resolved again: it
         * could itself be a symbolic link out of DIR. */
        snprintf(path, sizeof path, "%s/index.html", real);
        if (resolve_under_root(path, real) < 0)
            return send_error(fd, 404, "Not Found", "", head_only, rq->keep_alive);
    }

    int file = open(real, O_RDONLY | O_CLOEXEC);
    if (file < 0)
        return send_error(fd, 404, "Not Found", "", head_only, rq->keep_alive);
    if (fstat(file, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(file);
        return send_error(fd, 404, "Not Found", "", head_only, rq->keep_alive);
    }

    int result = send_head(fd, 200, "OK", content_type(real), (long long)st.st_size, "",
                           rq->keep_alive);
    if (result == 0 && !head_only)
        result = send_file(fd, file, st.st_size);
    close(file);   /* every path out closes it: no descriptor leaks */
    return result;
}

/* Serve one connection, request after request, until it should close. */
static void serve(struct client *cl)
{
    for (;;) {
        size_t n;
        enum head_result got = read_head(cl, &n);
        if (got == HEAD_TOO_LARGE)
            send_error(cl->fd, 431, "Request Header Fields Too Large", "", 0, 0);
        if (got != HEAD_OK)
            return;   /* EOF, reset, timeout (we just close) or 431 */

        struct request rq;
        int ok = parse_head(cl->buf, n, &rq) == 0;
        int result = ok ? answer(cl->fd, &rq)
                        : send_error(cl->fd, 400, "Bad Request", "", 0, 0);
        if (result < 0 || !ok || !rq.keep_alive)
            return;

        /* Bytes after this head are the next (pipelined) request. */
        memmove(cl->buf, cl->buf + n, cl->len - n);
        cl->len -= n;
    }
}

/* Close after an error answer (400, 431) without losing it: a close()
 * with unread bytes waiting would send RST, and the client's system may
 * then throw our answer away.  So: FIN first, then read (and drop) what
 * the client still sends, for a second at most, then close. */
static void close_gently(int fd)
{
    char junk[4096];
    long deadline = now_ms() + 1000;

    shutdown(fd, SHUT_WR);
    for (;;) {
        long left = deadline - now_ms();
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        if (recv(fd, junk, sizeof junk, 0) <= 0)
            break;
    }
    close(fd);
}

static void *connection_thread(void *arg)
{
    struct client *cl = arg;
    serve(cl);
    close_gently(cl->fd);
    free(cl);
    return NULL;
}

/* A listening TCP socket on every IPv4 address of this machine. */
static int tcp_listen(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind");
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* DIR must be an existing directory; we keep its real path. */
    struct stat st;
    if (!realpath(argv[2], root))
        die(argv[2]);
    if (stat(root, &st) < 0)
        die(argv[2]);
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        die(argv[2]);
    }
    root_len = strlen(root);
    if (root_len == 1)
        root_len = 0;   /* DIR is "/": every path is under it */

    /* A client that goes away while we send must not kill us. */
    signal(SIGPIPE, SIG_IGN);

    int listener = tcp_listen(port);
    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    fflush(stdout);

    /* Threads we never join: each cleans up after itself. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            fprintf(stderr, "httpd: accept: %s\n", strerror(errno));
            if (errno == EMFILE || errno == ENFILE)
                usleep(100 * 1000);   /* out of descriptors: let some close */
            continue;
        }
        struct client *cl = malloc(sizeof *cl);
        if (!cl) {
            close(fd);
            continue;
        }
        cl->fd = fd;
        cl->len = 0;
        pthread_t thread;
        int err = pthread_create(&thread, &attr, connection_thread, cl);
        if (err != 0) {
            fprintf(stderr, "httpd: pthread_create: %s\n", strerror(err));
            close(fd);
            free(cl);
        }
    }
}
