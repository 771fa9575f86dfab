/* good: select() instead of poll(); clients kept in arrays indexed by descriptor; output queue as a linked list of lines */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define LIMIT 4096
#define QUEUE_MAX (1 << 20)

struct msg {
    struct msg *next;
    size_t len, off;
    char data[];
};

struct peer {
    int used;
    char name[32];
    char buf[LIMIT];
    size_t have;
    struct msg *head, *tail;
    size_t queued;   /* bytes in the list not yet sent */
};

static struct peer peers[FD_SETSIZE];
static int stop_accepting;

static void usage(void)
{
    fprintf(stderr, "usage: chatserver PORT\n");
    exit(2);
}

static void fatal(const char *what)
{
    fprintf(stderr, "chatserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void hang_up(int fd)
{
    struct peer *p = &peers[fd];
    while (p->head) {
        struct msg *m = p->head;
        p->head = m->next;
        free(m);
    }
    p->tail = NULL;
    p->queued = 0;
    p->used = 0;
    p->have = 0;
    close(fd);
    stop_accepting = 0;
}

static void push(int fd)
{
    struct peer *p = &peers[fd];
    while (p->head) {
        struct msg *m = p->head;
        ssize_t n = send(fd, m->data + m->off, m->len - m->off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                hang_up(fd);
            return;
        }
        m->off += (size_t)n;
        p->queued -= (size_t)n;
        if (m->off < m->len)
            return;
        p->head = m->next;
        if (!p->head)
            p->tail = NULL;
        free(m);
    }
}

static void relay(int from, const char *line, size_t len)
{
    size_t nlen = strlen(peers[from].name);
    for (int fd = 0; fd < FD_SETSIZE; fd++) {
        struct peer *p = &peers[fd];
        if (!p->used || fd == from)
            continue;
        if (p->queued + nlen + len > QUEUE_MAX) {
            hang_up(fd);
            continue;
        }
        struct msg *m = malloc(sizeof *m + nlen + len);
        if (!m) {
            hang_up(fd);
            continue;
        }
        memcpy(m->data, peers[from].name, nlen);
        memcpy(m->data + nlen, line, len);
        m->len = nlen + len;
        m->off = 0;
        m->next = NULL;
        if (p->tail)
            p->tail->next = m;
        else
            p->head = m;
        p->tail = m;
        p->queued += m->len;
        push(fd);
    }
}

static void pull(int fd)
{
    struct peer *p = &peers[fd];
    ssize_t n = recv(fd, p->buf + p->have, LIMIT - p->have, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        hang_up(fd);
        return;
    }
    if (n < 0)
        return;
    p->have += (size_t)n;
    char *start = p->buf, *nl;
    while ((nl = memchr(start, '\n', (size_t)(p->buf + p->have - start)))) {
        relay(fd, start, (size_t)(nl + 1 - start));
        if (!peers[fd].used)   /* cannot happen: relay skips the sender */
            return;
        start = nl + 1;
    }
    p->have = (size_t)(p->buf + p->have - start);
    memmove(p->buf, start, p->have);
    if (p->have == LIMIT)
        hang_up(fd);
}

int main(int argc, char **argv)
{
    if (argc != 2 || strspn(argv[1], "0123456789") != strlen(argv[1]) || strlen(argv[1]) < 1 ||
        strlen(argv[1]) > 5 || atol(argv[1]) > 65535)
        usage();
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0)
        fatal("socket");
    int yes = 1;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0)
        fatal("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atol(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0)
        fatal("bind");
    if (listen(lfd, 128) < 0)
        fatal("listen");
    socklen_t al = sizeof a;
    if (getsockname(lfd, (struct sockaddr *)&a, &al) < 0)
        fatal("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    fcntl(lfd, F_SETFL, O_NONBLOCK);

    for (;;) {
        fd_set rd, wr;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        int top = -1;
        if (!stop_accepting) {
            FD_SET(lfd, &rd);
            top = lfd;
        }
        for (int fd = 0; fd < FD_SETSIZE; fd++) {
            if (!peers[fd].used)
                continue;
            FD_SET(fd, &rd);
            if (peers[fd].head)
                FD_SET(fd, &wr);
            if (fd > top)
                top = fd;
        }
        struct timeval tv = { 1, 0 };
        int n = select(top + 1, &rd, &wr, NULL, stop_accepting ? &tv : NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fatal("select");
        }
        if (n == 0) {
            stop_accepting = 0;
            continue;
        }
        if (!stop_accepting && FD_ISSET(lfd, &rd)) {
            for (;;) {
                struct sockaddr_in from;
                socklen_t fl = sizeof from;
                int fd = accept(lfd, (struct sockaddr *)&from, &fl);
                if (fd < 0) {
                    if (errno == EMFILE || errno == ENFILE)
                        stop_accepting = 1;
                    break;
                }
                if (fd >= FD_SETSIZE) {
                    close(fd);
                    continue;
                }
                fcntl(fd, F_SETFL, O_NONBLOCK);
                memset(&peers[fd], 0, sizeof peers[fd]);
                peers[fd].used = 1;
                snprintf(peers[fd].name, sizeof peers[fd].name, "%s:%u: ",
                         inet_ntoa(from.sin_addr), ntohs(from.sin_port));
                /* Not served in this round: its bits were not in the sets. */
                FD_CLR(fd, &rd);
                FD_CLR(fd, &wr);
            }
        }
        for (int fd = 0; fd < FD_SETSIZE; fd++) {
            if (fd == lfd || !peers[fd].used)
                continue;
            if (FD_ISSET(fd, &wr))
                push(fd);
            if (peers[fd].used && FD_ISSET(fd, &rd))
                pull(fd);
        }
    }
}
