/* good: no stdio for output: each line built with snprintf and sent with write(2); explicit IPPROTO_* and SOCK_CLOEXEC */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "sockinfo: %s: %s\n", call, strerror(errno));
    if (n > 0)
        (void)!write(2, msg, (size_t)n);
    _exit(1);
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int kind_index(const char *s)
{
    static const char *const names[] = { "tcp", "udp", "tcp6", "udp6" };
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int main(int argc, char *argv[])
{
    static const int domains[] = { AF_INET, AF_INET, AF_INET6, AF_INET6 };
    static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM, SOCK_DGRAM };
    static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_TCP, IPPROTO_UDP };
    int i;

    for (i = 1; i < argc && kind_index(argv[i]) >= 0; i++)
        ;
    if (argc == 1 || i < argc) {
        static const char u[] = "sockinfo: usage: sockinfo {tcp|udp|tcp6|udp6}...\n";
        (void)!write(2, u, sizeof u - 1);
        return 2;
    }

    for (i = 1; i < argc; i++) {
        int k = kind_index(argv[i]);
        int s = socket(domains[k], types[k] | SOCK_CLOEXEC, protos[k]);
        if (s == -1)
            fail("socket");

        int opt[3];
        static const int names[3] = { SO_DOMAIN, SO_TYPE, SO_PROTOCOL };
        for (int j = 0; j < 3; j++) {
            socklen_t l = sizeof opt[j];
            if (getsockopt(s, SOL_SOCKET, names[j], &opt[j], &l) == -1)
                fail("getsockopt");
        }

        char line[128];
        int n = snprintf(line, sizeof line, "%s: fd=%d family=%s type=%s protocol=%d\n",
                         argv[i], s,
                         opt[0] == AF_INET6 ? "AF_INET6" : "AF_INET",
                         opt[1] == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM",
                         opt[2]);
        if (write_all(1, line, (size_t)n) == -1)
            fail("write");
        if (close(s) == -1)
            fail("close");
    }
    return 0;
}
