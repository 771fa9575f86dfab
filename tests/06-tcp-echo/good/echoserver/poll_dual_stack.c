/* good: several clients at once with poll(), dual-stack IPv6 listener, log lines on stdout after the ready line */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 64

static void bail(const char *what)
{
    fprintf(stderr, "echoserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int sendall(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, 0);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 || !*argv[1] || strlen(argv[1]) > 5
        || argv[1][strspn(argv[1], "0123456789")] || atoi(argv[1]) > 65535) {
        fputs("usage: echoserver PORT\n", stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    if (l < 0)
        bail("socket");
    int one = 1, zero = 0;
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0)
        bail("setsockopt");
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons((uint16_t)atoi(argv[1]));
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        bail("bind");
    if (listen(l, SOMAXCONN) < 0)
        bail("listen");
    socklen_t al = sizeof a;
    if (getsockname(l, (struct sockaddr *)&a, &al) < 0)
        bail("getsockname");
    printf("listening on port %d\n", ntohs(a.sin6_port));
    fflush(stdout);

    /* never more clients than free descriptors: accept() would fail */
    int max = MAXFD;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)MAXFD + 4)
        max = (int)rl.rlim_cur - 4;
    if (max < 2)
        max = 2;
    struct pollfd p[MAXFD];
    int n = 1;
    p[0].fd = l;
    p[0].events = POLLIN;
    char buf[4096];
    for (;;) {
        /* stop accepting while the table is full */
        p[0].events = n < max ? POLLIN : 0;
        if (poll(p, (nfds_t)n, -1) < 0) {
            if (errno == EINTR)
                continue;
            bail("poll");
        }
        for (int i = n - 1; i >= 1; i--) {
            if (!p[i].revents)
                continue;
            ssize_t r = recv(p[i].fd, buf, sizeof buf, 0);
            if (r < 0 && errno == EINTR)
                continue;
            if (r > 0 && sendall(p[i].fd, buf, (size_t)r) == 0)
                continue;
            if (r < 0)
                printf("client %d: recv: %s\n", p[i].fd, strerror(errno));
            else if (r > 0)
                printf("client %d: send: %s\n", p[i].fd, strerror(errno));
            else
                printf("client %d: end of file\n", p[i].fd);
            fflush(stdout);
            close(p[i].fd);
            p[i] = p[--n];
        }
        if (p[0].revents & POLLIN) {
            int c = accept(l, NULL, NULL);
            if (c < 0) {
                fprintf(stderr, "echoserver: accept: %s\n", strerror(errno));
                continue;
            }
            printf("client %d: connected\n", c);
            fflush(stdout);
            p[n].fd = c;
            p[n].events = POLLIN;
            p[n].revents = 0;
            n++;
        }
    }
}
