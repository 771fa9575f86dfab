/*
 * usage: udpserver PORT
 *
 * Lesson 05: a UDP socket has no connections. Each recvfrom() returns one
 * whole datagram together with the address it came from, and sendto() sends
 * one datagram to any address we name; so one socket serves every client,
 * and the reply goes to exactly the address the request came from.
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of the
 * arguments. You write: make_reply() from its signature and the comment
 * above it, and the body of main (the TODOs, in their order).
 * Stuck? `make hint L=05 P=udpserver` shows one hint more each time.
 */
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

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "udpserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: udpserver PORT\n");
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

/* TODO(3): build the reply to a request of n bytes into reply (which
 * has room for n + 64 bytes): "[" + the current time as ctime() writes
 * it, without its newline, + "] " + the request's bytes. Returns the
 * reply's length, or 0 if the time cannot be had. The request may hold
 * any byte, NUL included: string functions would stop at the first NUL.
 * Read: README "The reply format", "ctime's newline", "Binary payloads";
 * man 3 ctime, man 3 memcpy. */
static size_t make_reply(char *reply, const char *request, size_t n)
{
    (void)reply;    /* delete these lines once you use the arguments */
    (void)request;
    (void)n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(1): make a UDP socket bound to port on every IPv4 address; no
     * write anywhere (a closed stdout, say) may kill the server by a
     * signal. Print the ready line `listening on port N` with the port
     * the kernel really chose, and make sure it is out now.
     * Read: README "The idea", "The ready line"; man 7 udp, man 2 bind,
     * man 2 getsockname. */

    /* TODO(2): serve for ever, one datagram at a time: receive a whole
     * datagram (up to MAX_DATAGRAM bytes) together with its sender's
     * address, build its reply with your make_reply(), and send the reply
     * back to exactly that address from this same socket. A bad datagram
     * or a failed send is reported on stderr and the server goes on. An
     * empty datagram is a request like any other: UDP has no end of file.
     * Read: README "Reply to the sender", "Empty datagrams", "Buffer
     * size", "One bad datagram"; man 2 recvfrom, man 2 sendto.
     * Then delete the lines below: they only keep the compiler quiet and
     * stop the program. */
    (void)make_reply;
    errno = ENOSYS;
    die("TODO(1)");
}
