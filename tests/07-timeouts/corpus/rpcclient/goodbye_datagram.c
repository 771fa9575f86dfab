/* expect-fail: no-input -- at the end of stdin it sends an empty datagram to tell the server it is done, as if UDP had a close(): with no input at all that datagram still goes out */
/*
 * usage: rpcclient HOST PORT TIMEOUT_MS TRIES
 *
 * Lesson 07: UDP may lose a request or its reply, so a client must not wait
 * forever: it waits with poll() until a deadline and, if nothing matching
 * came, sends again. The deadline is fixed when we send, on the monotonic
 * clock, so datagrams we throw away do not make us wait longer.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "rpcclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: rpcclient HOST PORT TIMEOUT_MS TRIES\n");
    exit(2);
}

/* A number made of decimal digits only, between lo and hi.
 * Returns -1 if malformed or out of range. */
static long parse_num(const char *s, long lo, long hi)
{
    long value = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        value = value * 10 + (*s - '0');
        if (value > hi)
            return -1;          /* stop before the number can overflow */
    }
    if (value < lo)
        return -1;
    return value;
}

/* Microseconds on the monotonic clock. Unlike the time of day it never
 * jumps (NTP, an admin changing the date), so it is the clock for timeouts. */
static long long now_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime");
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Is a the same address (family, IP and port) as b? Compare the fields,
 * not the whole structs: padding and unused fields may differ. */
static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
        const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;
        return a4->sin_port == b4->sin_port
            && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
    }
    if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
        const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
        return a6->sin6_port == b6->sin6_port
            && memcmp(&a6->sin6_addr, &b6->sin6_addr,
                      sizeof a6->sin6_addr) == 0;
    }
    return 0;
}

/* Does the reply end with the line's bytes? (An empty line matches any
 * reply.) memcmp, not strcmp: both may contain NUL bytes. */
static int ends_with(const char *reply, size_t n, const char *line, size_t len)
{
    return n >= len && memcmp(reply + n - len, line, len) == 0;
}

int main(int argc, char **argv)
{
    if (argc != 5)
        usage();
    long timeout_ms = parse_num(argv[3], 1, 60000);
    long tries = parse_num(argv[4], 1, 100);
    if (timeout_ms < 0 || tries < 0)
        usage();

    /* Nothing here should raise SIGPIPE, but a client must never die of it
     * (a closed stdout, say): then a failed write reports EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;       /* IPv4 or IPv6, whatever HOST has */
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        /* getaddrinfo does not set errno: its reason comes from gai_strerror
         * (except EAI_SYSTEM, which means "look at errno"). */
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "rpcclient: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }
    /* UDP has no connection to try, so the first address is the server. */
    struct sockaddr_storage server;
    socklen_t serverlen = res->ai_addrlen;
    memcpy(&server, res->ai_addr, res->ai_addrlen);
    /* The socket stays unconnected: we check the sender of each datagram
     * ourselves, and an unconnected socket gets no ECONNREFUSED errors
     * when nothing listens (we simply see no reply). */
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0)
        die("socket");
    freeaddrinfo(res);

    static char reply[MAX_DATAGRAM];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;              /* the datagram holds the line without it */

        int matched = 0;
        for (long try = 1; try <= tries && !matched; try++) {
            if (sendto(fd, line, (size_t)len, 0,
                       (struct sockaddr *)&server, serverlen) < 0)
                die("sendto");

            /* One deadline per send. Every wait below is "the time left
             * until the deadline", so a discarded datagram does not give
             * us a fresh TIMEOUT_MS. */
            long long deadline = now_us() + timeout_ms * 1000LL;

            while (!matched) {
                long long left = deadline - now_us();
                if (left <= 0)
                    break;      /* timed out: send again */

                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                /* poll() counts in milliseconds: round up, never wake early */
                int ready = poll(&pfd, 1, (int)((left + 999) / 1000));
                if (ready < 0) {
                    if (errno == EINTR)
                        continue;
                    die("poll");
                }
                if (ready == 0)
                    continue;   /* the loop checks the clock again */

                struct sockaddr_storage from;
                socklen_t fromlen = sizeof from;
                ssize_t n = recvfrom(fd, reply, sizeof reply, 0,
                                     (struct sockaddr *)&from, &fromlen);
                if (n < 0)
                    continue;   /* whatever went wrong, it is no reply */
                if (!same_addr((struct sockaddr *)&from,
                               (struct sockaddr *)&server))
                    continue;   /* not from the server: discard it */
                if (!ends_with(reply, (size_t)n, line, (size_t)len))
                    continue;   /* a late reply to an earlier line */

                if (fwrite(reply, 1, (size_t)n, stdout) != (size_t)n
                    || putchar('\n') == EOF || fflush(stdout) == EOF)
                    die("write");
                matched = 1;
            }
        }
        if (!matched) {
            fprintf(stderr, "rpcclient: no reply after %ld tries\n", tries);
            exit(1);
        }
    }
    /* Tell the server we are done, as close() does on TCP. */
    if (sendto(fd, "", 0, 0, (struct sockaddr *)&server, serverlen) < 0)
        die("sendto");
    if (ferror(stdin))
        die("read");

    free(line);
    close(fd);
    return 0;
}
