/*
 * loadgen.c - the load of `make bench` for lesson 10: N clients connect to
 * 127.0.0.1:PORT and stay open together, then each sends one line of
 * LEN bytes and reads its echo, all at once, driven by one epoll loop.
 *
 *   loadgen PORT N LEN
 *
 * Prints one line: "ok CONN_PER_S MIB_PER_S P50_MS P99_MS", or "failed WHY".
 * Every wait is bounded (30 s in all).  Exit 0 with ok, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

struct cl {
    int fd;
    size_t sent, got;
    double t_send, rtt;
    int done;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int failed(const char *why, int n)
{
    printf("failed %s (%d clients)\n", why, n);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: loadgen PORT N LEN\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]);
    size_t len = (size_t)atol(argv[3]);
    if (port <= 0 || n <= 0 || len < 1 || len > 65536) {
        fprintf(stderr, "usage: loadgen PORT N LEN\n");
        return 2;
    }
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
        if ((long)r.rlim_cur < n + 16)
            n = (int)r.rlim_cur - 16;
    }
    struct cl *c = calloc((size_t)n, sizeof *c);
    char *line = malloc(len), *buf = malloc(65536);
    int ep = epoll_create1(0);
    if (!c || !line || !buf || ep < 0)
        return failed("no memory or epoll", n);
    for (size_t i = 0; i < len; i++)
        line[i] = i + 1 == len ? '\n' : (char)('a' + i % 26);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    double deadline = now() + 30, t0 = now();
    struct epoll_event evs[512];

    /* Phase 1: connect all, at most 256 handshakes in flight. */
    int started = 0, pending = 0, connected = 0;
    while (connected < n && now() < deadline) {
        while (started < n && pending < 256) {
            c[started].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c[started].fd < 0)
                return failed("socket", n);
            if (connect(c[started].fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
                connected++;
            } else if (errno == EINPROGRESS) {
                struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)started };
                epoll_ctl(ep, EPOLL_CTL_ADD, c[started].fd, &ev);
                pending++;
            } else {
                return failed("connect", n);
            }
            started++;
        }
        int m = epoll_wait(ep, evs, 512, 100);
        for (int j = 0; j < m; j++) {
            struct cl *k = &c[evs[j].data.u32];
            int e = 0;
            socklen_t el = sizeof e;
            getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &e, &el);
            if (e)
                return failed("connect refused or reset", n);
            epoll_ctl(ep, EPOLL_CTL_DEL, k->fd, NULL);
            pending--;
            connected++;
        }
    }
    double t_conn = now() - t0;
    if (connected < n)
        return failed("not all connected in time", n);

    /* Phase 2: every client sends its line and reads the echo. */
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    int left = n;
    double t1 = now();
    while (left > 0 && now() < deadline) {
        int m = epoll_wait(ep, evs, 512, 100);
        for (int j = 0; j < m; j++) {
            int i = (int)evs[j].data.u32;
            struct cl *k = &c[i];
            if (k->done)
                continue;
            if ((evs[j].events & EPOLLOUT) && k->sent < len) {
                if (k->sent == 0)
                    k->t_send = now();
                ssize_t s = send(k->fd, line + k->sent, len - k->sent, MSG_NOSIGNAL);
                if (s > 0)
                    k->sent += (size_t)s;
                else if (s < 0 && errno != EAGAIN)
                    return failed("send failed", n);
                if (k->sent == len) {
                    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
                    epoll_ctl(ep, EPOLL_CTL_MOD, k->fd, &ev);
                }
            }
            if (evs[j].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                ssize_t g = recv(k->fd, buf, 65536, 0);
                if (g == 0 || (g < 0 && errno != EAGAIN))
                    return failed("the server closed or reset a client before its echo", n);
                if (g > 0) {
                    if (memcmp(buf, line + k->got, (size_t)g) != 0)
                        return failed("other bytes came back", n);
                    k->got += (size_t)g;
                }
                if (k->got == len) {
                    k->rtt = now() - k->t_send;
                    k->done = 1;
                    epoll_ctl(ep, EPOLL_CTL_DEL, k->fd, NULL);
                    left--;
                }
            }
        }
    }
    double t_echo = now() - t1;
    if (left > 0)
        return failed("not every echo came back within 30 s", n);
    double *rtt = malloc((size_t)n * sizeof *rtt);
    for (int i = 0; i < n; i++)
        rtt[i] = c[i].rtt;
    qsort(rtt, (size_t)n, sizeof *rtt, cmp);
    printf("ok %.0f %.1f %.1f %.1f\n", n / t_conn, 2.0 * n * len / t_echo / (1 << 20),
           rtt[n / 2] * 1000, rtt[(n * 99) / 100] * 1000);
    for (int i = 0; i < n; i++)
        close(c[i].fd);
    return 0;
}
