/*
 * many.c - a crowd: thousands of TCP clients driven from the checker's own
 * process with one epoll loop, to put a server under the load of lesson 10
 * ("10,000 clients connected together, each echoing a line").
 *
 *   struct crowd *w = crowd_connect(c, port, 10000, 5000);
 *   crowd_echo(c, w, 10240, 10000);   every client sends its line, reads it back
 *   crowd_finish(c, w, 5000);         every client half-closes, expects EOF
 *
 * Every wait is bounded by the deadline given.  When clients fail, the test
 * fails ONCE, with a count of each way of failing and the details of the
 * first client that failed that way (escaped bytes, first differing offset).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>

/* How one client fared; the order is the order of the report. */
enum fate { OK, WAITING, NO_CONNECT, EARLY_EOF, RESET, OTHER_BYTES, MORE_BYTES, NFATES };

struct client {
    int fd;
    int err;          /* errno of a failed connect, send or recv */
    enum fate fate;
    size_t len;       /* the length of its line */
    size_t sent, got; /* bytes sent, bytes of echo received */
    size_t bad_at;    /* OTHER_BYTES: offset of the first wrong byte */
    char seen[24];    /* OTHER_BYTES: what came from bad_at on */
    size_t nseen;
    long rtt_ms;      /* first byte sent to last byte back */
    long t_send;
};

struct crowd {
    int n, port, ep;
    struct client *cl;
    long t0;                                /* mono ms of the connect */
    void (*tick)(struct ctx *, void *);
    void *arg;
};

static long mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The byte at offset k of client i's line: letters that depend on both,
 * so that a byte echoed to the wrong client or at the wrong place shows. */
static char line_byte(int i, size_t k, size_t len)
{
    if (k + 1 == len)
        return '\n';
    return (char)('a' + ((unsigned)i * 31u + (unsigned)k * 7u) % 26u);
}

/* Client i's line length: spread over 1 .. max (max included: client 0). */
static size_t line_len(int i, size_t max)
{
    if (i == 0 || max < 2)
        return max;
    return 1 + ((size_t)i * 7919u) % max;
}

int crowd_room(struct ctx *c, int want, long prog_hard)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return want;
    /* The checker keeps a few dozen descriptors of its own; the program
     * needs its listening socket and stdio besides one per client. */
    long room = (long)r.rlim_max - 64;
    if (prog_hard > 0 && prog_hard - 16 < room)
        room = prog_hard - 16;
    if (room >= want)
        return want;
    note(c, "the hard RLIMIT_NOFILE here (checker %ld, program %ld) allows only %ld clients "
            "at once: this test runs %ld of the %d the contract asks for",
         (long)r.rlim_max, prog_hard, room, room, want);
    return room > 0 ? (int)room : 1;
}

void crowd_on_tick(struct crowd *w, void (*tick)(struct ctx *, void *), void *arg)
{
    w->tick = tick;
    w->arg = arg;
}

int crowd_size(struct crowd *w)
{
    return w->n;
}

static void raise_own_limit(int n)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return;
    if (r.rlim_cur < r.rlim_max && (long)r.rlim_cur < n + 64) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

/* Read what came for k into buf: the count; 0 when its end was reached
 * (k->fate: at_eof after EOF, RESET after an error); -1 when nothing has
 * come yet. */
static ssize_t take(struct client *k, char *buf, size_t cap, enum fate at_eof)
{
    ssize_t r = recv(k->fd, buf, cap, 0);
    if (r > 0)
        return r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return -1;
    if (r < 0) {
        k->err = errno;
        k->fate = RESET;
    } else {
        k->fate = at_eof;
    }
    return 0;
}

/* k went wrong (fate) at byte `at`: keep the n bytes it got from there. */
static void saw(struct client *k, enum fate fate, size_t at, const char *bytes, size_t n)
{
    k->fate = fate;
    k->bad_at = at;
    k->nseen = n;
    if (n > sizeof k->seen)
        k->nseen = sizeof k->seen;
    memcpy(k->seen, bytes, k->nseen);
}

/* One turn of a crowd's loop: the tick, then at most 20 ms for events. */
static int crowd_events(struct ctx *c, struct crowd *w, struct epoll_event *evs, int max)
{
    if (w->tick)
        w->tick(c, w->arg);
    return epoll_wait(w->ep, evs, max, 20);
}

static const char *fate_words(enum fate f)
{
    switch (f) {
    case OK: return "got their whole echo";
    case WAITING: return "were still waiting when time ran out";
    case NO_CONNECT: return "could not connect";
    case EARLY_EOF: return "got EOF before the whole echo";
    case RESET: return "saw an error (reset) before the whole echo";
    case OTHER_BYTES: return "got other bytes than they sent";
    case MORE_BYTES: return "got more bytes than they sent";
    default: return "?";
    }
}

/* One diagnosis for the whole crowd: how many failed how, and the first. */
static _Noreturn void crowd_fail(struct ctx *c, struct crowd *w, const char *expected, long ms,
                                 const char *ok_words)
{
    int count[NFATES] = { 0 }, first[NFATES];
    for (int f = 0; f < NFATES; f++)
        first[f] = -1;
    for (int i = 0; i < w->n; i++) {
        count[w->cl[i].fate]++;
        if (first[w->cl[i].fate] < 0)
            first[w->cl[i].fate] = i;
    }
    char *obs = str("after %ld ms: %d of the %d clients %s", ms, count[OK], w->n, ok_words);
    int worst = -1;
    for (int f = OK + 1; f < NFATES; f++) {
        if (!count[f])
            continue;
        obs = str("%s; %d %s", obs, count[f], fate_words((enum fate)f));
        if (worst < 0)
            worst = f;   /* the first in the order of the report is told in full */
    }
    if (worst > 0) {
        struct client *k = &w->cl[first[worst]];
        int i = first[worst];
        char *line = xmalloc(k->len);
        for (size_t j = 0; j < k->len; j++)
            line[j] = line_byte(i, j, k->len);
        char *what = str("client c%d sent %zu of its %zu bytes %s and got %zu back", i + 1,
                         k->sent, k->len, escaped(line, k->len, 40), k->got);
        if (worst == NO_CONNECT)
            what = str("client c%d: connect failed: %s", i + 1, strerror(k->err));
        if (worst == RESET)
            what = str("%s, then %s", what, strerror(k->err));
        if (worst == EARLY_EOF)
            what = str("%s, then EOF (the server closed it)", what);
        if (worst == WAITING)
            what = str("%s, then nothing more", what);
        if (worst == OTHER_BYTES || worst == MORE_BYTES) {
            size_t at = k->bad_at, n = k->len > at ? k->len - at : 0;
            what = str("%s; the first wrong byte is at offset %zu: expected %s, got %s", what,
                       at, n ? escaped(line + at, n, 24) : "nothing more (the line ended)",
                       escaped(k->seen, k->nseen, 24));
        }
        free(line);
        obs = str("%s. The first that failed: %s", obs, what);
    }
    peer_record(c, 0, "%s", obs);
    FAIL(c, .expected = expected, .observed = obs);
}

/* The time ran out with clients still waiting, none of them wrong.  If
 * the server spent more of that time waiting for a CPU than running (and a
 * quarter of it at least), while its clients were still getting through
 * at the end, the machine was too busy to judge it: skip.  A server that
 * blocks sleeps instead of waiting for a CPU; one that spins or has
 * stopped serving lets nobody through in the last second. */
static void skip_if_starved(struct ctx *c, struct proc *p, const struct sched *s0, long ms,
                            long since_last, int through, int n, const char *what)
{
    struct sched s1;
    if (!p || prog_sched(p, &s1) != 0)
        return;
    long ran = s1.run_ms - s0->run_ms, waited = s1.wait_ms - s0->wait_ms;
    if (waited >= ran && waited * 4 >= ms && since_last <= 1000)
        skip(c, str("the machine was too busy: in %ld ms the server waited %ld ms for a CPU "
                    "and ran %ld ms; %d of %d clients %s, and more were still getting "
                    "through at the end. Check again on a quieter machine",
                    ms, waited, ran, through, n, what));
}

struct crowd *crowd_connect(struct ctx *c, int port, int n, long timeout_ms)
{
    struct crowd *w = xcalloc(1, sizeof *w);
    w->cl = xcalloc((size_t)n, sizeof *w->cl);
    if (!w || !w->cl)
        skip(c, "the checker is out of memory for its clients");
    w->n = n;
    w->port = port;
    raise_own_limit(n);
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    if (w->ep < 0)
        skip(c, str("the checker cannot make an epoll instance: %s", strerror(errno)));
    peer_record(c, 1, "c1..c%d: %d connections to port %d, opened together", n, n, port);
    struct sockaddr_storage sa;
    socklen_t salen = sockaddr_make(AF_INET, NULL, port, &sa);
    w->t0 = mono();
    long deadline = w->t0 + timeout_ms;
    int started = 0, pending = 0, done = 0, refused = 0;
    long last_done = 0;
    struct proc *p = prog_started(c, 0);
    struct sched s0;
    int sched_ok = p && prog_sched(p, &s0) == 0;
    struct epoll_event evs[256];
    while (done < n && mono() < deadline) {
        /* Keep at most 256 handshakes in flight: the SYN queue of a
         * listener is not bottomless, and a dropped SYN costs a second. */
        while (started < n && pending < 256) {
            struct client *k = &w->cl[started];
            k->len = 0;
            k->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (k->fd < 0) {
                int e = errno;
                skip(c, str("the checker cannot open its client socket %d: %s", started + 1,
                            strerror(e)));
            }
            if (connect(k->fd, (struct sockaddr *)&sa, salen) == 0) {
                last_done = mono();
                done++;
            } else if (errno == EINPROGRESS) {
                struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)started };
                epoll_ctl(w->ep, EPOLL_CTL_ADD, k->fd, &ev);
                pending++;
            } else {
                k->err = errno;
                k->fate = NO_CONNECT;
                refused++;
                done++;
            }
            started++;
        }
        int m = crowd_events(c, w, evs, 256);
        for (int j = 0; j < m; j++) {
            struct client *k = &w->cl[evs[j].data.u32];
            int e = 0;
            socklen_t len = sizeof e;
            getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &e, &len);
            epoll_ctl(w->ep, EPOLL_CTL_DEL, k->fd, NULL);
            if (e) {
                k->err = e;
                k->fate = NO_CONNECT;
                refused++;
            } else {
                last_done = mono();
            }
            pending--;
            done++;
        }
    }
    long ms = mono() - w->t0;
    if (done < n && !refused && sched_ok)
        skip_if_starved(c, p, &s0, ms, mono() - last_done, done, n, "were connected");
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += w->cl[i].fate != OK;
    if (done < n || failed) {
        /* Those still in flight did not connect within the time. */
        for (int i = 0; i < n; i++) {
            struct client *k = &w->cl[i];
            if (i >= started) {
                k->fate = NO_CONNECT;
                k->err = ETIMEDOUT;
                continue;
            }
            int e = 0;
            socklen_t len = sizeof e;
            struct sockaddr_in peer;
            socklen_t pl = sizeof peer;
            if (k->fate == OK && getpeername(k->fd, (struct sockaddr *)&peer, &pl) != 0) {
                getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &e, &len);
                k->fate = NO_CONNECT;
                k->err = e ? e : ETIMEDOUT;
            }
        }
        crowd_fail(c, w, str("%d connections to port %d within %ld ms, all open together", n,
                             port, timeout_ms), ms, "connected");
    }
    peer_record(c, 0, "all %d connected in %ld ms", n, ms);
    return w;
}

long crowd_echo(struct ctx *c, struct crowd *w, size_t max_len, long timeout_ms)
{
    long t0 = mono(), deadline = t0 + timeout_ms;
    int n = w->n, left = 0;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        struct client *k = &w->cl[i];
        k->len = line_len(i, max_len);
        k->sent = 0;
        k->got = 0;
        k->fate = WAITING;
        total += k->len;
        struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i };
        if (epoll_ctl(w->ep, EPOLL_CTL_ADD, k->fd, &ev) != 0)
            epoll_ctl(w->ep, EPOLL_CTL_MOD, k->fd, &ev);
        left++;
    }
    peer_record(c, 1, "c1..c%d: each sends a line of 1 to %zu bytes (%zu bytes in all) and "
                "reads its echo", n, max_len, total);
    char buf[16384], line[16384];
    struct epoll_event evs[512];
    struct proc *p = prog_started(c, 0);
    struct sched s0;
    int sched_ok = p && prog_sched(p, &s0) == 0;
    long last_ok = 0;
    while (left > 0 && mono() < deadline) {
        int m = crowd_events(c, w, evs, 512);
        for (int j = 0; j < m; j++) {
            int i = (int)evs[j].data.u32;
            struct client *k = &w->cl[i];
            if (k->fate != WAITING)
                continue;
            if ((evs[j].events & EPOLLOUT) && k->sent < k->len) {
                size_t chunk = k->len - k->sent;
                if (chunk > sizeof line)
                    chunk = sizeof line;
                for (size_t b = 0; b < chunk; b++)
                    line[b] = line_byte(i, k->sent + b, k->len);
                if (k->sent == 0)
                    k->t_send = mono();
                ssize_t s = send(k->fd, line, chunk, MSG_NOSIGNAL);
                if (s > 0)
                    k->sent += (size_t)s;
                else if (s < 0 && errno != EAGAIN && errno != EINTR) {
                    k->err = errno;
                    k->fate = RESET;
                    left--;
                    continue;
                }
                if (k->sent == k->len) {
                    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
                    epoll_ctl(w->ep, EPOLL_CTL_MOD, k->fd, &ev);
                }
            }
            if (!(evs[j].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                continue;
            ssize_t r = take(k, buf, sizeof buf, EARLY_EOF);
            if (r < 0)
                continue;
            if (r > 0) {
                for (ssize_t b = 0; b < r && k->fate == WAITING; b++) {
                    size_t at = k->got + (size_t)b;
                    if (at < k->len && buf[b] == line_byte(i, at, k->len))
                        continue;
                    saw(k, at < k->len ? OTHER_BYTES : MORE_BYTES, at, buf + b, (size_t)(r - b));
                }
                if (k->fate == WAITING) {
                    k->got += (size_t)r;
                    if (k->got == k->len) {
                        k->fate = OK;
                        last_ok = mono();
                        k->rtt_ms = last_ok - k->t_send;
                    }
                }
            }
            if (k->fate != WAITING) {
                epoll_ctl(w->ep, EPOLL_CTL_DEL, k->fd, NULL);
                left--;
            }
        }
    }
    long ms = mono() - t0;
    int served = 0, wrong = 0;
    for (int i = 0; i < n; i++) {
        served += w->cl[i].fate == OK;
        wrong += w->cl[i].fate != OK && w->cl[i].fate != WAITING;
    }
    if (left > 0 && !wrong && sched_ok)
        skip_if_starved(c, p, &s0, ms, mono() - last_ok, served, n, "had their echo");
    for (int i = 0; i < n; i++)
        if (w->cl[i].fate != OK) {
            crowd_fail(c, w, str("each of the %d clients gets back exactly its line (1 to %zu "
                                 "bytes, %zu in all) within %ld ms", n, max_len, total,
                                 timeout_ms), ms, fate_words(OK));
        }
    peer_record(c, -1, "c1..c%d: every line came back, in %ld ms", n, ms);
    return ms;
}

void crowd_finish(struct ctx *c, struct crowd *w, long timeout_ms)
{
    long t0 = mono(), deadline = t0 + timeout_ms;
    int n = w->n, left = 0;
    peer_record(c, 1, "c1..c%d: each half-closes (FIN)", n);
    for (int i = 0; i < n; i++) {
        struct client *k = &w->cl[i];
        k->fate = WAITING;
        k->got = k->len;   /* anything more is MORE_BYTES */
        shutdown(k->fd, SHUT_WR);
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        if (epoll_ctl(w->ep, EPOLL_CTL_ADD, k->fd, &ev) != 0)
            epoll_ctl(w->ep, EPOLL_CTL_MOD, k->fd, &ev);
        left++;
    }
    char buf[4096];
    struct epoll_event evs[512];
    while (left > 0 && mono() < deadline) {
        int m = crowd_events(c, w, evs, 512);
        for (int j = 0; j < m; j++) {
            struct client *k = &w->cl[evs[j].data.u32];
            if (k->fate != WAITING)
                continue;
            ssize_t r = take(k, buf, sizeof buf, OK);
            if (r < 0)
                continue;
            if (r > 0)
                saw(k, MORE_BYTES, k->got, buf, (size_t)r);
            epoll_ctl(w->ep, EPOLL_CTL_DEL, k->fd, NULL);
            left--;
        }
    }
    long ms = mono() - t0;
    for (int i = 0; i < n; i++)
        if (w->cl[i].fate != OK)
            crowd_fail(c, w, str("after its FIN, each of the %d clients reads EOF (the server "
                                 "closes once all is echoed) within %ld ms", n, timeout_ms), ms,
                       "read EOF");
    peer_record(c, -1, "c1..c%d: EOF on every connection, in %ld ms", n, ms);
    crowd_close(w);
}

void crowd_close(struct crowd *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n; i++)
        if (w->cl[i].fd > 0)
            close(w->cl[i].fd);
    if (w->ep >= 0)
        close(w->ep);
    free(w->cl);
    free(w);
}

long crowd_rtt_ms(struct crowd *w, int i)
{
    return i >= 0 && i < w->n ? w->cl[i].rtt_ms : -1;
}
