/*
 * pieces.c - two verbs for checks that read a protocol's messages
 * themselves (e.g. HTTP responses of unknown length on a connection that
 * stays open) and give the program files to serve:
 *
 *   conn_read_some  what has arrived on a connection, as soon as anything
 *                   has, with a deadline: the building block of a reader
 *                   that parses messages as they come;
 *   scratch_dir     a fresh directory that lives as long as the checker
 *                   (removed with every other scratch directory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

long conn_read_some(struct conn *k, void *buf, size_t cap, long ms, int *end)
{
    int fd = conn_fd(k);
    long deadline = mono_ms() + ms;
    *end = 0;
    if (fd < 0) {
        *end = EBADF;
        return 0;
    }
    for (;;) {
        ssize_t r = read(fd, buf, cap);
        if (r > 0)
            return (long)r;
        if (r == 0)
            return 0;   /* EOF: *end stays 0 */
        if (errno != EAGAIN && errno != EINTR) {
            *end = errno;
            return 0;
        }
        long left = deadline - mono_ms();
        if (left <= 0) {
            *end = ETIMEDOUT;
            return 0;
        }
        struct pollfd p = { fd, POLLIN, 0 };
        poll(&p, 1, (int)left);   /* then read again: bytes, EOF, an error or the deadline */
    }
}

char *scratch_dir(struct ctx *c)
{
    char *dir = mkdtemp(str("%s/dir.XXXXXX", scratch_base));
    /* The program may run as another uid: it must be able to read it. */
    if (!dir || chmod(dir, 0755) != 0)
        skip(c, str("the checker cannot make a directory in %s: %s", scratch_base,
                    strerror(errno)));
    return dir;
}
