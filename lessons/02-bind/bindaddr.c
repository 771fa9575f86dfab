/*
 * usage: bindaddr tcp|udp ADDR PORT
 *
 * Lesson 02: bind() gives a socket its local address (IP and port). The
 * address is a struct sockaddr_in (IPv4) or sockaddr_in6 (IPv6) with every
 * number in network byte order; port 0 lets the kernel pick one, and
 * getsockname() tells which one it picked.
 *
 * Given: the includes, die(), usage(), the parsing of PROTO and PORT.
 * You write: the calls this lesson is about (the TODOs, in their order).
 * Stuck? `make hint L=02` shows one hint more each time.
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

/* TODO(1): fill *addr with the numeric address s (IPv4 "127.0.0.1" or
 * IPv6 "::1"; names are not accepted here) and the port, and *len with the
 * size of the sockaddr really used; return 0, or -1 if s is neither kind
 * of address. Every field you do not set must be 0, and the port goes in
 * network byte order.
 * Read: README "The address structures" and "Network byte order", man 3 inet_pton, man 3 htons, man 7 ip, man 7 ipv6. */
static int make_addr(const char *s, int port,
                     struct sockaddr_storage *addr, socklen_t *len)
{
    (void)s;        /* delete these lines once you use the arguments */
    (void)port;
    (void)addr;
    (void)len;
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

    /* TODO(2): make a socket of the address's family and the PROTO's type,
     * and bind it to the address. A TCP socket also needs two more things:
     * to be able to bind a port whose old connections are still in
     * TIME_WAIT (README "TIME_WAIT and SO_REUSEADDR"), and to listen, or no
     * client could connect. Die with the failing call's name on any error.
     * Read: man 2 socket, man 2 bind, man 2 listen, SO_REUSEADDR in man 7 socket. */

    /* TODO(3): ask the kernel which address and port the socket really
     * got (with port 0, only it knows), turn the address into text, and
     * print the contract's line: `bound PROTO IP:PORT` for IPv4,
     * `bound PROTO [IP]:PORT` for IPv6. Then make sure the line is out
     * now: whoever waits for it reads a pipe (README "The bound line").
     * Read: man 2 getsockname, man 3 inet_ntop, man 3 ntohs, man 3 fflush. */

    /* TODO(4): keep the address bound until stdin reaches its end (read
     * it and throw the bytes away; a read interrupted by a signal is not
     * an error), then close the socket.
     * Read: README "Waiting for EOF", man 2 read, man 2 close.
     * Then delete the two lines below: they only stop the program. */
    errno = ENOSYS;
    die("TODO(2)");
    return 0;
}
