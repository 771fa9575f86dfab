/* good: dual-stack IPv6 listener (IPV6_V6ONLY off) printing IPv4-mapped peers as plain IPv4, write() instead of send(), a log line on stdout per client */
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

static int valid_port(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
        return -1;
    long v = strtol(s, NULL, 10);
    return v <= 65535 ? (int)v : -1;
}

/* "a.b.c.d:port" for IPv4 and mapped addresses, "[v6]:port" otherwise */
static void peer_text(const struct sockaddr_in6 *sa, char *out, size_t outlen)
{
    char ip[INET6_ADDRSTRLEN];
    if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr)) {
        inet_ntop(AF_INET, &sa->sin6_addr.s6_addr[12], ip, sizeof ip);
        snprintf(out, outlen, "%s:%u", ip, (unsigned)ntohs(sa->sin6_port));
    } else {
        inet_ntop(AF_INET6, &sa->sin6_addr, ip, sizeof ip);
        snprintf(out, outlen, "[%s]:%u", ip, (unsigned)ntohs(sa->sin6_port));
    }
}

int main(int argc, char **argv)
{
    int port;
    if (argc != 2 || (port = valid_port(argv[1])) < 0) {
        fprintf(stderr, "usage: greeter PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET6, SOCK_STREAM, 0);
    if (lfd < 0)
        die("socket");
    int off = 0, on = 1;
    if (setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0)
        die("setsockopt IPV6_V6ONLY");
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt SO_REUSEADDR");
    struct sockaddr_in6 any;
    memset(&any, 0, sizeof any);
    any.sin6_family = AF_INET6;
    any.sin6_addr = in6addr_any;
    any.sin6_port = htons((uint16_t)port);
    if (bind(lfd, (struct sockaddr *)&any, sizeof any) < 0)
        die("bind");
    if (listen(lfd, 16) < 0)
        die("listen");

    socklen_t len = sizeof any;
    if (getsockname(lfd, (struct sockaddr *)&any, &len) < 0)
        die("getsockname");
    printf("listening on port %u\n", (unsigned)ntohs(any.sin6_port));
    fflush(stdout);

    unsigned long served = 0;
    for (;;) {
        struct sockaddr_in6 peer;
        socklen_t plen = sizeof peer;
        int c = accept(lfd, (struct sockaddr *)&peer, &plen);
        if (c < 0) {
            perror("greeter: accept (ignored)");
            continue;
        }
        char who[80], msg[100];
        peer_text(&peer, who, sizeof who);
        int n = snprintf(msg, sizeof msg, "hello %s\n", who);
        const char *p = msg;
        while (n > 0) {
            ssize_t w = write(c, p, (size_t)n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                break;  /* client gone: nothing more to say to it */
            }
            p += w;
            n -= (int)w;
        }
        close(c);
        printf("greeted client #%lu at %s\n", ++served, who);
        fflush(stdout);
    }
}
