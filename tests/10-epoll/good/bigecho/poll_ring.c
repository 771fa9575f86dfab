/* poll() instead of epoll, clients in an array indexed like the pollfd
 * array, and each client's pending echo in a ring buffer of 1 MiB + 64 KiB
 * allocated while echo is pending. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define LIMIT (1 << 20)
#define RING (LIMIT + 65536)

struct client {
    char *ring;          /* NULL while nothing is pending */
    size_t head, count;  /* pending bytes: count of them from head */
    int eof;
};

static struct pollfd *pfd;
static struct client *cls;
static int nfds;

static void die(const char *call)
{
    fprintf(stderr, "bigecho: %s: %s\n", call, strerror(errno));
    exit(1);
}

static int parse_port(const char *s)
{
    size_t len = strlen(s);
    long v = 0;
    if (len < 1 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > 65535 ? -1 : (int)v;
}

/* Send what is pending, in at most two pieces (the ring wraps). */
static int flush(int i)
{
    struct client *cl = &cls[i];
    while (cl->count > 0) {
        size_t piece = cl->count;
        if (cl->head + piece > RING)
            piece = RING - cl->head;
        ssize_t n = send(pfd[i].fd, cl->ring + cl->head, piece, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        cl->head = (cl->head + (size_t)n) % RING;
        cl->count -= (size_t)n;
    }
    free(cl->ring);
    cl->ring = NULL;
    cl->head = 0;
    return 0;
}

static int on_read(int i)
{
    static char buf[65536];
    struct client *cl = &cls[i];
    ssize_t n = recv(pfd[i].fd, buf, sizeof buf, 0);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0) {
        cl->eof = 1;
        return 0;
    }
    if (!cl->ring && !(cl->ring = malloc(RING)))
        return -1;
    for (ssize_t k = 0; k < n; k++)
        cl->ring[(cl->head + cl->count + (size_t)k) % RING] = buf[k];
    cl->count += (size_t)n;
    return flush(i);
}

static void drop(int i)
{
    close(pfd[i].fd);
    free(cls[i].ring);
    nfds--;
    pfd[i] = pfd[nfds];
    cls[i] = cls[nfds];
}

int main(int argc, char **argv)
{
    if (argc != 2 || parse_port(argv[1]) < 0) {
        fprintf(stderr, "usage: bigecho PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
        die("getrlimit");
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
        die("setrlimit");
    pfd = calloc(lim.rlim_cur, sizeof *pfd);
    cls = calloc(lim.rlim_cur, sizeof *cls);
    if (!pfd || !cls)
        die("calloc");

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
    if (lfd < 0)
        die("socket");
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(parse_port(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(lfd, SOMAXCONN) < 0)
        die("listen");
    socklen_t al = sizeof a;
    if (getsockname(lfd, (struct sockaddr *)&a, &al) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    pfd[0].fd = lfd;
    nfds = 1;

    for (;;) {
        for (int i = 1; i < nfds; i++)
            pfd[i].events = (short)((!cls[i].eof && cls[i].count < LIMIT ? POLLIN : 0) |
                                    (cls[i].count ? POLLOUT : 0));
        pfd[0].events = (size_t)nfds + 1 < lim.rlim_cur ? POLLIN : 0;
        if (poll(pfd, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (pfd[0].revents & POLLIN) {
            int fd;
            while ((size_t)nfds + 1 < lim.rlim_cur && (fd = accept(lfd, NULL, NULL)) >= 0) {
                if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
                    close(fd);
                    continue;
                }
                pfd[nfds].fd = fd;
                pfd[nfds].revents = 0;
                memset(&cls[nfds], 0, sizeof cls[nfds]);
                nfds++;
            }
        }
        for (int i = nfds - 1; i >= 1; i--) {
            short r = pfd[i].revents;
            if (!r)
                continue;
            int bad = 0;
            if ((r & (POLLIN | POLLHUP | POLLERR)) && (pfd[i].events & POLLIN))
                bad = on_read(i) < 0;
            if (!bad && (r & (POLLOUT | POLLHUP | POLLERR)))
                bad = flush(i) < 0;
            if (!bad && (r & POLLERR) && !(pfd[i].events & POLLIN))
                bad = 1;
            if (bad || (cls[i].eof && cls[i].count == 0))
                drop(i);
        }
    }
}
