/*
 * pieces.c - files for the program to serve:
 *
 *   scratch_dir     a fresh directory that lives as long as the checker
 *                   (removed with every other scratch directory).
 *
 * (conn_read_some, declared beside it in harness.h, lives in peer.c with
 * the other receiving verbs.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

char *scratch_dir(struct ctx *c)
{
    char *dir = mkdtemp(str("%s/dir.XXXXXX", scratch_base));
    /* The program may run as another uid: it must be able to read it. */
    if (!dir || chmod(dir, 0755) != 0)
        skip(c, str("the checker cannot make a directory in %s: %s", scratch_base,
                    strerror(errno)));
    return dir;
}
