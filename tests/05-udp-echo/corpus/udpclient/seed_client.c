/* expect-fail: decoy decoy-then-next-line empty-line empty-reply big-reply -- the seed tutorial's client in C: BUFSIZ 1024, `data, ADDR = recvfrom()`, stops on empty line or reply */
/*
 * usage: udpclient HOST PORT
 *
 * A line-by-line port of the tutorial's Python UDP client.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZ_ 1024

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: udpclient HOST PORT\n");
        return 2;
    }
    struct addrinfo hints = { 0 }, *res;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "udpclient: %s\n", gai_strerror(rc));
        return 1;
    }
    struct sockaddr_storage addr;           /* ADDR */
    socklen_t addrlen = res->ai_addrlen;
    memcpy(&addr, res->ai_addr, res->ai_addrlen);
    int fd = socket(res->ai_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udpclient: socket");
        return 1;
    }
    freeaddrinfo(res);

    char data[BUFSIZ_];
    char line[70000];
    while (fgets(line, sizeof line, stdin)) {   /* data = input(">") */
        size_t len = strcspn(line, "\n");
        if (len == 0)                           /* if not data: break */
            break;
        sendto(fd, line, len, 0, (struct sockaddr *)&addr, addrlen);
        /* data, ADDR = recvfrom(BUFSIZ) */
        addrlen = sizeof addr;
        ssize_t n = recvfrom(fd, data, sizeof data, 0, (struct sockaddr *)&addr, &addrlen);
        if (n <= 0)                             /* if not data: break */
            break;
        fwrite(data, 1, (size_t)n, stdout);
        putchar('\n');
    }
    close(fd);
    return 0;
}
