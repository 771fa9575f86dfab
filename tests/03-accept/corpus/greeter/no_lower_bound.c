/* expect-fail: port-minus-one -- strtol() and a check for value > 65535, but none for a negative value: -1 goes to htons() (port 65535) instead of being a usage error */
/*
 * usage: greeter PORT
 *
 * Lesson 03: a TCP server. listen() turns a bound socket into a listening
 * one; the kernel completes connections on its own and queues them, and
 * accept() takes the next one off the queue as a NEW descriptor, connected
 * to that one client, together with the client's address.
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

/* Send all len bytes: send() may send fewer than asked. Returns 0, or -1
 * with errno set. */
static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A listening TCP socket on every IPv4 address of this machine. */
static int tcp_listen(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");

    /* Lets us restart at once on the same port, even while connections
     * we closed are still in TIME_WAIT. */
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind");

    /* The backlog is how many finished connections the kernel keeps
     * queued for us while we are busy; SOMAXCONN is the system's maximum. */
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port;
    if (parse_port(argv[1], &port) < 0)
        usage();

    /* Writing to a connection the client has already closed raises SIGPIPE,
     * which kills the process by default. A server must not die because of
     * one client, so we ignore it: the write then just fails with EPIPE.
     * (send_all also passes MSG_NOSIGNAL; this covers every other write.) */
    signal(SIGPIPE, SIG_IGN);

    int lfd = tcp_listen(port);

    /* With port 0 the kernel chose the port: ask it which one. */
    struct sockaddr_in me;
    socklen_t melen = sizeof me;
    if (getsockname(lfd, (struct sockaddr *)&me, &melen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(me.sin_port));
    fflush(stdout);

    for (;;) {
        struct sockaddr_in peer;
        socklen_t peerlen = sizeof peer;   /* in: our buffer's size; out: used */

        int cfd = accept(lfd, (struct sockaddr *)&peer, &peerlen);
        if (cfd < 0) {
            /* A failed accept is about one connection (ECONNABORTED: the
             * client reset it while it waited in the queue), or a passing
             * problem (EINTR, out of memory). The listening socket itself
             * is fine, so log it and serve the next client. */
            fprintf(stderr, "greeter: accept: %s\n", strerror(errno));
            continue;
        }

        char ip[INET_ADDRSTRLEN];
        if (inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip) == NULL) {
            fprintf(stderr, "greeter: inet_ntop: %s\n", strerror(errno));
            close(cfd);
            continue;
        }

        char msg[64];
        int len = snprintf(msg, sizeof msg, "hello %s:%d\n",
                           ip, ntohs(peer.sin_port));

        /* If the client has gone already, send fails (ECONNRESET, EPIPE).
         * That is the client's loss, not an error of the server: we close
         * the connection below either way, so the result is not needed. */
        (void)send_all(cfd, msg, (size_t)len);

        /* Every accepted descriptor must be closed, or the server soon runs
         * out of descriptors (accept then fails with EMFILE). */
        if (close(cfd) < 0)
            fprintf(stderr, "greeter: close: %s\n", strerror(errno));
    }
}
