/* expect-fail: one-byte-pieces -- stops when a recv() returns less than the buffer size, taking a short read for the end (4 MiB at once may come in full buffers, so only the 1-byte pieces are sure to show it) */
/*
 * usage: fetch HOST PORT
 *
 * Lesson 04: a TCP client. getaddrinfo() turns a host name and a service
 * into a list of socket addresses (IPv4, IPv6, ...); we try each in turn
 * until connect() succeeds. Then the socket is a byte stream: read it until
 * the server closes (read returns 0) and copy every byte to stdout.
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
    fprintf(stderr, "fetch: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: fetch HOST PORT\n");
    exit(2);
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
        fprintf(stderr, "fetch: getaddrinfo: %s\n", gai_strerror(rc));
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

    /* If stdout is a pipe whose reader has gone, write() would raise SIGPIPE
     * and kill us silently. Ignored, write() fails with EPIPE instead and we
     * can say so. */
    signal(SIGPIPE, SIG_IGN);

    int fd = tcp_connect(argv[1], argv[2]);

    /* TCP is a stream: the server's bytes come in pieces of any size.
     * Only a return of 0 means the server closed its side: the end. */
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("recv");
        }
        /* The bytes may include NUL: write them with write(), never with
         * printf("%s"), which would stop at the first NUL. */
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            die("write");
        if ((size_t)n < sizeof buf)
            break;              /* a short read: that was the last piece */
    }

    if (close(fd) < 0)
        die("close");
    return 0;
}
