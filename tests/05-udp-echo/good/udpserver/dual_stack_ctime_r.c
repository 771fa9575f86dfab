/* good: dual-stack IPv6 socket (IPV6_V6ONLY off), ctime_r, prefix by snprintf, log lines on stdout and stderr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port_arg(const char *s)
{
    size_t n = strlen(s);
    int v = 0;
    if (n == 0 || n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > 65535 ? -1 : v;
}

int main(int argc, char *argv[])
{
    int port = argc == 2 ? port_arg(argv[1]) : -1;
    if (port < 0) {
        fputs("usage: udpserver PORT\n", stderr);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    if (s == -1) {
        perror("udpserver: socket");
        return 1;
    }
    int off = 0;
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1) {
        perror("udpserver: setsockopt");
        return 1;
    }
    struct sockaddr_in6 me = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT,
                               .sin6_port = htons((unsigned short)port) };
    if (bind(s, (struct sockaddr *)&me, sizeof me) == -1) {
        perror("udpserver: bind");
        return 1;
    }
    socklen_t mlen = sizeof me;
    if (getsockname(s, (struct sockaddr *)&me, &mlen) == -1) {
        perror("udpserver: getsockname");
        return 1;
    }
    printf("listening on port %u\n", (unsigned)ntohs(me.sin6_port));
    fflush(stdout);

    char *in = malloc(65536);
    char *out = malloc(65536 + 100);
    if (in == NULL || out == NULL) {
        perror("udpserver: malloc");
        return 1;
    }
    unsigned long count = 0;
    for (;;) {
        struct sockaddr_in6 peer;
        socklen_t plen = sizeof peer;
        ssize_t got = recvfrom(s, in, 65536, 0, (struct sockaddr *)&peer, &plen);
        if (got == -1) {
            perror("udpserver: recvfrom");
            continue;
        }
        time_t t = time(NULL);
        char stamp[64];
        if (ctime_r(&t, stamp) == NULL) {
            perror("udpserver: ctime_r");
            continue;
        }
        stamp[strcspn(stamp, "\n")] = '\0';
        int head = snprintf(out, 100, "[%s] ", stamp);
        memcpy(out + head, in, (size_t)got);
        if (sendto(s, out, (size_t)head + (size_t)got, 0, (struct sockaddr *)&peer, plen) == -1)
            fprintf(stderr, "udpserver: sendto: %s\n", strerror(errno));
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &peer.sin6_addr, ip, sizeof ip);
        printf("#%lu: %zd bytes from [%s]:%u\n", ++count, got, ip, (unsigned)ntohs(peer.sin6_port));
        fflush(stdout);
        fprintf(stderr, "log: replied %d+%zd bytes\n", head, got);
    }
}
