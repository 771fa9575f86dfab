/*
 * usage: greeter PORT
 *
 * Lesson 03: a TCP server. listen() turns a bound socket into a listening
 * one; the kernel completes connections on its own and queues them, and
 * accept() takes the next one off the queue as a NEW descriptor, connected
 * to that one client, together with the client's address.
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of the
 * arguments. You write: whole functions, from their signature and the
 * comment above them, and the body of main (the TODOs, in their order).
 * Stuck? `make hint L=03` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "greeter: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: greeter PORT\n");
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

/* TODO(1): send all len bytes of buf on the connected socket fd. One
 * send may take fewer bytes than offered: keep going from where it
 * stopped. A send interrupted by a signal is tried again. Returns 0, or -1
 * with errno set. Sending to a client that has gone must not kill the
 * server (README "One client brings it down").
 * Read: man 2 send (the return value, MSG_NOSIGNAL), README "The greeting". */
static int send_all(int fd, const void *buf, size_t len)
{
    (void)fd;       /* delete these lines once you use the arguments */
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

/* TODO(2): return a listening TCP socket bound to port on every IPv4
 * address of this machine; die with the failing call's name on any error.
 * It must be able to bind a port whose old connections are still in
 * TIME_WAIT, and its queue of waiting connections should be as long as the
 * system allows.
 * Read: README "The backlog", "TIME_WAIT and SO_REUSEADDR"; man 2 socket,
 * man 2 bind, man 2 listen, man 7 ip (INADDR_ANY). */
static int tcp_listen(int port)
{
    (void)port;     /* delete these lines once you use port */
    errno = ENOSYS;
    die("TODO(2)");
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(3): make sure that a write to a client that has already gone
     * cannot kill the server, whichever call writes (README "One client
     * brings it down", man 7 signal: SIGPIPE). */

    int lfd = tcp_listen(port);

    /* TODO(4): print the ready line `listening on port N` with the port
     * the kernel really chose (PORT may be 0), and make sure it is out
     * now: the checker waits for it on a pipe.
     * Read: README "The ready line", man 2 getsockname, man 3 fflush. */

    /* TODO(5): serve clients one after another, for ever: take the next
     * connection off the queue together with the client's address, send
     * it `hello IP:PORT\n` (the client's address, not yours), and close
     * it. A failed accept, or a client that is gone before its greeting,
     * is that client's problem: report it on stderr and go on; never
     * exit. Every accepted descriptor must be closed.
     * Read: README "The client's address", "Whose address", "Leaking
     * descriptors"; man 2 accept, man 3 inet_ntop, man 3 snprintf.
     * Then delete the lines below: they only keep the compiler quiet and
     * stop the program. */
    (void)lfd;
    (void)send_all;
    errno = ENOSYS;
    die("TODO(3)");
}
