/* good: union of sockaddr types, port parsed with strtoul after a digit check, stdin drained with getchar(), extra log line on stderr */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union anyaddr {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
};

static void bad_usage(const char *why)
{
    fprintf(stderr, "bindaddr: %s\nusage: bindaddr tcp|udp ADDR PORT\n", why);
    exit(2);
}

static void sys_fail(const char *what)
{
    int e = errno;
    fprintf(stderr, "bindaddr: %s failed: %s\n", what, strerror(e));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        bad_usage("wrong number of arguments");

    int is_tcp = strcmp(argv[1], "tcp") == 0;
    if (!is_tcp && strcmp(argv[1], "udp") != 0)
        bad_usage("PROTO must be tcp or udp");

    const char *p = argv[3];
    size_t plen = strlen(p);
    if (plen == 0 || plen > 5)
        bad_usage("bad PORT");
    for (size_t i = 0; i < plen; i++)
        if (!isdigit((unsigned char)p[i]))
            bad_usage("bad PORT");
    unsigned long port = strtoul(p, NULL, 10);
    if (port > 65535)
        bad_usage("PORT out of range");

    union anyaddr a;
    socklen_t alen;
    memset(&a, 0, sizeof a);
    if (inet_pton(AF_INET, argv[2], &a.in4.sin_addr) > 0) {
        a.in4.sin_family = AF_INET;
        a.in4.sin_port = htons((uint16_t)port);
        alen = sizeof a.in4;
    } else if (inet_pton(AF_INET6, argv[2], &a.in6.sin6_addr) > 0) {
        a.in6.sin6_family = AF_INET6;
        a.in6.sin6_port = htons((uint16_t)port);
        alen = sizeof a.in6;
    } else {
        bad_usage("ADDR is not a numeric IPv4 or IPv6 address");
        return 2;
    }

    int s = socket(a.sa.sa_family, is_tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (s < 0)
        sys_fail("socket");
    if (is_tcp) {
        int yes = 1;
        if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0)
            sys_fail("setsockopt(SO_REUSEADDR)");
    }
    if (bind(s, &a.sa, alen) < 0)
        sys_fail("bind");
    if (is_tcp && listen(s, 8) < 0)
        sys_fail("listen");

    union anyaddr b;
    socklen_t blen = sizeof b;
    if (getsockname(s, &b.sa, &blen) < 0)
        sys_fail("getsockname");

    char text[INET6_ADDRSTRLEN];
    const void *src = b.sa.sa_family == AF_INET6 ? (const void *)&b.in6.sin6_addr
                                                 : (const void *)&b.in4.sin_addr;
    unsigned bport = ntohs(b.sa.sa_family == AF_INET6 ? b.in6.sin6_port : b.in4.sin_port);
    if (!inet_ntop(b.sa.sa_family, src, text, sizeof text))
        sys_fail("inet_ntop");
    if (b.sa.sa_family == AF_INET6)
        printf("bound %s [%s]:%u\n", argv[1], text, bport);
    else
        printf("bound %s %s:%u\n", argv[1], text, bport);
    if (fflush(stdout) == EOF)
        sys_fail("fflush");

    fprintf(stderr, "bindaddr: holding the address until EOF on stdin\n");
    while (getchar() != EOF)
        ;
    if (ferror(stdin))
        sys_fail("reading stdin");

    if (close(s) < 0)
        sys_fail("close");
    return 0;
}
