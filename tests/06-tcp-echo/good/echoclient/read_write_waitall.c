/* good: stdin split into lines by hand from read(), MSG_NOSIGNAL on the socket (SIGPIPE ignored only for stdout), recv with MSG_WAITALL, output with write */
#include <errno.h>
#include <signal.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock;

static void die(const char *what)
{
    fprintf(stderr, "echoclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put(int fd, const char *p, size_t n, const char *what)
{
    while (n > 0) {
        ssize_t w = fd == sock ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die(what);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* send one line, get exactly as many bytes back, print them */
static void round_trip(const char *p, size_t n)
{
    char *echo = malloc(n);
    if (echo == NULL)
        die("malloc");
    put(sock, p, n, "send");
    size_t have = 0;
    while (have < n) {
        /* MSG_WAITALL: the kernel waits for all of it (unless a signal,
         * EOF or an error comes first, so we still loop) */
        ssize_t r = recv(sock, echo + have, n - have, MSG_WAITALL);
        if (r == 0) {
            fprintf(stderr, "echoclient: server closed the connection\n");
            exit(1);
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            die("recv");
        }
        have += (size_t)r;
    }
    put(1, echo, n, "write");
    free(echo);
}

int main(int argc, char **argv)
{
    /* MSG_NOSIGNAL covers the socket; stdout may be a pipe whose reader is gone. */
    signal(SIGPIPE, SIG_IGN);
    if (argc != 3) {
        fprintf(stderr, "usage: echoclient HOST PORT\n");
        return 2;
    }
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) {
        fprintf(stderr, "echoclient: getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    int err = 0;
    sock = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        sock = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (sock < 0) {
            err = errno;
            continue;
        }
        if (connect(sock, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(sock);
        sock = -1;
    }
    freeaddrinfo(res);
    if (sock < 0) {
        errno = err;
        die("connect");
    }

    size_t cap = 1 << 16, used = 0;
    char *in = malloc(cap);
    if (!in)
        die("malloc");
    for (;;) {
        if (used == cap && !(in = realloc(in, cap *= 2)))
            die("realloc");
        ssize_t r = read(0, in + used, cap - used);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("read");
        if (r == 0)
            break;
        size_t scan = used;
        used += (size_t)r;
        size_t start = 0;
        for (size_t i = scan; i < used; i++)
            if (in[i] == '\n') {
                round_trip(in + start, i + 1 - start);
                start = i + 1;
            }
        memmove(in, in + start, used - start);
        used -= start;
    }
    if (used)
        round_trip(in, used);
    close(sock);
    return 0;
}
