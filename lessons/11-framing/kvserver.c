/*
 * usage: kvserver PORT
 *
 * Lesson 11: a key-value store behind a binary protocol of length-prefixed
 * frames, serving several clients at once.
 *
 * The contract (docs/contract.md, "11-framing"):
 *
 *   Frame: a 4-byte unsigned length N in network byte order (big-endian),
 *   then N bytes of body, 1 <= N <= 1,048,576. Keys are 1 to 255 bytes,
 *   values 0 or more bytes; both may hold any byte, NUL included.
 *
 *   Request bodies (first byte the operation):
 *     'S' (0x53) set:    'S', key length K (1 byte, 1-255), K key bytes,
 *                        then the value (the rest of the body)  -> reply '+'
 *     'G' (0x47) get:    'G', then the key (the rest of the body)
 *                        -> '+' followed by the value, or '!' if missing
 *     'D' (0x44) delete: 'D', then the key
 *                        -> '+' if it existed (now removed), '!' if not
 *   Any other body (unknown op, empty key, a key over 255 bytes, K = 0 or
 *   K past the end of the body) is answered with a reply body of '?'; the
 *   connection stays usable.
 *
 *   kvserver PORT: a TCP server (rule 4) holding one store for all
 *   clients, for as long as it runs; it serves several clients at once
 *   (any design). Replies are frames, one per request, in request order
 *   on each connection; a client may send many requests before reading
 *   any reply (pipelining), and frames may arrive in pieces of any size.
 *   A frame whose N is 0 or over 1,048,576 breaks the framing: the server
 *   closes that connection without a reply, and goes on serving the
 *   others.
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of
 * the arguments. You write the rest: the design is yours.
 * Stuck? `make hint L=11 P=kvserver` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
    fprintf(stderr, "kvserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: kvserver PORT\n");
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

/* TODO(1): the store. One table for the whole server, shared by every
 * client and kept for as long as it runs. Keys and values are bytes WITH
 * a length (they may hold NUL): set, get and delete by key, comparing
 * lengths and bytes. A hash table or a sorted array both do.
 * Read: README "The store", "One store for all", "Binary keys and values". */

/* TODO(2): one connection's state: its socket, the bytes received that
 * are not yet a whole frame, and the replies not yet sent. Bound what a
 * connection may hold: never allocate what a length only announces.
 * Read: README "Reading a frame", "What a hostile peer can send". */

/* TODO(3): answering one request body: check it against the contract
 * (the op, the key's length, K against the bytes the body really holds)
 * and queue its reply frame: '+', '+' and the value, '!' or '?'.
 * Read: README "Checking a body", "Closing on a bad body"; man 3 byteorder. */

/* TODO(4): cutting frames out of what arrived: while the buffer holds the
 * 4 length bytes, check N (0 or over 1,048,576: close the connection, no
 * reply); when all 4 + N bytes are there, answer it, in order; keep an
 * unfinished frame for the next read.
 * Read: README "One recv is not one frame", "Pipelining", "Byte order". */

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(5): the server: a client that goes away must not kill it
     * (README "SIGPIPE"); the listening socket and the ready line
     * `listening on port N`, out at once (README "The ready line"); then
     * serve every client at once, never blocking on one of them: a
     * client in the middle of a frame, or a reset, concerns that client
     * only.
     * Read: README "Several clients at once", "One client's errors";
     * man 2 poll, man 2 recv, man 2 send.
     * Then delete the lines below: they only stop the program. */
    (void)port;
    errno = ENOSYS;
    die("TODO(1)");
}
