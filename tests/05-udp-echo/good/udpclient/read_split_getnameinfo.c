/* good: stdin read() in chunks and split by hand, source checked by comparing getnameinfo() numeric strings, recvfrom into malloc'd buffer */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd;
static struct sockaddr_storage srv;
static socklen_t srvlen;
static char srvhost[NI_MAXHOST], srvport[NI_MAXSERV];
static char *dgram;

static void die(const char *what)
{
    fprintf(stderr, "udpclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += w;
        n -= (size_t)w;
    }
}

static void ask(const char *line, size_t len)
{
    if (sendto(fd, line, len, 0, (struct sockaddr *)&srv, srvlen) < 0)
        die("sendto");
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, dgram, 65536, 0, (struct sockaddr *)&from, &fl);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("recvfrom");
        }
        char h[NI_MAXHOST], p[NI_MAXSERV];
        if (getnameinfo((struct sockaddr *)&from, fl, h, sizeof h, p, sizeof p,
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0)
            continue;
        if (strcmp(h, srvhost) != 0 || strcmp(p, srvport) != 0) {
            fprintf(stderr, "udpclient: ignoring a datagram from %s port %s\n", h, p);
            continue;
        }
        dgram[n] = '\n';
        write_all(dgram, (size_t)n + 1);
        return;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "udpclient: %s: %s\n", argv[1], gai_strerror(rc));
        return 1;
    }
    memcpy(&srv, res->ai_addr, res->ai_addrlen);
    srvlen = res->ai_addrlen;
    if (getnameinfo(res->ai_addr, res->ai_addrlen, srvhost, sizeof srvhost, srvport,
                    sizeof srvport, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        fprintf(stderr, "udpclient: getnameinfo failed\n");
        return 1;
    }
    fd = socket(res->ai_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    freeaddrinfo(res);

    dgram = malloc(65536 + 1);
    size_t cap = 1 << 17, used = 0;
    char *buf = malloc(cap);
    if (dgram == NULL || buf == NULL)
        die("malloc");
    for (;;) {
        if (used == cap && (buf = realloc(buf, cap *= 2)) == NULL)
            die("realloc");
        ssize_t n = read(0, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
        if (n == 0)
            break;
        used += (size_t)n;
        /* send every complete line we have, keep the rest */
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', used - (size_t)(start - buf))) != NULL) {
            ask(start, (size_t)(nl - start));
            start = nl + 1;
        }
        used -= (size_t)(start - buf);
        memmove(buf, start, used);
    }
    if (used > 0)
        ask(buf, used);                 /* a last line without \n */
    return 0;
}
