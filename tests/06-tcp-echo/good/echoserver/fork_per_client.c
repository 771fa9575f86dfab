/* good: fork per client (children reaped automatically with SIGCHLD ignored), read/write instead of recv/send */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "echoserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void echo(int c)
{
    char buf[16384];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "echoserver[%d]: read: %s\n", (int)getpid(), strerror(errno));
            return;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(c, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "echoserver[%d]: write: %s\n", (int)getpid(), strerror(errno));
                return;
            }
            off += w;
        }
    }
}

int main(int argc, char **argv)
{
    char *end;
    long port = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9' || *end != '\0'
        || strlen(argv[1]) > 5 || port > 65535) {
        fprintf(stderr, "usage: echoserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);           /* no zombies: the kernel reaps children */

    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0)
        die("socket");
    int yes = 1;
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0)
        die("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
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
        int c = accept(l, NULL, NULL);
        if (c < 0) {
            if (errno != EINTR)
                fprintf(stderr, "echoserver: accept: %s\n", strerror(errno));
            continue;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "echoserver: fork: %s\n", strerror(errno));
            echo(c);                    /* no child: serve it ourselves */
        } else if (pid == 0) {
            close(l);
            echo(c);
            close(c);
            _exit(0);
        }
        close(c);
    }
}
