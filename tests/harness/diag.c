/*
 * diag.c - the program's end of one of our connections, as the kernel
 * sees it (sock_diag, what ss(8) uses).
 *
 * Whether the program has accepted a connection yet, or how many bytes
 * wait in its socket's queues, show nowhere in the program's output.
 * /proc/net/tcp shows them, but reading it means reading every socket of
 * the machine: with lesson 10's 10,000 clients running beside, one read
 * takes longer than the wait it is part of.  sock_diag looks up the one
 * socket by its four-tuple.
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
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (s < 0)
        return -1;
    struct timeval tv = { .tv_sec = 1 };   /* the kernel answers at once; never wait long */
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    long buf[512];
    ssize_t n = -1;
    if (send(s, &req, sizeof req, 0) == (ssize_t)sizeof req)
        n = recv(s, buf, sizeof buf, 0);
    close(s);
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
