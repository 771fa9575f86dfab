/* expect-fail: no-arguments extra-argument -- never checks the number of arguments: none makes it crash, too many are ignored */
/*
 * usage: echoserver PORT
 *
 * Lesson 06: TCP is a byte stream, not a sequence of messages. recv() returns
 * whatever has arrived (maybe less than the peer sent in one go) and send()
 * may take fewer bytes than offered, so we echo in a loop until recv()
 * returns 0, the client's end of file, and send every chunk with send_all().
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

/* Echo everything the client sends until its end of file. Any error ends
 * this client only, never the server. */
static void serve(int client)
{
    char buf[8192];

    for (;;) {
        ssize_t n = recv(client, buf, sizeof buf, 0);
        if (n == 0)
            break;              /* EOF: the client has sent everything */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* e.g. ECONNRESET: the client reset the connection */
            fprintf(stderr, "echoserver: recv: %s\n", strerror(errno));
            break;
        }
        if (send_all(client, buf, (size_t)n) < 0) {
            fprintf(stderr, "echoserver: send: %s\n", strerror(errno));
            break;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 1)              /* the arguments are surely there */
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
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
            fprintf(stderr, "echoserver: accept: %s\n", strerror(errno));
            continue;
        }
        serve(client);
        /* Closing sends our FIN after the last echoed byte, and frees the
         * descriptor: forgetting it would leak one per client. */
        close(client);
    }
}
