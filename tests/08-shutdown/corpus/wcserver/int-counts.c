/* expect-fail: past-4-gib -- int counters printed with %d: past 2^31 L and W turn negative (undefined behaviour), B wraps at 2^32 */
/*
 * usage: wcserver PORT
 *
 * Lesson 08: the client says "I have sent everything" by shutting down its
 * writing half (shutdown SHUT_WR); we see that as recv() returning 0, and can
 * still send our answer on the same connection. Also: stopping cleanly on
 * SIGTERM/SIGINT, with a flag set by a handler and a listener that is never
 * waited on for long, so the flag is seen quickly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Set by the signal handler, read by the main loop. volatile sig_atomic_t
 * is the one type a handler may safely write and the program read. */
static volatile sig_atomic_t stop_requested = 0;

static void die(const char *call)
{
    fprintf(stderr, "wcserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: wcserver PORT\n");
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

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;         /* only this: a handler may do very little */
}

/* The word separators of wc: space, \t, \n, \v, \f, \r. Spelled out
 * rather than isspace(), whose answer depends on the locale. A switch
 * rather than six ||: the compiler tests \t \n \v \f \r (9 to 13) as one
 * range, and this runs for every byte of what may be gigabytes. */
static int is_separator(unsigned char c)
{
    switch (c) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
        return 1;
    default:
        return 0;
    }
}

/* Read everything the client sends until its EOF, counting, then send
 * "L W B\n". Any error ends this client only, never the server. */
static void serve(int client)
{
    unsigned char buf[65536];   /* fewer recv() calls for a big request */
    int lines = 0, words = 0, bytes = 0;
    int in_word = 0;            /* was the previous byte part of a word? */

    for (;;) {
        ssize_t n = recv(client, buf, sizeof buf, 0);
        if (n == 0)
            break;              /* EOF: the client did shutdown(SHUT_WR) */
        if (n < 0) {
            /* A SIGTERM while we serve interrupts recv() (no SA_RESTART):
             * not a reason to drop this client, it must get its reply. */
            if (errno == EINTR)
                continue;
            fprintf(stderr, "wcserver: recv: %s\n", strerror(errno));
            return;
        }
        /* A word may be split across two recv() calls: in_word carries
         * the state from one chunk to the next. */
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                lines++;
            if (is_separator(buf[i])) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;        /* the first byte of a new word */
            }
        }
        bytes += n;
    }

    char reply[80];
    int len = snprintf(reply, sizeof reply, "%d %d %d\n", lines, words, bytes);
    if (send_all(client, reply, (size_t)len) < 0)
        fprintf(stderr, "wcserver: send: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* Writing to a connection the client has already closed raises SIGPIPE,
     * which kills the process by default. A server must not die because of
     * one client, so we ignore it and look at send()'s error instead. */
    signal(SIGPIPE, SIG_IGN);

    /* sigaction() rather than signal(): we want sa_flags WITHOUT
     * SA_RESTART, so that a blocking call the signal interrupts returns
     * EINTR instead of silently going on waiting. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        die("sigaction");

    int listener = tcp_listen(port);

    struct sockaddr_in bound;
    socklen_t boundlen = sizeof bound;   /* port 0: ask which one we got */
    if (getsockname(listener, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(bound.sin_port));
    /* stdout to a pipe is fully buffered: without this, whoever waits for
     * our line would wait forever. */
    fflush(stdout);

    while (!stop_requested) {
        /* Why not just accept()? A signal that arrives after we tested
         * stop_requested but before accept() starts to block would not
         * interrupt it, and we would sleep until the next client. So we
         * block in poll() for at most 100 ms: even in that case we see the
         * flag within 100 ms. (A signal during the wait makes poll()
         * return EINTR at once.) */
        struct pollfd pfd = { .fd = listener, .events = POLLIN };
        int ready = poll(&pfd, 1, 100);
        if (ready < 0) {
            if (errno == EINTR)
                continue;       /* the loop tests the flag */
            die("poll");
        }
        if (ready == 0)
            continue;           /* nobody yet: test the flag again */

        /* A client is waiting, so accept() returns at once (and if it
         * vanished meanwhile and accept() blocks, a signal still
         * interrupts it with EINTR). */
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno != EINTR)
                fprintf(stderr, "wcserver: accept: %s\n", strerror(errno));
            continue;
        }
        serve(client);
        /* Closing sends our FIN after the reply, and frees the
         * descriptor: forgetting it would leak one per client. */
        close(client);
    }

    /* Connections still waiting in the backlog are reset by this close. */
    close(listener);
    return 0;
}
