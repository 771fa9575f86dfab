/*
 * usage: chatserver PORT
 *
 * Lesson 09: a chat server that serves many clients at once, in one
 * thread, with poll().  Read lessons/09-multiplex/README.md first.
 *
 * The contract (docs/contract.md, "09-multiplex"), in short:
 *
 *   - PORT as for every server (rule 4): 1 to 5 decimal digits, at most
 *     65535, 0 lets the kernel choose; anything else: usage error, exit 2.
 *     Bind every IPv4 address with SO_REUSEADDR, then print
 *     "listening on port N" as the first line of stdout and flush it.
 *   - Nothing is sent to a client when it connects or when others come
 *     and go.
 *   - A line is the bytes up to and including a \n.  When a whole line has
 *     come from a client S, send "IP:PORT: " followed by the line (its \n
 *     included) to every OTHER client connected at that moment, never to
 *     S.  IP:PORT is S's address as accept() reported it (dotted quad,
 *     decimal port).
 *   - Every recipient gets the lines in the same order: the order in which
 *     the server completed them.
 *   - Bytes after S's last \n wait in S's buffer until their \n arrives, in
 *     any number of pieces.  4096 bytes from S without a \n: close S and
 *     drop its bytes.
 *   - S's EOF: drop its unfinished line, close it.  A reset or an error on
 *     one client closes that client only.
 *   - No client can stall the others: never block on one client.  Hold at
 *     most 1 MiB (1,048,576 bytes) of output per client not yet handed to
 *     send(); a line that would take a client past that closes that client
 *     instead.  A line reaches every other reading client within 200 ms.
 *   - With RLIMIT_NOFILE N, serve N - 8 clients at once.  When accept()
 *     fails for lack of descriptors (EMFILE), neither exit nor spin; accept
 *     again once a client has left.
 *   - Idle, it uses no CPU (at most 50 ms in a second).  SIGPIPE never
 *     kills it.
 *
 * Everything below main's argument check is yours to write: this lesson
 * gives you no loop to fill in.  The TODOs say what to build and where to
 * read about it; HINTS.md (make hint L=09) helps one step at a time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_LINE    4096          /* bytes without a \n before we give up */
#define MAX_PENDING (1024 * 1024) /* bytes queued for one client, at most */

static void die(const char *call)
{
    fprintf(stderr, "chatserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: chatserver PORT\n");
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

/*
 * TODO(1): what you keep for each client.  Between two turns of the event
 * loop a client is only its state: its socket, the prefix of its lines
 * (its address, taken from accept()), the bytes of its unfinished line
 * (at most MAX_LINE), and the bytes you owe it that send() has not taken
 * yet (at most MAX_PENDING).  Decide how you hold all clients.
 * Read: README "Per-client state", the handbook's multiplexing page.
 */

/*
 * TODO(2): the listening socket, as in lessons 03 and 06 (SO_REUSEADDR,
 * bind to INADDR_ANY, listen), but non-blocking, and the ready line.
 * Read: man 2 fcntl (O_NONBLOCK), README "Non-blocking sockets".
 */

/*
 * TODO(3): the pieces of the loop, one small function each:
 *   - a newcomer: accept it, make it non-blocking, remember its address.
 *     accept() failing with EMFILE must not end or spin the server.
 *   - a readable client: take what recv() returns, relay every whole line
 *     in its buffer to every other client, keep the rest; mind EOF, errors
 *     and the 4096-byte limit.
 *   - relaying: queue the bytes for each recipient and hand send() what it
 *     takes now, never waiting; a queue past 1 MiB closes that recipient.
 *   - a writable client: send more of its queue.
 * Read: README "Partial lines", "Slow readers", "Running out of
 * descriptors"; man 2 poll, man 2 accept (ERRORS), man 7 socket.
 */

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /*
     * TODO(4): the event loop.  Keep SIGPIPE from killing the server, set
     * up the listener, then forever: build the list of what to wait for
     * (the listener, every client; POLLOUT only where bytes are queued),
     * wait with poll() without a timeout, and handle what it reports.
     * A closed client must leave the list.
     * Read: README "The event loop", "Idle CPU", "SIGPIPE"; man 2 poll.
     * Then delete the two lines below: they only stop the program.
     */
    (void)port;
    errno = ENOSYS;
    die("TODO: the event loop");
}
