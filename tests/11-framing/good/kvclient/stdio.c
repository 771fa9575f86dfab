/*
 * usage: kvclient HOST PORT
 *
 * A correct kvclient in another style: the socket wrapped in two stdio
 * streams (fdopen), frames written with fwrite and read with fread, which
 * loop until they have all the bytes or the stream ends.
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

static void die(const char *what)
{
    fprintf(stderr, "kvclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "kvclient: %s\n", gai_strerror(rc));
        exit(1);
    }
    int fd = -1, err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errno = err;
        die("connect");
    }
    return fd;
}

/* fread exactly n bytes or end the program with the reason. */
static void get(FILE *in, void *buf, size_t n)
{
    if (n && fread(buf, 1, n, in) != n) {
        if (feof(in)) {
            fprintf(stderr, "kvclient: server closed the connection\n");
            exit(1);
        }
        die("read");
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: kvclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = dial(argv[1], argv[2]);
    FILE *in = fdopen(fd, "r");
    FILE *out = fdopen(dup(fd), "w");
    if (!in || !out)
        die("fdopen");

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned char *body = NULL;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        size_t n = (size_t)len;
        if (n && line[n - 1] == '\n')
            n--;
        body = realloc(body, n + 2);
        size_t bn = 0;
        char *sp = n > 4 ? memchr(line + 4, ' ', n - 4) : NULL;
        size_t klen = n > 4 ? (sp ? (size_t)(sp - line - 4) : n - 4) : 0;
        int ok = n > 4 && line[3] == ' ' && klen >= 1 && klen <= 255;
        if (ok && !memcmp(line, "set ", 4) && sp) {
            body[0] = 'S';
            body[1] = (unsigned char)klen;
            memcpy(body + 2, line + 4, n - 4);   /* key, then the value after its space */
            memmove(body + 2 + klen, line + 5 + klen, n - 5 - klen);
            bn = 2 + klen + (n - 5 - klen);
        } else if (ok && !sp && (!memcmp(line, "get ", 4) || !memcmp(line, "del ", 4))) {
            body[0] = line[0] == 'g' ? 'G' : 'D';
            memcpy(body + 1, line + 4, klen);
            bn = 1 + klen;
        }
        if (bn == 0 || bn > 1048576) {
            fputs("kvclient: bad command: ", stderr);
            fwrite(line, 1, n, stderr);
            fputc('\n', stderr);
            continue;
        }
        uint32_t be = htonl((uint32_t)bn);
        if (fwrite(&be, 4, 1, out) != 1 || fwrite(body, 1, bn, out) != bn || fflush(out))
            die("send");
        get(in, &be, 4);
        uint32_t rn = ntohl(be);
        if (rn == 0 || rn > 1048576) {
            fprintf(stderr, "kvclient: bad reply length %u\n", rn);
            return 1;
        }
        unsigned char *reply = malloc(rn);
        if (!reply)
            die("malloc");
        get(in, reply, rn);
        if (reply[0] == '+' && body[0] == 'G')
            fwrite(reply + 1, 1, rn - 1, stdout);
        else
            fputs(reply[0] == '+' ? "OK" : reply[0] == '!' ? "(nil)" : "ERR", stdout);
        putchar('\n');
        fflush(stdout);
        free(reply);
    }
    fclose(out);
    fclose(in);
    return 0;
}
