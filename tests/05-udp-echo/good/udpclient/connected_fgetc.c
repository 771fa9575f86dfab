/* good: connect()ed UDP socket (the kernel drops datagrams from other addresses), send/recv, stdin read with getc */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what)
{
    fprintf(stderr, "udpclient: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *ai;
    int e = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (e) {
        fprintf(stderr, "udpclient: %s\n", e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
        return 1;
    }
    int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s < 0)
        fail("socket");
    /* A connected UDP socket only receives datagrams from that address. */
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0)
        fail("connect");
    freeaddrinfo(ai);

    size_t cap = 70000, n = 0;
    char *line = malloc(cap);
    char *reply = malloc(65536);
    if (!line || !reply)
        fail("malloc");
    int c;
    for (;;) {
        c = getc(stdin);
        if (c != EOF && c != '\n') {
            if (n == cap && !(line = realloc(line, cap *= 2)))
                fail("realloc");
            line[n++] = (char)c;
            continue;
        }
        if (c == EOF && ferror(stdin))
            fail("read");
        if (c == EOF && n == 0)
            break;                      /* nothing after the last \n */
        if (send(s, line, n, 0) < 0)
            fail("send");
        ssize_t r;
        while ((r = recv(s, reply, 65536, 0)) < 0)
            if (errno != EINTR)
                fail("recv");           /* e.g. Connection refused */
        fwrite(reply, 1, (size_t)r, stdout);
        putchar('\n');
        if (fflush(stdout) == EOF)
            fail("write");
        n = 0;
        if (c == EOF)
            break;
    }
    close(s);
    return 0;
}
