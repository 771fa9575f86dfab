/* good: ADDR parsed by getaddrinfo(AI_NUMERICHOST|AI_PASSIVE), printed with getnameinfo(NI_NUMERICHOST), stdin waited for with poll() and drained with read() */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
    fputs("usage: bindaddr tcp|udp ADDR PORT\n", stderr);
    exit(2);
}

static void die(const char *call)
{
    fprintf(stderr, "bindaddr: %s: %s\n", call, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        usage();

    struct addrinfo hints, *ai;
    memset(&hints, 0, sizeof hints);
    if (strcmp(argv[1], "tcp") == 0)
        hints.ai_socktype = SOCK_STREAM;
    else if (strcmp(argv[1], "udp") == 0)
        hints.ai_socktype = SOCK_DGRAM;
    else
        usage();

    size_t n = strlen(argv[3]);
    if (n < 1 || n > 5 || strspn(argv[3], "0123456789") != n || atol(argv[3]) > 65535)
        usage();

    /* numeric only: a host name is EAI_NONAME here, no lookup happens */
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(argv[2], argv[3], &hints, &ai);
    if (rc == EAI_NONAME)
        usage();
    if (rc != 0) {
        fprintf(stderr, "bindaddr: getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
    }

    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd == -1)
        die("socket");
    if (ai->ai_socktype == SOCK_STREAM) {
        int on = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
            die("setsockopt");
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
        die("bind");
    if (ai->ai_socktype == SOCK_STREAM && listen(fd, 128) == -1)
        die("listen");
    freeaddrinfo(ai);

    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
        die("getsockname");
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    rc = getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof host, serv, sizeof serv,
                     NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc != 0) {
        fprintf(stderr, "bindaddr: getnameinfo: %s\n", gai_strerror(rc));
        return 1;
    }
    if (ss.ss_family == AF_INET6)
        printf("bound %s [%s]:%s\n", argv[1], host, serv);
    else
        printf("bound %s %s:%s\n", argv[1], host, serv);
    fflush(stdout);

    struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
    char buf[65536];
    for (;;) {
        if (poll(&pfd, 1, -1) == -1) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
        if (got == 0)
            break;
        if (got == -1 && errno != EINTR && errno != EAGAIN)
            die("read");
    }
    close(fd);
    return 0;
}
