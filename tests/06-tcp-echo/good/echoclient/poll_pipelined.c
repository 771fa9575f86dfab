/* good: one poll() loop; stdin goes to the server as it comes (lines are not waited for), the echo goes to stdout as it comes */
#include <errno.h>
#include <signal.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what, int err)
{
    fprintf(stderr, "echoclient: %s: %s\n", what, strerror(err));
    exit(1);
}

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "echoclient: %s\n", gai_strerror(rc));
        exit(1);
    }
    int fd = -1, err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        fail("connect", err);
    return fd;
}

/* Write all of buf to fd 1. */
static void out(const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fail("write", errno);
        }
        buf += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    /* MSG_NOSIGNAL covers the socket; stdout may be a pipe whose reader is gone. */
    signal(SIGPIPE, SIG_IGN);
    if (argc != 3) {
        fprintf(stderr, "usage: echoclient HOST PORT\n");
        return 2;
    }
    int fd = dial(argv[1], argv[2]);
    static char in[65536], echo[65536];
    size_t pending = 0, off = 0;      /* stdin bytes not yet sent: in[off..pending) */
    unsigned long long sent = 0, back = 0;
    int stdin_open = 1;

    while (stdin_open || off < pending || back < sent) {
        struct pollfd p[2] = { { 0, 0, 0 }, { fd, POLLIN, 0 } };
        if (stdin_open && off == pending)
            p[0].events = POLLIN;
        if (off < pending)
            p[1].events |= POLLOUT;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail("poll", errno);
        }
        if (p[0].events && p[0].revents) {   /* POLLHUP comes even unasked */
            ssize_t r = read(0, in, sizeof in);
            if (r < 0 && errno != EINTR)
                fail("read", errno);
            if (r == 0)
                stdin_open = 0;
            if (r > 0) {
                off = 0;
                pending = (size_t)r;
            }
        }
        if (p[1].revents & POLLOUT) {
            ssize_t w = send(fd, in + off, pending - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                fail("send", errno);
            if (w > 0) {
                off += (size_t)w;
                sent += (size_t)w;
            }
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fd, echo, sizeof echo, MSG_DONTWAIT);
            if (r < 0 && errno != EAGAIN && errno != EINTR)
                fail("recv", errno);
            if (r == 0) {
                if (back < sent || off < pending || stdin_open) {
                    fprintf(stderr, "echoclient: server closed the connection\n");
                    return 1;
                }
                break;
            }
            if (r > 0) {
                out(echo, (size_t)r);
                back += (size_t)r;
            }
        }
    }
    close(fd);
    return 0;
}
