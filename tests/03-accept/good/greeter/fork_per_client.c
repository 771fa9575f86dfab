/* good: one child process per client (fork), children reaped by the kernel with SIGCHLD ignored, send() with MSG_NOSIGNAL, listen backlog 64 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "greeter: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void greet(int c, const struct sockaddr_in *peer)
{
    char ip[INET_ADDRSTRLEN], buf[64];
    inet_ntop(AF_INET, &peer->sin_addr, ip, sizeof ip);
    int len = snprintf(buf, sizeof buf, "hello %s:%hu\n", ip, ntohs(peer->sin_port));
    for (int off = 0; off < len;) {
        ssize_t k = send(c, buf + off, (size_t)(len - off), MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        off += (int)k;
    }
}

int main(int argc, char **argv)
{
    char *end;
    if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9' || strlen(argv[1]) > 5) {
        fputs("usage: greeter PORT\n", stderr);
        exit(2);
    }
    long port = strtol(argv[1], &end, 10);
    if (*end != '\0' || port > 65535) {
        fputs("usage: greeter PORT\n", stderr);
        exit(2);
    }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);   /* no zombies: the kernel reaps the children */

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd == -1)
        die("socket");
    int on = 1;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
        die("setsockopt");
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = INADDR_ANY;
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == -1)
        die("bind");
    if (listen(lfd, 64) == -1)
        die("listen");
    socklen_t alen = sizeof(addr);
    if (getsockname(lfd, (struct sockaddr *)&addr, &alen) == -1)
        die("getsockname");
    printf("listening on port %hu\n", ntohs(addr.sin_port));
    fflush(stdout);

    for (;;) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        int c = accept(lfd, (struct sockaddr *)&peer, &plen);
        if (c == -1)
            continue;   /* ECONNABORTED, EINTR, ...: try the next one */
        pid_t pid = fork();
        if (pid == 0) {
            close(lfd);
            greet(c, &peer);
            close(c);
            _exit(0);
        }
        if (pid == -1)      /* cannot fork now: greet it ourselves */
            greet(c, &peer);
        close(c);
    }
}
