/*
 * usage: fetch HOST PORT
 *
 * Lesson 04: a TCP client. getaddrinfo() turns a host name and a service
 * into a list of socket addresses (IPv4, IPv6, ...); we try each in turn
 * until connect() succeeds. Then the socket is a byte stream: read it until
 * the server closes (read returns 0) and copy every byte to stdout.
 *
 * Given: the includes, die(), usage() and the checking of the arguments.
 * You write: whole functions, from their signature and the comment above
 * them, and the body of main (the TODOs, in their order).
 * Stuck? `make hint L=04` shows one hint more each time.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "fetch: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: fetch HOST PORT\n");
    exit(2);
}

/* TODO(1): write all len bytes of buf to the descriptor fd (stdout
 * here). One write may take fewer bytes than offered (a pipe that is
 * nearly full): keep going from where it stopped; a write interrupted by
 * a signal is tried again. Returns 0, or -1 with errno set.
 * Read: man 2 write (the return value), README "Writing more than you received". */
static int write_all(int fd, const void *buf, size_t len)
{
    (void)fd;       /* delete these lines once you use the arguments */
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

/* TODO(2): return a TCP socket connected to host:port. Let the resolver
 * turn the name and the service into a list of addresses, of any family
 * (IPv4 or IPv6, whatever HOST has), and try each in turn until one
 * connects; free the list. If none connects, die with the reason of the
 * last attempt (keep errno safe from the calls that follow it). The
 * resolver reports its own errors, not through errno: print its reason
 * as "fetch: getaddrinfo: REASON" and exit 1.
 * Read: README "Names become addresses", "Try each address in turn",
 * "Reporting getaddrinfo errors"; man 3 getaddrinfo, man 2 connect. */
static int tcp_connect(const char *host, const char *port)
{
    (void)host;     /* delete these lines once you use the arguments */
    (void)port;
    errno = ENOSYS;
    die("TODO(2)");
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* TODO(3): if stdout is a pipe whose reader has gone, writing to it
     * must fail with an error we can report, not kill us silently
     * (man 7 signal: SIGPIPE). */

    int fd = tcp_connect(argv[1], argv[2]);

    /* TODO(4): copy every byte the server sends to stdout, exactly, until
     * the server closes its side; then close the socket. A stream has no
     * messages: bytes come in pieces of any size, and may contain NUL.
     * Tell the end (0) from an error (-1, where EINTR is no error).
     * Read: README "A stream has no messages", "Only one recv", "Text
     * functions on binary data", "Treating an error as the end"; man 2 recv.
     * Then delete the lines below: they only keep the compiler quiet and
     * stop the program. */
    (void)fd;
    (void)write_all;
    errno = ENOSYS;
    die("TODO(4)");
}
