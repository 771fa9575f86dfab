/* good: reads all of stdin first, then connects and echoes line by line */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "echoclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: echoclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* All of stdin into memory first. */
    size_t len = 0, cap = 1 << 16;
    char *in = malloc(cap);
    ssize_t r;
    while (in && (r = read(0, in + len, cap - len)) > 0) {
        len += (size_t)r;
        if (len == cap && !(in = realloc(in, cap *= 2)))
            die("realloc");
    }
    if (!in) die("malloc");
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *a;
    int e = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (e) {
        fprintf(stderr, "echoclient: %s\n", gai_strerror(e));
        return 1;
    }
    int fd = -1, err = 0;
    for (a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) { err = errno; continue; }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) { errno = err; die("connect"); }
    char *buf = malloc(65536);
    for (size_t off = 0; off < len;) {
        char *nl = memchr(in + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (in + off)) + 1 : len - off;
        for (size_t s = 0; s < n;) {
            ssize_t w = send(fd, in + off + s, n - s, 0);
            if (w < 0) die("send");
            s += (size_t)w;
        }
        for (size_t got = 0; got < n;) {
            ssize_t k = recv(fd, buf, n - got < 65536 ? n - got : 65536, 0);
            if (k < 0) die("recv");
            if (k == 0) {
                fprintf(stderr, "echoclient: server closed the connection\n");
                return 1;
            }
            if (fwrite(buf, 1, (size_t)k, stdout) != (size_t)k) die("write");
            got += (size_t)k;
        }
        off += n;
    }
    fflush(stdout);
    close(fd);
    return 0;
}
