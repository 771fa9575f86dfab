/* good: select() with a timeval from a CLOCK_MONOTONIC deadline, stdin split by hand from read(), sender compared field by field */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd;
static struct sockaddr_storage server;
static long timeout_ms, tries;
static char buf[65536];

static void die(const char *what)
{
    fprintf(stderr, "rpcclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int numeric(const char *s, long lo, long hi, long *out)
{
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
        return 0;
    *out = atol(s);
    return *out >= lo && *out <= hi;
}

static struct timespec add_ms(struct timespec t, long ms)
{
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static int from_server(const struct sockaddr_storage *a)
{
    if (a->ss_family != server.ss_family)
        return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)&server;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)&server;
    return x->sin6_port == y->sin6_port && IN6_ARE_ADDR_EQUAL(&x->sin6_addr, &y->sin6_addr);
}

/* one line: up to `tries` sends, each followed by a wait of timeout_ms */
static void call(const char *line, size_t len, socklen_t slen)
{
    for (long t = 1; t <= tries; t++) {
        if (sendto(fd, line, len, 0, (struct sockaddr *)&server, slen) < 0)
            die("sendto");
        struct timespec end, now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        end = add_ms(now, timeout_ms);
        for (;;) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            long long left_ns = (end.tv_sec - now.tv_sec) * 1000000000LL
                                + (end.tv_nsec - now.tv_nsec);
            if (left_ns <= 0)
                break;
            long long left_us = (left_ns + 999) / 1000;   /* never wake early */
            struct timeval tv = { (time_t)(left_us / 1000000), (suseconds_t)(left_us % 1000000) };
            fd_set r;
            FD_ZERO(&r);
            FD_SET(fd, &r);
            int k = select(fd + 1, &r, NULL, NULL, &tv);
            if (k < 0 && errno != EINTR)
                die("select");
            if (k <= 0)
                continue;
            struct sockaddr_storage from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (n < 0 || !from_server(&from))
                continue;
            if ((size_t)n < len || memcmp(buf + n - len, line, len) != 0)
                continue;
            buf[n] = '\n';
            if (write(1, buf, (size_t)n + 1) != n + 1)
                die("write");
            return;
        }
    }
    fprintf(stderr, "rpcclient: no reply after %ld tries\n", tries);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 5 || !numeric(argv[3], 1, 60000, &timeout_ms) || !numeric(argv[4], 1, 100, &tries)) {
        fprintf(stderr, "usage: rpcclient HOST PORT TIMEOUT_MS TRIES\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo h, *res;
    memset(&h, 0, sizeof h);
    h.ai_family = AF_UNSPEC;
    h.ai_socktype = SOCK_DGRAM;
    int e = getaddrinfo(argv[1], argv[2], &h, &res);
    if (e) {
        fprintf(stderr, "rpcclient: getaddrinfo: %s\n", gai_strerror(e));
        return 1;
    }
    memcpy(&server, res->ai_addr, res->ai_addrlen);
    socklen_t slen = res->ai_addrlen;
    fd = socket(res->ai_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    freeaddrinfo(res);

    static char in[65536 * 2];
    size_t used = 0;
    for (;;) {
        ssize_t n = read(0, in + used, sizeof in - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read");
        if (n == 0)
            break;
        used += (size_t)n;
        char *p = in, *nl;
        while ((nl = memchr(p, '\n', used - (size_t)(p - in))) != NULL) {
            call(p, (size_t)(nl - p), slen);
            p = nl + 1;
        }
        used -= (size_t)(p - in);
        memmove(in, p, used);
    }
    if (used)
        call(in, used, slen);
    return 0;
}
