/*
 * udpclient HOST PORT, written differently: an unconnected socket, poll()
 * before each recvfrom(), the sender compared as numeric text from
 * getnameinfo() (host and port), output with fwrite().
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "udpclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* "host port" of an address, as numbers. */
static void name_of(const struct sockaddr *sa, socklen_t len, char *out, size_t n)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(out, n, "?");
    else
        snprintf(out, n, "%s %s", host, serv);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpclient HOST PORT\n");
        exit(2);
    }
    struct addrinfo hints, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "udpclient: getaddrinfo %s %s: %s\n", argv[1], argv[2], gai_strerror(rc));
        exit(1);
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        die("socket");
    char server[NI_MAXHOST + NI_MAXSERV + 2];
    name_of(ai->ai_addr, ai->ai_addrlen, server, sizeof server);

    char *line = NULL, *reply = malloc(65536);
    size_t cap = 0;
    ssize_t n;
    while ((n = getdelim(&line, &cap, '\n', stdin)) != -1) {
        if (n && line[n - 1] == '\n')
            line[--n] = 0;
        if (sendto(fd, line, (size_t)n, 0, ai->ai_addr, ai->ai_addrlen) != n)
            die("sendto");
        for (;;) {
            struct pollfd p = { fd, POLLIN, 0 };
            if (poll(&p, 1, -1) < 0) {
                if (errno == EINTR)
                    continue;
                die("poll");
            }
            struct sockaddr_storage from;
            socklen_t flen = sizeof from;
            ssize_t r = recvfrom(fd, reply, 65536, 0, (struct sockaddr *)&from, &flen);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                die("recvfrom");
            }
            char who[sizeof server];
            name_of((struct sockaddr *)&from, flen, who, sizeof who);
            if (strcmp(who, server) != 0) {
                fprintf(stderr, "udpclient: ignored %zd bytes from %s\n", r, who);
                continue;
            }
            fwrite(reply, 1, (size_t)r, stdout);
            putchar('\n');
            fflush(stdout);
            break;
        }
    }
    freeaddrinfo(ai);
    free(line);
    free(reply);
    return 0;
}
