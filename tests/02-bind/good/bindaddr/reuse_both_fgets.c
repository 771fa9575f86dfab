/* good: SO_REUSEADDR on udp too, listen backlog 1, port parsed by sscanf("%5[0-9]"), stdin drained with fgets, line written with dprintf, perror messages */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: bindaddr tcp|udp ADDR PORT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    char digits[6], rest;
    if (argc != 4)
        usage();
    int tcp = !strcmp(argv[1], "tcp");
    if (!tcp && strcmp(argv[1], "udp"))
        usage();
    if (sscanf(argv[3], "%5[0-9]%c", digits, &rest) != 1 || strcmp(digits, argv[3]))
        usage();
    long port = strtol(digits, NULL, 10);
    if (port > 65535)
        usage();

    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    struct sockaddr *sa;
    socklen_t len;
    if (inet_pton(AF_INET, argv[2], &a4.sin_addr) == 1) {
        sa = (struct sockaddr *)&a4;
        len = sizeof a4;
    } else if (inet_pton(AF_INET6, argv[2], &a6.sin6_addr) == 1) {
        sa = (struct sockaddr *)&a6;
        len = sizeof a6;
    } else {
        usage();
    }

    int fd = socket(sa->sa_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0), one = 1;
    if (fd < 0) { perror("bindaddr: socket"); return 1; }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
        perror("bindaddr: setsockopt");
        return 1;
    }
    if (bind(fd, sa, len) < 0) { perror("bindaddr: bind"); return 1; }
    if (tcp && listen(fd, 1) < 0) { perror("bindaddr: listen"); return 1; }

    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) { perror("bindaddr: getsockname"); return 1; }
    char ip[INET6_ADDRSTRLEN];
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *b = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &b->sin6_addr, ip, sizeof ip);
        dprintf(1, "bound %s [%s]:%u\n", argv[1], ip, ntohs(b->sin6_port));
    } else {
        struct sockaddr_in *b = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &b->sin_addr, ip, sizeof ip);
        dprintf(1, "bound %s %s:%u\n", argv[1], ip, ntohs(b->sin_port));
    }

    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL)
        ;
    close(fd);
    return 0;
}
