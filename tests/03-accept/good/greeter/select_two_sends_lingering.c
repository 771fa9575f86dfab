/* good: select() on the listener; the greeting sent in two send(MSG_NOSIGNAL) calls; a lingering close: shutdown(SHUT_WR), then read what the client sends until its EOF or 100 ms, then close(); argv checked by hand */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_port(const char *s)
{
    int v = 0, n = 0;
    for (; s[n]; n++) {
        if (n == 5 || s[n] < '0' || s[n] > '9')
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    return n == 0 || v > 65535 ? -1 : v;
}

static void die(const char *what)
{
    fprintf(stderr, "greeter: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* FIN first, then wait (a little) for the client's FIN, so the client never gets a RST. */
static void lingering_close(int fd)
{
    char junk[512];
    struct pollfd p = { fd, POLLIN, 0 };
    shutdown(fd, SHUT_WR);
    while (poll(&p, 1, 100) > 0 && read(fd, junk, sizeof junk) > 0)
        ;
    close(fd);
}

int main(int argc, char **argv)
{
    int port = argc == 2 ? parse_port(argv[1]) : -1;
    if (port < 0) {
        fputs("usage: greeter PORT\n", stderr);
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0)
        die("socket");
    int on = 1;
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(l, 128) < 0)
        die("listen");
    socklen_t al = sizeof a;
    if (getsockname(l, (struct sockaddr *)&a, &al) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    if (fflush(stdout) == EOF)
        die("stdout");

    for (;;) {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(l, &rd);
        if (select(l + 1, &rd, NULL, NULL, NULL) < 0) {
            if (errno == EINTR)
                continue;
            die("select");
        }
        struct sockaddr_in peer;
        socklen_t pl = sizeof peer;
        int c = accept(l, (struct sockaddr *)&peer, &pl);
        if (c < 0)
            continue;
        char rest[40], ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
        int n = snprintf(rest, sizeof rest, "%s:%d\n", ip, ntohs(peer.sin_port));
        if (send_all(c, "hello ", 6) == 0)
            send_all(c, rest, (size_t)n);
        lingering_close(c);
    }
}
