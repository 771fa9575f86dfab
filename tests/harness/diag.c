/*
 * diag.c - the program's end of one of our connections, as the kernel
 * sees it (sock_diag, what ss(8) uses).
 *
 * Whether the program has accepted a connection yet, or how many bytes
 * wait in its socket's queues, show nowhere in the program's output.
 * /proc/net/tcp shows them, but reading it means reading every socket of
 * the machine: with lesson 10's 10,000 clients running beside, one read
 * takes longer than the wait it is part of.  sock_diag looks up the one
 * socket by its four-tuple.  And a connect that waits for an answer can be
 * ended, as its timeout would end it minutes later (SOCK_DESTROY: only in
 * a private network of the test's own, where the test may).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include "internal.h"

/* Copy the address part of sa into a sock_diag address (4 words). */
static void diag_addr(const struct sockaddr_storage *sa, __be32 out[4], __be16 *port)
{
    memset(out, 0, 4 * sizeof out[0]);
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)sa;
        out[0] = s->sin_addr.s_addr;
        *port = s->sin_port;
    } else {
        const struct sockaddr_in6 *s = (const void *)sa;
        memcpy(out, &s->sin6_addr, 16);
        *port = s->sin6_port;
    }
}

/* One sock_diag request on a fresh socket; the reply goes to buf.  Returns
 * its length, or -1. */
static ssize_t diag_ask(const void *req, size_t n, void *buf, size_t cap)
{
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (s < 0)
        return -1;
    struct timeval tv = { .tv_sec = 1 };   /* the kernel answers at once; never wait long */
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t got = -1;
    if (send(s, req, n, 0) == (ssize_t)n)
        got = recv(s, buf, cap, 0);
    close(s);
    return got;
}

int conn_program_end(struct conn *k, struct program_end *e)
{
    struct sockaddr_storage ours, theirs;
    socklen_t lo = sizeof ours, lt = sizeof theirs;
    int fd = conn_fd(k);
    if (getsockname(fd, (struct sockaddr *)&ours, &lo) != 0 ||
        getpeername(fd, (struct sockaddr *)&theirs, &lt) != 0)
        return -1;
    struct {
        struct nlmsghdr h;
        struct inet_diag_req_v2 r;
    } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
               .nlmsg_flags = NLM_F_REQUEST },
        .r = { .sdiag_family = (__u8)ours.ss_family, .sdiag_protocol = IPPROTO_TCP,
               .idiag_states = ~0u,
               .id.idiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
    };
    /* The program's socket: its source is our peer, its destination us. */
    diag_addr(&theirs, req.r.id.idiag_src, &req.r.id.idiag_sport);
    diag_addr(&ours, req.r.id.idiag_dst, &req.r.id.idiag_dport);
    long buf[512];
    ssize_t n = diag_ask(&req, sizeof req, buf, sizeof buf);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (n < (ssize_t)sizeof *h || !NLMSG_OK(h, (size_t)n))
        return -1;
    if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *err = NLMSG_DATA(h);
        return err->error == -ENOENT ? 0 : -1;   /* ENOENT: no such socket (any more) */
    }
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
        return -1;
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    e->accepted = m->idiag_inode != 0;   /* a socket file exists once accept() made one */
    e->rx = m->idiag_rqueue;
    e->tx = m->idiag_wqueue;
    e->state = m->idiag_state;
    return 1;
}

int connect_waiting(const char *addr, int port, int abort_port)
{
    struct sockaddr_storage to;
    sockaddr_make(strchr(addr, ':') ? AF_INET6 : AF_INET, addr, port, &to);
    struct {
        struct nlmsghdr h;
        struct inet_diag_req_v2 r;
    } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
               .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
        .r = { .sdiag_family = (__u8)to.ss_family, .sdiag_protocol = IPPROTO_TCP,
               .idiag_states = 1u << 2 /* TCP_SYN_SENT */ },
    };
    __be32 want[4];
    __be16 want_port;
    diag_addr(&to, want, &want_port);
    long buf[4096];
    ssize_t n = diag_ask(&req, sizeof req, buf, sizeof buf);
    if (n < 0)
        return -1;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
            break;   /* NLMSG_DONE, or an error */
        const struct inet_diag_msg *m = NLMSG_DATA(h);
        if (m->id.idiag_dport != want_port || memcmp(m->id.idiag_dst, want, sizeof want))
            continue;
        int local = ntohs(m->id.idiag_sport);
        if (!abort_port)
            return local;
        if (local != abort_port)
            continue;
        struct {
            struct nlmsghdr h;
            struct inet_diag_req_v2 r;
        } kill = {
            .h = { .nlmsg_len = sizeof kill, .nlmsg_type = SOCK_DESTROY,
                   .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
            .r = { .sdiag_family = m->idiag_family, .sdiag_protocol = IPPROTO_TCP,
                   .idiag_states = ~0u, .id = m->id },
        };
        long ack[256];
        ssize_t an = diag_ask(&kill, sizeof kill, ack, sizeof ack);
        const struct nlmsghdr *a = (const struct nlmsghdr *)ack;
        if (an < (ssize_t)sizeof *a || a->nlmsg_type != NLMSG_ERROR)
            return -1;
        int err = ((const struct nlmsgerr *)NLMSG_DATA(a))->error;
        if (err == -ENOENT)
            return 0;   /* it ended meanwhile */
        return err ? -1 : local;
    }
    return 0;
}
