/*
 * usage: idleserver PORT IDLE_MS
 *
 * Lesson 07: the echo server of lesson 06, but a client that sends nothing
 * for IDLE_MS milliseconds is disconnected, so it cannot hold the server
 * forever. Before each recv() we wait with poll(), whose timeout is IDLE_MS:
 * every wait starts after the last bytes arrived, so any byte resets it.
 *
 * Given: the includes, die(), usage(), parse_port(), parse_num() and the
 * checking of the arguments. You write: the program, functions included
 * (the TODOs). Three functions are ones you wrote before: bring your own.
 * Stuck? `make hint L=07 P=idleserver` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "idleserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: idleserver PORT IDLE_MS\n");
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

/* PORT: 1 to 5 decimal digits, at most 65535. Returns -1 if malformed. */
static int parse_port(const char *s)
{
    if (strlen(s) > 5)
        return -1;
    return (int)parse_num(s, 0, 65535);
}

/* TODO(1), from lesson 03 (greeter.c) and lesson 06 (echoserver.c): your
 * tcp_listen(port) and your send_all(fd, buf, len). */

/* TODO(2): a serve(client, idle_ms): lesson 06's echo loop, plus the idle
 * timer. Echo everything the client sends, as it arrives, until its end
 * of file, or until it has sent nothing for idle_ms milliseconds: then
 * say so on stderr and return (main closes the connection). Any byte
 * received starts a new idle_ms. A client that keeps sending is never cut
 * off, however long it stays. An error ends this client only.
 * Read: README "The idle timer", "A deadline, not a duration", "A timer
 * for the whole connection", "A timeout only on the first read", "A
 * timeout in the wrong unit"; man 2 poll, or SO_RCVTIMEO in man 7 socket. */

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();
    int port = parse_port(argv[1]);
    long idle_ms = parse_num(argv[2], 1, 60000);
    if (port < 0 || idle_ms < 0)
        usage();

    /* TODO(3): as in lesson 06: a client that goes away while we write
     * must not kill the server (README "SIGPIPE"); make the listening
     * socket; print the ready line `listening on port N` with the port
     * the kernel chose, out at once (README "The ready line"). */

    /* TODO(4): serve clients one at a time, for ever: accept, serve(),
     * close. A failed accept is about one client; the idle timer ends
     * one client, never the server (README "Ending more than the idle
     * client", "Leaking descriptors"); man 2 accept.
     * Then delete the lines below: they only stop the program. */
    (void)port;
    errno = ENOSYS;
    die("TODO(1)");
}
