/*
 * usage: bigecho PORT
 *
 * Lesson 10: the echo server of lesson 06 for ten thousand clients at once,
 * in one thread, with non-blocking sockets and epoll.  Read README.md
 * first: "The idea", then "Your task".
 *
 * The contract (docs/contract.md, "10-epoll"):
 *
 * - PORT is 1 to 5 decimal digits, at most 65535 (0: the kernel chooses);
 *   anything else, or a wrong number of arguments: a usage line on stderr,
 *   exit 2.  Listen on every IPv4 address with SO_REUSEADDR, then print
 *   `listening on port N` (the real port) as the first line of stdout and
 *   flush it.
 * - Before it binds, raise the soft RLIMIT_NOFILE to the hard limit
 *   (getrlimit/setrlimit); the checker gives a hard limit of 20000.
 * - Each client gets back every byte it sends, in order, until its EOF;
 *   once all of it is echoed, close that connection.  A half-close is as in
 *   lesson 06: everything sent before the FIN is still echoed.
 * - 10,000 clients connected at the same time, each sending a line of up
 *   to 10 KB and reading its echo, are all served within 10 seconds.
 * - One thread, one process: no threads, no fork().
 * - With 10,000 idle clients connected, resident memory is at most 64 MiB:
 *   buffers are allocated when data is pending, not per connection.
 * - Backpressure: with 1 MiB or more of echo pending for a client, stop
 *   reading from that client until it drains.  While such a client sends
 *   64 MiB and reads nothing, another client's line is echoed within
 *   200 ms, and memory grows by at most 16 MiB.
 * - An idle server uses no CPU.  A reset or error ends that client only;
 *   SIGPIPE never kills the server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "bigecho: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: bigecho PORT\n");
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
 * TODO (the state of one client, README "Memory per client"): decide what
 * you must remember about each client between two wake-ups: its
 * descriptor, the echo it still owes (bytes received that send() would
 * not take yet), whether it has sent its FIN, and what you asked epoll to
 * watch for it.  Ten thousand of these must fit in a few megabytes: no
 * buffer inside it, only a pointer to one that exists while echo is
 * pending.
 */

/*
 * TODO (helpers, README "The event loop" and "Backpressure"): you will
 * want small functions for
 *   - raising the soft descriptor limit to the hard one (getrlimit(2));
 *   - a non-blocking listening socket with a long accept queue;
 *   - accepting every waiting client and making it non-blocking (fcntl(2))
 *     and known to epoll (epoll_ctl(2));
 *   - reading one chunk from a ready client and echoing it: what send()
 *     does not take now is kept, after what was already kept;
 *   - sending kept echo when the client is writable, and freeing the
 *     buffer once it is empty;
 *   - telling epoll what you now wait for on a client (reading only while
 *     under 1 MiB pending and no FIN yet; writing only while echo is
 *     pending);
 *   - forgetting a client (close, free).
 */

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /*
     * TODO (setup, README "Raising the descriptor limit" and "SIGPIPE"):
     * make SIGPIPE harmless, raise RLIMIT_NOFILE, open the listening socket
     * (non-blocking, SO_REUSEADDR, bound to INADDR_ANY and PORT), print the
     * ready line with the real port and flush stdout.  Then create the
     * epoll instance (epoll_create1(2)) and add the listener to it.
     */

    /*
     * TODO (the event loop, README "The event loop"): forever, sleep in
     * epoll_wait(2) until some sockets are ready (never with a timeout of
     * 0: "Busy waiting"), then for each one: the listener means clients
     * wait to be accepted; a client means it can be read, written, or has
     * failed.  A client is done once it sent its FIN and all its echo is
     * sent; any error ends that client only ("One client's errors").
     */
    (void)port;
    (void)die;
    return 1;
}
