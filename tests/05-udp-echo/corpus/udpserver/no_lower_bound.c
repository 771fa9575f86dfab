/* expect-fail: port-negative -- strtol() and a check for value > 65535, but none for a negative value: -1 goes to htons() (port 65535) instead of being a usage error */
/*
 * usage: udpserver PORT
 *
 * Lesson 05: a UDP socket has no connections. Each recvfrom() returns one
 * whole datagram together with the address it came from, and sendto() sends
 * one datagram to any address we name; so one socket serves every client,
 * and the reply goes to exactly the address the request came from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "udpserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: udpserver PORT\n");
    exit(2);
}

/* PORT: 1 to 5 characters, read with strtol(), at most 65535.
 * Returns 0 and sets *port, or -1 if malformed. */
static int parse_port(const char *s, int *port)
{
    size_t len = strlen(s);
    char *end;

    if (len < 1 || len > 5)
        return -1;
    long value = strtol(s, &end, 10);
    if (*end != '\0' || value > 65535)
        return -1;
    *port = (int)value;
    return 0;
}

/* Build the reply to a request of n bytes: "[" + the time stamp without
 * its newline + "] " + the request, into reply (room for n + 64 bytes).
 * Returns the reply's length, or 0 if the time cannot be had. */
static size_t make_reply(char *reply, const char *request, size_t n)
{
    time_t now = time(NULL);
    const char *stamp = ctime(&now);    /* "Wed Nov 25 09:35:03 2026\n" */
    if (stamp == NULL) {
        fprintf(stderr, "udpserver: ctime: %s\n", strerror(errno));
        return 0;
    }

    /* The payload may contain any byte, NUL included, so copy it with
     * memcpy and a length; string functions (%s, strcat) would stop at a
     * NUL. */
    size_t len = 0;
    reply[len++] = '[';
    size_t stamplen = strcspn(stamp, "\n");
    memcpy(reply + len, stamp, stamplen);
    len += stamplen;
    memcpy(reply + len, "] ", 2);
    len += 2;
    memcpy(reply + len, request, n);
    len += n;
    return len;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port;
    if (parse_port(argv[1], &port) < 0)
        usage();

    /* A UDP socket never raises SIGPIPE, but like every server we make sure
     * no write anywhere (a closed stdout, say) can kill us by a signal. */
    signal(SIGPIPE, SIG_IGN);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind");

    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;   /* port 0: ask which one we got */
    if (getsockname(fd, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    /* stdout to a pipe is fully buffered: without this, whoever waits for
     * our line would wait forever. */
    fflush(stdout);

    /* static: 128 KiB is too much to put on the stack comfortably. */
    static char request[MAX_DATAGRAM];
    static char reply[MAX_DATAGRAM + 64];  /* room for the time stamp too */

    for (;;) {
        /* from receives the client's address; fromlen must say how big
         * from is before the call, and tells its real size after it. */
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, request, sizeof request, 0,
                             (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            /* Never end the server because of one datagram. */
            fprintf(stderr, "udpserver: recvfrom: %s\n", strerror(errno));
            continue;
        }
        /* n == 0 is not an end of file: it is an empty datagram, a request
         * like any other. UDP has no end of file. */

        size_t len = make_reply(reply, request, (size_t)n);
        if (len == 0)
            continue;

        if (sendto(fd, reply, len, 0, (struct sockaddr *)&from, fromlen) < 0)
            fprintf(stderr, "udpserver: sendto: %s\n", strerror(errno));
    }
}
