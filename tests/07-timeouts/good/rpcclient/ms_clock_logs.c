/* good: whole-millisecond clock (deadlines may end up to 1 ms early), poll() loop, log lines on stderr for every resend and discarded datagram, read()/write() for stdout */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long number(const char *s, long hi)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    long v = strtol(s, &end, 10);
    return *end || v > hi ? -1 : v;
}

static long now_ms(void)   /* truncated to whole milliseconds */
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static void out(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            perror("rpcclient: write");
            exit(1);
        }
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    long timeout = argc == 5 ? number(argv[3], 60000) : -1;
    long tries = argc == 5 ? number(argv[4], 100) : -1;
    if (timeout < 1 || tries < 1) {
        fprintf(stderr, "usage: rpcclient HOST PORT TIMEOUT_MS TRIES\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *res;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) {
        fprintf(stderr, "rpcclient: %s\n", gai_strerror(rc));
        return 1;
    }
    struct sockaddr_storage server = { 0 }, from;
    memcpy(&server, res->ai_addr, res->ai_addrlen);
    socklen_t slen = res->ai_addrlen;
    int fd = socket(res->ai_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("rpcclient: socket");
        return 1;
    }
    static char reply[65536];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len && line[len - 1] == '\n')
            line[--len] = 0;
        int ok = 0;
        for (long t = 0; t < tries && !ok; t++) {
            if (t)
                fprintf(stderr, "rpcclient: no match in %ld ms, sending again (try %ld)\n",
                        timeout, t + 1);
            if (sendto(fd, line, (size_t)len, 0, (struct sockaddr *)&server, slen) < 0) {
                perror("rpcclient: sendto");
                return 1;
            }
            long deadline = now_ms() + timeout;
            long left;
            while (!ok && (left = deadline - now_ms()) > 0) {
                struct pollfd p = { fd, POLLIN, 0 };
                if (poll(&p, 1, (int)left) <= 0)
                    continue;
                socklen_t flen = sizeof from;
                ssize_t n = recvfrom(fd, reply, sizeof reply, 0, (struct sockaddr *)&from, &flen);
                if (n < 0)
                    continue;
                if (!same(&from, &server) || n < len || memcmp(reply + n - len, line, (size_t)len)) {
                    fprintf(stderr, "rpcclient: discarding a datagram of %zd bytes\n", n);
                    continue;
                }
                out(reply, (size_t)n);
                out("\n", 1);
                ok = 1;
            }
        }
        if (!ok) {
            fprintf(stderr, "rpcclient: no reply after %ld tries\n", tries);
            return 1;
        }
    }
    return 0;
}
