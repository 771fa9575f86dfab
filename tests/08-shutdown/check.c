/* check.c - lesson 08: wcserver counts what a client sends until the client's
 * EOF (its shutdown(fd, SHUT_WR)) and stops cleanly on SIGTERM and SIGINT;
 * wcclient sends stdin, half-closes and prints the reply.
 * The tests are in check_wcserver.c and check_wcclient.c; here is how to
 * count, and what both use. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"

int sep_right(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

struct wc count(const void *buf, size_t n, int (*sep)(unsigned char))
{
    const unsigned char *b = buf;
    struct wc r = { .b = n };
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        r.l += b[i] == '\n';
        if (sep(b[i]))
            in = 0;
        else if (!in)
            in = 1, r.w++;
    }
    return r;
}

char *reply_for(const void *data, size_t n)
{
    struct wc w = count(data, n, sep_right);
    return str("%llu %llu %llu\n", w.l, w.w, w.b);
}

const struct lesson LESSON = {
    .dir = "08-shutdown",
    .programs = (const struct program[]){
        { .name = "wcserver", .tests = wcserver_tests },
        { .name = "wcclient", .tests = wcclient_tests },
        { .name = NULL },
    },
};
