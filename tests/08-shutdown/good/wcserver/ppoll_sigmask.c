/* good: signals blocked except inside ppoll(), which unblocks them atomically (no race, no timeout); counting with a lookup table; dprintf reply */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
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

static volatile sig_atomic_t quit;

static void handler(int sig)
{
    (void)sig;
    quit = 1;
}

static int parse_port(const char *s)
{
    int v = 0, n = 0;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n == 5)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return n == 0 || v > 65535 ? -1 : v;
}

static void serve(int fd)
{
    static unsigned char is_space[256];
    is_space[' '] = is_space['\t'] = is_space['\n'] = 1;
    is_space['\v'] = is_space['\f'] = is_space['\r'] = 1;
    uint64_t lines = 0, words = 0, bytes = 0;
    unsigned char prev = ' ';
    unsigned char buf[16384];
    for (;;) {
        /* SIGTERM and SIGINT are blocked here: recv() is never interrupted */
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "wcserver: recv: %s\n", strerror(errno));
            return;
        }
        bytes += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                lines++;
            if (is_space[prev] && !is_space[buf[i]])
                words++;
            prev = buf[i];
        }
    }
    if (dprintf(fd, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", lines, words, bytes) < 0)
        fprintf(stderr, "wcserver: dprintf: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
    int port = argc == 2 ? parse_port(argv[1]) : -1;
    if (port < 0) {
        fprintf(stderr, "usage: wcserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop, during_wait;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    if (sigprocmask(SIG_BLOCK, &stop, &during_wait) < 0) {
        perror("wcserver: sigprocmask");
        return 1;
    }
    sigdelset(&during_wait, SIGTERM);
    sigdelset(&during_wait, SIGINT);
    struct sigaction sa = { .sa_handler = handler };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int yes = 1;
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY),
                               .sin_port = htons((uint16_t)port) };
    socklen_t sl = sizeof sin;
    if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0
        || bind(l, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(l, 8) < 0
        || getsockname(l, (struct sockaddr *)&sin, &sl) < 0) {
        fprintf(stderr, "wcserver: listen: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(sin.sin_port));
    fflush(stdout);

    while (!quit) {
        struct pollfd p = { .fd = l, .events = POLLIN };
        /* the signal can only be delivered during this call */
        int k = ppoll(&p, 1, NULL, &during_wait);
        if (k < 0) {
            if (errno != EINTR) {
                perror("wcserver: ppoll");
                return 1;
            }
            continue;
        }
        /* ppoll() that finds a client ready returns it without delivering
         * a signal that is pending: look for one before accepting */
        sigset_t pending;
        if (sigpending(&pending) == 0
            && (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1))
            break;
        /* the listener is non-blocking: a client gone meanwhile gives
         * EAGAIN instead of a wait during which no signal could come */
        int c = accept(l, NULL, NULL);
        if (c < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fprintf(stderr, "wcserver: accept: %s\n", strerror(errno));
            continue;
        }
        serve(c);
        close(c);
    }
    fprintf(stderr, "wcserver: stopping\n");
    close(l);
    return 0;
}
