/* good: hints ask for IPPROTO_TCP (socktype 0), SHUT_WR right after connect (fetch sends nothing), recv(MSG_WAITALL) in a loop until 0, a plain write loop, errors as "fetch: HOST PORT: reason" */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *host, *port;

static int fail(const char *reason)
{
    fprintf(stderr, "fetch: %s %s: %s\n", host, port, reason);
    return 1;
}

static int put(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    host = argv[1];
    port = argv[2];
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_protocol = IPPROTO_TCP;    /* socktype 0: TCP implies SOCK_STREAM */
    struct addrinfo *list;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc == EAI_SYSTEM)
        return fail(strerror(errno));
    if (rc != 0)
        return fail(gai_strerror(rc));

    int fd = -1, err = 0;
    for (struct addrinfo *a = list; a; a = a->ai_next) {
        if (a->ai_socktype != SOCK_STREAM)
            continue;
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0)
        return fail(strerror(err));

    /* We will never send: say so at once. */
    if (shutdown(fd, SHUT_WR) < 0)
        return fail(strerror(errno));

    static char buf[16384];
    for (;;) {
        /* MSG_WAITALL fills the buffer unless EOF or an error comes first;
         * the loop still runs until recv returns 0. */
        ssize_t n = recv(fd, buf, sizeof buf, MSG_WAITALL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(strerror(errno));
        if (n == 0)
            break;
        if (put(buf, (size_t)n) < 0)
            return fail(strerror(errno));
    }
    close(fd);
    return 0;
}
