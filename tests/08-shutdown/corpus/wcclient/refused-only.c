/* expect-fail: silent-address -- goes on to the next address only after ECONNREFUSED: a connect that times out (ETIMEDOUT) ends the program */
/*
 * usage: wcclient HOST PORT
 *
 * Lesson 08: the server answers only after our end of file. close() would
 * end both directions, and we could not read the answer; shutdown(fd,
 * SHUT_WR) ends only our sending half: the server's recv() returns 0, and
 * we can still read its reply until it closes in turn.
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

/* Write all len bytes: write() may write fewer than asked (a pipe that is
 * nearly full, for instance). Returns 0, or -1 with errno set. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
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

/* Connect a TCP socket to host:port, trying every address getaddrinfo
 * gives, in order. On failure, print the reason and exit 1. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;       /* IPv4 or IPv6, whatever HOST has */
    hints.ai_socktype = SOCK_STREAM;

    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        /* getaddrinfo does not set errno: its reason comes from gai_strerror
         * (except EAI_SYSTEM, which means "look at errno"). */
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "wcclient: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }

    int fd = -1;
    int saved_errno = 0;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;                      /* connected */
        /* Remember why, in case this was the last address; close() may
         * change errno. */
        saved_errno = errno;
        close(fd);
        fd = -1;
        /* Refused: nothing listens on that address, try the next one.
         * Any other error is a real one. */
        if (saved_errno != ECONNREFUSED)
            break;
    }
    freeaddrinfo(res);

    if (fd < 0) {
        errno = saved_errno;
        die("connect");
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* If the server is gone, a write would raise SIGPIPE and kill us
     * without a word. Ignored, the call fails with EPIPE and we can say
     * why ("Broken pipe"). */
    signal(SIGPIPE, SIG_IGN);

    int fd = tcp_connect(argv[1], argv[2]);

    /* Send all of stdin, whatever its size: the server reads everything
     * before it answers, so it never waits for us to read. */
    char buf[65536];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0)
            break;              /* end of stdin */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
        if (send_all(fd, buf, (size_t)n) < 0)
            die("send");
    }

    /* "I have sent everything": the server's recv() returns 0. The
     * connection stays open the other way, for the reply. */
    if (shutdown(fd, SHUT_WR) < 0)
        die("shutdown");

    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            break;              /* the server closed: the reply is complete */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("recv");        /* e.g. Connection reset by peer */
        }
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            die("write");
    }

    if (close(fd) < 0)
        die("close");
    return 0;
}
