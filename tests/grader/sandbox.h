/* sandbox.h - what sandbox.c, newroot.c and runbox.c share. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include "grader.h"

/* The sandbox's /tmp: the only place a program can write; a tmpfs, so a
 * program that fills the disk fills this much memory and no more. */
#define SANDBOX_TMP_SIZE "128m"

/* In the sandbox's init: build the private root and pivot into it. */
int make_root(const struct box *b, int fresh_proc, char *err, size_t n);

/* How a sandbox reports to the grader on b->report_fd (see runbox.c). */
#define REPORT_TRAILER '\001'   /* never appears in the checker's JSON */

/* A line of that report (short: up to 1 KiB). */
void box_report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
