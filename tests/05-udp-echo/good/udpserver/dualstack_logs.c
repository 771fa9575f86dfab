/*
 * udpserver PORT, written differently: one dual-stack IPv6 socket (IPv4
 * clients arrive as ::ffff:a.b.c.d), the time formatted with strftime(),
 * strtol() for the port, and log lines on stdout and stderr after the
 * ready line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char in[65536], out[65536 + 64];

int main(int argc, char **argv)
{
    char *end;
    if (argc != 2 || strlen(argv[1]) < 1 || strlen(argv[1]) > 5 ||
        strspn(argv[1], "0123456789") != strlen(argv[1])) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    long port = strtol(argv[1], &end, 10);
    if (port > 65535) {
        fprintf(stderr, "udpserver: port out of range: %s\n", argv[1]);
        return 2;
    }
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udpserver: socket");
        return 1;
    }
    int off = 0;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) {
        perror("udpserver: setsockopt");
        return 1;
    }
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("udpserver: bind");
        return 1;
    }
    socklen_t alen = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
        perror("udpserver: getsockname");
        return 1;
    }
    printf("listening on port %u\n", (unsigned)ntohs(a.sin6_port));
    fflush(stdout);

    for (unsigned long count = 1;; count++) {
        struct sockaddr_in6 from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, in, sizeof in, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            fprintf(stderr, "udpserver: recvfrom: %s\n", strerror(errno));
            continue;
        }
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        size_t len = strftime(out, 64, "[%a %b %e %H:%M:%S %Y] ", &tm);
        memcpy(out + len, in, (size_t)n);
        len += (size_t)n;
        char who[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &from.sin6_addr, who, sizeof who);
        printf("#%lu: %zd bytes from [%s]:%u\n", count, n, who, (unsigned)ntohs(from.sin6_port));
        fflush(stdout);
        if (sendto(fd, out, len, 0, (struct sockaddr *)&from, fromlen) < 0)
            fprintf(stderr, "udpserver: sendto [%s]: %s\n", who, strerror(errno));
        else
            fprintf(stderr, "udpserver: replied %zu bytes\n", len);
    }
}
