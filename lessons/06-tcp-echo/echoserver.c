/*
 * usage: echoserver PORT
 *
 * Lesson 06: TCP is a byte stream, not a sequence of messages. recv() returns
 * whatever has arrived (maybe less than the peer sent in one go) and send()
 * may take fewer bytes than offered, so we echo in a loop until recv()
 * returns 0, the client's end of file, and send every chunk with send_all().
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of the
 * arguments. You write: the program, functions included (the TODOs). One
 * function is one you wrote in lesson 03: bring your own.
 * Stuck? `make hint L=06 P=echoserver` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "echoserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: echoserver PORT\n");
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

/* TODO(1), from lesson 03 (greeter.c): your tcp_listen(port), which
 * returns a listening TCP socket on port on every IPv4 address of this
 * machine, one that can be restarted at once on the same port, and dies
 * with the failing call's name. Read: README "Restarting on the same port". */

/* TODO(2): a send_all(fd, buf, len) that sends all len bytes on a
 * connected socket: one send may take fewer bytes than offered, and one
 * interrupted by a signal is tried again. Returns 0, or -1 with errno set.
 * (Lesson 03's greeter needed one too.)
 * Read: README "Binary data and short writes"; man 2 send. */

/* TODO(3): a serve(client) with the echo loop: echo everything this
 * client sends, as it arrives (not a line or a whole stream later), until
 * its end of file. Bytes are bytes: NUL, no newline, a megabyte at once.
 * An error ends this client only, never the server: report it on stderr
 * and return.
 * Read: README "The echo loop", "The end of the stream", "Echo at once",
 * "Binary data and short writes", "One client's errors"; man 2 recv. */

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(4): a client that goes away while we write to it must not kill
     * the server, whichever call writes (README "SIGPIPE", man 7 signal).
     * Then make the listening socket with your tcp_listen(), and print the
     * ready line `listening on port N`, N being the port the kernel really
     * chose (PORT may be 0); make sure it is out now: the checker reads it
     * from a pipe. Read: README "The ready line"; man 2 getsockname,
     * man 3 fflush. */

    /* TODO(5): serve clients one at a time, for ever: accept the next,
     * echo it with serve(), close it. A failed accept is about one client:
     * report it and go on. Every accepted descriptor must be closed.
     * Read: README "One client at a time", "Descriptor leaks"; man 2 accept.
     * Then delete the lines below: they only stop the program. */
    (void)port;
    errno = ENOSYS;
    die("TODO(1)");
}
