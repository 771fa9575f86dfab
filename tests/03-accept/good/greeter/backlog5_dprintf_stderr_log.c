/* good: the smallest allowed backlog, listen(fd, 5); stdout line-buffered with setvbuf instead of fflush; SIGPIPE ignored with sigaction; greeting written with dprintf(); a log line on stderr per client; port parsed with strtoul after a digits-only check */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what)
{
    fprintf(stderr, "greeter: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char *argv[])
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2 || strlen(argv[1]) < 1 || strlen(argv[1]) > 5 ||
        argv[1][strspn(argv[1], "0123456789")] != '\0' || strtoul(argv[1], NULL, 10) > 65535) {
        fprintf(stderr, "usage: %s PORT (0-65535)\n", argv[0]);
        return 2;
    }
    unsigned short port = (unsigned short)strtoul(argv[1], NULL, 10);

    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigaction(SIGPIPE, &ign, NULL);

    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s == -1)
        fail("socket");
    int yes = 1;
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == -1)
        fail("setsockopt");
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port),
                               .sin_addr = { htonl(INADDR_ANY) } };
    if (bind(s, (struct sockaddr *)&sin, sizeof sin) == -1)
        fail("bind");
    if (listen(s, 5) == -1)
        fail("listen");
    socklen_t sl = sizeof sin;
    if (getsockname(s, (struct sockaddr *)&sin, &sl) == -1)
        fail("getsockname");
    printf("listening on port %u\n", ntohs(sin.sin_port));

    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        int c = accept(s, (struct sockaddr *)&from, &fl);
        if (c == -1) {
            fprintf(stderr, "greeter: accept: %s (going on)\n", strerror(errno));
            continue;
        }
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
        if (dprintf(c, "hello %s:%u\n", addr, ntohs(from.sin_port)) < 0)
            fprintf(stderr, "greeter: %s:%u left early: %s\n", addr, ntohs(from.sin_port),
                    strerror(errno));
        else
            fprintf(stderr, "greeter: greeted %s:%u\n", addr, ntohs(from.sin_port));
        close(c);
    }
}
