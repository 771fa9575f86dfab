/* good: non-blocking listener waited on with poll(), greeting written through an fdopen()ed stdio stream closed with fclose(), getpeername for the address */
#define _GNU_SOURCE     /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fatal(const char *what)
{
    fprintf(stderr, "greeter: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    const char *arg = argc == 2 ? argv[1] : "";
    size_t n = strlen(arg);
    if (argc != 2 || n < 1 || n > 5 || strspn(arg, "0123456789") != n || atoi(arg) > 65535) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }

    /* stdio writes with write(2): a vanished client would raise SIGPIPE */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        fatal("sigaction");

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        fatal("socket");
    int one = 1;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        fatal("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(arg)),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0)
        fatal("bind");
    if (listen(lfd, SOMAXCONN) < 0)
        fatal("listen");
    socklen_t alen = sizeof a;
    if (getsockname(lfd, (struct sockaddr *)&a, &alen) < 0)
        fatal("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    fprintf(stderr, "greeter: ready\n");

    struct pollfd pfd = { .fd = lfd, .events = POLLIN };
    for (;;) {
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            fatal("poll");
        }
        /* take everything that is queued, then poll again */
        for (;;) {
            int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (c < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                    fprintf(stderr, "greeter: accept: %s\n", strerror(errno));
                break;
            }
            struct sockaddr_in peer;
            socklen_t plen = sizeof peer;
            if (getpeername(c, (struct sockaddr *)&peer, &plen) < 0) {
                close(c);       /* already reset: nobody to greet */
                continue;
            }
            FILE *f = fdopen(c, "w");
            if (f == NULL) {
                close(c);
                continue;
            }
            char ip[INET_ADDRSTRLEN];
            fprintf(f, "hello %s:%u\n", inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip),
                    (unsigned)ntohs(peer.sin_port));
            fclose(f);          /* flushes and closes c */
        }
    }
}
