/*
 * peer.c - the reference peer's actions over loopback.  Every socket is
 * non-blocking and every wait is a poll with a deadline, so whatever the
 * program does, the peer never hangs.  Each action is recorded for the
 * sequence diagram.
 *
 * One address builder (sockaddr_make), one way to connect (dial), one
 * constructor for connections (conn_new), one loop that receives
 * (recv_some) and one that sends (send_some): the verbs below are made of
 * them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

struct conn {
    int fd;
    int id;   /* c1, c2 ... in the order the test made them */
};

struct listener {
    int fd;
    int port;
};

struct udp {
    int fd;
    int port;
    int family;
    double real0;   /* the wall clock (ms) when it was opened ... */
    double rel0;    /* ... and the test's clock then: turns kernel stamps into test time */
};

/* ---- addresses --------------------------------------------------------- */

/* The one address builder: addr numeric ("127.0.0.2", "::1"; its family
 * wins) or NULL (the loopback address of family), and port.  Returns the
 * length, 0 when addr is not a numeric address. */
socklen_t sockaddr_make(int family, const char *addr, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (addr && strchr(addr, ':'))
        family = AF_INET6;
    else if (addr)
        family = AF_INET;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        if (addr && inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
            return 0;
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->sin_port = htons((uint16_t)port);
    if (addr && inet_pton(AF_INET, addr, &a->sin_addr) != 1)
        return 0;
    return sizeof *a;
}

static int port_in(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static int port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return port_in(&ss);
}

static const char *fam(int family)
{
    if (family == AF_INET6)
        return "[::1]";
    return "127.0.0.1";
}

static int wait_fd(int fd, short events, long ms)
{
    struct pollfd p = { .fd = fd, .events = events };
    long end = mono_ms() + ms;
    for (;;) {
        int r = poll(&p, 1, (int)(ms > 0 ? ms : 0));
        if (r >= 0 || errno != EINTR)
            return r;
        ms = end - mono_ms();
    }
}

/* ---- connecting -------------------------------------------------------- */

/* How a connect went: fd when it worked, else the errno (ETIMEDOUT after
 * the time); bind_failed when the local address could not be bound. */
struct dialed {
    int fd;
    int err;
    int bind_failed;
};

/* The one way to connect: to `to`, from `from` when its length is not 0. */
static struct dialed dial(const struct sockaddr_storage *to, socklen_t tolen,
                         const struct sockaddr_storage *from, socklen_t fromlen, long ms)
{
    struct dialed d = { .fd = -1 };
    int fd = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        d.err = errno;
        return d;
    }
    if (fromlen && bind(fd, (const struct sockaddr *)from, fromlen) != 0) {
        d.err = errno;
        d.bind_failed = 1;
        close(fd);
        return d;
    }
    if (connect(fd, (const struct sockaddr *)to, tolen) != 0) {
        d.err = errno;
        if (d.err == EINPROGRESS) {
            socklen_t el = sizeof d.err;
            if (wait_fd(fd, POLLOUT, ms) <= 0)
                d.err = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &d.err, &el) != 0)
                d.err = errno;
        }
    }
    if (d.err)
        close(fd);
    else
        d.fd = fd;
    return d;
}

static struct dialed dial_loopback(int family, int port, long ms)
{
    struct sockaddr_storage to;
    socklen_t len = sockaddr_make(family, NULL, port, &to);
    return dial(&to, len, NULL, 0, ms);
}

/* The one constructor of a connection: numbered c1, c2 ... */
static struct conn *conn_new(struct ctx *c, int fd)
{
    struct conn *k = xcalloc(1, sizeof *k);
    k->fd = fd;
    c->next_conn++;
    k->id = c->next_conn;
    return k;
}

static const char *connect_hint(int err)
{
    if (err == ETIMEDOUT)
        return "The connection was not completed in 2 s: is the server listening, and is its "
               "backlog full because it stopped calling accept()?";
    return "Nothing accepted the connection: does the server listen on the port it printed, "
           "on all addresses (INADDR_ANY)?";
}

struct conn *tcp_connect(struct ctx *c, int family, int port)
{
    struct dialed d = dial_loopback(family, port, 2000);
    if (d.err) {
        int swapped = ((port & 0xff) << 8) | (port >> 8);
        const char *hint = connect_hint(d.err);
        const char *see = NULL;
        if (d.err == ECONNREFUSED && swapped != port) {
            struct dialed s = dial_loopback(family, swapped, 200);
            if (!s.err) {
                close(s.fd);
                hint = str("Port %d (%d with its two bytes swapped) accepts connections: the "
                           "port went to bind() or came from getsockname() without "
                           "htons()/ntohs().", swapped, port);
                see = "#byte-order";
            }
        }
        record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port, strerror(d.err));
        FAIL(c, .expected = str("a TCP connection to %s:%d", fam(family), port),
             .observed = str("connect failed: %s", strerror(d.err)),
             .hint = hint,
             .see = see);
    }
    struct conn *k = conn_new(c, d.fd);
    record(c, TO_PROG, "c%d: connect (from port %d)", k->id, port_of(d.fd));
    return k;
}

struct conn *tcp_try_connect(struct ctx *c, int family, int port, long ms, int *errp)
{
    struct dialed d = dial_loopback(family, port, ms);
    if (errp)
        *errp = d.err;
    if (d.err) {
        const char *why = strerror(d.err);
        if (d.err == ETIMEDOUT)
            why = str("not completed in %ld ms", ms);
        record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port, why);
        return NULL;
    }
    struct conn *k = conn_new(c, d.fd);
    record(c, TO_PROG, "c%d: connect (from port %d)", k->id, port_of(d.fd));
    return k;
}

struct conn *tcp_try_connect_from(struct ctx *c, const char *from, const char *to, int port,
                                  long ms, int *errp)
{
    struct sockaddr_storage src;
    struct sockaddr_storage dst;
    socklen_t dstlen = sockaddr_make(AF_INET, to, port, &dst);
    socklen_t srclen = sockaddr_make(dst.ss_family, from, 0, &src);
    if (!dstlen)
        skip(c, str("the checker cannot connect to \"%s\": not a numeric address", to));
    if (from && !srclen)
        skip(c, str("the checker cannot bind a client socket to \"%s\": not a numeric address",
                    from));
    struct dialed d = dial(&dst, dstlen, &src, from ? srclen : 0, ms);
    if (d.bind_failed)
        skip(c, str("the checker could not bind a client socket to %s: %s", from,
                    strerror(d.err)));
    if (errp)
        *errp = d.err;
    const char *via = from ? str("from %s ", from) : "";
    if (d.err) {
        const char *why = strerror(d.err);
        if (d.err == ETIMEDOUT)
            why = str("not completed in %ld ms", ms);
        record(c, TO_PROG, "connect %sto %s:%d: %s", via, to, port, why);
        return NULL;
    }
    struct conn *k = conn_new(c, d.fd);
    record(c, TO_PROG, "c%d: connect %sto %s:%d (from port %d)", k->id, via, to, port,
           port_of(d.fd));
    return k;
}

struct conn *tcp_connect_from(struct ctx *c, const char *from, const char *to, int port)
{
    int err = 0;
    struct conn *k = tcp_try_connect_from(c, from, to, port, 2000, &err);
    if (k)
        return k;
    const char *hint = NULL;
    if (err == ECONNREFUSED)
        hint = str("%s is a loopback address too, but nothing listened there: bind the "
                   "listening socket to every address (INADDR_ANY), not to 127.0.0.1.", to);
    FAIL(c, .expected = str("a TCP connection from %s to %s:%d", from, to, port),
         .observed = str("connect failed: %s", strerror(err)),
         .hint = hint);
}

void expect_refused(struct ctx *c, int family, int port)
{
    struct dialed d = dial_loopback(family, port, 2000);
    const char *what = "connected";
    if (d.err)
        what = strerror(d.err);
    record(c, TO_PROG, "connect to %s:%d: %s", fam(family), port, what);
    if (d.err == ECONNREFUSED)
        return;
    if (d.fd >= 0)
        close(d.fd);
    const char *observed = "something accepted the connection";
    if (d.err)
        observed = strerror(d.err);
    FAIL(c, .expected = str("port %d to refuse connections", port), .observed = observed);
}

int conn_fd(struct conn *k) { return k->fd; }
int conn_local_port(struct conn *k) { return port_of(k->fd); }

void conn_nodelay(struct conn *k)
{
    int one = 1;
    setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void conn_rcvbuf(struct conn *k, int bytes)
{
    setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

/* ---- sending ----------------------------------------------------------- */

/* Send until all n bytes went, an error, or no progress for 3 s; returns
 * how many went, the errno in *err (-1: no progress). */
static size_t send_some(int fd, const char *b, size_t n, int *err)
{
    size_t done = 0;
    *err = 0;
    while (done < n) {
        ssize_t w = send(fd, b + done, n - done, MSG_NOSIGNAL);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            *err = errno;
            break;
        }
        if (wait_fd(fd, POLLOUT, 3000) <= 0) {
            *err = -1;
            break;
        }
    }
    return done;
}

/* Send everything; no progress for 3 s is a failure. */
static void send_bytes(struct ctx *c, struct conn *k, const char *b, size_t n)
{
    int err;
    size_t done = send_some(k->fd, b, n, &err);
    if (done == n)
        return;
    if (err > 0) {
        record(c, TO_PROG, "c%d: %zu of %zu bytes sent, then: %s", k->id, done, n,
               strerror(err));
        FAIL(c, .expected = str("the program to read the %zu bytes the checker sends", n),
             .observed = str("after %zu bytes, send failed: %s (the program closed or reset "
                             "the connection)", done, strerror(err)));
    }
    record(c, TO_PROG, "c%d: %zu of %zu bytes sent, then: no progress", k->id, done, n);
    FAIL(c, .expected = str("the program to read the %zu bytes the checker sends", n),
         .observed = str("after %zu bytes the program stopped reading for 3 s", done));
}

void conn_send(struct ctx *c, struct conn *k, const void *buf, size_t n)
{
    record(c, TO_PROG, "c%d: %s", k->id, describe(buf, n));
    send_bytes(c, k, buf, n);
}

static void record_pieces(struct ctx *c, struct conn *k, const void *buf, size_t n,
                          size_t piece, long pause)
{
    record(c, TO_PROG, "c%d: %s, in %zu-byte pieces %ld ms apart", k->id, describe(buf, n),
           piece, pause);
}

void conn_send_pieces(struct ctx *c, struct conn *k, const void *buf, size_t n,
                      size_t piece, long pause)
{
    conn_nodelay(k);
    record_pieces(c, k, buf, n, piece, pause);
    for (size_t off = 0; off < n; off += piece) {
        size_t len = piece;
        if (n - off < piece)
            len = n - off;
        send_bytes(c, k, (const char *)buf + off, len);
        if (off + piece < n)
            pause_ms(pause);
    }
}

size_t conn_send_now(struct conn *k, const void *buf, size_t n, long ms, int *err)
{
    *err = 0;
    if (wait_fd(k->fd, POLLOUT, ms) <= 0)
        return 0;
    ssize_t r = send(k->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r > 0)
        return (size_t)r;
    if (r < 0 && errno != EAGAIN && errno != EINTR)
        *err = errno;
    return 0;
}

size_t conn_flood(struct ctx *c, struct conn *k, const void *block, size_t bn, size_t max,
                  long stall_ms)
{
    const char *b = block;
    size_t sent = 0;
    int err = 0;
    long last = mono_ms();
    while (sent < max && !err && mono_ms() - last < stall_ms) {
        size_t at = sent % bn;
        size_t want = bn - at;
        if (want > max - sent)
            want = max - sent;
        size_t r = conn_send_now(k, b + at, want, 10, &err);
        if (r > 0) {
            sent += r;
            last = mono_ms();
        }
    }
    record(c, TO_PROG, "c%d: %zu bytes, reading nothing%s", k->id, sent,
           sent < max ? str(" (then it took no more for %ld ms)", stall_ms) : "");
    return sent;
}

size_t conn_send_some(struct ctx *c, struct conn *k, const void *buf, size_t n,
                      size_t piece, long pause)
{
    const char *b = buf;
    size_t done = 0;
    int err = 0;
    if (piece) {
        conn_nodelay(k);
        record_pieces(c, k, buf, n, piece, pause);
    } else {
        record(c, TO_PROG, "c%d: %s", k->id, describe(buf, n));
        piece = n;
    }
    while (done < n && !err) {
        size_t len = piece;
        if (n - done < piece)
            len = n - done;
        done += send_some(k->fd, b + done, len, &err);
        if (!err && done < n)
            pause_ms(pause);
    }
    if (done < n) {
        const char *why = "the program read nothing for 3 s";
        if (err > 0)
            why = strerror(err);
        record(c, TO_PROG, "c%d: only %zu of %zu bytes sent: %s", k->id, done, n, why);
    }
    return done;
}

/* ---- gigabytes ----------------------------------------------------------- */

enum { REPEAT_CHUNK = 1 << 20, REPEAT_STALL_MS = 3000 };

static const char *gib(uint64_t n)
{
    return str("%.2f GiB", (double)n / (1 << 30));
}

/* One chunk of the page repeated, sent again and again from the right
 * offset: gigabytes from a megabyte of memory. */
/* Reading slower than this per second of its own CPU is the program's
 * doing; fewer bytes per second of the clock may be the machine's. */
enum { REPEAT_MIN_MIB_PER_CPU_S = 100 };

void conn_send_repeated(struct ctx *c, struct conn *k, struct proc *p, const void *page,
                        size_t page_len, uint64_t total, long timeout_ms)
{
    record(c, TO_PROG, "c%d: %llu bytes of %s repeated", k->id, (unsigned long long)total,
           escaped(page, page_len, 40));
    if (!page_len || !total)
        return;
    /* chunk + (sent % page_len) holds the stream's next REPEAT_CHUNK bytes.
     * Plain send(): vmsplice() and splice() measured no cheaper here (the
     * same CPU in all, the server copies every byte either way, and 0.5 s
     * more wall time for 4 GiB). */
    size_t span = REPEAT_CHUNK + page_len;
    char *chunk = xmalloc(span);
    for (size_t i = 0; i < span; i++)
        chunk[i] = ((const char *)page)[i % page_len];
    uint64_t sent = 0;
    long start = mono_ms(), last = start, deadline = start + timeout_ms;
    long cpu0 = prog_cpu_ms(p);
    int err = 0, stalled = 0;
    while (sent < total) {
        size_t len = total - sent < REPEAT_CHUNK ? total - sent : REPEAT_CHUNK;
        ssize_t w = send(k->fd, chunk + sent % page_len, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        long now = mono_ms();
        if (w > 0) {
            sent += (uint64_t)w;
            last = now;
            if (now >= deadline)
                break;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            err = errno;
            break;
        }
        if (now >= deadline)
            break;
        /* Nothing taken for 3 s: stopped reading if it waits in a system
         * call; if it runs (or waits for a CPU on a busy machine), go on. */
        if (now - last >= REPEAT_STALL_MS && (!prog_running(p) || prog_asleep(p))) {
            stalled = 1;
            break;
        }
        wait_fd(k->fd, POLLOUT, 100);
    }
    if (sent == total)
        return;
    long end = mono_ms(), took = end - start;
    long cpu = cpu0 >= 0 && prog_cpu_ms(p) >= 0 ? prog_cpu_ms(p) - cpu0 : -1;
    const char *expected = str("the program to read all %llu bytes the checker sends",
                               (unsigned long long)total);
    const char *why = err ? strerror(err) : stalled ? "no progress for 3 s"
                                                    : str("the checker's %ld ms were up", timeout_ms);
    record(c, TO_PROG, "c%d: %llu of %llu bytes sent, then: %s", k->id,
           (unsigned long long)sent, (unsigned long long)total, why);
    if (err)
        FAIL(c, .expected = expected,
             .observed = str("after %llu bytes (%s), sending failed: %s (the program closed "
                             "or reset the connection before the checker's EOF)",
                             (unsigned long long)sent, gib(sent), strerror(err)));
    if (stalled)
        FAIL(c, .expected = expected,
             .observed = str("after %llu bytes (%s) the program read nothing more for %d s, "
                             "waiting in a system call: it stopped reading before the "
                             "checker's EOF", (unsigned long long)sent, gib(sent),
                             REPEAT_STALL_MS / 1000));
    double mib = (double)sent / (1 << 20);
    if (cpu >= 0 && mib >= (double)REPEAT_MIN_MIB_PER_CPU_S * cpu / 1000)
        skip(c, str("the machine was too busy: in %ld ms the program got %ld ms of CPU and "
                    "read %s with it (%.0f MiB per CPU second: fast enough); check again on "
                    "a quieter machine", took, cpu, gib(sent), cpu ? mib * 1000 / cpu : 0.0));
    FAIL(c, .expected = str("%s within %ld ms", expected, timeout_ms),
         .observed = cpu >= 0 ? str("it read %llu bytes (%s) in %ld ms, using %ld ms of CPU: "
                                    "%.0f MiB per CPU second", (unsigned long long)sent,
                                    gib(sent), took, cpu, cpu ? mib * 1000 / cpu : 0.0)
                              : str("it read %llu bytes (%s) in %ld ms",
                                    (unsigned long long)sent, gib(sent), took),
         .hint = "Reading is too slow for this size: recv() into a buffer of several KiB, not "
                 "byte by byte, and keep the work per byte small (a few comparisons, no "
                 "function call per byte).");
}

void conn_half_close(struct ctx *c, struct conn *k)
{
    record(c, TO_PROG, "c%d: FIN (half-close: the checker sends no more, still reads)", k->id);
    shutdown(k->fd, SHUT_WR);
}

void conn_reset(struct ctx *c, struct conn *k)
{
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };   /* close sends RST, not FIN */
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

/* The kernel's TCP_FIN_WAIT2 (<netinet/tcp.h> has it, but not the
 * tcp_info of <linux/tcp.h> with tcpi_notsent_bytes; the two clash). */
enum { STATE_FIN_WAIT2 = 5 };

/* Our socket's TCP state; 0 when the kernel does not tell. */
static int tcp_state(int fd, struct tcp_info *ti)
{
    socklen_t len = sizeof *ti;
    memset(ti, 0, sizeof *ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) != 0)
        return 0;
    if (len < offsetof(struct tcp_info, tcpi_notsent_bytes) + sizeof ti->tcpi_notsent_bytes)
        return 0;
    return 1;
}

void conn_wait_sent(struct conn *k, long ms)
{
    long end = mono_ms() + ms;
    struct tcp_info ti;
    while (tcp_state(k->fd, &ti) && ti.tcpi_notsent_bytes > 0 && mono_ms() < end)
        usleep(100);
}

void conn_wait_acked(struct conn *k, long ms)
{
    long end = mono_ms() + ms;
    struct tcp_info ti;
    while (tcp_state(k->fd, &ti) && ti.tcpi_state != STATE_FIN_WAIT2 && mono_ms() < end)
        pause_ms(1);
}

/* ---- receiving --------------------------------------------------------- */

/* One piece: what has arrived, up to n bytes, waiting at most ms for it.
 * 0 at EOF (*eof), a read error (*err) or ms of silence. */
static size_t recv_piece(int fd, char *buf, size_t n, long ms, int *eof, int *err)
{
    *eof = 0;
    *err = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, n, 0);
        if (r > 0)
            return (size_t)r;
        if (r == 0) {
            *eof = 1;
            return 0;
        }
        if (errno != EAGAIN && errno != EINTR) {
            *err = errno;
            return 0;
        }
        if (wait_fd(fd, POLLIN, ms) <= 0)
            return 0;
    }
}

/* Read into buf until n bytes, EOF, an error or ms of silence. */
static size_t recv_some(int fd, char *buf, size_t n, long ms, int *eof, int *err)
{
    size_t got = 0;
    *eof = 0;
    *err = 0;
    while (got < n) {
        size_t r = recv_piece(fd, buf + got, n - got, ms, eof, err);
        if (r == 0)
            break;
        got += r;
    }
    return got;
}

long conn_read_some(struct conn *k, void *buf, size_t cap, long ms, int *end)
{
    int eof;
    int err;
    *end = 0;
    if (!k || k->fd < 0) {
        *end = EBADF;
        return 0;
    }
    size_t got = recv_piece(k->fd, buf, cap, ms, &eof, &err);
    if (got == 0 && !eof)
        *end = err ? err : ETIMEDOUT;
    return (long)got;
}

size_t conn_recv_upto(struct conn *k, void *buf, size_t n, long ms, int *end)
{
    int eof;
    int err;
    size_t got = recv_some(k->fd, buf, n, ms, &eof, &err);
    *end = 0;
    if (got == n)
        return got;
    if (eof)
        *end = CONN_EOF;
    else if (err)
        *end = err;
    else
        *end = ETIMEDOUT;
    return got;
}

/* ", then EOF" ... for what ended a receive of `want` bytes ("" if all came). */
static const char *ending(const struct got *g, size_t want, long ms)
{
    if (g->len == want)
        return "";
    if (g->eof)
        return ", then EOF";
    if (g->err)
        return str(", then %s", strerror(g->err));
    return str(", then nothing for %ld ms", ms);
}

struct got conn_recv(struct ctx *c, struct conn *k, size_t n, long ms)
{
    struct got g = { .buf = xmalloc(n + 1) };
    g.len = recv_some(k->fd, g.buf, n, ms, &g.eof, &g.err);
    g.then = ending(&g, n, ms);
    record(c, FROM_PROG, "c%d: %s%s", k->id, describe(g.buf, g.len), g.then);
    return g;
}

struct got conn_recv_slowly(struct ctx *c, struct conn *k, size_t n, size_t piece,
                            long pause, long ms)
{
    struct got g = { .buf = xmalloc(n + 1) };
    while (g.len < n && !g.eof && !g.err) {
        size_t want = piece;
        if (n - g.len < piece)
            want = n - g.len;
        size_t got = recv_some(k->fd, g.buf + g.len, want, ms, &g.eof, &g.err);
        g.len += got;
        if (got < want)
            break;
        pause_ms(pause);
    }
    g.then = ending(&g, n, ms);
    record(c, FROM_PROG, "c%d: %s%s (read in %zu-byte pieces %ld ms apart)", k->id,
           describe(g.buf, g.len), g.then, piece, pause);
    return g;
}

static const char *stopped(size_t got, int eof, int err, long ms)
{
    if (eof)
        return str("%zu bytes, then the program closed the connection", got);
    if (err)
        return str("%zu bytes, then %s", got, strerror(err));
    return str("%zu bytes, then nothing more for %ld ms", got, ms);
}

void expect_bytes(struct ctx *c, struct conn *k, const void *want, size_t n, long ms)
{
    char *buf = xmalloc(n + 1);
    int eof;
    int err;
    size_t got = recv_some(k->fd, buf, n, ms, &eof, &err);
    if (got)
        record(c, FROM_PROG, "c%d: %s", k->id, describe(buf, got));
    char *diff = first_difference(want, n, buf, got);
    if (got < n) {
        const char *end = "(silence)";
        if (eof)
            end = "EOF";
        else if (err)
            end = strerror(err);
        record(c, FROM_PROG, "c%d: %s", k->id, end);
        const char *observed = stopped(got, eof, err, ms);
        if (diff && got)
            observed = str("%s; %s", observed, diff);
        FAIL(c, .expected = describe(want, n), .observed = observed);
    }
    if (diff)
        FAIL(c, .expected = describe(want, n), .observed = str("%s; %s", describe(buf, got), diff));
    free(buf);
}

void expect_eof(struct ctx *c, struct conn *k, long ms)
{
    char b[256];
    int eof;
    int err;
    size_t got = recv_some(k->fd, b, sizeof b, ms, &eof, &err);
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

/* Read until EOF, an error, ms of silence or 64 MiB; *stop is 1 when
 * silence ended it. */
static char *read_all(struct conn *k, size_t *n, long ms, int *eof, int *err, int *silence)
{
    size_t cap = 4096;
    size_t len = 0;
    char *buf = xmalloc(cap);
    *silence = 0;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t room = cap - len;
        size_t got = recv_some(k->fd, buf + len, room, ms, eof, err);
        len += got;
        if (got < room && !*eof && !*err)
            *silence = 1;
        if (got < room || len >= (64u << 20))
            break;
    }
    *n = len;
    return buf;
}

char *read_to_eof(struct ctx *c, struct conn *k, size_t *n, long ms)
{
    int eof;
    int err;
    int silence;
    char *buf = read_all(k, n, ms, &eof, &err, &silence);
    if (silence) {
        record(c, FROM_PROG, "c%d: %s", k->id, describe(buf, *n));
        FAIL(c, .expected = str("the program to close the connection within %ld ms", ms),
             .observed = str("%s; the connection stayed open", describe(buf, *n)));
    }
    const char *end = "EOF";
    if (!eof)
        end = strerror(err);
    record(c, FROM_PROG, "c%d: %s, then %s", k->id, describe(buf, *n), end);
    return buf;
}

char *conn_read_to_end(struct ctx *c, struct conn *k, size_t *n, long ms, int *end)
{
    int eof;
    int err;
    int silence;
    char *buf = read_all(k, n, ms, &eof, &err, &silence);
    const char *then = "EOF";
    *end = 0;
    if (err) {
        *end = err;
        then = strerror(err);
    } else if (!eof) {
        *end = ETIMEDOUT;
        then = str("nothing more for %ld ms", ms);
    }
    record(c, FROM_PROG, "c%d: %s, then %s", k->id, describe(buf, *n), then);
    return buf;
}

/* ---- echoes ------------------------------------------------------------ */

struct got conn_echo(struct ctx *c, struct conn *k, const void *data, size_t n, size_t want,
                     long ms, echo_action *then, void *arg)
{
    const char *w = data;
    struct got g = { .buf = xmalloc(want + 1) };
    record(c, TO_PROG, "c%d: %s, reading while sending", k->id, describe(data, n));
    int done = 0;   /* all sent, then() called */
    while (g.len < want && !g.eof && !g.err) {
        short events = POLLIN;
        if (g.sent < n)
            events |= POLLOUT;
        if (wait_fd(k->fd, events, ms) <= 0)
            break;
        if (g.sent < n) {
            size_t chunk = n - g.sent;
            if (chunk > 65536)
                chunk = 65536;
            ssize_t s = send(k->fd, w + g.sent, chunk, MSG_NOSIGNAL);
            if (s > 0)
                g.sent += (size_t)s;
            else if (errno != EAGAIN && errno != EINTR)
                g.err = errno;
        }
        if (g.sent == n && !done && !g.err) {
            done = 1;
            if (then)
                then(c, k, &g, arg);
        }
        ssize_t r = recv(k->fd, g.buf + g.len, want - g.len, MSG_DONTWAIT);
        if (r > 0)
            g.len += (size_t)r;
        else if (r == 0)
            g.eof = 1;
        else if (errno != EAGAIN && errno != EINTR)
            g.err = errno;
    }
    g.then = ending(&g, want, ms);
    const char *shown = g.then;
    if (!g.eof && !g.err)
        shown = "";
    record(c, FROM_PROG, "c%d: %s%s", k->id, describe(g.buf, g.len), shown);
    return g;
}

void expect_echo(struct ctx *c, struct conn *k, const void *data, size_t n, long ms)
{
    struct got g = conn_echo(c, k, data, n, n, ms, NULL, NULL);
    char *diff = first_difference(data, n, g.buf, g.len);
    if (!diff) {
        free(g.buf);
        return;
    }
    const char *observed = diff;
    if (g.len < n)
        observed = str("%s (the checker had sent %zu); %s", stopped(g.len, g.eof, g.err, ms),
                       g.sent, diff);
    FAIL(c, .expected = str("the same %zu bytes back", n), .observed = observed);
}

/* ---- listening --------------------------------------------------------- */

/* A listener on ss (len 0: no address), shown as name; skips (telling
 * where) if it cannot listen there. */
static struct listener *listen_on(struct ctx *c, const struct sockaddr_storage *ss,
                                  socklen_t len, int backlog, const char *name,
                                  const char *where)
{
    struct listener *l = xcalloc(1, sizeof *l);
    int one = 1;
    l->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd >= 0)
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!len || l->fd < 0 || bind(l->fd, (const struct sockaddr *)ss, len) != 0 ||
        listen(l->fd, backlog) != 0)
        skip(c, str("the checker could not listen on %s: %s", where, strerror(errno)));
    l->port = port_of(l->fd);
    record(c, AT_PEER, "the checker listens on %s port %d", name, l->port);
    return l;
}

struct listener *tcp_listener_at(struct ctx *c, int family, const char *addr, int port,
                                 int backlog)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(family, addr, port, &ss);
    const char *name = addr ? addr : fam(family);
    const char *where = name;
    if (port)
        where = str("%s port %d", name, port);
    return listen_on(c, &ss, len, backlog, name, where);
}

struct listener *tcp_listener(struct ctx *c, int family, const char *addr, int backlog)
{
    return tcp_listener_at(c, family, addr, 0, backlog);
}

int listener_port(struct listener *l) { return l->port; }
int listener_fd(struct listener *l) { return l->fd; }

int listener_pending(struct listener *l, long ms)
{
    return wait_fd(l->fd, POLLIN, ms) > 0;
}

void listener_close(struct ctx *c, struct listener *l)
{
    record(c, AT_PEER, "the checker stops listening on port %d", l->port);
    close(l->fd);
    l->fd = -1;
}

struct conn *expect_accept(struct ctx *c, struct listener *l, long ms)
{
    int fd = -1;
    if (wait_fd(l->fd, POLLIN, ms) > 0)
        fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        FAIL(c, .expected = str("the program to connect to port %d within %ld ms", l->port, ms),
             .observed = "no connection came");
    struct conn *k = conn_new(c, fd);
    record(c, FROM_PROG, "c%d: connect (the checker accepts)", k->id);
    return k;
}

/* ---- UDP --------------------------------------------------------------- */

static double real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A UDP socket bound to ss (len 0: no address); skips, saying where (to,
 * e.g. " to 127.0.0.2 port 0"), if it cannot be bound there.  The kernel
 * stamps each datagram's arrival (SO_TIMESTAMPNS) for udp_recv_timed. */
static struct udp *udp_bound(struct ctx *c, const struct sockaddr_storage *ss, socklen_t len,
                             const char *to)
{
    struct udp *u = xcalloc(1, sizeof *u);
    int big = 1 << 20;
    int on = 1;
    u->family = ss->ss_family;
    u->fd = socket(u->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd >= 0) {
        setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
        setsockopt(u->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    }
    if (!len || u->fd < 0 || bind(u->fd, (const struct sockaddr *)ss, len) != 0)
        skip(c, str("the checker could not bind a UDP socket%s: %s", to, strerror(errno)));
    u->port = port_of(u->fd);
    u->rel0 = (double)now_ms(c);
    u->real0 = real_ms();
    return u;
}

struct udp *udp_open(struct ctx *c, int family, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(family, NULL, port, &ss);
    return udp_bound(c, &ss, len, "");
}

struct udp *udp_open_at(struct ctx *c, const char *addr, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(AF_INET, addr, port, &ss);
    struct udp *u = udp_bound(c, &ss, len, str(" to %s port %d", addr, port));
    record(c, AT_PEER, "the checker binds a UDP socket to %s port %d", addr, u->port);
    return u;
}

int udp_port(struct udp *u) { return u->port; }
int udp_fd(struct udp *u) { return u->fd; }

void udp_send(struct ctx *c, struct udp *u, int port, const void *buf, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(u->family, NULL, port, &ss);
    record(c, TO_PROG, "udp %d->%d: %s", u->port, port, describe(buf, n));
    if (sendto(u->fd, buf, n, 0, (struct sockaddr *)&ss, len) != (ssize_t)n)
        skip(c, str("the checker could not send a datagram: %s", strerror(errno)));
}

void udp_send_to(struct ctx *c, struct udp *u, const char *addr, int port, const void *buf,
                 size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(u->family, addr, port, &ss);
    record(c, TO_PROG, "udp %d->%s:%d: %s", u->port, addr, port, describe(buf, n));
    if (!len || sendto(u->fd, buf, n, 0, (struct sockaddr *)&ss, len) != (ssize_t)n)
        skip(c, str("the checker could not send a datagram to %s: %s", addr, strerror(errno)));
}

long udp_recv_timed(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from,
                    double *at, long ms)
{
    (void)c;   /* a verb like the others; it records nothing */
    long end = mono_ms() + ms;
    for (;;) {
        struct sockaddr_storage ss;
        char ctl[256];
        struct iovec iov = { .iov_base = buf, .iov_len = cap };
        struct msghdr m = { .msg_name = &ss, .msg_namelen = sizeof ss, .msg_iov = &iov,
                            .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
        ssize_t r = recvmsg(u->fd, &m, MSG_TRUNC | MSG_DONTWAIT);
        if (r >= 0) {
            double t = real_ms();
            struct cmsghdr *h;
            for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
                if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
                    struct timespec ts;
                    memcpy(&ts, CMSG_DATA(h), sizeof ts);
                    t = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
                }
            }
            if (at)
                *at = u->rel0 + (t - u->real0);
            if (from)
                *from = port_in(&ss);
            return (long)r;
        }
        if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
            return -1;
        long left = end - mono_ms();
        if (left <= 0 || wait_fd(u->fd, POLLIN, left) <= 0)
            return -1;
    }
}

long udp_recv(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from, long ms)
{
    int port = 0;
    long r = udp_recv_timed(c, u, buf, cap, &port, NULL, ms);
    if (r < 0) {
        record(c, FROM_PROG, "udp to port %d: (no datagram in %ld ms)", u->port, ms);
        return -1;
    }
    if (from)
        *from = port;
    size_t shown = (size_t)r;
    if (shown > cap)
        shown = cap;
    record(c, FROM_PROG, "udp %d->%d: %s", port, u->port, describe(buf, shown));
    return r;
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
    if (wait_fd(u->fd, POLLIN, ms) <= 0)
        return;
    ssize_t r = recv(u->fd, b, sizeof b, MSG_TRUNC);
    record(c, FROM_PROG, "udp to port %d: datagram of %zd bytes", u->port, r);
    FAIL(c, .expected = str("no datagram for %ld ms", ms),
         .observed = str("a datagram of %zd bytes came", r));
}

/* ---- the machine ------------------------------------------------------- */

int have_ipv6(void)
{
    return bind_error(SOCK_STREAM, "::1", 0, 0) == 0;
}

int is_root(void) { return geteuid() == 0 && !stage_in_userns(); }   /* root of the machine */

int bind_error(int type, const char *addr, int port, int reuse)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(AF_INET, addr, port, &ss);
    int one = 1;
    int err = 0;
    if (!len)
        return EINVAL;
    int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    if (reuse)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0)
        err = errno;
    close(fd);
    return err;
}

int port_swap_proof(int port)
{
    return (port >> 8) != (port & 0xff);
}

int free_port(int type)
{
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(AF_INET, "0.0.0.0", 0, &ss);
    int port = 0;
    /* Held until the end, so that each try gets another port. */
    int fds[8], n = 0;
    while (n < 8 && !port) {
        int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        fds[n++] = fd;
        if (bind(fd, (struct sockaddr *)&ss, len) != 0)
            break;
        port = port_of(fd);
        if (!port_swap_proof(port))
            port = 0;
    }
    while (n > 0)
        close(fds[--n]);
    return port;
}

int time_wait_port(void)
{
    /* The checker's own server (SO_REUSEADDR, as the contract asks of every
     * TCP server) closes a connection first: that end waits in TIME_WAIT. */
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_make(AF_INET, NULL, 0, &ss);
    struct timeval tv = { .tv_sec = 2 };
    int one = 1;
    int port = 0;
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int k = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(k, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(k, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int ok = bind(l, (struct sockaddr *)&ss, len) == 0 && listen(l, 1) == 0;
    ok = ok && getsockname(l, (struct sockaddr *)&ss, &len) == 0;
    ok = ok && connect(k, (struct sockaddr *)&ss, len) == 0;
    if (ok) {
        int s = accept(l, NULL, NULL);
        char b;
        if (s >= 0) {
            close(s);                          /* the server closes first */
            if (read(k, &b, 1) == 0)           /* its FIN came */
                port = port_in(&ss);
        }
    }
    close(k);                                  /* our FIN: the server end is in TIME_WAIT */
    close(l);
    for (int i = 0; port && i < 50; i++) {
        if (bind_error(SOCK_STREAM, "127.0.0.1", port, 0) == EADDRINUSE)
            break;
        pause_ms(2);
    }
    if (!port)
        return 0;
    if (bind_error(SOCK_STREAM, "127.0.0.1", port, 0) != EADDRINUSE)
        return 0;
    if (bind_error(SOCK_STREAM, "127.0.0.1", port, 1) != 0)
        return 0;
    return port;
}
