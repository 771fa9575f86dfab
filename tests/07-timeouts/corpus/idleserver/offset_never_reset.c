/* expect-fail: echo-large -- each recv() goes after the bytes already echoed and the offset never goes back to 0: after 64 KiB recv() is asked for 0 bytes, returns 0, and the client is taken for done */
/*
 * usage: idleserver PORT IDLE_MS
 *
 * Lesson 07: the echo server of lesson 06, but a client that sends nothing
 * for IDLE_MS milliseconds is disconnected, so it cannot hold the server
 * forever. Before each recv() we wait with poll(), whose timeout is IDLE_MS:
 * every wait starts after the last bytes arrived, so any byte resets it.
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

/* Echo everything the client sends until its end of file, or until it has
 * been silent for idle_ms. Any error ends this client only, never the
 * server. */
static void serve(int client, int idle_ms)
{
    char buf[65536];
    size_t used = 0;            /* bytes of buf already filled */

    for (;;) {
        /* Wait at most idle_ms for something to read. A new wait starts
         * after every chunk received, so a client that keeps sending is
         * never cut off. */
        struct pollfd pfd = { .fd = client, .events = POLLIN };
        int ready = poll(&pfd, 1, idle_ms);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "idleserver: poll: %s\n", strerror(errno));
            break;
        }
        if (ready == 0) {
            fprintf(stderr, "idleserver: client idle, closing\n");
            break;
        }

        /* Readable: recv() will not block now. It returns data, 0 for
         * EOF, or an error such as ECONNRESET. */
        ssize_t n = recv(client, buf + used, sizeof buf - used, 0);
        if (n == 0)
            break;              /* EOF: the client has sent everything */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* e.g. ECONNRESET: the client reset the connection */
            fprintf(stderr, "idleserver: recv: %s\n", strerror(errno));
            break;
        }
        if (send_all(client, buf + used, (size_t)n) < 0) {
            fprintf(stderr, "idleserver: send: %s\n", strerror(errno));
            break;
        }
        used += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();
    int port = parse_port(argv[1]);
    long idle_ms = parse_num(argv[2], 1, 60000);
    if (port < 0 || idle_ms < 0)
        usage();

    /* Writing to a connection the client has already closed raises SIGPIPE,
     * which kills the process by default. A server must not die because of
     * one client, so we ignore it and look at send()'s error instead. */
    signal(SIGPIPE, SIG_IGN);

    int listener = tcp_listen(port);

    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;   /* port 0: ask which one we got */
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    /* stdout to a pipe is fully buffered: without this, whoever waits for
     * our line would wait forever. */
    fflush(stdout);

    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            /* e.g. ECONNABORTED: a client gave up before we accepted it */
            fprintf(stderr, "idleserver: accept: %s\n", strerror(errno));
            continue;
        }
        serve(client, (int)idle_ms);
        /* Closing sends our FIN after the last echoed byte, and frees the
         * descriptor: forgetting it would leak one per client. */
        close(client);
    }
}
