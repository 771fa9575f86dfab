/*
 * usage: kvclient HOST PORT
 *
 * A correct kvclient in another style: read()/write() on the socket, and
 * recv() with MSG_WAITALL, which waits for all the bytes asked for (it
 * returns fewer only at EOF, on an error or a signal).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what)
{
    fprintf(stderr, "kvclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            fail("write");
        p += w;
        n -= (size_t)w;
    }
}

static void read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = recv(fd, p, n, MSG_WAITALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fail("recv");
        if (r == 0) {
            fputs("kvclient: server closed the connection\n", stderr);
            exit(1);
        }
        p += r;
        n -= (size_t)r;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: kvclient HOST PORT\n", stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) {
        fprintf(stderr, "kvclient: getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    int fd = -1, err = 0;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errno = err;
        fail("connect");
    }

    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) > 0) {
        size_t n = (size_t)got - (line[got - 1] == '\n');
        unsigned char *msg = malloc(4 + 2 + n);
        unsigned char *b = msg + 4;
        size_t bn = 0, k = 0;
        char op = 0;
        if (n >= 4 && line[3] == ' ') {
            if (!memcmp(line, "set", 3)) op = 'S';
            if (!memcmp(line, "get", 3)) op = 'G';
            if (!memcmp(line, "del", 3)) op = 'D';
        }
        while (op && 4 + k < n && line[4 + k] != ' ')
            k++;
        if (op && k >= 1 && k <= 255) {
            size_t rest = n - 4 - k;   /* what follows the key */
            if (op == 'S' && rest >= 1) {
                b[0] = 'S';
                b[1] = (unsigned char)k;
                memcpy(b + 2, line + 4, k);
                memcpy(b + 2 + k, line + 5 + k, rest - 1);
                bn = 2 + k + rest - 1;
            } else if (op != 'S' && rest == 0) {
                b[0] = op;
                memcpy(b + 1, line + 4, k);
                bn = 1 + k;
            }
        }
        if (bn == 0) {
            fprintf(stderr, "kvclient: bad command: %.*s\n", (int)n, line);
            free(msg);
            continue;
        }
        uint32_t len = htonl((uint32_t)bn);
        memcpy(msg, &len, 4);
        write_all(fd, msg, 4 + bn);
        read_all(fd, &len, 4);
        len = ntohl(len);
        if (len < 1 || len > 1048576) {
            fprintf(stderr, "kvclient: bad reply length\n");
            return 1;
        }
        unsigned char *r = malloc(len);
        read_all(fd, r, len);
        if (r[0] == '+' && op == 'G') {
            write_all(1, r + 1, len - 1);
            write_all(1, "\n", 1);
        } else if (r[0] == '+') {
            write_all(1, "OK\n", 3);
        } else if (r[0] == '!') {
            write_all(1, "(nil)\n", 6);
        } else {
            write_all(1, "ERR\n", 4);
        }
        free(r);
        free(msg);
    }
    close(fd);
    return 0;
}
