/*
 * runbox.c - inside a sandbox: compile the submission, then run its
 * lesson's checker on it, and report both to the grader on one pipe:
 *
 *   \001C ok exit signal timed_out overflow total len\n  + len bytes of compiler output
 *   the checker's --format json report, as it comes
 *   \001E exit signal timed_out len\n                    + len bytes of the checker's stderr
 *
 * (\001 never occurs in the checker's JSON, which escapes control bytes.)
 * The grader never reads a file the sandbox could have written: a program
 * running as our uid (no root) could otherwise forge its own report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "grader.h"
#include "sandbox.h"

/* Programs whose tests also run a statically linked build (check-one.sh:
 * lesson 01 runs with RLIMIT_NOFILE 3, too low for the dynamic loader). */
static const char *static_programs[] = { "sockinfo", NULL };

struct compile_arg { const struct box *b; const char *dir; };

static void limit(int what, rlim_t v)
{
    struct rlimit r = { v, v };
    setrlimit(what, &r);
}

static void unblock_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static int drop_to(uid_t uid)
{
    return setgroups(0, NULL) == 0 && setgid(uid) == 0 && setuid(uid) == 0 ? 0 : -1;
}

/* In the compiler's process, before exec: limits, then the student's uid. */
static void compile_setup(void *arg)
{
    const struct compile_arg *a = arg;
    unblock_signals();
    /* A preprocessor bomb wants gigabytes and minutes: it gets neither. */
    limit(RLIMIT_CPU, COMPILE_CPU_S);
    limit(RLIMIT_AS, 1UL << 30);
    limit(RLIMIT_FSIZE, 64 << 20);
    limit(RLIMIT_CORE, 0);
    limit(RLIMIT_NOFILE, 256);
    umask(022);
    if (chdir(a->dir) != 0) _exit(126);
    if (a->b->caps->root && a->b->uid) {
        limit(RLIMIT_NPROC, 64);   /* counts per uid: only after the setuid below */
        if (drop_to(a->b->uid) != 0) _exit(126);
    }
}

static int copy_exe(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1;
    struct stat st;
    int ok = in >= 0 && fstat(in, &st) == 0 && S_ISREG(st.st_mode) &&
             (out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0755)) >= 0;
    char buf[65536];
    ssize_t n = 0;
    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write_all(out, buf, (size_t)n) == 0;
    ok = ok && n == 0 && fchmod(out, 0755) == 0;
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0) ok = 0;
    return ok ? 0 : -1;
}

/* Wait for pid until the deadline, reaping any orphan that comes back to us. */
static int wait_child(pid_t pid, double deadline, int *status)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        int st;
        pid_t r;
        while ((r = waitpid(-1, &st, WNOHANG)) > 0)
            if (r == pid) { *status = st; return 0; }
        if (r < 0 && errno == ECHILD) { *status = 0; return 0; }
        double left = deadline - mono_s();
        if (left <= 0) return 1;
        if (left > 0.2) left = 0.2;
        struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
        sigtimedwait(&chld, NULL, &ts);
    }
}

static int compile(const struct box *b, const struct inside *in, const char *build)
{
    char *srcdir = xasprintf("%s/src", in->job), *file = xasprintf("%s.c", b->program);
    char *exe = xasprintf("%s/%s", build, b->program), *exe_static = xasprintf("%s.static", exe);
    char *tmpdir = xasprintf("TMPDIR=%s", build);
    char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", tmpdir, NULL };
    char *argv[] = { (char *)b->cfg->cc, "-std=gnu11", "-Wall", "-Wextra", "-O1", "-g",
                     file, "-o", exe, NULL };
    struct compile_arg arg = { b, srcdir };
    struct capture cap;
    double t0 = mono_s();
    int started = run_capture(argv, envp, compile_setup, &arg, COMPILE_KEEP,
                              COMPILE_OUTPUT_MAX, COMPILE_WALL_S, &cap) == 0;
    int ok = started && !cap.timed_out && !cap.overflow && WIFEXITED(cap.status) &&
             WEXITSTATUS(cap.status) == 0 && access(exe, F_OK) == 0;
    for (int i = 0; ok && static_programs[i]; i++) {
        if (strcmp(static_programs[i], b->program)) continue;
        char *sargv[] = { argv[0], "-std=gnu11", "-Wall", "-Wextra", "-O1", "-g", "-static",
                          file, "-o", exe_static, NULL };
        struct capture quiet;   /* a failed static build only skips those tests */
        double left = COMPILE_WALL_S - (mono_s() - t0);
        if (left > 1 && run_capture(sargv, envp, compile_setup, &arg, 1024, COMPILE_OUTPUT_MAX,
                                    left, &quiet) == 0)
            free(quiet.buf);
    }
    sandbox_kill_rest(b);   /* nothing the compile started survives it */
    box_report(b->report_fd, "%cC %d %d %d %d %d %zu %zu\n", REPORT_TRAILER, ok,
           started && WIFEXITED(cap.status) ? WEXITSTATUS(cap.status) : -1,
           started && WIFSIGNALED(cap.status) ? WTERMSIG(cap.status) : 0,
           started && cap.timed_out, started && cap.overflow, started ? cap.total : 0,
           started ? cap.len : 0);
    if (started) {
        (void)write_all(b->report_fd, cap.buf, cap.len);
        free(cap.buf);
    }
    free(srcdir); free(file); free(tmpdir);
    free(exe); free(exe_static);
    return ok;
}

int box_main(const struct box *b, const struct inside *in)
{
    int as_uid = b->caps->root && b->uid;
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);   /* for sigtimedwait in wait_child */
    char *build = xasprintf("%s/build", in->scratch), *bin = xasprintf("%s/bin", in->scratch);
    if ((mkdir(in->scratch, 0755) != 0 && errno != EEXIST) || mkdir(build, 0700) != 0 ||
        mkdir(bin, 0755) != 0 || (as_uid && chown(build, b->uid, b->uid) != 0)) {
        box_report(b->report_fd, "%cS scratch cannot prepare %s: %s\n", REPORT_TRAILER, in->scratch,
               strerror(errno));
        return 3;
    }
    if (!compile(b, in, build))
        return 0;
    /* The checker runs a root-owned copy the program cannot replace. */
    char *exe = xasprintf("%s/%s", bin, b->program);
    char *from = xasprintf("%s/%s", build, b->program);
    char *from_static = xasprintf("%s.static", from), *exe_static = xasprintf("%s.static", exe);
    if (copy_exe(from, exe) != 0) {
        box_report(b->report_fd, "%cS install cannot copy %s: %s\n", REPORT_TRAILER, from, strerror(errno));
        return 3;
    }
    if (access(from_static, F_OK) == 0) copy_exe(from_static, exe_static);
    char *errpath = xasprintf("%s/checker.err", in->scratch);
    int errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    char *run_uid = xasprintf("CHECK_RUN_UID=%u", (unsigned)b->uid);
    char *nobody = xasprintf("CHECK_NOBODY_UID=%u", (unsigned)b->nobody);
    char *home = xasprintf("HOME=%s", in->scratch);
    char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "NO_COLOR=1", home,
                     as_uid ? run_uid : NULL, as_uid ? nobody : NULL, NULL };
    char *argv[] = { (char *)in->checker, "--format", "json", (char *)b->program, exe, NULL };
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        unblock_signals();
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || errfd < 0 || dup2(null, 0) < 0 || dup2(b->report_fd, 1) < 0 ||
            dup2(errfd, 2) < 0)
            _exit(127);
        syscall(SYS_close_range, 3U, ~0U, 0U);
        limit(RLIMIT_CORE, 0);
        limit(RLIMIT_FSIZE, CHECK_OUTPUT_MAX);
        /* Without a uid of its own, the harness sets no memory limit on the
         * program: it inherits this one. */
        if (!as_uid) limit(RLIMIT_AS, 2UL << 30);
        if (chdir(in->scratch) != 0) _exit(127);
        execve(argv[0], argv, envp);
        dprintf(2, "grader: cannot run the checker %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st = 0, timed_out = pid > 0 && wait_child(pid, mono_s() + b->cfg->time_limit, &st);
    if (pid > 0 && timed_out) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        wait_child(pid, mono_s() + 2, &st);
    }
    sandbox_kill_rest(b);
    char err[4096];
    ssize_t n = errfd >= 0 ? pread(errfd, err, sizeof err, 0) : -1;
    if (n < 0) n = 0;
    box_report(b->report_fd, "%cE %d %d %d %zd\n", REPORT_TRAILER,
           pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1,
           pid > 0 && WIFSIGNALED(st) ? WTERMSIG(st) : 0, timed_out, n);
    (void)write_all(b->report_fd, err, (size_t)n);
    return 0;
}
