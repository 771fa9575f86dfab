/*
 * usage: kvclient HOST PORT
 *
 * Lesson 11: the client of kvserver: command lines in, request frames
 * out, replies printed.
 *
 * The contract (docs/contract.md, "11-framing"):
 *
 *   Frame: a 4-byte unsigned length N in network byte order (big-endian),
 *   then N bytes of body, 1 <= N <= 1,048,576. Request bodies: 'S', the
 *   key length K (1 byte), the key, the value; 'G' and the key; 'D' and
 *   the key. Replies: '+' (with the value after a get), '!' (missing),
 *   '?' (a malformed request).
 *
 *   kvclient HOST PORT: connect (rule 5), then read commands from stdin,
 *   one per line: `set KEY VALUE` (VALUE is everything after the single
 *   space that follows KEY, possibly empty or holding spaces), `get KEY`,
 *   `del KEY`; KEY is 1 to 255 bytes with no space. A line of any other
 *   form is a bad command. For each command, send its request frame and
 *   print its reply: `OK` for '+' after set or del, the value bytes for
 *   '+' after get, `(nil)` for '!', `ERR` for '?', each followed by \n.
 *   An unknown command or a malformed line: `kvclient: bad command: LINE`
 *   on stderr, no request, go on. At EOF exit 0. The server closing or
 *   resetting the connection before a reply is complete: reason on
 *   stderr (`server closed the connection` for an EOF), exit 1.
 *
 * Given: the includes, die(), usage() and the checking of the arguments.
 * You write the rest.
 * Stuck? `make hint L=11 P=kvclient` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
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
    fprintf(stderr, "kvclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: kvclient HOST PORT\n");
    exit(2);
}

/* TODO(1), from earlier lessons: your send_all (lesson 06) and your
 * tcp_connect(host, port) that tries every address in order (lesson 04). */

/* TODO(2): reading exactly n bytes: one recv() returns what has arrived,
 * maybe a single byte. EOF before n bytes is the server closing the
 * connection (say so, exit 1); an error is its reason (exit 1).
 * Read: README "One recv is not one frame", "The server closed the
 * connection"; man 2 recv. */

/* TODO(3): turning one command line into a request body, or saying it is
 * a bad command. Work with the line's length, not strlen: a value may
 * hold NUL bytes.
 * Read: README "Parsing a command", "Bad commands", "The request frames". */

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* TODO(4): the client: a server that goes away must not kill it
     * (README "SIGPIPE"); connect; then for each line of stdin send its
     * frame (the length in network byte order first), read the whole
     * reply frame, print it as the contract says; at EOF exit 0.
     * Read: README "The client loop", "Printing a reply", "Byte order";
     * man 3 getline, man 3 byteorder.
     * Then delete the lines below: they only stop the program. */
    (void)argv;
    errno = ENOSYS;
    die("TODO(1)");
}
