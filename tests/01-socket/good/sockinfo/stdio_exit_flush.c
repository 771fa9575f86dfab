/* good: plain stdio, never calls fflush (relies on exit() flushing stdout, also on the failure path); perror-style messages; kinds parsed by string prefix */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* "tcp6" -> AF_INET6/SOCK_STREAM etc.; returns 0 on success, -1 if unknown */
static int parse_kind(const char *s, int *domain, int *type)
{
    if (strncmp(s, "tcp", 3) == 0)
        *type = SOCK_STREAM;
    else if (strncmp(s, "udp", 3) == 0)
        *type = SOCK_DGRAM;
    else
        return -1;
    if (s[3] == '\0')
        *domain = AF_INET;
    else if (strcmp(s + 3, "6") == 0)
        *domain = AF_INET6;
    else
        return -1;
    return 0;
}

static int getopt_int(int fd, int name)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, name, &v, &len) != 0) {
        perror("sockinfo: getsockopt");
        exit(EXIT_FAILURE);
    }
    return v;
}

int main(int argc, char **argv)
{
    int domain, type;

    if (argc < 2) {
        fputs("sockinfo: need at least one KIND (tcp udp tcp6 udp6)\n", stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (parse_kind(argv[i], &domain, &type) != 0) {
            fprintf(stderr, "sockinfo: unknown KIND '%s'\n", argv[i]);
            return 2;
        }
    }

    for (int i = 1; i < argc; i++) {
        parse_kind(argv[i], &domain, &type);
        int fd = socket(domain, type, 0);
        if (fd < 0) {
            perror("sockinfo: socket");
            exit(EXIT_FAILURE);   /* exit() flushes what printf buffered */
        }
        int d = getopt_int(fd, SO_DOMAIN);
        int t = getopt_int(fd, SO_TYPE);
        int p = getopt_int(fd, SO_PROTOCOL);
        printf("%s: fd=%d family=%s type=%s protocol=%d\n", argv[i], fd,
               d == AF_INET ? "AF_INET" : d == AF_INET6 ? "AF_INET6" : "?",
               t == SOCK_STREAM ? "SOCK_STREAM" : t == SOCK_DGRAM ? "SOCK_DGRAM" : "?",
               p);
        close(fd);
    }
    return 0;
}
