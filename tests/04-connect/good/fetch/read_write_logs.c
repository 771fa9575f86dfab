/* good: read()/write() with a 64 KiB buffer, each connect attempt logged on stderr with getnameinfo, SIGPIPE ignored with sigaction */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fetch HOST PORT\n");
        return 2;
    }

    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, NULL);

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list;
    int err = getaddrinfo(argv[1], argv[2], &hints, &list);
    if (err) {
        fprintf(stderr, "fetch: cannot resolve %s %s: %s\n", argv[1], argv[2], gai_strerror(err));
        return 1;
    }

    int s = -1, last_errno = 0;
    for (struct addrinfo *a = list; a && s < 0; a = a->ai_next) {
        char h[NI_MAXHOST], p[NI_MAXSERV];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, h, sizeof h, p, sizeof p,
                        NI_NUMERICHOST | NI_NUMERICSERV) == 0)
            fprintf(stderr, "fetch: trying %s port %s\n", h, p);
        s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (s < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(s, a->ai_addr, a->ai_addrlen) < 0) {
            last_errno = errno;
            fprintf(stderr, "fetch:   failed: %s\n", strerror(last_errno));
            close(s);
            s = -1;
        }
    }
    freeaddrinfo(list);
    if (s < 0) {
        fprintf(stderr, "fetch: connect: %s\n", strerror(last_errno));
        return 1;
    }

    ssize_t got;
    while ((got = read(s, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "fetch: read: %s\n", strerror(errno));
            return 1;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t w = write(STDOUT_FILENO, buf + done, (size_t)(got - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                fprintf(stderr, "fetch: write: %s\n", strerror(errno));
                return 1;
            }
            done += w;
        }
    }
    close(s);
    return 0;
}
