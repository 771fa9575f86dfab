/* good: blocking connect() bounded by SO_SNDTIMEO set to the time left (a timed-out connect fails with EINPROGRESS) */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long usec_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void fail(int err)
{
    fprintf(stderr, "tconnect: connect: %s\n", strerror(err));
    exit(1);
}

int main(int argc, char **argv)
{
    long ms = 0;
    if (argc == 4 && argv[3][0] && strspn(argv[3], "0123456789") == strlen(argv[3])
        && strlen(argv[3]) <= 5)
        ms = atol(argv[3]);
    if (ms < 1 || ms > 60000) {
        fprintf(stderr, "usage: tconnect HOST PORT TIMEOUT_MS\n");
        return 2;
    }
    long long deadline = usec_now() + ms * 1000LL;

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) {
        fprintf(stderr, "tconnect: %s\n", gai_strerror(rc));
        return 1;
    }
    int last = ETIMEDOUT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        long long left = deadline - usec_now();
        if (left <= 0)
            fail(ETIMEDOUT);
        int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s < 0) {
            last = errno;
            continue;
        }
        struct timeval tv = { (time_t)(left / 1000000), (suseconds_t)(left % 1000000) };
        if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) {
            perror("tconnect: setsockopt");
            return 1;
        }
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
            puts("connected");
            close(s);
            freeaddrinfo(res);
            return 0;
        }
        last = errno;
        if (last == EINPROGRESS || last == EAGAIN || last == EINTR) {
            /* timed out by SO_SNDTIMEO (maybe a little early: the kernel
             * counts in ticks), the handshake still runs: wait out the
             * rest of the deadline for it */
            for (;;) {
                left = deadline - usec_now();
                if (left <= 0)
                    fail(ETIMEDOUT);
                struct pollfd p = { .fd = s, .events = POLLOUT };
                int k = poll(&p, 1, (int)((left + 999) / 1000));
                if (k > 0)
                    break;
                if (k < 0 && errno != EINTR)
                    fail(errno);
            }
            int err = 0;
            socklen_t el = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
            if (err == 0) {
                puts("connected");
                return 0;
            }
            last = err;
        }
        close(s);
    }
    fail(last);
}
