/* good: reads all of stdin into memory first (fread), only then connects; write()/read() on the socket with SIGPIPE ignored; the reply through stdio */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what, const char *why)
{
    fprintf(stderr, "wcclient: %s: %s\n", what, why);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wcclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    size_t len = 0, cap = 1 << 16;
    char *in = malloc(cap);
    size_t n;
    while (in && (n = fread(in + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap)
            in = realloc(in, cap *= 2);
    }
    if (!in)
        fail("malloc", strerror(ENOMEM));
    if (ferror(stdin))
        fail("read", strerror(errno));

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc)
        fail("getaddrinfo", gai_strerror(rc));
    int fd = -1, err = 0;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            err = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            err = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        fail("connect", strerror(err));

    for (size_t off = 0; off < len;) {
        ssize_t k = write(fd, in + off, len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            fail("write", strerror(errno));
        off += (size_t)k;
    }
    if (shutdown(fd, SHUT_WR))
        fail("shutdown", strerror(errno));
    char buf[512];
    ssize_t k;
    while ((k = read(fd, buf, sizeof buf)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            fail("read", strerror(errno));
        fwrite(buf, 1, (size_t)k, stdout);
    }
    if (fflush(stdout) == EOF)
        fail("write", strerror(errno));
    close(fd);
    return 0;
}
