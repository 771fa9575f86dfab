/*
 * udpserver PORT, written differently: recvmsg() with MSG_TRUNC to notice
 * oversized datagrams, and sendmsg() with two iovecs (the prefix and the
 * payload, still one datagram), ctime_r(), a line-buffered stdout, and a
 * poll() before each receive.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

static int parse_port(const char *s)
{
    int v = 0, n = 0;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n == 5)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return n == 0 || v > 65535 ? -1 : v;
}

int main(int argc, char **argv)
{
    int port = argc == 2 ? parse_port(argv[1]) : -1;
    if (port < 0) {
        fputs("usage: udpserver PORT\n", stderr);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "udpserver: socket: %s\n", strerror(errno));
        return 1;
    }
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    socklen_t alen = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
        fprintf(stderr, "udpserver: bind: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(a.sin_port));

    static char data[65507];
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, -1) < 0)
            continue;
        struct sockaddr_in from;
        struct iovec iv = { data, sizeof data };
        struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from,
                            .msg_iov = &iv, .msg_iovlen = 1 };
        ssize_t n = recvmsg(fd, &m, MSG_TRUNC);
        if (n < 0) {
            fprintf(stderr, "udpserver: recvmsg: %s\n", strerror(errno));
            continue;
        }
        if (m.msg_flags & MSG_TRUNC) {
            fprintf(stderr, "udpserver: datagram of %zd bytes truncated\n", n);
            n = sizeof data;
        }
        char stamp[32], prefix[40];
        time_t now = time(NULL);
        if (!ctime_r(&now, stamp))
            continue;
        int plen = snprintf(prefix, sizeof prefix, "[%.24s] ", stamp);
        struct iovec out[2] = { { prefix, (size_t)plen }, { data, (size_t)n } };
        struct msghdr r = { .msg_name = &from, .msg_namelen = m.msg_namelen,
                            .msg_iov = out, .msg_iovlen = 2 };
        if (sendmsg(fd, &r, 0) < 0)
            fprintf(stderr, "udpserver: sendmsg: %s\n", strerror(errno));
    }
}
