/* expect-fail: localhost-name ipv6-loopback one-byte-pieces -- the seed tutorial's client in C: AF_INET and inet_pton(), one recv() of BUFSIZ 1024, printed with a newline */
/*
 * usage: fetch HOST PORT
 *
 * The tutorial's TCP client, translated: a sockaddr_in filled by hand,
 * connect, one recv of BUFSIZ bytes, print the answer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZ_ 1024

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fetch HOST PORT\n");
        return 2;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
        fprintf(stderr, "fetch: bad address %s\n", argv[1]);
        return 1;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("fetch: socket");
        return 1;
    }
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("fetch: connect");
        return 1;
    }
    char msg[BUFSIZ_ + 1];
    ssize_t n = recv(s, msg, BUFSIZ_, 0);
    if (n < 0) {
        perror("fetch: recv");
        return 1;
    }
    msg[n] = '\0';
    printf("%s\n", msg);
    close(s);
    return 0;
}
