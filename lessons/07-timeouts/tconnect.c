/*
 * usage: tconnect HOST PORT TIMEOUT_MS
 *
 * Lesson 07: a blocking connect() to a host that does not answer can hang
 * for minutes. Made non-blocking, connect() returns EINPROGRESS at once; we
 * wait for the socket to become writable with poll(), up to one deadline for
 * all addresses together, and then read the outcome with SO_ERROR.
 *
 * Given: the includes, die(), usage(), parse_num() and the checking of the
 * arguments. You write: the program, functions included (the TODOs).
 * Stuck? `make hint L=07 P=tconnect` shows one hint more each time.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "tconnect: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: tconnect HOST PORT TIMEOUT_MS\n");
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

/* TODO(1): a clock for deadlines. Timeouts are measured on a clock that
 * never jumps (not the time of day, which NTP or an admin may change),
 * finer than whole seconds: a 700 ms limit must not become 1 s.
 * Read: README "A deadline, not a duration"; man 3 clock_gettime
 * (CLOCK_MONOTONIC). */

/* TODO(2): a function that connects one socket to one address (one entry
 * of the resolver's list) but gives up at the deadline: start the
 * connect without blocking, wait until the handshake is over or the
 * deadline has passed (recomputing what is left after each wake-up), and
 * then find out whether it succeeded: being writable is not being
 * connected. Returns the connected socket, or -1 with errno set
 * (ETIMEDOUT when the deadline passed first), having closed its socket.
 * Read: README "The non-blocking connect", "Writable is not connected",
 * "Operation now in progress", "A blocking connect"; man 2 connect
 * (EINPROGRESS), man 2 fcntl (O_NONBLOCK), man 2 poll, SO_ERROR in
 * man 7 socket. */

int main(int argc, char **argv)
{
    if (argc != 4)
        usage();
    long timeout_ms = parse_num(argv[3], 1, 60000);
    if (timeout_ms < 0)
        usage();

    /* TODO(3): one deadline for the whole program, set before anything
     * can take time. Resolve HOST PORT (any family; the resolver's own
     * errors are printed as "tconnect: getaddrinfo: REASON", exit 1) and
     * try each address in turn with what is left of the deadline, never
     * a fresh TIMEOUT_MS each. On success print `connected` and exit 0;
     * otherwise die with the last attempt's reason.
     * Read: README "One deadline", "A timeout per address", "Trying every
     * address"; man 3 getaddrinfo.
     * Then delete the lines below: they only stop the program. */
    (void)argv;
    errno = ENOSYS;
    die("TODO(1)");
}
