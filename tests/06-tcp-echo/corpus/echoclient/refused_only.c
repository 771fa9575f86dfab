/* expect-fail: silent-address -- goes on to the next address only after ECONNREFUSED: a connect that times out (ETIMEDOUT) ends the program */
/*
 * usage: echoclient HOST PORT
 *
 * Lesson 06: TCP keeps no message boundaries. The echo of a line may come
 * back in several pieces, so after sending a line we call recv() again and
 * again until exactly as many bytes as we sent have come back (readn() in
 * Stevens' UNP). recv() returning 0 means the server closed the connection.
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
        fprintf(stderr, "echoclient: getaddrinfo: %s\n", gai_strerror(rc));
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

    /* If the server is gone, send() would raise SIGPIPE and kill us without
     * a word. Ignored, send() fails with EPIPE and we can say why. */
    signal(SIGPIPE, SIG_IGN);

    int fd = tcp_connect(argv[1], argv[2]);

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    char *echo = NULL;

    /* getline() returns the number of bytes read, '\n' included, so a line
     * may hold NUL bytes; a last line without '\n' is returned as it is. */
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (send_all(fd, line, (size_t)len) < 0)
            die("send");

        echo = realloc(echo, (size_t)len);
        if (echo == NULL)
            die("realloc");

        /* One recv() may return any part of the echo: keep reading until
         * all len bytes are here. */
        size_t got = 0;
        while (got < (size_t)len) {
            ssize_t n = recv(fd, echo + got, (size_t)len - got, 0);
            if (n == 0) {
                fprintf(stderr, "echoclient: server closed the connection\n");
                exit(1);
            }
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                die("recv");
            }
            got += (size_t)n;
        }

        if (fwrite(echo, 1, (size_t)len, stdout) != (size_t)len
            || fflush(stdout) == EOF)
            die("write");
    }
    if (ferror(stdin))
        die("read");

    free(line);
    free(echo);
    close(fd);
    return 0;
}
