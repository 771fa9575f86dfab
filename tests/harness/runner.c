/*
 * runner.c - main() of every lesson checker:
 *
 *   check-NN [--format human|tap|json] [--only TEST[,TEST...]] [--max-fail N]
 *            [--quick] [-j N] [--list] PROGRAM EXE
 *
 * Each test runs in its own process (a failing test ends with _exit, and
 * one test cannot disturb another), several at a time, under a watchdog.
 * Results are printed in table order as soon as they are known.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

enum { TEST_BUDGET_S = 25, BACKSTOP_EXTRA_MS = 10000, MAX_JOBS = 64 };

static int budget_s(const struct test *t)
{
    return t->budget_s > 0 ? t->budget_s : TEST_BUDGET_S;
}

const char *scratch_base;
static struct ctx *current;   /* in a test's process: its context */
static char late[512];         /* the watchdog's result, made before it may be needed */

/* A failed result saying only why, made without allocating (the format is
 * result_write's: "S status ms", then "o length" and the text). */
static int abort_record(char *buf, size_t n, long ms, const char *why)
{
    return snprintf(buf, n, "S %d %ld\no %zu\n%s\n", (int)FAILED, ms, strlen(why), why);
}

_Noreturn void test_abort(const char *why)
{
    if (!current) {
        fprintf(stderr, "check-%s: %s\n", LESSON.dir, why);
        exit(2);
    }
    char rec[512];
    int n = abort_record(rec, sizeof rec, now_ms(current), why);
    proc_kill_all(current);
    (void)!write(current->result_fd, rec, (size_t)n);
    _exit(0);
}

static void watchdog(int sig)
{
    (void)sig;
    proc_kill_all(current);
    (void)!write(current->result_fd, late, strlen(late));
    _exit(0);
}

static _Noreturn void run_in_child(const struct test *t, const char *exe, const char *name, int fd)
{
    struct ctx c = { .test = t, .exe = exe, .name = name, .result_fd = fd, .t0 = mono_ms() };
    current = &c;
    const char *why = str("the test did not finish within %d s: the checker stopped it",
                          budget_s(t));
    abort_record(late, sizeof late, budget_s(t) * 1000L, why);
    signal(SIGALRM, watchdog);
    alarm((unsigned)budget_s(t));
    prctl(PR_SET_CHILD_SUBREAPER, 1);   /* daemons the program leaves come back to us */
    t->run(&c);
    test_passed(&c);
}

struct slot {
    pid_t pid;
    int fd;
    char *buf;
    size_t len;
    size_t cap;
    long start;
    int done;
    struct result r;
};

static void collect(struct slot *s)
{
    int st;
    waitpid(s->pid, &st, 0);
    close(s->fd);
    const char *buf = s->buf;
    if (!buf)
        buf = "";
    if (result_parse(buf, s->len, &s->r) == 0) {
        s->done = 1;
        return;
    }
    memset(&s->r, 0, sizeof s->r);
    s->r.status = FAILED;
    s->r.observed = "the checker's test process gave no result: a bug in the checker";
    if (WIFSIGNALED(st))
        s->r.observed = str("the checker's test process died (signal %d): a bug in the checker",
                            WTERMSIG(st));
    s->done = 1;
}

/* Is name one of the comma-separated names in list? */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *s = list;
    while (s) {
        if (!strncmp(s, name, n) && (s[n] == ',' || s[n] == 0))
            return 1;
        s = strchr(s, ',');
        if (s)
            s++;
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: check-%s [--format human|tap|json] [--only TEST[,TEST...]] "
                    "[--max-fail N] [--quick] [-j N] [--list] PROGRAM EXE\n", LESSON.dir);
    return 2;
}

static int format_named(const char *f)
{
    if (!strcmp(f, "tap"))
        return FMT_TAP;
    if (!strcmp(f, "json"))
        return FMT_JSON;
    if (!strcmp(f, "human"))
        return FMT_HUMAN;
    return -1;
}

/* Read what the test's process sent; at its end, its result is known. */
static int take(struct slot *t)
{
    if (t->len + 65536 > t->cap) {
        t->cap = 2 * t->cap + 65536;
        t->buf = xrealloc(t->buf, t->cap);
    }
    ssize_t r = read(t->fd, t->buf + t->len, t->cap - t->len);
    if (r > 0) {
        t->len += (size_t)r;
        return 0;
    }
    collect(t);
    return 1;
}

int main(int argc, char **argv)
{
    int format = FMT_HUMAN;
    int jobs = 4;
    int list = 0;
    int max_fail = 0;
    int quick = 0;
    const char *only = NULL;
    const char *color = "auto";
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        color = "never";
    int i;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            i++;
            format = format_named(argv[i]);
            if (format < 0)
                return usage();
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            i++;
            only = argv[i];
        } else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
            i++;
            jobs = atoi(argv[i]);
        } else if (!strcmp(argv[i], "--max-fail") && i + 1 < argc) {
            i++;
            max_fail = atoi(argv[i]);
        } else if (!strcmp(argv[i], "--quick")) {
            quick = 1;
        } else if (!strcmp(argv[i], "--list")) {
            list = 1;
        } else if (!strncmp(argv[i], "--color=", 8)) {
            color = argv[i] + 8;
        } else {
            return usage();
        }
    }
    if (argc - i != (list ? 1 : 2) || jobs < 1)
        return usage();
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    const struct program *prog = LESSON.programs;
    while (prog->name && strcmp(prog->name, argv[i]))
        prog++;
    if (!prog->name) {
        fprintf(stderr, "check-%s: no program named '%s' in this lesson\n", LESSON.dir, argv[i]);
        return 2;
    }
    /* As many tests as the table has: no limit to meet or to miss. */
    int ntable = 0;
    while (prog->tests[ntable].name)
        ntable++;
    const struct test **tests = xcalloc((size_t)ntable, sizeof *tests);
    int n = 0;
    for (int k = 0; k < ntable; k++) {
        if (!only || listed(only, prog->tests[k].name)) {
            tests[n] = &prog->tests[k];
            n++;
        }
    }
    if (list) {
        for (int k = 0; k < n; k++)
            printf("%s\t%s\n", tests[k]->name, tests[k]->what);
        return 0;
    }
    if (!n) {
        fprintf(stderr, "check-%s: %s has no test named '%s' (--list shows them)\n", LESSON.dir,
                prog->name, only);
        return 2;
    }
    char exe[PATH_MAX];
    if (!realpath(argv[i + 1], exe) || access(exe, X_OK) != 0) {
        fprintf(stderr, "check-%s: cannot run %s: %s\n", LESSON.dir, argv[i + 1], strerror(errno));
        return 2;
    }
    use_color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(1));
    /* Every test's scratch directories live here; removed at the end even
     * when a test's process was killed before it could clean up. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    scratch_base = mkdtemp(str("%s/check.XXXXXX", tmp));
    if (!scratch_base) {
        fprintf(stderr, "check-%s: cannot make a directory in %s: %s\n", LESSON.dir, tmp,
                strerror(errno));
        return 2;
    }
    /* Absolute: programs start in their scratch directory, and a relative
     * TMPDIR would then name another place. */
    char *absolute = realpath(scratch_base, NULL);
    if (absolute)
        scratch_base = absolute;
    chmod(scratch_base, 0755);   /* programs run as another uid must reach their own */
    signal(SIGPIPE, SIG_IGN);   /* the peer's own writes must never kill the checker */
    fflush(stdout);

    struct slot *s = xcalloc((size_t)n, sizeof *s);
    /* The long tests start first: the others run beside them, and the
     * check ends soon after the longest.  Results still print in table
     * order. */
    int *order = xcalloc((size_t)n, sizeof *order);
    int no = 0;
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < n; k++)
            if ((tests[k]->budget_s > TEST_BUDGET_S) == !round)
                order[no++] = k;
    struct pollfd fds[MAX_JOBS];
    int idx[MAX_JOBS];
    int next = 0;
    int printed = 0;
    int running = 0;
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    report_begin(format, LESSON.dir, prog->name, n);
    while (printed < n) {
        /* --max-fail: enough is known; the tests not started are not run. */
        while (max_fail && failed >= max_fail && next < n) {
            struct slot *t = &s[order[next++]];
            t->done = 1;
            t->r.status = SKIPPED;
            t->r.observed = "not run: --max-fail reached";
        }
        while (running < jobs && next < n) {
            const struct test *test = tests[order[next]];
            struct slot *t = &s[order[next++]];
            /* --quick: the tests that take longer than the usual budget
             * (gigabytes through the program) are left out, and say so. */
            if (quick && test->budget_s > TEST_BUDGET_S) {
                t->done = 1;
                t->r.status = SKIPPED;
                t->r.observed = str("not run: --quick leaves out a test that may take %d s",
                                    test->budget_s);
                continue;
            }
            int p[2];
            if (pipe2(p, O_CLOEXEC) != 0) {
                perror("pipe");
                return 2;
            }
            t->pid = fork();
            if (t->pid == 0) {
                close(p[0]);
                run_in_child(test, exe, prog->name, p[1]);
            }
            close(p[1]);
            t->fd = p[0];
            t->start = mono_ms();
            running++;
        }
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (s[k].done || !s[k].pid)
                continue;
            fds[m] = (struct pollfd){ .fd = s[k].fd, .events = POLLIN };
            idx[m] = k;
            m++;
        }
        if (m && poll(fds, (nfds_t)m, 1000) < 0 && errno != EINTR) {
            perror("poll");
            return 2;
        }
        for (int q = 0; q < m; q++) {
            struct slot *t = &s[idx[q]];
            if (fds[q].revents) {
                running -= take(t);
            } else if (mono_ms() - t->start > budget_s(tests[idx[q]]) * 1000L + BACKSTOP_EXTRA_MS) {
                kill(t->pid, SIGKILL);   /* the watchdog failed: never wait forever */
                collect(t);
                running--;
            }
        }
        while (printed < n && s[printed].done) {
            struct result *r = &s[printed].r;
            if (r->status == PASSED)
                passed++;
            else if (r->status == FAILED)
                failed++;
            else
                skipped++;
            report_test(format, printed, LESSON.dir, tests[printed], r);
            printed++;
        }
    }
    rm_tree(scratch_base);
    report_end(format, prog->name, passed, failed, skipped);
    return failed ? 1 : 0;
}
