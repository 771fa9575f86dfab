/* capture.h - run a command with bounded time and bounded output. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>

struct capture {
    char *buf;          /* the first `keep` bytes of stdout and stderr together */
    size_t len, total;  /* kept, and printed in all */
    int status;         /* as waitpid gives it */
    int timed_out;      /* stopped at the wall-clock limit */
    int overflow;       /* stopped because it printed more than kill_after */
};

/* Run argv[0] (a path) with envp; setup(arg) runs in the child just before
 * exec (limits, uid).  kill_after 0: no ceiling.  Returns -1 if it could
 * not start at all. */
int run_capture(char *const argv[], char *const envp[], void (*setup)(void *), void *arg,
                size_t keep, size_t kill_after, double wall_s, struct capture *out);

#endif
