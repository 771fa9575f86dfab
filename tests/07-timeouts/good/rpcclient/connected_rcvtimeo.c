/* good: connected UDP socket (ECONNREFUSED counts as no reply), SO_RCVTIMEO set to the time left before each recv */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long number(const char *s, long lo, long hi)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + *s - '0') > hi)
            return -1;
    }
    return v < lo ? -1 : v;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "rpcclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    long ms = argc == 5 ? number(argv[3], 1, 60000) : -1;
    long tries = argc == 5 ? number(argv[4], 1, 100) : -1;
    if (ms < 0 || tries < 0) {
        fprintf(stderr, "usage: rpcclient HOST PORT TIMEOUT_MS TRIES\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *ai;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (rc) {
        fprintf(stderr, "rpcclient: %s\n", gai_strerror(rc));
        return 1;
    }
    int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s < 0)
        die("socket");
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0)
        die("connect");
    freeaddrinfo(ai);

    static char reply[65536];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        int ok = 0;
        for (long t = 0; t < tries && !ok; t++) {
            /* a refused earlier send may be reported here: no matter */
            while (send(s, line, (size_t)len, 0) < 0)
                if (errno != ECONNREFUSED && errno != EINTR)
                    die("send");
            double deadline = now() + ms / 1000.0;
            for (;;) {
                double left = deadline - now();
                if (left <= 0)
                    break;
                struct timeval tv;
                tv.tv_sec = (time_t)left;
                tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6) + 1;
                if (tv.tv_usec >= 1000000) {
                    tv.tv_sec++;
                    tv.tv_usec -= 1000000;
                }
                if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
                    die("setsockopt");
                ssize_t n = recv(s, reply, sizeof reply, 0);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                        || errno == ECONNREFUSED)
                        continue;       /* the loop looks at the clock */
                    die("recv");
                }
                /* connected: only the server's datagrams arrive here */
                if (n >= len && memcmp(reply + n - len, line, (size_t)len) == 0) {
                    fwrite(reply, 1, (size_t)n, stdout);
                    putchar('\n');
                    fflush(stdout);
                    ok = 1;
                    break;
                }
            }
        }
        if (!ok) {
            fprintf(stderr, "rpcclient: no reply after %ld tries\n", tries);
            return 1;
        }
    }
    return 0;
}
