/* expect-fail: empty-value -- off by one: a set without a value byte is taken as malformed and answered "?" (2 + klen >= len) */
/*
 * usage: kvserver PORT
 *
 * Lesson 11: a key-value store behind a binary protocol of length-prefixed
 * frames.  A TCP connection carries bytes, not messages, so every request
 * and every reply is a FRAME: a 4-byte length N in network byte order
 * (big-endian), then N bytes of body, 1 <= N <= 1,048,576.
 *
 *   request body                      reply body
 *   'S' K key[K] value...   set       '+'
 *   'G' key...              get       '+' value, or '!' if missing
 *   'D' key...              delete    '+' if it existed, '!' if not
 *   anything else                     '?'  (the connection stays usable)
 *
 * Keys are 1 to 255 bytes, values 0 or more; both may hold any byte, NUL
 * included, so they always travel with their length (never strlen).
 * A frame whose N is 0 or over the limit breaks the framing: that
 * connection is closed without a reply.
 *
 * One thread serves every client with poll().  Each connection has an
 * input buffer (bytes received, not yet a whole frame) and an output
 * buffer (replies not yet sent).  Whenever bytes arrive we cut as many
 * whole frames as the input holds, answer each in order, and keep the
 * rest for later: frames may arrive in pieces of any size, and a client
 * may send many requests before reading a reply (pipelining).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_BODY 1048576          /* the largest N a frame may have */
#define MAX_KEY 255
#define MAX_CLIENTS 1024
#define READ_CHUNK 65536
#define NBUCKETS 4096

static void die(const char *call)
{
    fprintf(stderr, "kvserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: kvserver PORT\n");
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

/* ---- the store: one hash table for every client ---------------------- */

/* A key or value is a pointer AND a length: the bytes may hold NUL. */
struct entry {
    unsigned char *key;
    size_t klen;
    unsigned char *value;
    size_t vlen;
    struct entry *next;           /* the next entry of the same bucket */
};

static struct entry *buckets[NBUCKETS];

/* FNV-1a: a simple hash that looks at every byte, NULs included. */
static size_t hash(const unsigned char *key, size_t klen)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < klen; i++) {
        h ^= key[i];
        h *= 16777619u;
    }
    return h % NBUCKETS;
}

/* The link that points at key's entry (or at the NULL ending its bucket). */
static struct entry **find(const unsigned char *key, size_t klen)
{
    struct entry **link = &buckets[hash(key, klen)];
    while (*link != NULL) {
        struct entry *e = *link;
        if (e->klen == klen && memcmp(e->key, key, klen) == 0)
            break;
        link = &e->next;
    }
    return link;
}

/* A copy of n bytes (malloc(0) may return NULL, so ask for at least 1). */
static unsigned char *copy(const unsigned char *p, size_t n)
{
    unsigned char *c = malloc(n > 0 ? n : 1);
    if (c == NULL)
        die("malloc");
    memcpy(c, p, n);
    return c;
}

static void store_set(const unsigned char *key, size_t klen, const unsigned char *value,
                      size_t vlen)
{
    struct entry **link = find(key, klen);
    unsigned char *v = copy(value, vlen);
    if (*link != NULL) {          /* the key exists: replace its value */
        free((*link)->value);
        (*link)->value = v;
        (*link)->vlen = vlen;
        return;
    }
    struct entry *e = malloc(sizeof *e);
    if (e == NULL)
        die("malloc");
    e->key = copy(key, klen);
    e->klen = klen;
    e->value = v;
    e->vlen = vlen;
    e->next = NULL;
    *link = e;
}

/* 1 and the entry's removal if it existed, 0 if not. */
static int store_delete(const unsigned char *key, size_t klen)
{
    struct entry **link = find(key, klen);
    struct entry *e = *link;
    if (e == NULL)
        return 0;
    *link = e->next;
    free(e->key);
    free(e->value);
    free(e);
    return 1;
}

/* ---- one connection -------------------------------------------------- */

struct client {
    int fd;
    unsigned char *in;            /* received bytes not yet answered */
    size_t inlen, incap;
    unsigned char *out;           /* reply frames not yet sent ... */
    size_t outlen, outcap;
    size_t outsent;               /* ... from out + outsent on */
    int eof;                      /* the client has sent everything */
};

static struct client clients[MAX_CLIENTS];
static int nclients;

/* Make room for `more` bytes after the `len` bytes of a buffer. */
static void reserve(unsigned char **buf, size_t *cap, size_t len, size_t more)
{
    if (len + more <= *cap)
        return;
    size_t want = *cap ? *cap : 4096;
    while (want < len + more)
        want *= 2;
    unsigned char *p = realloc(*buf, want);
    if (p == NULL)
        die("realloc");
    *buf = p;
    *cap = want;
}

/* Queue one reply frame: the 4-byte length (big-endian), the op byte, and
 * the rest of the body (a value, or nothing). */
static void reply(struct client *c, char op, const unsigned char *rest, size_t restlen)
{
    uint32_t n = htonl((uint32_t)(1 + restlen));
    reserve(&c->out, &c->outcap, c->outlen, 4 + 1 + restlen);
    memcpy(c->out + c->outlen, &n, 4);
    c->out[c->outlen + 4] = (unsigned char)op;
    if (restlen > 0)
        memcpy(c->out + c->outlen + 5, rest, restlen);
    c->outlen += 5 + restlen;
}

/* Answer one request body of len bytes (len >= 1). */
static void handle(struct client *c, const unsigned char *body, size_t len)
{
    char op = (char)body[0];

    if (op == 'S') {
        /* 'S', K, K key bytes, then the value: check K against what the
         * body really holds before trusting it. */
        size_t klen = len >= 2 ? body[1] : 0;
        if (klen == 0 || 2 + klen >= len) {
            reply(c, '?', NULL, 0);
            return;
        }
        store_set(body + 2, klen, body + 2 + klen, len - 2 - klen);
        reply(c, '+', NULL, 0);
        return;
    }
    if (op == 'G' || op == 'D') {
        /* The key is the rest of the body. */
        size_t klen = len - 1;
        if (klen < 1 || klen > MAX_KEY) {
            reply(c, '?', NULL, 0);
            return;
        }
        if (op == 'D') {
            reply(c, store_delete(body + 1, klen) ? '+' : '!', NULL, 0);
            return;
        }
        struct entry *e = *find(body + 1, klen);
        if (e == NULL)
            reply(c, '!', NULL, 0);
        else
            reply(c, '+', e->value, e->vlen);
        return;
    }
    reply(c, '?', NULL, 0);       /* an unknown operation */
}

/* Answer every whole frame in c's input, in order.  Returns how many it
 * answered, or -1 if a length breaks the framing (0 or over the limit):
 * the caller closes c. */
static int handle_frames(struct client *c)
{
    size_t off = 0;
    int answered = 0;

    /* While a reply backlog is large (a client that sends but does not
     * read), answer nothing more: that bounds the memory one client can
     * make us hold.  We go on once the backlog has been sent. */
    while (c->outlen - c->outsent < MAX_BODY && c->inlen - off >= 4) {
        uint32_t n;
        memcpy(&n, c->in + off, 4);
        n = ntohl(n);             /* network byte order to ours */
        if (n == 0 || n > MAX_BODY)
            return -1;
        if (c->inlen - off - 4 < n)
            break;                /* the rest of this frame has not come yet */
        handle(c, c->in + off + 4, n);
        off += 4 + n;
        answered++;
    }
    /* Keep the unanswered bytes (part of a frame, maybe) at the start. */
    memmove(c->in, c->in + off, c->inlen - off);
    c->inlen -= off;
    return answered;
}

/* Send what c's output holds, as much as the socket takes now.  Returns
 * -1 on an error (the client is gone: EPIPE, ECONNRESET). */
static int flush_output(struct client *c)
{
    while (c->outsent < c->outlen) {
        ssize_t n = send(c->fd, c->out + c->outsent, c->outlen - c->outsent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;         /* the socket is full: poll says when */
            fprintf(stderr, "kvserver: send: %s\n", strerror(errno));
            return -1;
        }
        c->outsent += (size_t)n;
    }
    c->outlen = c->outsent = 0;   /* all sent: start again at the front */
    return 0;
}

/* Read what has arrived on c.  Returns -1 when c must be closed (an error,
 * e.g. the client reset the connection). */
static int read_input(struct client *c)
{
    /* Room for one more read.  The buffer holds at most one unfinished
     * frame plus one read: a peer cannot make us allocate the N it only
     * announces. */
    reserve(&c->in, &c->incap, c->inlen, READ_CHUNK);
    ssize_t n = recv(c->fd, c->in + c->inlen, READ_CHUNK, 0);
    if (n == 0) {
        c->eof = 1;               /* EOF: no more requests will come */
        return 0;
    }
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        fprintf(stderr, "kvserver: recv: %s\n", strerror(errno));
        return -1;
    }
    c->inlen += (size_t)n;
    return 0;
}

/* Everything poll() said about c.  Returns -1 when c is finished. */
static int serve(struct client *c, short revents)
{
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && read_input(c) < 0)
        return -1;
    /* Answer the whole frames, send the replies; when a backlog held
     * frames back and sending has cleared it, answer the rest. */
    for (;;) {
        int answered = handle_frames(c);
        if (answered < 0) {
            fprintf(stderr, "kvserver: a frame length of 0 or over %d: closing\n", MAX_BODY);
            return -1;
        }
        if (flush_output(c) < 0)
            return -1;
        if (answered == 0 || c->outsent < c->outlen)
            break;
    }
    /* After its EOF, a client is finished once every reply has gone. */
    if (c->eof && c->outsent == c->outlen)
        return -1;
    return 0;
}

static void drop_client(int i)
{
    close(clients[i].fd);
    free(clients[i].in);
    free(clients[i].out);
    clients[i] = clients[--nclients];   /* the last one takes its place */
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

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl");
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* A client that vanishes must not kill us on our next send. */
    signal(SIGPIPE, SIG_IGN);

    int listener = tcp_listen(port);
    set_nonblocking(listener);

    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    fflush(stdout);

    static struct pollfd fds[MAX_CLIENTS + 1];
    int accepting = 1;            /* 0 while out of descriptors */

    for (;;) {
        /* fds[0] is the listener, fds[1 + i] is clients[i]. */
        fds[0].fd = accepting && nclients < MAX_CLIENTS ? listener : -1;
        fds[0].events = POLLIN;
        for (int i = 0; i < nclients; i++) {
            struct client *c = &clients[i];
            fds[1 + i].fd = c->fd;
            fds[1 + i].events = 0;
            /* Read only while the reply backlog is small; wait for room
             * to send while there is a backlog. */
            if (!c->eof && c->outlen - c->outsent < MAX_BODY)
                fds[1 + i].events |= POLLIN;
            if (c->outsent < c->outlen)
                fds[1 + i].events |= POLLOUT;
        }
        if (poll(fds, (nfds_t)(1 + nclients), -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }

        /* Serve the clients from the last one down, so that drop_client
         * (which moves the last one into the gap) skips nobody. */
        for (int i = nclients - 1; i >= 0; i--) {
            if (fds[1 + i].revents != 0 && serve(&clients[i], fds[1 + i].revents) < 0) {
                drop_client(i);
                accepting = 1;    /* a descriptor is free again */
            }
        }

        if (fds[0].fd >= 0 && (fds[0].revents & POLLIN)) {
            int fd = accept(listener, NULL, NULL);
            if (fd < 0) {
                if (errno == EMFILE || errno == ENFILE)
                    accepting = 0;    /* wait until a client leaves */
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    fprintf(stderr, "kvserver: accept: %s\n", strerror(errno));
                continue;
            }
            set_nonblocking(fd);
            memset(&clients[nclients], 0, sizeof clients[nclients]);
            clients[nclients].fd = fd;
            nclients++;
        }
    }
}
