/*
 * udpclient HOST PORT, written differently: connect() the UDP socket (the
 * kernel then drops datagrams from other addresses), send()/recv(), and
 * raw read()/write() for stdin and stdout with a hand-made line splitter.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd;
static char reply[65536 + 1];

static void fail(const char *what)
{
    fprintf(stderr, "udpclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            fail("write");
        p += w;
        n -= (size_t)w;
    }
}

/* Send one line, wait for the reply, print it with a newline. */
static void ask(const char *line, size_t len)
{
    if (send(fd, line, len, 0) < 0)
        fail("send");
    ssize_t n;
    while ((n = recv(fd, reply, sizeof reply - 1, 0)) < 0)
        if (errno != EINTR)
            fail("recv");
    reply[n] = '\n';
    write_all(reply, (size_t)n + 1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *res;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "udpclient: %s: %s\n", argv[1], gai_strerror(rc));
        return 1;
    }
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0)
        fail("socket");
    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0)
        fail("connect");
    freeaddrinfo(res);

    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len == cap && !(buf = realloc(buf, cap *= 2)))
            fail("realloc");
        ssize_t r = read(0, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fail("read");
        if (r == 0)
            break;
        len += (size_t)r;
        char *nl;
        while ((nl = memchr(buf, '\n', len)) != NULL) {
            size_t l = (size_t)(nl - buf);
            ask(buf, l);
            memmove(buf, nl + 1, len - l - 1);
            len -= l + 1;
        }
    }
    if (len > 0)
        ask(buf, len);   /* the last line had no newline */
    free(buf);
    close(fd);
    return 0;
}
