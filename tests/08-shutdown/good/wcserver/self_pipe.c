/* good: self-pipe trick (the handler writes a byte to a pipe, poll() waits on the listener and the pipe without timeout), SA_RESTART, non-blocking listener, read() */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int wake[2];

static void on_signal(int sig)
{
    int saved = errno;
    char b = (char)sig;
    (void)!write(wake[1], &b, 1);       /* non-blocking: a full pipe is fine */
    errno = saved;
}

static void die(const char *what)
{
    fprintf(stderr, "wcserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void count(int c)
{
    static const char sep[256] = { [' '] = 1, ['\t'] = 1, ['\n'] = 1,
                                   ['\v'] = 1, ['\f'] = 1, ['\r'] = 1 };
    unsigned char buf[65536];
    uint64_t l = 0, w = 0, b = 0;
    int prev_sep = 1;
    ssize_t n;
    /* SA_RESTART: a signal does not interrupt read() here */
    while ((n = read(c, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            l += buf[i] == '\n';
            if (!sep[buf[i]] && prev_sep)
                w++;
            prev_sep = sep[buf[i]];
        }
        b += (uint64_t)n;
    }
    if (n < 0) {
        fprintf(stderr, "wcserver: read: %s\n", strerror(errno));
        return;
    }
    char out[100];
    int len = snprintf(out, sizeof out, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", l, w, b);
    for (int off = 0; off < len;) {
        ssize_t k = write(c, out + off, (size_t)(len - off));
        if (k < 0) {
            fprintf(stderr, "wcserver: write: %s\n", strerror(errno));
            return;
        }
        off += (int)k;
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || !argv[1][0] || strlen(argv[1]) > 5
        || strspn(argv[1], "0123456789") != strlen(argv[1]) || atoi(argv[1]) > 65535) {
        fprintf(stderr, "usage: wcserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) < 0)
        die("pipe2");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        die("sigaction");

    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (l < 0)
        die("socket");
    int on = 1;
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(l, 16) < 0)
        die("listen");
    socklen_t al = sizeof a;
    if (getsockname(l, (struct sockaddr *)&a, &al) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);

    for (;;) {
        struct pollfd p[2] = { { l, POLLIN, 0 }, { wake[0], POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (p[1].revents)
            break;                      /* a signal came: stop accepting */
        /* non-blocking listener: if the client vanished, EAGAIN, no hang */
        int c = accept(l, NULL, NULL);
        if (c < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                fprintf(stderr, "wcserver: accept: %s\n", strerror(errno));
            continue;
        }
        /* accept() on Linux does not pass O_NONBLOCK on: c blocks */
        count(c);
        close(c);
    }
    printf("signal received, bye\n");
    close(l);
    return 0;
}
