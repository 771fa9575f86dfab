/* check.c - lesson 06: echoserver echoes a byte stream; echoclient sends lines through one.
 * The tests are in check_echoserver.c and check_echoclient.c; here are the
 * steps both use. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include "check.h"

struct got receive(struct ctx *c, struct conn *k, int id, size_t n, long ms)
{
    struct got g = { malloc(n + 1), 0, 0, 0, "" };
    int fd = conn_fd(k);
    while (g.len < n) {
        ssize_t r = recv(fd, g.buf + g.len, n - g.len, MSG_DONTWAIT);
        if (r > 0) { g.len += (size_t)r; continue; }
        if (r == 0) { g.eof = 1; break; }
        if (errno != EAGAIN && errno != EINTR) { g.err = errno; break; }
        struct pollfd pf = { fd, POLLIN, 0 };
        if (poll(&pf, 1, (int)ms) == 0)
            break;
    }
    g.then = g.len == n ? "" : g.eof ? ", then EOF" : g.err ? str(", then %s", strerror(g.err))
                                                        : str(", then nothing for %ld ms", ms);
    peer_record(c, -1, "c%d: %s%s", id, describe(g.buf, g.len), g.then);
    return g;
}

void fin_sent(int fd, long ms)
{
    for (long i = 0; i < ms * 10; i++) {
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        memset(&ti, 0, sizeof ti);
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
            len < offsetof(struct tcp_info, tcpi_notsent_bytes) + sizeof ti.tcpi_notsent_bytes ||
            ti.tcpi_notsent_bytes == 0)
            return;
        usleep(100);
    }
}

const struct lesson LESSON = {
    "06-tcp-echo",
    (const struct program[]){ { "echoserver", echoserver_tests },
                              { "echoclient", echoclient_tests }, { NULL } },
};
