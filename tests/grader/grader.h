/*
 * grader.h - what the grader's files share.
 *
 * The grader compiles and checks every program a class submitted, each in
 * a sandbox of its own, several at a time, then writes grades.csv, one
 * results.json and one feedback.txt per student, and summary.md.
 */
#ifndef GRADER_H
#define GRADER_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "../harness/shared.h"   /* rm_tree, kill_children, verdict words */

enum {
    MAX_SOURCE = 1 << 20,        /* a submitted file larger than this is refused */
    COMPILE_CPU_S = 20,          /* per compiler process */
    COMPILE_WALL_S = 30,         /* the whole compile step */
    COMPILE_KEEP = 16 << 10,     /* compiler output kept for the feedback */
    COMPILE_OUTPUT_MAX = 4 << 20,/* more diagnostics than this: stop the compiler */
    CHECK_OUTPUT_MAX = 16 << 20, /* the checker's JSON report, at most */
    TEST_OUTPUT_CAP = 8 << 10,   /* one test's feedback in results.json */
};

/* ---- what is graded ----------------------------------------------- */

struct test_info { char *name, *what; };

/* A program of a lesson, as its checker lists it, with the class's tallies. */
struct prog_info {
    char *lesson, *name;
    char *checker;               /* path of the lesson's checker binary */
    struct test_info *tests;
    int ntests;
    int submitted, compile_errors, refused, perfect, unfinished;
    int *passed_by;              /* per test: how many submissions passed it */
    struct prog_info *next;
};

enum tstatus { T_PASS = PASSED, T_FAIL = FAILED, T_SKIP = SKIPPED };   /* the checker's verdicts */

/* The grader's exit status, as docs/grading.md lists them. */
enum grader_exit {
    EXIT_GRADED = 0,         /* grading ran, whatever the grades (--probe: all protections) */
    EXIT_NOTHING = 1,        /* nothing to grade (--probe: some protections missing) */
    EXIT_CANNOT_RUN = 2,     /* bad arguments, no checkers, no compiler, no memory: die() */
    EXIT_NOT_GRADED = 3,     /* some programs could not be graded because of the machine */
    EXIT_INTERRUPTED = 130,  /* SIGINT, SIGTERM or SIGHUP: every sandbox stopped, nothing written */
};

struct test_result {
    enum tstatus status;
    char *observed;              /* for a skip: why */
    char *text;                  /* for a failure: the human feedback */
    char *same_as;               /* a failure shown once already: that test's name */
    char *symptom;               /* and its symptom in a line */
};

enum outcome {
    O_PENDING,
    O_GRADED,                    /* the checker ran (maybe not to the end: see problem) */
    O_COMPILE_ERROR,
    O_REFUSED,                   /* too large, not a regular file, unreadable */
    O_BROKEN,                    /* the sandbox could not be set up: the machine's fault */
};

struct student;

struct job {
    struct student *st;
    struct prog_info *prog;
    char *src;                   /* the submitted file */
    char *rel;                   /* LESSON/PROGRAM.c, for messages */
    enum outcome outcome;
    char *compile_cmd, *compile_log;   /* log: the first lines the compiler printed */
    int warnings;
    struct test_result *results; /* prog->ntests entries once graded */
    int passed;                  /* tests passed (a skipped one is not: see job_total) */
    char *problem;               /* why results are incomplete or missing */
    double seconds;
    int slot;                    /* the parallel slot that ran it */
};

/* The tests that count for j: a test the machine could not stage (skipped)
 * counts in neither passed nor total; never as passed. */
int job_total(const struct job *j);

struct student {
    char *name;
    char **ignored;              /* "path: why" */
    int nignored;
    struct job **jobs;
    int njobs;
};

struct class {
    struct student *students;
    int nstudents;
    struct job **jobs;
    int njobs;
    char **ignored;              /* top-level entries that are not student directories */
    int nignored;
};

/* ---- configuration ------------------------------------------------- */

struct config {
    const char *submissions, *out, *checkers;
    const char *cc;              /* resolved path of the C compiler */
    int jobs;
    int time_limit;              /* seconds for one program's checks */
    long memory_mib;             /* memory of one sandbox as a whole (cgroup) */
    unsigned uid_base;           /* slot k runs student code as uid_base + k */
    int no_namespaces;           /* test knob: behave as if namespaces were missing */
    int progress_tty;
    char *workdir;               /* private scratch, removed at the end */
};

/* ---- the sandbox ---------------------------------------------------- */

/* What this machine allows; probed once at start. */
struct caps {
    int root;                    /* real root: separate uids, private hosts */
    int userns;                  /* not root, but an unprivileged user namespace */
    int pidns, netns, mountns;   /* the namespaces work */
    int newroot;                 /* a private root (tmpfs + read-only /usr) works */
    int cgroup;                  /* each slot has a memory/pids cgroup (cgroup.c) */
    unsigned real_uid, real_gid; /* who runs the grader */
    char missing[4096];          /* the protections we could not have, as sentences */
};

struct box {
    const struct config *cfg;
    const struct caps *caps;
    const char *jobdir;          /* host path, read-only inside: src/PROGRAM.c */
    const char *rootdir;         /* host path of an empty directory: the new root's mount point */
    const char *checker;         /* host path of the checker binary */
    const char *lesson, *program;
    uid_t uid, nobody;           /* the student's program; the harness's "nobody" */
    int report_fd;               /* where the sandbox reports (see runbox.c) */
    int slot;                    /* the parallel slot (its cgroup) */
    int probe;                   /* only set the sandbox up and report "P ok" */
};

/* Paths as seen inside the sandbox. */
struct inside {
    const char *job;             /* the job directory (read-only) */
    const char *checker;
    const char *scratch;         /* writable scratch of the sandbox (its /tmp) */
};

void sandbox_probe(const struct config *cfg, struct caps *caps);
/* Add a sentence to caps->missing. */
void caps_missing(struct caps *caps, const char *what);

/* cgroup.c: a memory and task limit per slot, for the whole sandbox. */
int cgroup_setup(int slots, long mem_mib, char *why, size_t n);
int cgroup_enter(int slot);   /* in the sandbox's leader */
void cgroup_remove(void);
/* Start a sandbox for one program; returns the pid of its leader, which is
 * also its process group and session.  The leader exits when all is done. */
pid_t sandbox_spawn(const struct box *b);
/* Kill everything of a sandbox (its session and, through its init, its pid
 * namespace). */
void sandbox_kill(pid_t leader);
/* Inside: kill every process the sandbox started (but not the caller). */
void sandbox_kill_rest(const struct box *b);

/* Inside the sandbox (runbox.c): compile, then check, reporting on
 * b->report_fd. */
int box_main(const struct box *b, const struct inside *in);

/* ---- the steps ------------------------------------------------------ */

/* catalog.c: the lessons' checkers and what their programs' tests are. */
struct prog_info *catalog_find(const struct config *cfg, const char *lesson,
                               const char *program, char **why);
struct prog_info *catalog_all(void);

/* scan.c: the class, from the submissions directory. */
int scan_class(const struct config *cfg, struct class *cl, char **err);

/* run.c: every job, J at a time, with a progress line. */
void run_all(const struct config *cfg, const struct caps *caps, struct class *cl);

/* collect.c: a sandbox's report (len bytes) into the job's results. */
void collect_job(struct job *j, const char *buf, size_t len, int timed_out, int limit_s);

/* feedback.c: the human report of one program, as `make check` prints it. */
void feedback_program(FILE *f, const struct job *j);

/* csv.c: a field, quoted as RFC 4180 requires. */
void csv_field(FILE *f, const char *s);

/* run.c: catch SIGINT/SIGTERM/SIGHUP; nonzero once one came. */
void catch_stop_signals(void);
int grader_stopped(void);

/* outputs.c */
int write_outputs(const struct config *cfg, const struct caps *caps, struct class *cl,
                  double seconds);

/* ---- small tools (util.c) ------------------------------------------- */

char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void append(char ***list, int *n, char *item);
double mono_s(void);
/* Read at most max bytes of a file (NUL-terminated); NULL if it cannot be read. */
char *read_file(const char *path, size_t max, size_t *len);
/* Write a whole file through a temporary and a rename (readers never see half). */
int write_file_atomic(const char *path, const char *data, size_t len);
int write_all(int fd, const void *buf, size_t n);
int mkdir_p(const char *path, mode_t mode);
/* Text safe for a report: valid UTF-8, no control bytes except \n and \t. */
char *clean_text(const char *s, size_t n);
/* The first max_lines lines of s, each cut to max_cols bytes. */
char *first_lines(const char *s, int max_lines, int max_cols);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
