/* expect-fail: big-file -- a poll() server on non-blocking sockets takes one sendfile() for the whole body: the body is cut where the socket buffer was full */
/*
 * httpd: one thread, one poll() loop, non-blocking sockets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 512
#define HEADMAX 8192

enum state { READING, WRITING };

struct conn {
    int fd;
    enum state state;
    long deadline;            /* READING: close when reached */
    char in[HEADMAX];
    size_t inlen;
    char out[1024];           /* WRITING: the response head */
    size_t outlen, outoff;
    int file;                 /* WRITING: the body, or -1 */
    off_t fileoff, filelen;
    int close_after;
};

static struct conn *conns[MAXCONN];
static char root[PATH_MAX];

static long now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int port_arg(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 5 || strspn(s, "0123456789") != n || atol(s) > 65535)
        return -1;
    return atoi(s);
}

static void finish(int i)
{
    struct conn *c = conns[i];
    if (c->file >= 0)
        close(c->file);
    close(c->fd);
    free(c);
    conns[i] = NULL;
}

/* Queue a response head (and a body file, or none). */
static void respond(struct conn *c, int code, const char *reason, const char *type,
                    long long len, int file, const char *extra)
{
    c->outlen = (size_t)snprintf(c->out, sizeof c->out,
                                 "HTTP/1.1 %d %s\r\nContent-Length: %lld\r\n"
                                 "Content-Type: %s\r\n%s%s\r\n", code, reason, len, type, extra,
                                 c->close_after ? "Connection: close\r\n" : "");
    c->outoff = 0;
    c->file = file;
    c->fileoff = 0;
    c->filelen = file >= 0 ? len : 0;
    c->state = WRITING;
}

static void error(struct conn *c, int code, const char *reason, const char *extra, int head)
{
    /* no body at all: Content-Length 0 */
    (void)head;
    respond(c, code, reason, "text/plain", 0, -1, extra);
}

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash)) return "application/octet-stream";
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm")) return "text/html";
    if (!strcmp(dot, ".txt")) return "text/plain";
    if (!strcmp(dot, ".css")) return "text/css";
    if (!strcmp(dot, ".js")) return "text/javascript";
    if (!strcmp(dot, ".json")) return "application/json";
    if (!strcmp(dot, ".png")) return "image/png";
    if (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg")) return "image/jpeg";
    if (!strcmp(dot, ".gif")) return "image/gif";
    if (!strcmp(dot, ".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

static int unhex(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch |= 0x20;
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* The file a decoded path names, opened, or -1 (then *why is the code). */
static int open_target(char *target, char *real, int *why)
{
    char *q = strchr(target, '?');
    if (q) *q = 0;
    char path[PATH_MAX];
    size_t n = 0;
    for (size_t i = 0; target[i]; i++) {
        int ch = (unsigned char)target[i];
        if (ch == '%') {
            int h = unhex(target[i + 1]), l = h < 0 ? -1 : unhex(target[i + 2]);
            if (l < 0) { *why = 400; return -1; }
            ch = h * 16 + l;
            i += 2;
        }
        if (ch == 0 || n + 1 >= sizeof path) { *why = 404; return -1; }
        path[n++] = (char)ch;
    }
    path[n] = 0;
    /* ".." as a whole segment: "/..", "/../", "/a/../b" */
    for (char *p = path; (p = strstr(p, "..")); p += 2)
        if (p[-1] == '/' && (p[2] == '/' || p[2] == 0)) { *why = 403; return -1; }
    char full[PATH_MAX * 2];
    snprintf(full, sizeof full, "%s%s", root, path);
    struct stat st;
    for (int pass = 0; pass < 2; pass++) {
        size_t rl = strlen(root);
        if (!realpath(full, real) || strncmp(real, root, rl) || (real[rl] && real[rl] != '/')) {
            *why = 404;
            return -1;
        }
        if (stat(real, &st) < 0) { *why = 404; return -1; }
        if (!S_ISDIR(st.st_mode)) break;
        snprintf(full, sizeof full, "%s/index.html", real);
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    *why = 404;
    return fd;
}

/* A complete head is at the start of c->in (n bytes): queue its answer. */
static void handle(struct conn *c, size_t n)
{
    char head[HEADMAX + 1];
    memcpy(head, c->in, n);
    head[n] = 0;
    memmove(c->in, c->in + n, c->inlen - n);
    c->inlen -= n;

    char method[32], target[HEADMAX], version[16];
    int used = 0;
    size_t eol = strcspn(head, "\r\n");
    head[eol] = 0;
    if (sscanf(head, "%31[^ ] %8191[^ ] %15[^ ]%n", method, target, version, &used) != 3 ||
        (size_t)used != eol || strchr(head, ' ') + 1 + strlen(target) + 1 + strlen(version) != head + eol ||
        target[0] != '/' || (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0"))) {
        c->close_after = 1;
        error(c, 400, "Bad Request", "", 0);
        return;
    }
    c->close_after = strcmp(version, "HTTP/1.1") != 0;
    for (char *line = head + eol + 1; *line; ) {
        char *end = line + strcspn(line, "\n");
        char save = *end;
        *end = 0;
        if (!strncasecmp(line, "connection:", 11)) {
            char *v = line + 11;
            if (strcasestr(v, "close")) c->close_after = 1;
            else if (strcasestr(v, "keep-alive")) c->close_after = 0;
        }
        if (!save) break;
        line = end + 1;
    }
    int head_only = !strcmp(method, "HEAD");
    if (!head_only && strcmp(method, "GET")) {
        error(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n", head_only);
        return;
    }
    char real[PATH_MAX];
    int why;
    int fd = open_target(target, real, &why);
    if (fd < 0) {
        if (why == 400) c->close_after = 1;
        error(c, why, why == 403 ? "Forbidden" : why == 400 ? "Bad Request" : "Not Found", "",
              head_only);
        return;
    }
    struct stat st;
    fstat(fd, &st);
    if (head_only) {
        respond(c, 200, "OK", type_of(real), st.st_size, -1, "");
        c->filelen = 0;
        close(fd);
        return;
    }
    respond(c, 200, "OK", type_of(real), st.st_size, fd, "");
}

static size_t head_len(const char *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (b[i] == '\n' && (b[i + 1] == '\n' || (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n')))
            return b[i + 1] == '\n' ? i + 2 : i + 3;
    return 0;
}

/* READING: take what a complete head in the buffer asks, if any. Returns
 * -1 to close. */
static int advance(struct conn *c)
{
    if (c->state != READING)
        return 0;
    size_t n = head_len(c->in, c->inlen);
    if (n) {
        handle(c, n);
        return 0;
    }
    if (c->inlen == HEADMAX) {
        c->close_after = 1;
        error(c, 431, "Request Header Fields Too Large", "", 0);
    }
    return 0;
}

/* WRITING: send what can go now. -1 to close. */
static int write_some(struct conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
        c->outoff += (size_t)w;
    }
    if (c->file >= 0 && c->fileoff < c->filelen) {
        /* one sendfile() for the whole body */
        ssize_t w = sendfile(c->fd, c->file, &c->fileoff, (size_t)(c->filelen - c->fileoff));
        if (w < 0 && errno != EAGAIN && errno != EINTR) return -1;
        c->fileoff = c->filelen;
    }
    if (c->file >= 0) {
        close(c->file);
        c->file = -1;
    }
    if (c->close_after)
        return -1;
    c->state = READING;
    c->deadline = now() + 5000;
    return advance(c);
}

int main(int argc, char **argv)
{
    int port = argc == 3 ? port_arg(argv[1]) : -1;
    if (port < 0) {
        fprintf(stderr, "usage: httpd PORT DIR\n");
        return 2;
    }
    struct stat st;
    if (!realpath(argv[2], root) || stat(root, &st) < 0) {
        fprintf(stderr, "httpd: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "httpd: %s: %s\n", argv[2], strerror(ENOTDIR));
        return 1;
    }
    if (!strcmp(root, "/")) root[0] = 0;
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    socklen_t al = sizeof a;
    if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 128) < 0 ||
        getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
        fprintf(stderr, "httpd: listen: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);

    struct pollfd fds[MAXCONN + 1];
    int idx[MAXCONN + 1];
    for (;;) {
        long t = now(), wait = -1;
        int n = 0;
        fds[n++] = (struct pollfd){ ls, POLLIN, 0 };
        for (int i = 0; i < MAXCONN; i++) {
            struct conn *c = conns[i];
            if (!c) continue;
            if (c->state == READING && c->deadline <= t) {
                finish(i);   /* no complete head in time */
                continue;
            }
            if (c->state == READING && (wait < 0 || c->deadline - t < wait))
                wait = c->deadline - t;
            idx[n] = i;
            fds[n++] = (struct pollfd){ c->fd, c->state == READING ? POLLIN : POLLOUT, 0 };
        }
        if (poll(fds, (nfds_t)n, (int)wait) < 0 && errno != EINTR) {
            perror("httpd: poll");
            return 1;
        }
        for (int k = 1; k < n; k++) {
            struct conn *c = conns[idx[k]];
            if (!fds[k].revents) continue;
            int bad = 0;
            if (c->state == READING) {
                ssize_t r = recv(c->fd, c->in + c->inlen, HEADMAX - c->inlen, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) bad = 1;
                if (r > 0) {
                    c->inlen += (size_t)r;
                    bad = advance(c) < 0;
                }
            }
            if (!bad && c->state == WRITING)
                bad = write_some(c) < 0;
            if (bad) finish(idx[k]);
        }
        if (fds[0].revents) {
            int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            int slot = 0;
            while (fd >= 0 && slot < MAXCONN && conns[slot]) slot++;
            if (fd >= 0 && slot == MAXCONN) { close(fd); fd = -1; }
            if (fd >= 0) {
                struct conn *c = calloc(1, sizeof *c);
                if (!c) { close(fd); continue; }
                c->fd = fd;
                c->file = -1;
                c->state = READING;
                c->deadline = now() + 5000;
                conns[slot] = c;
            }
        }
    }
}
