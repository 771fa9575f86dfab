/*
 * proc.c - the program under test while it runs.  One thread per program
 * drains stdout and stderr (a full pipe would block the program), feeds
 * stdin and notices the exit, so every wait below is a bounded wait on a
 * condition.  spawn.c sets up its environment, expect.c judges it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

static void lock(struct proc *p) { pthread_mutex_lock(&p->mu); }
static void unlock(struct proc *p) { pthread_mutex_unlock(&p->mu); }
static void poke(struct proc *p) { (void)!write(p->wake[1], "", 1); }

/* Wait until cond(p) holds or timeout_ms passed; called with p->mu held. */
static int wait_for(struct proc *p, int (*cond)(struct proc *), long timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (!cond(p))
        if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT)
            return cond(p);
    return 1;
}

static void reap(struct proc *p)
{
    int st;
    if (!p->exited && waitpid(p->pid, &st, WNOHANG) == p->pid) {
        p->exited = 1;
        p->status = st;
        p->exit_ms = now_ms(p->c);
    }
}

static void keep_out(struct proc *p, const char *b, size_t n)
{
    p->ototal += n;
    size_t room = p->ocap - p->olen;
    if (n > room)
        n = room;
    memcpy(p->obuf + p->olen, b, n);
    p->olen += n;
}

static void keep_err(struct proc *p, const char *b, size_t n)
{
    if (n > ERR_KEEP) {
        b += n - ERR_KEEP;
        n = ERR_KEEP;
    }
    if (p->elen + n > sizeof p->ebuf) {   /* keep the newest ERR_KEEP bytes */
        memmove(p->ebuf, p->ebuf + p->elen - ERR_KEEP, ERR_KEEP);
        p->elen = ERR_KEEP;
    }
    memcpy(p->ebuf + p->elen, b, n);
    p->elen += n;
}

/* Read what fd has into b and keep it; at its end (or an error) set *eof. */
static void drain(struct proc *p, int fd, char *b, size_t cap,
                  void (*keep)(struct proc *, const char *, size_t), int *eof)
{
    ssize_t k = read(fd, b, cap);
    if (k > 0)
        keep(p, b, (size_t)k);
    else if (k == 0 || errno != EINTR)
        *eof = 1;
}

static void *io_thread(void *arg)
{
    struct proc *p = arg;
    enum { CHUNK = 65536 };
    char *b = xmalloc(CHUNK);
    for (;;) {
        struct pollfd fds[5];
        int n = 0;
        int iout = -1;
        int ierr = -1;
        int iin = -1;
        lock(p);
        if (p->stop) {
            unlock(p);
            break;
        }
        if (!p->out_eof) {
            iout = n;
            fds[n++] = (struct pollfd){ .fd = p->out, .events = POLLIN };
        }
        if (!p->err_eof) {
            ierr = n;
            fds[n++] = (struct pollfd){ .fd = p->err, .events = POLLIN };
        }
        if (!p->exited && p->pidfd >= 0)
            fds[n++] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
        if (p->in >= 0 && (p->ilen > p->ioff || p->iclose)) {
            iin = n;
            fds[n++] = (struct pollfd){ .fd = p->in, .events = POLLOUT };
        }
        fds[n++] = (struct pollfd){ .fd = p->wake[0], .events = POLLIN };
        unlock(p);
        /* Without a pidfd, look for the exit every 10 ms. */
        int r = poll(fds, n, p->pidfd >= 0 ? -1 : 10);
        if (r < 0 && errno != EINTR)
            break;
        lock(p);
        if (iout >= 0 && fds[iout].revents)
            drain(p, p->out, b, CHUNK, keep_out, &p->out_eof);
        if (ierr >= 0 && fds[ierr].revents)
            drain(p, p->err, b, CHUNK, keep_err, &p->err_eof);
        if (iin >= 0 && fds[iin].revents) {
            if (p->ilen > p->ioff) {
                ssize_t k = write(p->in, p->ibuf + p->ioff, p->ilen - p->ioff);
                if (k > 0) {
                    p->ioff += (size_t)k;
                } else if (k < 0 && errno != EAGAIN && errno != EINTR) {
                    p->ioff = p->ilen;   /* it closed stdin: the rest is not wanted */
                    p->iclose = 1;
                }
            }
            if (p->ioff == p->ilen && p->iclose) {
                close(p->in);
                p->in = -1;
            }
        }
        if (fds[n - 1].revents) {
            char junk[64];
            (void)!read(p->wake[0], junk, sizeof junk);
        }
        reap(p);
        pthread_cond_broadcast(&p->cv);
        unlock(p);
    }
    free(b);
    return NULL;
}

static char *join_argv(const char *const *argv)
{
    char *s = str("%s", argv[0]);
    for (int i = 1; argv[i]; i++)
        s = str("%s %s", s, argv[i]);
    return s;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char b[65536];
    ssize_t n = -1;
    while (in >= 0 && out >= 0 && (n = read(in, b, sizeof b)) > 0)
        if (write(out, b, (size_t)n) != n) {
            n = -1;
            break;
        }
    int ok = in >= 0 && out >= 0 && n == 0;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return ok ? 0 : -1;
}

struct proc *prog_start(struct ctx *c, struct start s)
{
    struct proc *p = xcalloc(1, sizeof *p);
    p->c = c;
    p->name = join_argv(s.argv);
    p->ocap = s.stdout_cap ? s.stdout_cap : 65536;
    p->obuf = xmalloc(p->ocap);
    p->pidfd = -1;
    if (!s.nofile)
        s.nofile = 64;
    /* Under the runner's own directory, which it removes whatever happens. */
    p->dir = mkdtemp(str("%s/run.XXXXXX", scratch_base));
    p->side = mkdtemp(str("%s/side.XXXXXX", scratch_base));
    if (!p->dir || !p->side)
        skip(c, str("the checker cannot make a scratch directory in %s: %s", scratch_base,
                    strerror(errno)));
    const char *exe = s.static_build ? str("%s.static", c->exe) : c->exe;
    if (access(exe, X_OK) != 0)
        skip(c, str("no statically linked build %s (make builds one where the C library "
                    "allows it)", exe));
    if (s.as_nobody) {   /* the build tree may not be readable by nobody */
        char *copy = str("%s/%s", p->side, c->name);
        copy_file(exe, copy);
        exe = copy;
        chmod(p->side, 0755);
        if (chown(p->dir, nobody_uid(), nobody_uid()) != 0) { /* then it cannot write: fine */ }
    } else if (run_uid() && chown(p->dir, run_uid(), run_uid()) != 0) {
        /* then it cannot write in its directory: fine */
    }
    if (s.hosts) {
        write_file(str("%s/hosts", p->side), s.hosts);
        write_file(str("%s/nsswitch.conf", p->side), "hosts: files\n");
    }
    int pin[2], pout[2], perr[2];
    if (pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC) || pipe2(p->wake, O_CLOEXEC | O_NONBLOCK))
        skip(c, str("the checker cannot make a pipe: %s", strerror(errno)));
    if (s.stdin_pipe) {
        if (pipe2(pin, O_CLOEXEC))
            skip(c, str("the checker cannot make a pipe: %s", strerror(errno)));
    } else {
        pin[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        pin[1] = -1;
    }
    record(c, AT_PROG, "started: %s", p->name);
    p->pid = fork();
    if (p->pid < 0)
        skip(c, str("the checker cannot start the program: fork: %s", strerror(errno)));
    if (p->pid == 0)
        proc_exec(p, s, exe, pin[0], pout[1], perr[1]);
    setpgid(p->pid, p->pid);   /* also here, so a kill of the group never misses */
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    p->in = pin[1];
    if (p->in >= 0)
        fcntl(p->in, F_SETFL, O_NONBLOCK);
    p->out = pout[0];
    p->err = perr[0];
    p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_create(&p->thread, NULL, io_thread, p);
    if (c->nprocs < (int)(sizeof c->procs / sizeof c->procs[0]))
        c->procs[c->nprocs++] = p;
    return p;
}

struct proc *prog_started(struct ctx *c, int i)
{
    if (i < 0)
        i += c->nprocs;
    if (i < 0 || i >= c->nprocs)
        return NULL;
    return c->procs[i];
}

void prog_feed(struct proc *p, const void *buf, size_t n)
{
    lock(p);
    p->ibuf = xrealloc(p->ibuf, p->ilen + n + 1);
    memcpy(p->ibuf + p->ilen, buf, n);
    p->ilen += n;
    unlock(p);
    poke(p);
}

void prog_close_stdin(struct proc *p)
{
    lock(p);
    p->iclose = 1;
    unlock(p);
    poke(p);
}

struct proc *prog_start_stdin(struct ctx *c, struct start s, const void *in, size_t n)
{
    s.stdin_pipe = 1;
    struct proc *p = prog_start(c, s);
    prog_feed(p, in, n);
    prog_close_stdin(p);
    return p;
}

static int has_exited(struct proc *p) { return p->exited; }
static int drained(struct proc *p) { return p->out_eof && p->err_eof; }
static int exited_and_drained(struct proc *p) { return p->exited && p->err_eof; }

/* Wait at most ms for a program that is ending to exit and close stderr. */
static void settle(struct proc *p, long ms)
{
    if (p->stop)
        return;
    lock(p);
    reap(p);
    wait_for(p, exited_and_drained, ms);
    unlock(p);
}
static int has_line(struct proc *p)
{
    /* Not "exited": its last output may still be in the pipe. */
    return memchr(p->obuf + p->ocursor, '\n', p->olen - p->ocursor) || p->out_eof;
}

int prog_wait_exit(struct proc *p, long timeout_ms)
{
    lock(p);
    p->exit_awaited = 1;
    int done = wait_for(p, has_exited, timeout_ms);
    /* Let the last output arrive; a daemon child may keep the pipes open. */
    if (done)
        wait_for(p, drained, 200);
    unlock(p);
    return done;
}

/* Whether it has exited, its wait status and when, as known now. */
struct proc_end {
    int exited;
    int status;
    long ms;
};

static struct proc_end end_of(struct proc *p)
{
    lock(p);
    reap(p);
    struct proc_end e = { .exited = p->exited, .status = p->status, .ms = p->exit_ms };
    unlock(p);
    return e;
}

int prog_running(struct proc *p) { return !end_of(p).exited; }

long prog_exit_ms(struct proc *p)
{
    struct proc_end e = end_of(p);
    return e.exited ? e.ms : -1;
}

int prog_status(struct proc *p)
{
    struct proc_end e = end_of(p);
    return e.exited ? e.status : -1;
}

void prog_signal(struct ctx *c, struct proc *p, int sig)
{
    record(c, AT_PROG, "the checker sends %s", sigabbrev_np(sig) ? str("SIG%s", sigabbrev_np(sig)) : "a signal");
    p->exit_awaited = 1;
    kill(p->pid, sig);
}

void prog_set_nofile(struct proc *p, long n)
{
    struct rlimit r = { (rlim_t)n, (rlim_t)n };
    prlimit(p->pid, RLIMIT_NOFILE, &r, NULL);
}

const char *prog_stdout(struct proc *p, size_t *len, size_t *total)
{
    lock(p);
    *len = p->olen;
    if (total)
        *total = p->ototal;
    unlock(p);
    return p->obuf;
}

const char *prog_stderr(struct proc *p, size_t *len)
{
    lock(p);
    *len = p->elen;
    unlock(p);
    return p->ebuf;
}

/* The next stdout line, or NULL with *why set. */
char *next_line(struct proc *p, long timeout_ms, const char **why)
{
    lock(p);
    wait_for(p, has_line, timeout_ms);
    char *start = p->obuf + p->ocursor, *nl = memchr(start, '\n', p->olen - p->ocursor);
    char *line = NULL;
    if (nl) {
        line = xstrndup(start, (size_t)(nl - start));
        p->ocursor += (size_t)(nl - start) + 1;
    } else if (p->olen > p->ocursor) {
        *why = str("it printed %s without a newline", escaped(start, p->olen - p->ocursor, 80));
    } else {
        *why = p->exited || p->out_eof ? "it printed nothing on stdout" : NULL;
    }
    unlock(p);
    return line;
}

char *proc_ending(struct proc *p)
{
    lock(p);
    reap(p);
    char *s;
    if (!p->exited)
        s = str("%s: still running at %ld ms", p->name, now_ms(p->c));
    else if (WIFEXITED(p->status))
        s = str("%s: exited with code %d at %ld ms", p->name, WEXITSTATUS(p->status), p->exit_ms);
    else
        s = str("%s: killed by signal %d (SIG%s: %s) at %ld ms", p->name, WTERMSIG(p->status),
                sigabbrev_np(WTERMSIG(p->status)) ? sigabbrev_np(WTERMSIG(p->status)) : "?",
                strsignal(WTERMSIG(p->status)), p->exit_ms);
    unlock(p);
    return s;
}

char *ending_hint(struct proc *p)
{
    if (p->exited && WIFSIGNALED(p->status)) {
        int sig = WTERMSIG(p->status);
        if (sig == SIGPIPE)
            return "SIGPIPE killed it: it wrote to a connection the peer had closed. "
                   "Ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL, "
                   "then handle the EPIPE error.";
        if (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT)
            return "It crashed. Build it with -fsanitize=address,undefined and run it by hand "
                   "to see where.";
        if (sig == SIGXCPU)
            return "It used the whole CPU time limit: a busy loop?";
    }
    return NULL;
}

/* Stop one program: SIGTERM, at most a second, then SIGKILL to its group. */
static void stop(struct proc *p)
{
    lock(p);
    reap(p);
    if (!p->exited) {
        kill(p->pid, SIGTERM);
        wait_for(p, has_exited, 1000);
    }
    unlock(p);
    kill(-p->pid, SIGKILL);   /* whatever it started in its group */
    lock(p);
    if (!p->exited)
        wait_for(p, has_exited, 1000);
    p->stop = 1;
    unlock(p);
    poke(p);
    pthread_join(p->thread, NULL);
    if (!p->exited && waitpid(p->pid, &p->status, 0) == p->pid)
        p->exited = 1;
    rm_tree(p->dir);
    rm_tree(p->side);
}

/*
 * The test's process is a child subreaper: a daemon the program left
 * behind (double fork, setsid) becomes our child, and dies here.
 */
static void kill_orphans(void)
{
    int round = 0;
    while (round < 5 && kill_children(1))   /* one may fork while it dies */
        round++;
}

void stop_all(struct ctx *c)
{
    /* A server that died before the end failed even if every byte was right. */
    for (int i = 0; i < c->nprocs && c->r.status == PASSED && !c->r.observed; i++) {
        struct proc *p = c->procs[i];
        if (p->server && !p->stop && !p->exit_awaited && !prog_running(p)) {
            c->r.expected = "the server to keep running until the checker stops it";
            c->r.server_died = 1;
            c->r.cause = str("the server %s", proc_ending(p) + strlen(p->name) + 2);
            c->r.observed = proc_ending(p);
            c->r.hint = ending_hint(p) ? ending_hint(p) : (char *)c->test->hint;
            c->r.see = (char *)c->test->see;
            c->r.status = FAILED;
        }
    }
    /* A failure often comes a moment before its cause is visible: the
     * program that reset the connection is still exiting, its last words
     * still in the pipe.  Give it a short, bounded moment to finish, so
     * that the report says how it really ended and what it printed. */
    if (c->r.status == FAILED)
        for (int i = 0; i < c->nprocs; i++)
            settle(c->procs[i], 150);
    /* A server that exited on its own during a failed test: that exit is
     * the first thing to fix, whatever the test's own hint says. */
    for (int i = 0; i < c->nprocs && c->r.status == FAILED; i++) {
        struct proc *p = c->procs[i];
        if (p->server && !p->stop && !p->exit_awaited && !prog_running(p) && !ending_hint(p)
            && !c->r.server_died) {
            const char *how = proc_ending(p) + strlen(p->name) + 2;
            c->r.cause = str("the server %s", how);
            c->r.hint = str("The server %s, in the middle of this test: that comes first (its "
                            "stderr above says why; a server runs until it is killed). %s",
                            how, c->r.hint ? c->r.hint : "");
        }
    }
    char *ended = NULL, *err = NULL;
    for (int i = 0; i < c->nprocs; i++) {
        struct proc *p = c->procs[i];
        char *how = proc_ending(p);
        ended = ended ? str("%s\n%s", ended, how) : how;
        size_t n;
        const char *e = prog_stderr(p, &n);
        if (n)
            err = err ? str("%s\n%.*s", err, (int)n, e) : str("%.*s", (int)n, e);
    }
    for (int i = 0; i < c->nprocs; i++)
        if (!c->procs[i]->stop)
            stop(c->procs[i]);
    c->r.ended = ended;
    c->r.err = err;
    kill_orphans();
}

void prog_stop(struct ctx *c, struct proc *p)
{
    record(c, AT_PROG, "the checker stops it (SIGTERM, then SIGKILL after 1 s)");
    stop(p);
    record(c, AT_PROG, "%s", proc_ending(p) + strlen(p->name) + 2);
}

void proc_kill_all(struct ctx *c)
{
    for (int i = 0; i < c->nprocs; i++)
        kill(-c->procs[i]->pid, SIGKILL);
}

/* Fields 3 (state) and 5 (process group) of a /proc/.../stat file. */
static int stat_of(const char *path, char *state, long *pgrp)
{
    char b[512];
    ssize_t n = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, b, sizeof b - 1);
        close(fd);
    }
    if (n <= 0)
        return -1;
    b[n] = 0;
    char *paren = strrchr(b, ')');
    if (!paren || sscanf(paren + 1, " %c %*d %ld", state, pgrp) != 2)
        return -1;
    return 0;
}

/* The state letter of /proc/PID/stat ('T' when stopped), 0 if unknown. */
static char proc_state(pid_t pid)
{
    char st = 0;
    long pgrp;
    if (stat_of(str("/proc/%d/stat", (int)pid), &st, &pgrp) != 0)
        return 0;
    return st;
}

void prog_freeze(struct ctx *c, struct proc *p)
{
    record(c, AT_PROG, "the checker stops it (SIGSTOP): it accepts and sends nothing now");
    kill(-p->pid, SIGSTOP);
    for (int i = 0; i < 200; i++) {
        char st = proc_state(p->pid);
        if (!st || st == 'T' || st == 't' || st == 'Z' || st == 'X')
            break;
        pause_ms(5);
    }
}

void prog_thaw(struct ctx *c, struct proc *p)
{
    record(c, AT_PROG, "the checker lets it go on (SIGCONT)");
    kill(-p->pid, SIGCONT);
}

/* Walking a program's processes: how deep, and whether a thread was seen. */
struct walk {
    int depth, found;
};

/* Nonzero when a thread of process pid, or of a process below it, runs or
 * could.  Walks the tree (shared.c's for_each_child), not all of /proc:
 * under make test hundreds of processes run, and this is sampled often. */
static int awake_below(long pid, void *arg)
{
    struct walk *w = arg;
    char path[96];
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    DIR *t = opendir(path);
    struct dirent *te;
    int awake = 0;
    while (t && !awake && (te = readdir(t))) {
        char st;
        long g;
        snprintf(path, sizeof path, "/proc/%ld/task/%.32s/stat", pid, te->d_name);
        if (te->d_name[0] == '.' || stat_of(path, &st, &g) != 0)
            continue;
        w->found = 1;
        awake = st != 'S' && st != 'D' && st != 'Z' && st != 'X';
    }
    if (t)
        closedir(t);
    if (awake || w->depth >= 8)
        return awake;
    w->depth++;
    awake = for_each_child(pid, awake_below, w);
    w->depth--;
    return awake;
}

int prog_asleep(struct proc *p)
{
    struct walk w = { 0 };
    int awake = awake_below((long)p->pid, &w);
    return w.found && !awake;
}

void prog_wait_idle(struct proc *p, long ms)
{
    long end = mono_ms() + ms;
    int calm = 0;
    while (calm < 2 && prog_running(p) && mono_ms() < end) {
        calm = prog_asleep(p) ? calm + 1 : 0;
        pause_ms(2);
    }
}
