/* good: SO_RCVTIMEO of IDLE_MS on each accepted socket (read() fails with EAGAIN when idle), read/write instead of recv/send */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static long digits(const char *s, size_t maxlen)
{
    size_t n = strlen(s);
    if (n == 0 || n > maxlen || strspn(s, "0123456789") != n)
        return -1;
    return atol(s);
}

static void die(const char *what)
{
    fprintf(stderr, "idleserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void serve(int c, long idle_ms)
{
    struct timeval tv = { idle_ms / 1000, (idle_ms % 1000) * 1000 };
    if (setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
        fprintf(stderr, "idleserver: setsockopt: %s\n", strerror(errno));
        return;
    }
    char buf[4096];
    for (;;) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n == 0)
            return;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                fprintf(stderr, "idleserver: idle for %ld ms, closing\n", idle_ms);
            else
                fprintf(stderr, "idleserver: read: %s\n", strerror(errno));
            return;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(c, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                fprintf(stderr, "idleserver: write: %s\n", strerror(errno));
                return;
            }
            off += w;
        }
    }
}

int main(int argc, char **argv)
{
    long port = argc == 3 ? digits(argv[1], 5) : -1;
    long idle = argc == 3 ? digits(argv[2], 9) : -1;
    if (port < 0 || port > 65535 || idle < 1 || idle > 60000) {
        fprintf(stderr, "usage: idleserver PORT IDLE_MS\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0)
        die("socket");
    int on = 1;
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(l, 10) < 0)
        die("listen");
    socklen_t al = sizeof a;
    if (getsockname(l, (struct sockaddr *)&a, &al) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0) {
            fprintf(stderr, "idleserver: accept: %s\n", strerror(errno));
            continue;
        }
        serve(c, idle);
        close(c);
    }
}
