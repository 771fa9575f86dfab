/*
 * recv_upto.c - reading what the program sent, without judging it: up to n
 * bytes, each piece awaited at most ms.  A check that must look at the bytes
 * before it knows what to expect (a length prefix, a header) reads them with
 * this and compares them itself, with its own words for what went wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include "internal.h"

size_t conn_recv_upto(struct conn *k, void *buf, size_t n, long ms, int *end)
{
    char *b = buf;
    size_t got = 0;
    int fd = conn_fd(k);
    *end = 0;
    while (got < n) {
        ssize_t r = recv(fd, b + got, n - got, MSG_DONTWAIT);
        if (r > 0) {
            got += (size_t)r;
            continue;
        }
        if (r == 0) {
            *end = CONN_EOF;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            *end = errno;
            break;
        }
        struct pollfd p = { fd, POLLIN, 0 };
        long deadline = mono_ms() + ms;
        int ready;
        do {
            long left = deadline - mono_ms();
            ready = poll(&p, 1, left > 0 ? (int)left : 0);
        } while (ready < 0 && errno == EINTR);
        if (ready <= 0) {
            *end = ETIMEDOUT;
            break;
        }
    }
    return got;
}
