/* internal.h - what the harness's own files share; checks use harness.h. */
#ifndef INTERNAL_H
#define INTERNAL_H

#include "harness.h"

enum dir { TO_PROG, FROM_PROG, AT_PROG, AT_PEER };

struct event {
    long t;          /* ms since the test started */
    enum dir dir;
    char *text;
};

enum status { PASS, FAIL, SKIP };

/* What a test reports to the runner (and the runner prints). */
struct result {
    enum status status;
    long ms;
    char *expected, *observed, *hint, *see, *ended, *err, *notes;
    struct event *events;
    size_t nevents;
};

struct ctx {
    const struct test *test;
    const char *exe;        /* the program under test */
    const char *name;       /* its name, e.g. "greeter" */
    long t0;                /* monotonic ms at the start */
    struct result r;
    size_t cap_events;
    struct proc *procs[8];  /* started programs, stopped at the end */
    int nprocs;
    int next_conn;          /* numbers connections c1, c2 ... */
    int result_fd;          /* where the result goes */
};

long mono_ms(void);
void record(struct ctx *c, enum dir d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stop every program of the test and describe how the last one ended. */
void stop_all(struct ctx *c);
char *proc_ending(struct proc *p);
void proc_kill_all(struct ctx *c);   /* async-signal-safe */

/* report.c */
void result_write(int fd, const struct result *r);
int result_parse(const char *buf, size_t n, struct result *r);
void report_begin(int format, const char *lesson, const char *program, int ntests);
void report_test(int format, int i, const char *lesson, const struct test *t,
                 const struct result *r);
void report_end(int format, const char *program, int passed, int failed, int skipped);
enum { FMT_HUMAN, FMT_TAP, FMT_JSON };
extern int use_color;

#endif
