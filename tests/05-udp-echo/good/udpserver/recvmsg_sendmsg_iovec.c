/* good: poll before each recvmsg, strftime time stamp, reply gathered by sendmsg from two iovecs without copying */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static char payload[70000];

static void fatal(const char *what)
{
    fprintf(stderr, "udpserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 2 || strlen(argv[1]) < 1 || strlen(argv[1]) > 5
        || strspn(argv[1], "0123456789") != strlen(argv[1]) || atol(argv[1]) > 65535) {
        fprintf(stderr, "usage: udpserver PORT\n");
        exit(2);
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (fd < 0)
        fatal("socket");
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)atol(argv[1]));
    sin.sin_addr.s_addr = INADDR_ANY;
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
        fatal("bind");
    socklen_t sl = sizeof sin;
    if (getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
        fatal("getsockname");
    if (printf("listening on port %d\n", ntohs(sin.sin_port)) < 0 || fflush(stdout) != 0)
        fatal("printf");

    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, -1) < 0) {
            if (errno != EINTR)
                fprintf(stderr, "udpserver: poll: %s\n", strerror(errno));
            continue;
        }
        struct sockaddr_storage src;
        struct iovec in = { payload, sizeof payload };
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_name = &src;
        m.msg_namelen = sizeof src;
        m.msg_iov = &in;
        m.msg_iovlen = 1;
        ssize_t n = recvmsg(fd, &m, 0);
        if (n < 0) {
            fprintf(stderr, "udpserver: recvmsg: %s\n", strerror(errno));
            continue;
        }
        time_t now = time(NULL);
        struct tm tm;
        char prefix[80];
        /* the same fields as ctime(): "Wed Nov 25 09:35:03 2026" */
        if (localtime_r(&now, &tm) == NULL
            || strftime(prefix, sizeof prefix, "[%a %b %e %H:%M:%S %Y] ", &tm) == 0) {
            fprintf(stderr, "udpserver: cannot format the time\n");
            continue;
        }
        struct iovec out[2] = { { prefix, strlen(prefix) }, { payload, (size_t)n } };
        struct msghdr r;
        memset(&r, 0, sizeof r);
        r.msg_name = &src;
        r.msg_namelen = m.msg_namelen;
        r.msg_iov = out;
        r.msg_iovlen = 2;
        if (sendmsg(fd, &r, 0) < 0)
            fprintf(stderr, "udpserver: sendmsg: %s\n", strerror(errno));
    }
}
