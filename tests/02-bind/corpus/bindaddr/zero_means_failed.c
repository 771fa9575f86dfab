/* expect-fail: wildcard-address -- ignores what inet_pton() returns and takes an address still 0 after it as "not IPv4": 0.0.0.0 is refused as a usage error */
/*
 * usage: bindaddr tcp|udp ADDR PORT
 *
 * Lesson 02: bind() gives a socket its local address (IP and port). The
 * address is a struct sockaddr_in (IPv4) or sockaddr_in6 (IPv6) with every
 * number in network byte order; port 0 lets the kernel pick one, and
 * getsockname() tells which one it picked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "bindaddr: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: bindaddr tcp|udp ADDR PORT\n");
    exit(2);
}

/* PORT: 1 to 5 decimal digits, at most 65535. Returns -1 if malformed. */
static int parse_port(const char *s)
{
    size_t len = strlen(s);
    long value = 0;

    if (len < 1 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    if (value > 65535)
        return -1;
    return (int)value;
}

/* PROTO: tcp or udp, as a socket type. Returns -1 if neither. */
static int parse_proto(const char *s)
{
    if (strcmp(s, "tcp") == 0)
        return SOCK_STREAM;
    if (strcmp(s, "udp") == 0)
        return SOCK_DGRAM;
    return -1;
}

/* Fill *addr with the numeric IPv4 or IPv6 address s and the port, and
 * *len with the size of the sockaddr actually used. Returns -1 if s is
 * neither kind of address (names are not accepted here). */
static int make_addr(const char *s, int port,
                     struct sockaddr_storage *addr, socklen_t *len)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)addr;

    /* Zero everything first: the fields we do not set (sin_zero,
     * sin6_flowinfo, sin6_scope_id) must be 0. */
    memset(addr, 0, sizeof *addr);
    inet_pton(AF_INET, s, &sin->sin_addr);
    if (sin->sin_addr.s_addr != 0) {    /* still 0: it was not IPv4 */
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);     /* network byte order! */
        *len = sizeof *sin;
        return 0;
    }
    if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *len = sizeof *sin6;
        return 0;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        usage();

    int type = parse_proto(argv[1]);
    if (type < 0)
        usage();

    int port = parse_port(argv[3]);
    if (port < 0)
        usage();

    /* sockaddr_storage is big enough for any address family, so one variable
     * can hold either a sockaddr_in or a sockaddr_in6. */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    if (make_addr(argv[2], port, &addr, &addrlen) < 0)
        usage();

    int fd = socket(addr.ss_family, type, 0);
    if (fd < 0)
        die("socket");

    if (type == SOCK_STREAM) {
        /* Without SO_REUSEADDR a restarted server could not bind its port
         * while old connections of the previous run sit in TIME_WAIT. */
        int on = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
            die("setsockopt");
    }

    if (bind(fd, (struct sockaddr *)&addr, addrlen) < 0)
        die("bind");

    if (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0)
        die("listen");

    /* Ask the kernel what we are really bound to: with port 0 only it knows. */
    struct sockaddr_storage bound;
    socklen_t boundlen = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");

    char ip[INET6_ADDRSTRLEN];
    if (bound.ss_family == AF_INET) {
        struct sockaddr_in *b = (struct sockaddr_in *)&bound;
        if (inet_ntop(AF_INET, &b->sin_addr, ip, sizeof ip) == NULL)
            die("inet_ntop");
        printf("bound %s %s:%d\n", argv[1], ip, ntohs(b->sin_port));
    } else {
        /* IPv6 addresses contain ':' themselves, hence the brackets. */
        struct sockaddr_in6 *b = (struct sockaddr_in6 *)&bound;
        if (inet_ntop(AF_INET6, &b->sin6_addr, ip, sizeof ip) == NULL)
            die("inet_ntop");
        printf("bound %s [%s]:%d\n", argv[1], ip, ntohs(b->sin6_port));
    }
    /* stdout to a pipe is fully buffered: without this, whoever waits for
     * our line would wait forever. */
    fflush(stdout);

    /* Keep the address bound until stdin is closed. */
    char buf[4096];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
    }

    if (close(fd) < 0)
        die("close");
    return 0;
}
