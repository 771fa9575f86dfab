/* expect-fail: broadcast sender-address -- a dual-stack listener prints IPv4 clients as ::ffff:127.0.0.1, not as plain IPv4 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXLINE 4096
#define MAXOUT (1024 * 1024)

struct conn {
    int fd;
    char who[80];
    char in[MAXLINE];
    size_t nin;
    char *out;
    size_t nout, cap;
    int writing;              /* EPOLLOUT registered */
    struct conn *prev, *next; /* all connections, oldest first */
};

static int ep, spare = -1;
static struct conn *first, *last;
static struct conn *doomed[1024];
static int ndoomed;

static void bye(struct conn *c)
{
    if (c->fd < 0)
        return;
    printf("%s left\n", c->who);
    fflush(stdout);
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    if (c->prev) c->prev->next = c->next; else first = c->next;
    if (c->next) c->next->prev = c->prev; else last = c->prev;
    c->prev = c->next = NULL;
    if (ndoomed < 1024)
        doomed[ndoomed++] = c;   /* freed after this batch of events */
}

static void want_out(struct conn *c, int on)
{
    if (c->writing == on)
        return;
    struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->writing = on;
}

static void drain(struct conn *c)
{
    size_t off = 0;
    while (off < c->nout) {
        ssize_t n = write(c->fd, c->out + off, c->nout - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            bye(c);
            return;
        }
        off += (size_t)n;
    }
    memmove(c->out, c->out + off, c->nout - off);
    c->nout -= off;
    want_out(c, c->nout > 0);
}

static void post(struct conn *to, const char *a, size_t na, const char *b, size_t nb)
{
    if (to->nout + na + nb > MAXOUT) {
        bye(to);
        return;
    }
    if (to->nout + na + nb > to->cap) {
        size_t cap = (to->nout + na + nb) * 2;
        char *p = realloc(to->out, cap);
        if (!p) {
            bye(to);
            return;
        }
        to->out = p;
        to->cap = cap;
    }
    memcpy(to->out + to->nout, a, na);
    memcpy(to->out + to->nout + na, b, nb);
    to->nout += na + nb;
    drain(to);
}

static void readable(struct conn *c)
{
    ssize_t n = read(c->fd, c->in + c->nin, MAXLINE - c->nin);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        bye(c);
        return;
    }
    c->nin += (size_t)n;
    size_t from = 0;
    for (size_t i = 0; i < c->nin; i++) {
        if (c->in[i] != '\n')
            continue;
        for (struct conn *o = first; o;) {
            struct conn *next = o->next;
            if (o != c)
                post(o, c->who, strlen(c->who), c->in + from, i + 1 - from);
            o = next;
        }
        from = i + 1;
    }
    c->nin -= from;
    memmove(c->in, c->in + from, c->nin);
    if (c->nin == MAXLINE)
        bye(c);
}

static void welcome(int lfd)
{
    for (;;) {
        struct sockaddr_in6 a;
        socklen_t al = sizeof a;
        int fd = accept4(lfd, (struct sockaddr *)&a, &al, SOCK_NONBLOCK);
        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && spare >= 0) {
                /* Free the spare, take the newcomer and let it go, keep
                 * the spare again: the listener is no longer readable. */
                close(spare);
                fd = accept(lfd, NULL, NULL);
                if (fd >= 0)
                    close(fd);
                spare = open("/dev/null", O_RDONLY);
                /* accept() says EMFILE before it looks at the backlog:
                 * it may have been empty all along. */
                if (fd < 0)
                    return;
                printf("out of descriptors: a client was turned away\n");
                fflush(stdout);
                continue;
            }
            return;
        }
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a.sin6_addr, ip, sizeof ip);
        snprintf(c->who, sizeof c->who, "%s:%d: ", ip, ntohs(a.sin6_port));
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
            continue;
        }
        c->prev = last;
        if (last) last->next = c; else first = c;
        last = c;
        printf("%sjoined\n", c->who);
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    char *end;
    if (argc != 2 || !*argv[1] || strlen(argv[1]) > 5 || strspn(argv[1], "0123456789") != strlen(argv[1])) {
        fprintf(stderr, "usage: chatserver PORT\n");
        return 2;
    }
    long port = strtol(argv[1], &end, 10);
    if (port > 65535) {
        fprintf(stderr, "usage: chatserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1, zero = 0;
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons((unsigned short)port);
    socklen_t al = sizeof a;
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) ||
        bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, SOMAXCONN) ||
        getsockname(lfd, (struct sockaddr *)&a, &al)) {
        fprintf(stderr, "chatserver: setup: %s\n", strerror(errno));
        return 1;
    }
    ep = epoll_create1(0);
    spare = open("/dev/null", O_RDONLY);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    if (ep < 0 || spare < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) {
        fprintf(stderr, "chatserver: epoll: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(a.sin6_port));
    fflush(stdout);
    struct epoll_event evs[64];
    for (;;) {
        int n = epoll_wait(ep, evs, 64, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "chatserver: epoll_wait: %s\n", strerror(errno));
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                welcome(lfd);
                continue;
            }
            if (c->fd >= 0 && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && c->nout)
                drain(c);
            if (c->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                readable(c);
        }
        for (int i = 0; i < ndoomed; i++) {
            free(doomed[i]->out);
            free(doomed[i]);
        }
        ndoomed = 0;
    }
}
