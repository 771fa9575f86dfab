/* good: non-blocking connect() completed with poll() and SO_ERROR, then poll()+read() on the non-blocking socket until EOF */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *call, int err)
{
    fprintf(stderr, "fetch: %s: %s\n", call, strerror(err));
    return 1;
}

/* wait until fd is ready for the given events; returns revents */
static short wait_for(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR)
            return POLLERR;
    return p.revents;
}

/* 0 if connected, else an errno value */
static int connect_nb(const struct addrinfo *ai, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return errno;
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        err = errno;
        if (err == EINPROGRESS) {
            socklen_t len = sizeof err;
            wait_for(fd, POLLOUT);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        }
    }
    if (err != 0) {
        close(fd);
        return err;
    }
    *out = fd;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fetch HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "fetch: getaddrinfo(%s, %s): %s\n", argv[1], argv[2], gai_strerror(rc));
        return 1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
        if ((err = connect_nb(ai, &fd)) == 0)
            break;
    freeaddrinfo(res);
    if (fd < 0)
        return fail("connect", err);

    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_for(fd, POLLIN);
                continue;
            }
            if (errno == EINTR)
                continue;
            return fail("read", errno);
        }
        char *p = buf;
        while (n > 0) {
            ssize_t w = write(1, p, (size_t)n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN) {
                    wait_for(1, POLLOUT);
                    continue;
                }
                return fail("write", errno);
            }
            p += w;
            n -= w;
        }
    }
    close(fd);
    return 0;
}
