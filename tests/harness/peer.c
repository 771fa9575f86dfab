/*
 * peer.c - the reference peer's actions over loopback.  Every socket is
 * non-blocking and every wait is a poll with a deadline, so whatever the
 * program does, the peer never hangs.  Each action is recorded for the
 * sequence diagram.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct conn { int fd, id; };
struct listener { int fd, port; };
struct udp { int fd, port, family; };

static socklen_t loopback(int family, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->sin_port = htons((uint16_t)port);
    return sizeof *a;
}

static int port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int wait_fd(int fd, short events, long ms)
{
    struct pollfd p = { fd, events, 0 };
    long end = mono_ms() + ms;
    for (;;) {
        int r = poll(&p, 1, (int)(ms > 0 ? ms : 0));
        if (r >= 0 || errno != EINTR)
            return r;
        ms = end - mono_ms();
    }
}

/* 0: connected, else the errno of the failure (ETIMEDOUT after ms). */
static int try_connect(int family, int port, long ms, int *fdp)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(family, port, &ss);
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int err = 0;
    if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            socklen_t el = sizeof err;
            if (wait_fd(fd, POLLOUT, ms) <= 0)
                err = ETIMEDOUT;
            else
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
        }
    }
    if (err)
        close(fd);
    else
        *fdp = fd;
    return err;
}

static const char *fam(int family) { return family == AF_INET6 ? "[::1]" : "127.0.0.1"; }

struct conn *tcp_connect(struct ctx *c, int family, int port)
{
    int fd = -1, err = try_connect(family, port, 2000, &fd);
    if (err) {
        int swapped = ((port & 0xff) << 8) | (port >> 8), sfd = -1;
        const char *hint = NULL;
        if (err == ECONNREFUSED && swapped != port && try_connect(family, swapped, 200, &sfd) == 0) {
            close(sfd);
            hint = str("Port %d (%d with its two bytes swapped) accepts connections: the port "
                       "went to bind() or came from getsockname() without htons()/ntohs().",
                       swapped, port);
        }
        record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port, strerror(err));
        FAIL(c, .expected = str("a TCP connection to %s:%d", fam(family), port),
             .observed = str("connect failed: %s", strerror(err)),
             .hint = hint ? hint : err == ETIMEDOUT ?
                 "The connection was not completed in 2 s: is the server listening, and is its "
                 "backlog full because it stopped calling accept()?" :
                 "Nothing accepted the connection: does the server listen on the port it printed, "
                 "on all addresses (INADDR_ANY)?",
             .see = hint ? "#byte-order" : NULL);
    }
    struct conn *k = calloc(1, sizeof *k);
    k->fd = fd;
    k->id = ++c->next_conn;
    record(c, TO_PROG, "c%d: connect (from port %d)", k->id, port_of(fd));
    return k;
}

void expect_refused(struct ctx *c, int family, int port)
{
    int fd = -1, err = try_connect(family, port, 2000, &fd);
    record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port, err ? strerror(err) : "connected");
    if (err != ECONNREFUSED) {
        if (fd >= 0) close(fd);
        FAIL(c, .expected = str("port %d to refuse connections", port),
             .observed = err ? strerror(err) : "something accepted the connection");
    }
}

int conn_fd(struct conn *k) { return k->fd; }
int conn_local_port(struct conn *k) { return port_of(k->fd); }

static _Noreturn void send_failed(struct ctx *c, struct conn *k, size_t done, size_t n, int err)
{
    record(c, TO_PROG, "c%d: %zu of %zu bytes sent, then: %s", k->id, done, n,
           err ? strerror(err) : "no progress");
    FAIL(c, .expected = str("the program to read the %zu bytes the checker sends", n),
         .observed = err ? str("after %zu bytes, send failed: %s (the program closed or reset "
                               "the connection)", done, strerror(err))
                         : str("after %zu bytes the program stopped reading for 3 s", done));
}

/* Send everything; no progress for 3 s is a failure. */
static void send_bytes(struct ctx *c, struct conn *k, const char *b, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = send(k->fd, b + done, n - done, MSG_NOSIGNAL);
        if (w > 0) { done += (size_t)w; continue; }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            send_failed(c, k, done, n, errno);
        if (wait_fd(k->fd, POLLOUT, 3000) <= 0)
            send_failed(c, k, done, n, 0);
    }
}

void conn_send(struct ctx *c, struct conn *k, const void *buf, size_t n)
{
    record(c, TO_PROG, "c%d: %s", k->id, describe(buf, n));
    send_bytes(c, k, buf, n);
}

void conn_send_pieces(struct ctx *c, struct conn *k, const void *buf, size_t n,
                      size_t piece, long pause)
{
    int one = 1;
    setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    record(c, TO_PROG, "c%d: %s, in %zu-byte pieces %ld ms apart", k->id, describe(buf, n),
           piece, pause);
    for (size_t off = 0; off < n; off += piece) {
        send_bytes(c, k, (const char *)buf + off, n - off < piece ? n - off : piece);
        if (off + piece < n)
            pause_ms(pause);
    }
}

void conn_half_close(struct ctx *c, struct conn *k)
{
    record(c, TO_PROG, "c%d: FIN (half-close: the checker sends no more, still reads)", k->id);
    shutdown(k->fd, SHUT_WR);
}

void conn_reset(struct ctx *c, struct conn *k)
{
    struct linger lg = { 1, 0 };   /* linger 0: close sends RST, not FIN */
    setsockopt(k->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    record(c, TO_PROG, "c%d: RST (the checker resets the connection)", k->id);
    close(k->fd);
    k->fd = -1;
}

void conn_close(struct ctx *c, struct conn *k)
{
    record(c, TO_PROG, "c%d: close (FIN)", k->id);
    close(k->fd);
    k->fd = -1;
}

/* Read into buf until n bytes, EOF, an error or ms of silence. */
static size_t recv_some(struct conn *k, char *buf, size_t n, long ms, int *eof, int *err)
{
    size_t got = 0;
    *eof = *err = 0;
    while (got < n) {
        ssize_t r = recv(k->fd, buf + got, n - got, 0);
        if (r > 0) { got += (size_t)r; continue; }
        if (r == 0) { *eof = 1; break; }
        if (errno != EAGAIN && errno != EINTR) { *err = errno; break; }
        if (wait_fd(k->fd, POLLIN, ms) <= 0) break;
    }
    return got;
}

static const char *stopped(size_t got, int eof, int err, long ms)
{
    if (eof) return str("%zu bytes, then the program closed the connection", got);
    if (err) return str("%zu bytes, then %s", got, strerror(err));
    return str("%zu bytes, then nothing more for %ld ms", got, ms);
}

void expect_bytes(struct ctx *c, struct conn *k, const void *want, size_t n, long ms)
{
    char *buf = malloc(n + 1);
    int eof, err;
    size_t got = recv_some(k, buf, n, ms, &eof, &err);
    if (got)
        record(c, FROM_PROG, "c%d: %s", k->id, describe(buf, got));
    char *diff = first_difference(want, n, buf, got);
    if (got < n) {
        record(c, FROM_PROG, "c%d: %s", k->id, eof ? "EOF" : err ? strerror(err) : "(silence)");
        FAIL(c, .expected = describe(want, n),
             .observed = diff && got ? str("%s; %s", stopped(got, eof, err, ms), diff)
                                     : stopped(got, eof, err, ms));
    }
    if (diff)
        FAIL(c, .expected = describe(want, n), .observed = str("%s; %s", describe(buf, got), diff));
    free(buf);
}

void expect_eof(struct ctx *c, struct conn *k, long ms)
{
    char b[256];
    int eof, err;
    size_t got = recv_some(k, b, sizeof b, ms, &eof, &err);
    if (got) {
        record(c, FROM_PROG, "c%d: %s", k->id, describe(b, got));
        FAIL(c, .expected = "the program to close the connection (EOF), with nothing more",
             .observed = str("more bytes came: %s", describe(b, got)));
    }
    if (err) {
        record(c, FROM_PROG, "c%d: RST", k->id);
        FAIL(c, .expected = "the program to close the connection (FIN, read as EOF)",
             .observed = str("the connection was reset: %s", strerror(err)),
             .hint = "A close() with unread bytes in the receive buffer sends RST instead of FIN: "
                     "read everything the peer sends before closing.");
    }
    if (!eof) {
        record(c, FROM_PROG, "c%d: (still open after %ld ms)", k->id, ms);
        FAIL(c, .expected = str("the program to close the connection within %ld ms", ms),
             .observed = str("the connection was still open after %ld ms", ms));
    }
    record(c, FROM_PROG, "c%d: FIN (EOF)", k->id);
}

char *read_to_eof(struct ctx *c, struct conn *k, size_t *n, long ms)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int eof = 0, err = 0;
    while (!eof && !err && len < (64u << 20)) {
        if (len == cap) buf = realloc(buf, cap *= 2);
        size_t got = recv_some(k, buf + len, cap - len, ms, &eof, &err);
        len += got;
        if (!got && !eof && !err) {
            record(c, FROM_PROG, "c%d: %s", k->id, describe(buf, len));
            FAIL(c, .expected = str("the program to close the connection within %ld ms", ms),
                 .observed = str("%s; the connection stayed open", describe(buf, len)));
        }
    }
    record(c, FROM_PROG, "c%d: %s, then %s", k->id, describe(buf, len), eof ? "EOF" : strerror(err));
    *n = len;
    return buf;
}

void expect_echo(struct ctx *c, struct conn *k, const void *data, size_t n, long ms)
{
    const char *w = data;
    char *got = malloc(n + 1);
    size_t sent = 0, recvd = 0;
    int eof = 0, err = 0;
    record(c, TO_PROG, "c%d: %s, reading while sending", k->id, describe(data, n));
    while (recvd < n && !eof && !err) {
        struct pollfd p = { k->fd, POLLIN | (sent < n ? POLLOUT : 0), 0 };
        if (wait_fd(k->fd, p.events, ms) <= 0)
            break;
        if (sent < n) {
            ssize_t s = send(k->fd, w + sent, n - sent > 65536 ? 65536 : n - sent, MSG_NOSIGNAL);
            if (s > 0) sent += (size_t)s;
            else if (errno != EAGAIN && errno != EINTR) { err = errno; break; }
        }
        ssize_t r = recv(k->fd, got + recvd, n - recvd, 0);
        if (r > 0) recvd += (size_t)r;
        else if (r == 0) eof = 1;
        else if (errno != EAGAIN && errno != EINTR) err = errno;
    }
    record(c, FROM_PROG, "c%d: %s%s", k->id, describe(got, recvd),
           eof ? ", then EOF" : err ? str(", then %s", strerror(err)) : "");
    char *diff = first_difference(w, n, got, recvd);
    if (diff)
        FAIL(c, .expected = str("the same %zu bytes back", n),
             .observed = recvd < n ? str("%s (the checker had sent %zu); %s",
                                         stopped(recvd, eof, err, ms), sent, diff)
                                   : diff);
    free(got);
}

/* A listener on ss (len 0: no address), shown as name; skips (telling
 * where) if it cannot listen there. */
static struct listener *listen_on(struct ctx *c, const struct sockaddr_storage *ss,
                                  socklen_t len, int backlog, const char *name,
                                  const char *where)
{
    struct listener *l = calloc(1, sizeof *l);
    l->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!len || l->fd < 0 || bind(l->fd, (const struct sockaddr *)ss, len) != 0 ||
        listen(l->fd, backlog) != 0)
        skip(c, str("the checker could not listen on %s: %s", where, strerror(errno)));
    l->port = port_of(l->fd);
    record(c, AT_PEER, "the checker listens on %s port %d", name, l->port);
    return l;
}

struct listener *tcp_listener(struct ctx *c, int family, const char *addr, int backlog)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(family, 0, &ss);
    if (addr) {
        if (family == AF_INET6) inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
        else inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
    }
    const char *name = addr ? addr : fam(family);
    return listen_on(c, &ss, len, backlog, name, name);
}

int listener_port(struct listener *l) { return l->port; }

struct conn *expect_accept(struct ctx *c, struct listener *l, long ms)
{
    int fd = -1;
    if (wait_fd(l->fd, POLLIN, ms) > 0)
        fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        FAIL(c, .expected = str("the program to connect to port %d within %ld ms", l->port, ms),
             .observed = "no connection came");
    struct conn *k = calloc(1, sizeof *k);
    k->fd = fd;
    k->id = ++c->next_conn;
    record(c, FROM_PROG, "c%d: connect (the checker accepts)", k->id);
    return k;
}

/* A UDP socket bound to ss (len 0: no address); skips, saying where (to,
 * e.g. " to 127.0.0.2 port 0"), if it cannot be bound there. */
static struct udp *udp_bound(struct ctx *c, const struct sockaddr_storage *ss, socklen_t len,
                             const char *to)
{
    struct udp *u = calloc(1, sizeof *u);
    u->family = ss->ss_family;
    u->fd = socket(u->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int big = 1 << 20;
    setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (!len || u->fd < 0 || bind(u->fd, (const struct sockaddr *)ss, len) != 0)
        skip(c, str("the checker could not bind a UDP socket%s: %s", to, strerror(errno)));
    u->port = port_of(u->fd);
    return u;
}

struct udp *udp_open(struct ctx *c, int family, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(family, port, &ss);
    return udp_bound(c, &ss, len, "");
}

int udp_port(struct udp *u) { return u->port; }

void udp_send(struct ctx *c, struct udp *u, int port, const void *buf, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(u->family, port, &ss);
    record(c, TO_PROG, "udp %d->%d: %s", u->port, port, describe(buf, n));
    if (sendto(u->fd, buf, n, 0, (struct sockaddr *)&ss, len) != (ssize_t)n)
        skip(c, str("the checker could not send a datagram: %s", strerror(errno)));
}

size_t udp_expect(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from, long ms)
{
    long r = udp_recv(c, u, buf, cap, from, ms);
    if (r < 0)
        FAIL(c, .expected = str("a datagram on port %d within %ld ms", u->port, ms),
             .observed = "none came");
    return (size_t)r;
}

void udp_expect_none(struct ctx *c, struct udp *u, long ms)
{
    char b[512];
    if (wait_fd(u->fd, POLLIN, ms) > 0) {
        ssize_t r = recv(u->fd, b, sizeof b, MSG_TRUNC);
        record(c, FROM_PROG, "udp to port %d: datagram of %zd bytes", u->port, r);
        FAIL(c, .expected = str("no datagram for %ld ms", ms),
             .observed = str("a datagram of %zd bytes came", r));
    }
}

int udp_fd(struct udp *u) { return u->fd; }

/* addr numeric ("127.0.0.2", "::1"); its family is the socket's. */
static socklen_t numeric(const char *addr, int port, struct sockaddr_storage *ss)
{
    int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
    socklen_t len = loopback(family, port, ss);
    void *a = family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)ss)->sin6_addr
                                 : (void *)&((struct sockaddr_in *)ss)->sin_addr;
    return inet_pton(family, addr, a) == 1 ? len : 0;
}

struct udp *udp_open_at(struct ctx *c, const char *addr, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = numeric(addr, port, &ss);
    struct udp *u = udp_bound(c, &ss, len, str(" to %s port %d", addr, port));
    record(c, AT_PEER, "the checker binds a UDP socket to %s port %d", addr, u->port);
    return u;
}

void udp_send_to(struct ctx *c, struct udp *u, const char *addr, int port, const void *buf,
                 size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = numeric(addr, port, &ss);
    record(c, TO_PROG, "udp %d->%s:%d: %s", u->port, addr, port, describe(buf, n));
    if (!len || sendto(u->fd, buf, n, 0, (struct sockaddr *)&ss, len) != (ssize_t)n)
        skip(c, str("the checker could not send a datagram to %s: %s", addr, strerror(errno)));
}

long udp_recv(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from, long ms)
{
    long end = mono_ms() + ms;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        ssize_t r = recvfrom(u->fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&ss, &len);
        if (r >= 0) {
            int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                                : ntohs(((struct sockaddr_in *)&ss)->sin_port);
            if (from) *from = port;
            record(c, FROM_PROG, "udp %d->%d: %s", port, u->port,
                   describe(buf, (size_t)r < cap ? (size_t)r : cap));
            return (long)r;
        }
        if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
            break;
        long left = end - mono_ms();
        if (left <= 0 || wait_fd(u->fd, POLLIN, left) <= 0)
            break;
    }
    record(c, FROM_PROG, "udp to port %d: (no datagram in %ld ms)", u->port, ms);
    return -1;
}

int have_ipv6(void)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(AF_INET6, 0, &ss);
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

int is_root(void) { return geteuid() == 0; }

int free_port(int type)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int fd = socket(AF_INET, type, 0), port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
        port = port_of(fd);
    if (fd >= 0) close(fd);
    return port;
}

struct conn *tcp_try_connect(struct ctx *c, int family, int port, long ms, int *errp)
{
    int fd = -1, err = try_connect(family, port, ms, &fd);
    if (errp) *errp = err;
    if (err) {
        record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port,
               err == ETIMEDOUT ? str("not completed in %ld ms", ms) : strerror(err));
        return NULL;
    }
    struct conn *k = calloc(1, sizeof *k);
    k->fd = fd;
    k->id = ++c->next_conn;
    record(c, TO_PROG, "c%d: connect (from port %d)", k->id, port_of(fd));
    return k;
}

struct conn *tcp_connect_from(struct ctx *c, const char *from, const char *to, int port)
{
    struct sockaddr_storage src, dst;
    int family = strchr(to, ':') ? AF_INET6 : AF_INET;
    socklen_t len = loopback(family, 0, &src);
    loopback(family, port, &dst);
    void *s = family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&src)->sin6_addr
                                 : (void *)&((struct sockaddr_in *)&src)->sin_addr;
    void *d = family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&dst)->sin6_addr
                                 : (void *)&((struct sockaddr_in *)&dst)->sin_addr;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || inet_pton(family, from, s) != 1 || inet_pton(family, to, d) != 1 ||
        bind(fd, (struct sockaddr *)&src, len) != 0)
        skip(c, str("the checker could not bind a client socket to %s: %s", from, strerror(errno)));
    int err = 0;
    if (connect(fd, (struct sockaddr *)&dst, len) != 0) {
        err = errno;
        socklen_t el = sizeof err;
        if (err == EINPROGRESS)
            err = wait_fd(fd, POLLOUT, 2000) <= 0 ? ETIMEDOUT
                  : getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) ? errno : err;
    }
    if (err) {
        close(fd);
        record(c, TO_PROG, "connect from %s to %s:%d: %s", from, to, port, strerror(err));
        FAIL(c, .expected = str("a TCP connection from %s to %s:%d", from, to, port),
             .observed = str("connect failed: %s", strerror(err)),
             .hint = err == ECONNREFUSED ?
                 str("%s is a loopback address too, but nothing listened there: bind the "
                     "listening socket to every address (INADDR_ANY), not to 127.0.0.1.", to)
                 : NULL);
    }
    struct conn *k = calloc(1, sizeof *k);
    k->fd = fd;
    k->id = ++c->next_conn;
    record(c, TO_PROG, "c%d: connect from %s:%d to %s:%d", k->id, from, port_of(fd), to, port);
    return k;
}

char *conn_read_to_end(struct ctx *c, struct conn *k, size_t *n, long ms, int *end)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int eof = 0, err = 0;
    for (;;) {
        if (len == cap) buf = realloc(buf, cap *= 2);
        size_t room = cap - len, got = recv_some(k, buf + len, room, ms, &eof, &err);
        len += got;
        if (got < room || len >= (64u << 20))   /* EOF, an error or silence */
            break;
    }
    *end = eof ? 0 : err ? err : ETIMEDOUT;
    record(c, FROM_PROG, "c%d: %s, then %s", k->id, describe(buf, len),
           eof ? "EOF" : err ? strerror(err) : str("nothing more for %ld ms", ms));
    *n = len;
    return buf;
}

size_t conn_send_some(struct ctx *c, struct conn *k, const void *buf, size_t n,
                      size_t piece, long pause)
{
    const char *b = buf;
    size_t done = 0;
    int err = 0, one = 1;
    if (piece) {
        setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        record(c, TO_PROG, "c%d: %s, in %zu-byte pieces %ld ms apart", k->id, describe(buf, n),
               piece, pause);
    } else {
        record(c, TO_PROG, "c%d: %s", k->id, describe(buf, n));
        piece = n;
    }
    while (done < n && !err) {
        size_t end = n - done < piece ? n : done + piece;
        while (done < end) {
            ssize_t w = send(k->fd, b + done, end - done, MSG_NOSIGNAL);
            if (w > 0) { done += (size_t)w; continue; }
            if (w < 0 && errno != EAGAIN && errno != EINTR) { err = errno; break; }
            if (wait_fd(k->fd, POLLOUT, 3000) <= 0) { err = -1; break; }
        }
        if (!err && done < n)
            pause_ms(pause);
    }
    if (done < n)
        record(c, TO_PROG, "c%d: only %zu of %zu bytes sent: %s", k->id, done, n,
               err > 0 ? strerror(err) : "the program read nothing for 3 s");
    return done;
}

struct listener *tcp_listener_at(struct ctx *c, int family, const char *addr, int port,
                                 int backlog)
{
    struct sockaddr_storage ss;
    socklen_t len = addr ? numeric(addr, port, &ss) : loopback(family, port, &ss);
    const char *name = addr ? addr : fam(family);
    return listen_on(c, &ss, len, backlog, name, str("%s port %d", name, port));
}

int listener_fd(struct listener *l) { return l->fd; }
