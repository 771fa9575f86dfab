/*
 * usage: echoclient HOST PORT
 *
 * Lesson 06: TCP keeps no message boundaries. The echo of a line may come
 * back in several pieces, so after sending a line we call recv() again and
 * again until exactly as many bytes as we sent have come back (readn() in
 * Stevens' UNP). recv() returning 0 means the server closed the connection.
 *
 * Given: the includes, die(), usage() and the checking of the arguments.
 * You write: the program, functions included (the TODOs). One function is
 * one you wrote in lesson 04: bring your own.
 * Stuck? `make hint L=06 P=echoclient` shows one hint more each time.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "echoclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: echoclient HOST PORT\n");
    exit(2);
}

/* TODO(1), from lesson 04 (fetch.c): your tcp_connect(host, port), which
 * returns a TCP socket connected to host:port, trying every address the
 * resolver gives in order, and on failure prints the reason
 * ("echoclient: ...") and exits 1. Read: README "Trying every address". */

/* TODO(2): a send_all(fd, buf, len) that sends all len bytes on a
 * connected socket: one send may take fewer bytes than offered, and one
 * interrupted by a signal is tried again. Returns 0, or -1 with errno set.
 * (Lesson 03's greeter needed one too.)
 * Read: README "Binary data and short writes"; man 2 send. */

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* TODO(3): connect to HOST PORT with your tcp_connect(). If the server
     * goes away, a send must fail with an error you can report, not kill
     * the client without a word (README "SIGPIPE", man 7 signal). */

    /* TODO(4): the echo loop. For each line of stdin (any bytes, NUL
     * included; the last line may lack its newline; a line may be longer
     * than any buffer you pick): send the whole line, then receive until
     * exactly as many bytes have come back as you sent (one recv is not a
     * line: it returns any part of it), and write them to stdout, out at
     * once. If the server closes the connection before the whole echo is
     * back, say so on stderr and exit 1. At the end of stdin, close the
     * connection and exit 0.
     * Read: README "The client loop", "One recv is not a line", "Binary
     * data and NUL bytes", "Long lines", "The last line", "The server
     * closed the connection"; man 3 getline, man 2 recv, man 3 fwrite.
     * Then delete the lines below: they only stop the program. */
    (void)argv;
    errno = ENOSYS;
    die("TODO(1)");
}
