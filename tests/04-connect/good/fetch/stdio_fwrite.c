/* good: received bytes copied to stdout with fwrite (stdio, binary safe) and checked with fflush/ferror at the end, connect loop inline in main */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    if (argc != 3) {
        fputs("usage: fetch HOST PORT\n", stderr);
        exit(2);
    }
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints, *res, *rp;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "fetch: %s\n", gai_strerror(gai));
        exit(1);
    }

    int sock = -1;
    int why = ECONNREFUSED;
    for (rp = res; rp != NULL; rp = rp->ai_next) {
        sock = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
        if (sock == -1) {
            why = errno;
            continue;
        }
        if (connect(sock, rp->ai_addr, rp->ai_addrlen) != -1)
            break;
        why = errno;
        close(sock);
        sock = -1;
    }
    freeaddrinfo(res);
    if (sock == -1) {
        errno = why;
        perror("fetch: connect");
        exit(1);
    }

    char chunk[1500];
    for (;;) {
        ssize_t n = recv(sock, chunk, sizeof(chunk), 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            perror("fetch: recv");
            exit(1);            /* exit() flushes what was already received */
        }
        if (n == 0)
            break;
        if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n) {
            perror("fetch: fwrite");
            exit(1);
        }
    }
    if (fflush(stdout) == EOF || ferror(stdout)) {
        perror("fetch: stdout");
        exit(1);
    }
    close(sock);
    return 0;
}
