/*
 * usage: wcserver PORT
 *
 * Lesson 08: the client says "I have sent everything" by shutting down its
 * writing half (shutdown SHUT_WR); we see that as recv() returning 0, and can
 * still send our answer on the same connection. Also: stopping cleanly on
 * SIGTERM/SIGINT, with a flag set by a handler and a listener that is never
 * waited on for long, so the flag is seen quickly.
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of the
 * arguments. You write: the program, functions included (the TODOs). Two
 * functions are ones you wrote before: bring your own.
 * Stuck? `make hint L=08 P=wcserver` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "wcserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: wcserver PORT\n");
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

/* TODO(1), from earlier lessons: your send_all(fd, buf, len) (lesson 06)
 * and your tcp_listen(port) (lesson 03). */

/* TODO(2): a serve(client): read everything the client sends until its
 * end of file (it half-closes: README "Half-close"), counting lines,
 * words and bytes as wc does, then send `L W B\n` and return. Bytes are
 * bytes: NUL and bytes >= 0x80 are part of words; only the six separators
 * of the contract end a word, whatever the locale; a word may be split
 * across two reads; a client may send more than 4 GiB, and the counting
 * runs for every byte. A signal while you read is not a reason to drop
 * this client; an error ends this client only.
 * Read: README "What a word is", "Counts past 4 GiB", "Counting across
 * reads", "Signed char", "NUL bytes", "Replying before the end", "EINTR
 * in recv"; man 2 recv. */

/* TODO(3): stopping cleanly. On SIGTERM or SIGINT the server finishes the
 * client it is serving, stops accepting, and exits 0, promptly even when
 * it is idle. A handler may do very little: it only records that a stop
 * was asked, in the one type a handler may safely write. Interrupted
 * calls must return (EINTR) rather than silently go on waiting.
 * Read: README "Stopping cleanly", "No handler for SIGTERM", "Exiting in
 * the handler", "A blocking accept that never returns", "Accepting after
 * the signal"; man 2 sigaction (SA_RESTART), man 7 signal-safety. */

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(4): as in lesson 06: a client that goes away must not kill the
     * server (README "SIGPIPE"); install your stop handlers (TODO(3));
     * make the listening socket; print the ready line `listening on port
     * N`, out at once (README "The ready line"). */

    /* TODO(5): until a stop is asked: wait for the next client without
     * ever blocking so long that a stop goes unseen, accept it, serve()
     * it, close it. Then close the listener and exit 0.
     * Read: README "Stopping cleanly", "One client brings it down",
     * "Leaking descriptors"; man 2 poll, man 2 accept.
     * Then delete the lines below: they only stop the program. */
    (void)port;
    errno = ENOSYS;
    die("TODO(1)");
}
