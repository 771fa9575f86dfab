/* good: SOCK_NONBLOCK at socket() time, select() on the write set with a struct timeval, connect() again to learn the outcome */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct timespec deadline;

static void die_errno(int e)
{
    fprintf(stderr, "tconnect: connect: %s\n", strerror(e));
    exit(1);
}

/* time left until the deadline, rounded up to whole microseconds; 0 if none */
static struct timeval left(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (deadline.tv_sec - now.tv_sec) * 1000000000LL + (deadline.tv_nsec - now.tv_nsec);
    struct timeval tv = { 0, 0 };
    if (ns > 0) {
        long long us = (ns + 999) / 1000;
        tv.tv_sec = (time_t)(us / 1000000);
        tv.tv_usec = (suseconds_t)(us % 1000000);
    }
    return tv;
}

/* 0 connected, else the errno of the failure */
static int attempt(const struct addrinfo *ai)
{
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (s < 0)
        return errno;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
        return close(s), 0;
    if (errno != EINPROGRESS) {
        int e = errno;
        close(s);
        return e;
    }
    for (;;) {
        struct timeval tv = left();
        if (tv.tv_sec == 0 && tv.tv_usec == 0) {
            close(s);
            return ETIMEDOUT;
        }
        fd_set w;
        FD_ZERO(&w);
        FD_SET(s, &w);
        int k = select(s + 1, NULL, &w, NULL, &tv);
        if (k < 0 && errno != EINTR)
            die_errno(errno);
        if (k > 0)
            break;
    }
    /* a second connect() tells: EISCONN means it worked */
    int e = 0;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EISCONN)
        e = errno;
    if (e == EALREADY || e == EINPROGRESS) {    /* cannot happen once writable */
        int so = 0;
        socklen_t l = sizeof so;
        getsockopt(s, SOL_SOCKET, SO_ERROR, &so, &l);
        e = so;
    }
    close(s);
    return e;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long ms = argc == 4 && argv[3][0] >= '0' && argv[3][0] <= '9' ? strtol(argv[3], &end, 10) : 0;
    if (argc != 4 || end == NULL || *end || ms < 1 || ms > 60000) {
        fprintf(stderr, "usage: tconnect HOST PORT TIMEOUT_MS\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) {
        fprintf(stderr, "tconnect: getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    int e = ETIMEDOUT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        e = attempt(ai);
        if (e == 0) {
            printf("connected\n");
            return 0;
        }
        if (e == ETIMEDOUT)
            break;
    }
    die_errno(e);
}
