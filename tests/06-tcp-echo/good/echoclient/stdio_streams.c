/* good: the socket wrapped in two stdio streams (fdopen, fwrite/fflush, fread), lines read with getc */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "echoclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *list;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "echoclient: %s %s: %s\n", host, port, gai_strerror(rc));
        exit(1);
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            err = errno;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        errno = err;
        die("connect");
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: echoclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = dial(argv[1], argv[2]);
    int fd2 = dup(fd);
    if (fd2 < 0)
        die("dup");
    FILE *to = fdopen(fd, "w");
    FILE *from = fdopen(fd2, "r");
    if (to == NULL || from == NULL)
        die("fdopen");

    size_t cap = 1024, len;
    char *line = malloc(cap), *back = malloc(cap);
    if (!line || !back)
        die("malloc");
    int c = 0;
    while (c != EOF) {
        len = 0;
        while ((c = getc(stdin)) != EOF) {
            if (len == cap) {
                cap *= 2;
                if (!(line = realloc(line, cap)) || !(back = realloc(back, cap)))
                    die("realloc");
            }
            line[len++] = (char)c;
            if (c == '\n')
                break;
        }
        if (ferror(stdin))
            die("read");
        if (len == 0)
            break;
        if (fwrite(line, 1, len, to) != len || fflush(to) == EOF)
            die("send");
        size_t got = fread(back, 1, len, from);
        if (got < len) {
            if (feof(from)) {
                fprintf(stderr, "echoclient: server closed the connection\n");
                return 1;
            }
            die("recv");
        }
        if (fwrite(back, 1, len, stdout) != len || fflush(stdout) == EOF)
            die("write");
    }
    fclose(from);
    fclose(to);
    return 0;
}
