/*
 * usage: rpcclient HOST PORT TIMEOUT_MS TRIES
 *
 * Lesson 07: UDP may lose a request or its reply, so a client must not wait
 * forever: it waits with poll() until a deadline and, if nothing matching
 * came, sends again. The deadline is fixed when we send, on the monotonic
 * clock, so datagrams we throw away do not make us wait longer.
 *
 * Given: the includes, die(), usage(), parse_num() and the checking of the
 * arguments. You write: the program, functions included (the TODOs). One
 * function is one you wrote in lesson 05: bring your own.
 * Stuck? `make hint L=07 P=rpcclient` shows one hint more each time.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "rpcclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: rpcclient HOST PORT TIMEOUT_MS TRIES\n");
    exit(2);
}

/* A number made of decimal digits only, between lo and hi.
 * Returns -1 if malformed or out of range. */
static long parse_num(const char *s, long lo, long hi)
{
    long value = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        value = value * 10 + (*s - '0');
        if (value > hi)
            return -1;          /* stop before the number can overflow */
    }
    if (value < lo)
        return -1;
    return value;
}

/* TODO(1): a clock for deadlines that never jumps (not the time of day)
 * and is finer than whole seconds; tconnect needs the same.
 * Read: README "A deadline, not a duration"; man 3 clock_gettime. */

/* TODO(2), from lesson 05 (udpclient.c): your same_addr(a, b), which
 * tells whether two socket addresses are the same family, IP and port.
 * Read: README "Matching replies". */

/* TODO(3): does a reply of n bytes answer this line of len bytes? The
 * server's reply ends with the line's bytes (README "Matching replies");
 * both may hold NUL bytes, so string functions will not do. A reply to an
 * earlier line, arriving late, must not be taken for this one's. */

int main(int argc, char **argv)
{
    if (argc != 5)
        usage();
    long timeout_ms = parse_num(argv[3], 1, 60000);
    long tries = parse_num(argv[4], 1, 100);
    if (timeout_ms < 0 || tries < 0)
        usage();

    /* TODO(4): as in lesson 05: no write may kill the client by a signal;
     * resolve HOST PORT (the resolver's own errors are printed as
     * "rpcclient: getaddrinfo: REASON", exit 1), keep the server's
     * address, make one UDP socket for the whole run (README "A new
     * socket for each try", "Connection refused is no reply"). */

    /* TODO(5): for each line of stdin (without its newline, any bytes):
     * up to TRIES times, send it and wait for its reply until a deadline
     * TIMEOUT_MS after that send. Datagrams from elsewhere, or that do not
     * answer this line, are thrown away without giving you a fresh
     * TIMEOUT_MS: recompute what is left of the deadline after each. When
     * the reply comes, print its bytes and a newline, out at once, and go
     * to the next line. If TRIES sends got no reply, say so on stderr and
     * exit 1. At the end of stdin, exit 0.
     * Read: README "Resending", "One deadline per send", "Counting tries",
     * "A timeout in the wrong unit", "A buffer too small", "Printing the
     * reply"; man 2 poll, man 2 sendto, man 2 recvfrom.
     * Then delete the lines below: they only stop the program. */
    (void)argv;
    errno = ENOSYS;
    die("TODO(1)");
}
