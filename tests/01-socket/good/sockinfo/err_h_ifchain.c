/* good: BSD <err.h> (err/warnx) for messages, if-chains instead of a table, every argument checked by a first pass of the same function */
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int opt(int fd, int name)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, name, &v, &len) == -1)
        err(1, "getsockopt");
    return v;
}

/* Fill domain and type for kind k; 0 if k is not a KIND. */
static int kind(const char *k, int *domain, int *type)
{
    if (!strcmp(k, "tcp"))       { *domain = AF_INET;  *type = SOCK_STREAM; }
    else if (!strcmp(k, "udp"))  { *domain = AF_INET;  *type = SOCK_DGRAM; }
    else if (!strcmp(k, "tcp6")) { *domain = AF_INET6; *type = SOCK_STREAM; }
    else if (!strcmp(k, "udp6")) { *domain = AF_INET6; *type = SOCK_DGRAM; }
    else return 0;
    return 1;
}

int main(int argc, char *argv[])
{
    int domain, type;

    if (argc < 2) {
        fprintf(stderr, "usage: %s KIND...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (!kind(argv[i], &domain, &type)) {
            warnx("unknown kind '%s' (tcp, udp, tcp6, udp6)", argv[i]);
            return 2;
        }
    for (int i = 1; i < argc; i++) {
        kind(argv[i], &domain, &type);
        int fd = socket(domain, type | SOCK_CLOEXEC, 0);
        if (fd == -1)
            err(1, "socket");   /* "sockinfo: socket: <strerror>"; exit(1) flushes stdout */
        int d = opt(fd, SO_DOMAIN), t = opt(fd, SO_TYPE), p = opt(fd, SO_PROTOCOL);
        printf("%s: fd=%d family=%s type=%s protocol=%d\n", argv[i], fd,
               d == AF_INET6 ? "AF_INET6" : d == AF_INET ? "AF_INET" : "?",
               t == SOCK_DGRAM ? "SOCK_DGRAM" : t == SOCK_STREAM ? "SOCK_STREAM" : "?", p);
        close(fd);
    }
    return 0;
}
