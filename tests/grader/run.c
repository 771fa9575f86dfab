/*
 * run.c - grade every job, J sandboxes at a time.
 *
 * Each sandbox streams its report on a pipe that we keep draining (a full
 * pipe would stall its checker); the reports are kept in memory, bounded.
 * Slot k runs its student code as uid_base + k, so that RLIMIT_NPROC,
 * which counts per uid, never mixes two parallel submissions.  A sandbox
 * past its wall-clock limit is killed from here, whatever it is doing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "grader.h"

enum { REPORT_MAX = CHECK_OUTPUT_MAX + (64 << 10) };

struct slot {
    struct job *j;
    pid_t leader;
    int fd;                      /* the report pipe; -1 once at EOF */
    int pidfd;                   /* readable when the leader exits; -1 if unsupported */
    char *buf;
    size_t len, cap;
    double start, exited_at;
    int timed_out, exited;
    char *dir;
};

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

int grader_stopped(void) { return stop_signal; }

/* The job's directory: src/PROGRAM.c, read-only in the sandbox, and the
 * empty mount point of its new root.  Returns 0, or -1 with j refused. */
static int prepare(const struct config *cfg, struct job *j, int n, char **dir)
{
    size_t len;
    char *text = read_file(j->src, MAX_SOURCE + 1, &len);
    if (!text) {
        j->outcome = O_REFUSED;
        j->problem = xasprintf("%s cannot be read: %s", j->rel, strerror(errno));
        return -1;
    }
    if (len > MAX_SOURCE) {
        j->outcome = O_REFUSED;
        j->problem = xasprintf("%s is too large: over the %d KiB limit for one program; it was "
                               "not compiled", j->rel, MAX_SOURCE >> 10);
        free(text);
        return -1;
    }
    *dir = xasprintf("%s/%d", cfg->workdir, n);
    char *src = xasprintf("%s/job/src", *dir), *root = xasprintf("%s/root", *dir);
    char *file = xasprintf("%s/%s.c", src, j->prog->name);
    int ok = mkdir_p(src, 0755) == 0 && mkdir(root, 0755) == 0;
    int fd = ok ? open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    ok = fd >= 0 && write_all(fd, text, len) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (!ok) die("cannot prepare %s: %s", file, strerror(errno));
    free(text); free(src); free(root); free(file);
    return 0;
}

static void start(const struct config *cfg, const struct caps *caps, struct slot *s, int k,
                  struct job *j, int n)
{
    memset(s, 0, sizeof *s);
    s->fd = s->pidfd = -1;
    if (prepare(cfg, j, n, &s->dir) != 0)
        return;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        die("pipe: %s", strerror(errno));
    char *jobdir = xasprintf("%s/job", s->dir), *rootdir = xasprintf("%s/root", s->dir);
    struct box b = { cfg, caps, jobdir, rootdir, j->prog->checker, j->prog->lesson,
                     j->prog->name, caps->root ? cfg->uid_base + (unsigned)k : 0,
                     caps->root ? cfg->uid_base + 1000 + (unsigned)k : 0, p[1], k, 0 };
    s->start = mono_s();
    s->leader = sandbox_spawn(&b);
    if (s->leader < 0)
        die("fork: %s", strerror(errno));
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    s->fd = p[0];
    /* A pidfd wakes our poll the moment the sandbox ends. */
    s->pidfd = (int)syscall(SYS_pidfd_open, s->leader, 0);
    s->j = j;
    j->slot = k;
    free(jobdir);
    free(rootdir);
}

static void drain(struct slot *s)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(s->fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return;   /* EAGAIN: nothing more for now */
        if (n == 0) { close(s->fd); s->fd = -1; return; }
        if (s->len + (size_t)n > s->cap && s->cap < REPORT_MAX) {
            s->cap = s->len + (size_t)n + 65536 > REPORT_MAX ? REPORT_MAX : s->len + (size_t)n + 65536;
            s->buf = xrealloc(s->buf, s->cap);
        }
        size_t take = s->cap - s->len < (size_t)n ? s->cap - s->len : (size_t)n;
        memcpy(s->buf + s->len, chunk, take);   /* past the cap: read and dropped */
        s->len += take;
    }
}

static void finish(const struct config *cfg, struct slot *s)
{
    if (s->fd >= 0) {
        drain(s);
        if (s->fd >= 0) close(s->fd);
    }
    if (s->pidfd >= 0) close(s->pidfd);
    s->j->seconds = mono_s() - s->start;
    collect_job(s->j, s->buf ? s->buf : "", s->len, s->timed_out, cfg->time_limit);
    rm_tree(s->dir);
    free(s->dir);
    free(s->buf);
    s->j = NULL;
}

static char *duration(double s)
{
    return s < 90 ? xasprintf("%.0f s", s) : s < 5400 ? xasprintf("%.0f min", s / 60)
                                                      : xasprintf("%.1f h", s / 3600);
}

static void progress(const struct config *cfg, int done, int total, double t0, int last)
{
    static double shown;
    double now = mono_s(), el = now - t0;
    if (!last && now - shown < (cfg->progress_tty ? 0.5 : 10))
        return;
    shown = now;
    char *e = duration(el), *eta = done ? duration(el / done * (total - done)) : xstrdup("?");
    fprintf(stderr, "%sgraded %d/%d, %s%s%s%s%s", cfg->progress_tty ? "\r" : "", done, total, e,
            done < total ? ", ETA " : "", done < total ? eta : "",
            cfg->progress_tty ? "\033[K" : "", !cfg->progress_tty || last ? "\n" : "");
    free(e);
    free(eta);
}

/* Ctrl-C, SIGTERM, SIGHUP: stop every sandbox, clean up, write nothing. */
void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: poll returns at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void run_all(const struct config *cfg, const struct caps *caps, struct class *cl)
{
    /* Without a pid namespace, what a sandbox leaves behind comes back to us. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int total = 0;
    for (int i = 0; i < cl->njobs; i++)
        total += cl->jobs[i]->outcome == O_PENDING;
    if (!total)
        return;
    struct slot *slots = xcalloc((size_t)cfg->jobs, sizeof *slots);
    double t0 = mono_s(), limit = COMPILE_WALL_S + cfg->time_limit + 15;
    int next = 0, done = 0, running = 0;
    progress(cfg, 0, total, t0, 0);
    for (;;) {
        for (int k = 0; k < cfg->jobs && !stop_signal; k++) {
            while (!slots[k].j && next < cl->njobs) {
                struct job *j = cl->jobs[next++];
                if (j->outcome != O_PENDING) continue;
                start(cfg, caps, &slots[k], k, j, next);
                if (slots[k].j) running++;
                else done++;   /* refused while preparing */
            }
        }
        if (!running)
            break;
        struct pollfd fds[256];
        int idx[256], m = 0;
        for (int k = 0; k < cfg->jobs && m < 255; k++) {
            if (slots[k].j && slots[k].fd >= 0) {
                fds[m] = (struct pollfd){ slots[k].fd, POLLIN, 0 };
                idx[m++] = k;
            }
            if (slots[k].j && slots[k].pidfd >= 0 && !slots[k].exited) {
                fds[m] = (struct pollfd){ slots[k].pidfd, POLLIN, 0 };
                idx[m++] = -1;   /* only wakes us; waitpid below tells who */
            }
        }
        if (poll(fds, (nfds_t)m, 200) < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        for (int q = 0; q < m; q++)
            if (fds[q].revents && idx[q] >= 0) drain(&slots[idx[q]]);
        int st;
        pid_t pid;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
            for (int k = 0; k < cfg->jobs; k++)
                if (slots[k].j && slots[k].leader == pid) {
                    slots[k].exited = 1;
                    slots[k].exited_at = mono_s();
                }
        double now = mono_s();
        for (int k = 0; k < cfg->jobs; k++) {
            struct slot *s = &slots[k];
            if (!s->j) continue;
            /* Done when the leader is gone and the pipe is drained; a pipe
             * still held open by a straggler gets one second. */
            if (s->exited && (s->fd < 0 || now - s->exited_at > 1)) {
                finish(cfg, s);
                running--;
                done++;
            } else if (!s->exited && (now - s->start > limit || stop_signal) && !s->timed_out) {
                s->timed_out = 1;
                sandbox_kill(s->leader);
            }
        }
        progress(cfg, done, total, t0, 0);
    }
    progress(cfg, done, total, t0, 1);
    free(slots);
}
