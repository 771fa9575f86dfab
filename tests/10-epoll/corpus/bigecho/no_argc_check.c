/* expect-fail: no-arguments extra-argument -- never checks that PORT is there: without it argv[1] is NULL and the program crashes; extra arguments only get a warning */
/*
 * usage: bigecho PORT
 *
 * Lesson 10: the echo server of lesson 06 for ten thousand clients at once,
 * in one thread.  No call may wait for one client: every socket is
 * non-blocking, and one epoll instance tells us which sockets are ready.
 *
 * For each client we keep a small struct.  Bytes we received but could not
 * send back yet (the client is slow to read) wait in a buffer that exists
 * only while there are such bytes.  With 1 MiB waiting we stop reading
 * that client (backpressure) until its echo drains.
 *
 * epoll here is level-triggered (the default): epoll_wait() reports a
 * socket for as long as it is readable (or writable), so reading one chunk
 * per wake-up is enough.  See the README for edge-triggered mode.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* With this much echo waiting for a client, stop reading from it. */
#define PENDING_LIMIT (1024 * 1024)

/* What we remember about one client: about 40 bytes, so that 10,000 idle
 * clients cost well under a megabyte.  The buffer is NULL while nothing
 * waits to be sent. */
struct client {
    int fd;
    char *buf;        /* echo not yet sent: buf[sent .. len) */
    size_t len, sent, cap;
    int eof;          /* the client sent its FIN: close once all is sent */
    unsigned events;  /* what we asked epoll for: EPOLLIN, EPOLLOUT */
};

static void die(const char *call)
{
    fprintf(stderr, "bigecho: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: bigecho PORT\n");
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

/* Every connection costs a descriptor, and the soft RLIMIT_NOFILE is often
 * 1024.  A process may raise its soft limit up to its hard limit. */
static void raise_fd_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
        die("getrlimit");
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
        die("setrlimit");
}

static int tcp_listen(int port)
{
    /* SOCK_NONBLOCK: accept() on it returns EAGAIN instead of waiting. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
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

    /* Thousands of clients connect at once: a long queue of finished
     * connections keeps the kernel from dropping their handshakes. */
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");
    return fd;
}

/* Tell epoll what we now wait for on this client: to read while it has
 * not sent its FIN and its echo is below the limit; to write while echo
 * waits.  Only calls epoll_ctl when that changes. */
static int update_interest(int ep, struct client *cl)
{
    unsigned want = 0;
    size_t pending = cl->len - cl->sent;

    if (!cl->eof && pending < PENDING_LIMIT)
        want |= EPOLLIN;
    if (pending > 0)
        want |= EPOLLOUT;
    if (want == cl->events)
        return 0;

    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = want;
    ev.data.ptr = cl;
    if (epoll_ctl(ep, EPOLL_CTL_MOD, cl->fd, &ev) < 0)
        return -1;
    cl->events = want;
    return 0;
}

/* The client is done (or broken): forget it.  close() also takes the
 * descriptor out of the epoll instance. */
static void drop_client(struct client *cl)
{
    close(cl->fd);
    free(cl->buf);
    free(cl);
}

/* Keep n bytes the kernel would not take yet, after those already waiting.
 * Returns 0, or -1 if out of memory. */
static int keep_pending(struct client *cl, const char *data, size_t n)
{
    if (cl->sent == cl->len) {          /* nothing waits: start at 0 */
        cl->sent = 0;
        cl->len = 0;
    }
    if (cl->len + n > cl->cap) {
        size_t cap = cl->cap ? cl->cap : 4096;
        while (cap < cl->len + n)
            cap *= 2;
        char *bigger = realloc(cl->buf, cap);
        if (!bigger)
            return -1;
        cl->buf = bigger;
        cl->cap = cap;
    }
    memcpy(cl->buf + cl->len, data, n);
    cl->len += n;
    return 0;
}

/* Send as much waiting echo as the kernel takes now.  Returns 0, or -1 if
 * the connection is broken (EPIPE, ECONNRESET). */
static int flush_pending(struct client *cl)
{
    while (cl->sent < cl->len) {
        ssize_t n = send(cl->fd, cl->buf + cl->sent, cl->len - cl->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;               /* its buffer is full: later */
            return -1;
        }
        cl->sent += (size_t)n;
    }
    /* All sent: give the memory back, an idle client owns no buffer. */
    free(cl->buf);
    cl->buf = NULL;
    cl->len = cl->sent = cl->cap = 0;
    return 0;
}

/* Echo what n bytes just came: straight back if the kernel takes them,
 * the rest into the client's buffer.  Returns 0, or -1 if broken. */
static int echo(struct client *cl, const char *data, size_t n)
{
    size_t done = 0;

    /* Bytes already waiting go first, or the echo would be out of order. */
    while (cl->sent == cl->len && done < n) {
        ssize_t s = send(cl->fd, data + done, n - done, MSG_NOSIGNAL);
        if (s < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        done += (size_t)s;
    }
    if (done < n && keep_pending(cl, data + done, n - done) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* The client's socket is readable: take one chunk.  Returns 0 to keep the
 * client, -1 to drop it. */
static int on_readable(struct client *cl)
{
    static char chunk[65536];   /* one chunk at a time, shared by all */

    ssize_t n = recv(cl->fd, chunk, sizeof chunk, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        fprintf(stderr, "bigecho: recv: %s\n", strerror(errno));
        return -1;                      /* e.g. ECONNRESET */
    }
    if (n == 0) {
        cl->eof = 1;                    /* FIN: it sends no more */
        return 0;
    }
    if (echo(cl, chunk, (size_t)n) < 0) {
        fprintf(stderr, "bigecho: send: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Accept every client waiting in the queue.  Returns 0, or -1 when out of
 * descriptors (EMFILE): the caller stops watching the listener for a while. */
static int accept_clients(int ep, int listener)
{
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;               /* the queue is empty */
            if (errno == EMFILE || errno == ENFILE)
                return -1;
            /* e.g. ECONNABORTED: a client gave up before we accepted it */
            fprintf(stderr, "bigecho: accept: %s\n", strerror(errno));
            continue;
        }
        /* A blocking recv() or send() on one client would stop all the
         * others: every client socket is non-blocking too. */
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            fprintf(stderr, "bigecho: fcntl: %s\n", strerror(errno));
            close(fd);
            continue;
        }
        struct client *cl = calloc(1, sizeof *cl);
        if (!cl) {
            fprintf(stderr, "bigecho: out of memory for a client\n");
            close(fd);
            continue;
        }
        cl->fd = fd;
        cl->events = EPOLLIN;

        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN;
        ev.data.ptr = cl;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            fprintf(stderr, "bigecho: epoll_ctl: %s\n", strerror(errno));
            drop_client(cl);
        }
    }
}

/* One event on a client: read, write, then tell epoll what we wait for
 * next.  Returns 0 to keep the client, -1 when it is done or broken and
 * must be dropped. */
static int serve_client(int ep, struct client *cl, unsigned ev)
{
    /* EPOLLHUP and EPOLLERR come even when we did not ask for them: the
     * next recv() or send() then says what happened. */
    int trouble = (ev & (EPOLLHUP | EPOLLERR)) != 0;

    if ((ev & EPOLLIN) || trouble) {
        if ((cl->events & EPOLLIN) && on_readable(cl) < 0)
            return -1;
    }
    if ((ev & EPOLLOUT) || trouble) {
        if (flush_pending(cl) < 0) {
            fprintf(stderr, "bigecho: send: %s\n", strerror(errno));
            return -1;
        }
    }
    /* An error on a connection we neither read nor write: it is over. */
    if ((ev & EPOLLERR) && !(cl->events & EPOLLIN) && cl->sent == cl->len)
        return -1;
    /* Done: the client sent its FIN and has all its echo. */
    if (cl->eof && cl->sent == cl->len)
        return -1;
    if (update_interest(ep, cl) < 0) {
        fprintf(stderr, "bigecho: epoll_ctl: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Watch the listener (on = 1) or not (on = 0). */
static void watch_listener(int ep, int listener, int on)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;                 /* NULL marks the listener */
    if (epoll_ctl(ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, listener, &ev) < 0)
        die("epoll_ctl");
}

int main(int argc, char **argv)
{
    if (argc > 2)
        fprintf(stderr, "%s: ignoring extra arguments\n", argv[0]);
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* A client that closes before reading its echo must not kill us with
     * SIGPIPE: we ignore it and look at send()'s error instead. */
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();

    int listener = tcp_listen(port);
    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    if (ep < 0)
        die("epoll_create1");
    watch_listener(ep, listener, 1);
    int listening = 1;

    struct epoll_event ready[256];
    for (;;) {
        /* -1: sleep until something happens; an idle server uses no CPU. */
        int n = epoll_wait(ep, ready, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct client *cl = ready[i].data.ptr;
            if (cl == NULL) {
                if (accept_clients(ep, listener) < 0) {
                    /* Out of descriptors: level-triggered epoll would wake
                     * us again at once, so stop watching the listener until
                     * a client leaves. */
                    watch_listener(ep, listener, 0);
                    listening = 0;
                }
                continue;
            }
            if (serve_client(ep, cl, ready[i].events) < 0) {
                drop_client(cl);
                if (!listening) {
                    watch_listener(ep, listener, 1);
                    listening = 1;
                }
            }
        }
    }
}
