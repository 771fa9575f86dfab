/* good: a child per client (several served at once), a dual-stack IPv6 listener, read()/write(), isspace() in the C locale; on a signal the parent stops accepting and waits for its children */
#define _GNU_SOURCE
#include <ctype.h>
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
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static void die(const char *what)
{
    fprintf(stderr, "wcserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void serve(int fd)
{
    unsigned char buf[4096];
    uint64_t l = 0, w = 0, b = 0;
    int inword = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            l += buf[i] == '\n';
            if (isspace(buf[i]))     /* the C locale: exactly the six separators */
                inword = 0;
            else if (!inword)
                inword = 1, w++;
        }
        b += (uint64_t)n;
    }
    char reply[64];
    int len = snprintf(reply, sizeof reply, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", l, w, b);
    for (int off = 0; off < len;) {
        ssize_t k = write(fd, reply + off, (size_t)(len - off));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return;
        off += (int)k;
    }
}

int main(int argc, char **argv)
{
    char *end;
    if (argc != 2 || !argv[1][0] || strlen(argv[1]) > 5 || strspn(argv[1], "0123456789") != strlen(argv[1])) {
        fprintf(stderr, "usage: wcserver PORT\n");
        return 2;
    }
    long port = strtol(argv[1], &end, 10);
    if (port > 65535) {
        fprintf(stderr, "usage: wcserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
        die("sigaction");

    int fd = socket(AF_INET6, SOCK_STREAM, 0), on = 1, off = 0;
    if (fd < 0)
        die("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off))
        die("setsockopt");
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT,
                              .sin6_port = htons((uint16_t)port) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16))
        die("bind");
    socklen_t alen = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &alen))
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin6_port));
    fflush(stdout);
    fprintf(stderr, "wcserver: dual-stack, a child per client\n");

    while (!stop) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 100) <= 0)
            continue;
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(fd);
            serve(c);
            close(c);
            _exit(0);
        }
        if (pid < 0)
            serve(c);    /* no child: serve it here */
        close(c);
    }
    close(fd);
    /* The clients in progress get their replies before we go. */
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    return 0;
}
