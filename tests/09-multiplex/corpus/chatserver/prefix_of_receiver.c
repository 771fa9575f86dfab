/* expect-fail: broadcast sender-address same-order -- the relay loop prefixes each line with to->prefix, the receiver's own address, instead of from->prefix: every client hears the lines under its own name */
/*
 * usage: chatserver PORT
 *
 * Lesson 09: many clients at once, in one thread.  Every line a client sends
 * goes to every other client, prefixed with the sender's address.
 *
 * The whole server is one loop around poll(): "tell me which of these
 * sockets can make progress", then do exactly that much and go back to
 * waiting.  No call may block, because while we wait for one client the
 * others wait for us: every client socket is non-blocking, and each client
 * carries its own state between two turns of the loop:
 *
 *   - an input buffer: the bytes of its unfinished line (TCP hands us
 *     pieces, not lines), at most MAX_LINE of them;
 *   - an output queue: what we owe it but the kernel would not take yet
 *     (it reads slowly), at most MAX_PENDING bytes, or we give up on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_LINE    4096          /* bytes without a \n before we give up */
#define MAX_PENDING (1024 * 1024) /* bytes queued for one client, at most */

struct client {
    int fd;                /* -1 once closed, until we forget it */
    char prefix[64];       /* "IP:PORT: ", put before each of its lines */
    char in[MAX_LINE];     /* its unfinished line */
    size_t inlen;
    char *out;             /* bytes owed to it: out[outoff .. outlen) */
    size_t outlen, outoff, outcap;
};

static struct client *clients;   /* the connected clients, in accept order */
static size_t nclients;
/* Set when accept() failed for lack of descriptors: we stop asking poll()
 * about the listener until a client leaves (or a second has passed). */
static int accept_paused;

static void die(const char *call)
{
    fprintf(stderr, "chatserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: chatserver PORT\n");
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

/* Non-blocking: recv(), send() and accept() return -1 with EAGAIN instead
 * of waiting.  That is what lets one thread serve everybody. */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
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
    /* Non-blocking too: a client that connects and resets before we call
     * accept() must not leave us blocked in accept(). */
    if (set_nonblocking(fd) < 0)
        die("fcntl");
    return fd;
}

/* Close a client.  Its slot stays (fd -1) until the end of this turn of
 * the loop, so that the indexes poll() answered for stay valid. */
static void drop(struct client *c, const char *why)
{
    fprintf(stderr, "chatserver: %sclosed (%s)\n", c->prefix, why);
    close(c->fd);
    c->fd = -1;
    free(c->out);
    c->out = NULL;
    /* A descriptor is free again: accept() may work now. */
    accept_paused = 0;
}

/* Hand the kernel as much of c's queue as it takes now, without waiting.
 * What it does not take stays queued; poll() says when to try again
 * (POLLOUT). */
static void flush(struct client *c)
{
    while (c->outoff < c->outlen) {
        ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;                /* its buffer is full: later */
            drop(c, strerror(errno));  /* EPIPE, ECONNRESET ... */
            return;
        }
        c->outoff += (size_t)n;
    }
    /* All sent: start the queue again from the beginning of the buffer. */
    c->outoff = 0;
    c->outlen = 0;
}

/* Append len bytes to c's queue.  Returns -1 (and closes c) if that would
 * put more than MAX_PENDING bytes in it: a client that does not read must
 * not make us keep everything for it, nor make the others wait. */
static int enqueue(struct client *c, const char *buf, size_t len)
{
    if (c->outlen - c->outoff + len > MAX_PENDING) {
        drop(c, "too slow: over 1 MiB pending");
        return -1;
    }
    if (c->outlen + len > c->outcap) {
        /* Move what is left to the front first: sent bytes waste room. */
        memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
        c->outlen -= c->outoff;
        c->outoff = 0;
    }
    if (c->outlen + len > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 4096;
        while (cap < c->outlen + len)
            cap *= 2;
        char *bigger = realloc(c->out, cap);
        if (!bigger) {
            drop(c, "out of memory");
            return -1;
        }
        c->out = bigger;
        c->outcap = cap;
    }
    memcpy(c->out + c->outlen, buf, len);
    c->outlen += len;
    return 0;
}

/* A whole line from `from`: "IP:PORT: " and the line to everyone else, in
 * the order we complete lines, so that every client sees the same order. */
static void broadcast(struct client *from, const char *line, size_t len)
{
    for (size_t i = 0; i < nclients; i++) {
        struct client *to = &clients[i];
        if (to == from || to->fd < 0)
            continue;
        if (enqueue(to, to->prefix, strlen(to->prefix)) < 0)
            continue;
        if (enqueue(to, line, len) < 0)
            continue;
        flush(to);   /* try now; what does not fit waits for POLLOUT */
    }
}

/* c is readable: take what has arrived, and broadcast each whole line. */
static void read_from(struct client *c)
{
    ssize_t n = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return;                   /* nothing after all: poll again */
        drop(c, strerror(errno));     /* e.g. ECONNRESET: this client only */
        return;
    }
    if (n == 0) {
        /* EOF.  An unfinished line is dropped with the connection. */
        drop(c, "end of file");
        return;
    }
    c->inlen += (size_t)n;

    /* One recv() may hold half a line, one line or several: broadcast
     * every complete one, keep the rest for the next recv(). */
    size_t start = 0;
    for (size_t i = 0; i < c->inlen; i++) {
        if (c->in[i] == '\n') {
            broadcast(c, c->in + start, i + 1 - start);
            start = i + 1;
        }
    }
    memmove(c->in, c->in + start, c->inlen - start);
    c->inlen -= start;

    /* The buffer is full and holds no \n: the line is too long. */
    if (c->inlen == sizeof c->in)
        drop(c, "line longer than 4096 bytes");
}

/* Accept one waiting connection and give it a slot.  Returns 0 if it did,
 * -1 when there is none left to accept now (or no room for it). */
static int accept_client(int listener)
{
    struct sockaddr_in peer;
    socklen_t peerlen = sizeof peer;
    int fd = accept(listener, (struct sockaddr *)&peer, &peerlen);
    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) {
            /* No descriptor left.  The connection stays in the backlog, so
             * the listener stays readable: polling it again would wake us
             * at once, forever (a spin).  Stop polling it until a client
             * leaves. */
            fprintf(stderr, "chatserver: accept: %s (waiting for a client to leave)\n",
                    strerror(errno));
            accept_paused = 1;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                   errno != ECONNABORTED) {
            fprintf(stderr, "chatserver: accept: %s\n", strerror(errno));
        }
        return -1;
    }
    if (set_nonblocking(fd) < 0) {
        fprintf(stderr, "chatserver: fcntl: %s\n", strerror(errno));
        close(fd);
        return 0;
    }
    struct client *more = realloc(clients, (nclients + 1) * sizeof *clients);
    if (!more) {
        fprintf(stderr, "chatserver: out of memory\n");
        close(fd);
        return -1;
    }
    clients = more;
    struct client *c = &clients[nclients++];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    char ip[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip))
        strcpy(ip, "?");
    snprintf(c->prefix, sizeof c->prefix, "%s:%d: ", ip, ntohs(peer.sin_port));
    fprintf(stderr, "chatserver: %sconnected\n", c->prefix);
    return 0;
}

/* Forget the clients closed during this turn of the loop. */
static void forget_closed(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < nclients; i++)
        if (clients[i].fd >= 0)
            clients[kept++] = clients[i];
    nclients = kept;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* A send() to a client that has gone raises SIGPIPE, which would kill
     * the server and every other client's chat with it.  Ignored, send()
     * just fails with EPIPE and we drop that client. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal");

    int listener = tcp_listen(port);
    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    fflush(stdout);

    struct pollfd *fds = NULL;
    for (;;) {
        /* One pollfd for the listener, then one per client, in the same
         * order as clients[]: fds[i + 1] is clients[i]. */
        struct pollfd *more = realloc(fds, (nclients + 1) * sizeof *fds);
        if (!more)
            die("realloc");
        fds = more;
        /* A negative fd is one poll() skips: that is how we stop
         * listening while no descriptor is free. */
        fds[0].fd = accept_paused ? -1 : listener;
        fds[0].events = POLLIN;
        for (size_t i = 0; i < nclients; i++) {
            fds[i + 1].fd = clients[i].fd;
            /* Ask for POLLOUT only while we owe it bytes: a socket is
             * almost always writable, and asking always would spin. */
            fds[i + 1].events = POLLIN;
            if (clients[i].outlen > clients[i].outoff)
                fds[i + 1].events |= POLLOUT;
        }

        /* Sleep until something happens: no timeout, so an idle server
         * uses no CPU.  While accept is paused we wake once a second to
         * try again, in case what freed a descriptor was not one of our
         * clients. */
        int ready = poll(fds, nclients + 1, accept_paused ? 1000 : -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (ready == 0) {
            accept_paused = 0;
            continue;
        }

        /* Newcomers first, all of them: a line read below goes to every
         * client connected now, and one that waits in the backlog is
         * connected too.  They go to the end of clients[], after the n
         * that fds[] describes. */
        size_t n = nclients;
        if (fds[0].revents & POLLIN)
            while (accept_client(listener) == 0)
                continue;

        for (size_t i = 0; i < n; i++) {
            struct client *c = &clients[i];
            short r = fds[i + 1].revents;
            /* POLLHUP and POLLERR: recv() or send() will say what happened. */
            if (c->fd >= 0 && (r & (POLLOUT | POLLERR | POLLHUP)) && c->outlen > c->outoff)
                flush(c);
            if (c->fd >= 0 && (r & (POLLIN | POLLERR | POLLHUP)))
                read_from(c);
        }
        forget_closed();
    }
}
