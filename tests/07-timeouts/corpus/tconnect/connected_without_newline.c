/* expect-fail: connects connects-ipv6 next-address range-edges address-order -- prints "connected" without its \n */
/*
 * usage: tconnect HOST PORT TIMEOUT_MS
 *
 * Lesson 07: a blocking connect() to a host that does not answer can hang
 * for minutes. Made non-blocking, connect() returns EINPROGRESS at once; we
 * wait for the socket to become writable with poll(), up to one deadline for
 * all addresses together, and then read the outcome with SO_ERROR.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "tconnect: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: tconnect HOST PORT TIMEOUT_MS\n");
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

/* Close fd after a failure, keeping the failure's errno (close() might
 * change it). Returns -1 so that callers can write "return fail(fd);". */
static int fail(int fd)
{
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return -1;
}

/* Start a non-blocking connect to ai and wait for its outcome until the
 * deadline. Returns the connected socket, or -1 with errno set (ETIMEDOUT
 * when the deadline passed first). */
static int connect_until(const struct addrinfo *ai, long long deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        return -1;

    /* Non-blocking: connect() starts the handshake and returns at once. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return fail(fd);

    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;              /* connected at once (can happen locally) */
    if (errno != EINPROGRESS)
        return fail(fd);        /* failed at once, e.g. no route */

    /* The socket becomes writable when the handshake is over, whether it
     * succeeded or failed. */
    for (;;) {
        long long left = deadline - now_us();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return fail(fd);
        }
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        /* poll() counts in milliseconds: round up, never wake early */
        int ready = poll(&pfd, 1, (int)((left + 999) / 1000));
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return fail(fd);
        }
        if (ready > 0)
            break;
        /* ready == 0: the loop checks the clock again */
    }

    /* Writable does not mean connected: SO_ERROR holds the outcome
     * (0, or the errno the connect would have returned). */
    int soerr;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        return fail(fd);
    if (soerr != 0) {
        errno = soerr;
        return fail(fd);
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        usage();
    long timeout_ms = parse_num(argv[3], 1, 60000);
    if (timeout_ms < 0)
        usage();

    /* One deadline for the whole program, set before anything can take
     * time: every address gets only what is left of it. */
    long long deadline = now_us() + timeout_ms * 1000LL;

    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;       /* IPv4 or IPv6, whatever HOST has */
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        /* getaddrinfo does not set errno: its reason comes from gai_strerror
         * (except EAI_SYSTEM, which means "look at errno"). */
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "tconnect: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }

    int fd = -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = connect_until(ai, deadline);
        if (fd >= 0 || errno == ETIMEDOUT)
            break;              /* connected, or no time left for others */
    }
    if (fd < 0)
        die("connect");         /* errno is the last attempt's reason */
    freeaddrinfo(res);

    printf("connected");
    close(fd);
    return 0;
}
