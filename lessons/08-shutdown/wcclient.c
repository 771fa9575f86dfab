/*
 * usage: wcclient HOST PORT
 *
 * Lesson 08: the server answers only after our end of file. close() would
 * end both directions, and we could not read the answer; a shutdown of
 * the writing half (SHUT_WR) ends only our sending half: the server's
 * recv() returns 0, and we can still read its reply until it closes in turn.
 *
 * Given: the includes, die(), usage() and the checking of the arguments.
 * You write: the program, functions included (the TODOs). Three functions
 * are ones you wrote before: bring your own.
 * Stuck? `make hint L=08 P=wcclient` shows one hint more each time.
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
    fprintf(stderr, "wcclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: wcclient HOST PORT\n");
    exit(2);
}

/* TODO(1), from earlier lessons: your send_all(fd, buf, len) (lesson 06),
 * your write_all(fd, buf, len) and your tcp_connect(host, port) (lesson 04,
 * printing "wcclient: ..." on failure). Read: README "Trying every address". */

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* TODO(2): connect to HOST PORT. If the server goes away while you
     * send, the send must fail with a reason you can print, not kill you
     * without a word (README "SIGPIPE", man 7 signal). */

    /* TODO(3): send all of stdin, whatever its size and bytes (NUL
     * included), then tell the server "that is everything" while keeping
     * the connection open the other way, for its reply. Closing the
     * socket would end both directions.
     * Read: README "Half-close", "Sending all of stdin", "Forgetting
     * shutdown", "close or SHUT_RD instead of SHUT_WR"; man 2 shutdown. */

    /* TODO(4): copy the server's reply to stdout, exactly, until the
     * server closes; a reset or any other error is an error (a message on
     * stderr, exit 1), not the end of the reply. Then close and exit 0.
     * Read: README "The reply", "One recv for the reply"; man 2 recv.
     * Then delete the lines below: they only stop the program. */
    (void)argv;
    errno = ENOSYS;
    die("TODO(1)");
}
