/* internal.h - what the harness's own files share; checks use harness.h. */
#ifndef INTERNAL_H
#define INTERNAL_H

#include "harness.h"
#include "shared.h"

enum dir { TO_PROG, FROM_PROG, AT_PROG, AT_PEER };

struct event {
    long t;          /* ms since the test started */
    enum dir dir;
    char *text;
};


/* What a test reports to the runner (and the runner prints). */
struct result {
    enum verdict status;
    long ms;
    char *expected, *observed, *hint, *see, *ended, *err, *notes;
    struct event *events;
    size_t nevents;
    int server_died;   /* the failure is the server's own end (not sent between processes) */
    char *cause;       /* a known root cause shared by failures (e.g. the server exited) */
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
    void *state;            /* test_state() */
};

#include <pthread.h>

#define ERR_KEEP 8192   /* stderr: we keep its tail */

struct proc {
    pid_t pid;
    int server;
    char *name;                 /* argv joined, for messages */
    char *dir, *side;           /* scratch cwd; side files (hosts, exe copy) */
    int in, out, err, wake[2], pidfd;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *obuf;                 /* stdout kept: olen of ocap bytes */
    size_t olen, ototal, ocap, ocursor;
    char ebuf[2 * ERR_KEEP];    /* stderr's tail: elen bytes */
    size_t elen;
    char *ibuf;                 /* stdin to feed: ilen bytes, ioff sent */
    size_t ilen, ioff;
    int iclose;                 /* close stdin once all is fed */
    int out_eof, err_eof, exited, status, stop;
    int exit_awaited;           /* the test waited for its exit or signalled it */
    long exit_ms;               /* when it exited, ms since test start */
    struct ctx *c;
};

/* proc.c */
extern const char *scratch_base;   /* the runner's directory for scratch dirs */
char *next_line(struct proc *p, long timeout_ms, const char **why);
char *ending_hint(struct proc *p);   /* NULL, or advice on how it died */
/* spawn.c: runs in the forked child, never returns */
_Noreturn void proc_exec(struct proc *p, struct start s, const char *exe, int in, int out,
                         int err);
uid_t run_uid(void);
/* stage.c: in the forked child, before execve */
int private_hosts_files(const char *hosts, const char *nss);
void drop_privilege(void);
int stage_in_userns(void);
uid_t nobody_uid(void);
void write_file(const char *path, const char *text);

long mono_ms(void);
/* End the test at once, failed, with why (runner.c); in the runner itself,
 * exit 2.  For what leaves no other way on (no memory). */
_Noreturn void test_abort(const char *why);
/* The runner calls it when the test function returned (ctx.c). */
_Noreturn void test_passed(struct ctx *c);
void record(struct ctx *c, enum dir d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stop every program of the test and describe how the last one ended. */
void stop_all(struct ctx *c);
char *proc_ending(struct proc *p);
void proc_kill_all(struct ctx *c);   /* async-signal-safe */

/* peer.c: the one address builder.  addr numeric (its family wins) or
 * NULL (the loopback address of family); the length, 0 if addr is not a
 * numeric address. */
socklen_t sockaddr_make(int family, const char *addr, int port, struct sockaddr_storage *ss);

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
