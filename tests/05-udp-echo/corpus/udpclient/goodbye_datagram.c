/* expect-fail: no-input -- at the end of stdin it sends an empty datagram to tell the server it is done, as if UDP had a close(): with no input at all that datagram still goes out */
/*
 * usage: udpclient HOST PORT
 *
 * Lesson 05: a UDP client sends each line as one datagram with sendto() and
 * waits for the answer with recvfrom(). Anyone may send a datagram to our
 * port, so we compare the sender's address (IP and port) with the server's
 * and throw away datagrams that come from anywhere else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "udpclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: udpclient HOST PORT\n");
    exit(2);
}

/* Is a the same address (family, IP and port) as b? Compare the fields,
 * not the whole structs: padding and unused fields may differ. */
static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
        const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;
        return a4->sin_port == b4->sin_port
            && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
    }
    if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
        const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
        return a6->sin6_port == b6->sin6_port
            && memcmp(&a6->sin6_addr, &b6->sin6_addr,
                      sizeof a6->sin6_addr) == 0;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* Nothing here should raise SIGPIPE, but a client must never die of it
     * (a closed stdout, say): then a failed write reports EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;       /* IPv4 or IPv6, whatever HOST has */
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        /* getaddrinfo does not set errno: its reason comes from gai_strerror
         * (except EAI_SYSTEM, which means "look at errno"). */
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "udpclient: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }
    /* UDP has no connection to try, so the first address is the server. */
    struct sockaddr_storage server;
    socklen_t serverlen = res->ai_addrlen;
    memcpy(&server, res->ai_addr, res->ai_addrlen);
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0)
        die("socket");
    freeaddrinfo(res);

    static char reply[MAX_DATAGRAM];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    /* getline() returns the number of bytes read, so a line may hold NUL
     * bytes; a last line without '\n' is returned too. */
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;              /* the datagram holds the line without it */

        /* An empty line gives an empty datagram: that is fine in UDP. */
        if (sendto(fd, line, (size_t)len, 0,
                   (struct sockaddr *)&server, serverlen) < 0)
            die("sendto");

        for (;;) {
            struct sockaddr_storage from;
            socklen_t fromlen = sizeof from;
            ssize_t n = recvfrom(fd, reply, sizeof reply, 0,
                                 (struct sockaddr *)&from, &fromlen);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                die("recvfrom");
            }
            if (!same_addr((struct sockaddr *)&from,
                           (struct sockaddr *)&server))
                continue;       /* not from the server: discard it */

            /* The reply may contain NUL bytes: fwrite with its length. */
            if (fwrite(reply, 1, (size_t)n, stdout) != (size_t)n
                || putchar('\n') == EOF || fflush(stdout) == EOF)
                die("write");
            break;
        }
    }
    /* Tell the server we are done, as close() does on TCP. */
    if (sendto(fd, "", 0, 0, (struct sockaddr *)&server, serverlen) < 0)
        die("sendto");
    if (ferror(stdin))
        die("read");

    free(line);
    close(fd);
    return 0;
}
