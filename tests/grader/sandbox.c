/*
 * sandbox.c - one sandbox per graded program.
 *
 *   grader
 *     └ leader: setsid (nothing a submission signals reaches the grader),
 *       │       unshare the pid, network, mount, IPC and UTS namespaces
 *       └ init (pid 1 of the new pid namespace): loopback up, private
 *               root, then compile and check (runbox.c).
 *
 * When init exits, the kernel kills everything left in its pid namespace:
 * daemons that double-forked and called setsid, programs that respawn on
 * SIGTERM, stopped ones.  From outside, the grader enforces the wall-clock
 * limit by killing the leader's process group, which holds init; both die
 * with the grader too (PR_SET_PDEATHSIG).  Where a namespace is missing,
 * the fallbacks are a child subreaper and killing by uid, and the grader
 * says which protection was missing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "grader.h"
#include "sandbox.h"

void box_report(int fd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
    (void)write_all(fd, buf, (size_t)n);
}

static _Noreturn void setup_failed(const struct box *b, const char *step, const char *what)
{
    box_report(b->report_fd, "%cS %s %s\n", REPORT_TRAILER, step, what);
    _exit(3);
}

/* A new network namespace has only lo, and it is down. */
static int lo_up(char *err, size_t n)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    int ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &r) == 0;
    r.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ok && ioctl(fd, SIOCSIFFLAGS, &r) == 0;
    if (!ok) snprintf(err, n, "cannot bring the loopback interface up: %s", strerror(errno));
    if (fd >= 0) close(fd);
    return ok ? 0 : -1;
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int ok = fd >= 0 && write_all(fd, text, strlen(text)) == 0;
    if (fd >= 0) close(fd);
    return ok ? 0 : -1;
}

/* In a fresh user namespace, be `inner` for the kernel's `outer` ids. */
static int map_ids(unsigned uid, unsigned gid, unsigned outer_uid, unsigned outer_gid)
{
    char line[64];
    if (write_text("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) return -1;
    snprintf(line, sizeof line, "%u %u 1\n", uid, outer_uid);
    if (write_text("/proc/self/uid_map", line) != 0) return -1;
    snprintf(line, sizeof line, "%u %u 1\n", gid, outer_gid);
    return write_text("/proc/self/gid_map", line);
}

/* Kill the processes of one uid: as that uid, kill(-1) reaches no other. */
static void kill_uid(uid_t uid)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) == 0 && setgid(uid) == 0 && setuid(uid) == 0 && getuid() != 0)
            kill(-1, SIGKILL);
        _exit(0);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

void sandbox_kill_rest(const struct box *b)
{
    /* pid 1 is the init of our own pid namespace: kill(-1) reaches exactly
     * the processes of this sandbox.  Never call it anywhere else. */
    if (getpid() == 1)
        kill(-1, SIGKILL);
    else {
        if (b->caps->root && b->uid) kill_uid(b->uid);
        if (b->caps->root && b->nobody) kill_uid(b->nobody);
        kill_children(0);   /* as a subreaper, orphans come back to us */
    }
    double deadline = mono_s() + 2;
    for (;;) {   /* reap them, without ever blocking for good */
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r > 0) continue;
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 || mono_s() > deadline) break;
        if (getpid() != 1 && kill_children(0)) continue;
        usleep(2000);
    }
}

static _Noreturn void run_init(const struct box *b)
{
    const struct caps *k = b->caps;
    char err[512];
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_NAME, "grader-init");
    if (!k->pidns)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (k->netns && lo_up(err, sizeof err) != 0)
        setup_failed(b, "lo", err);
    if (k->newroot && make_root(b, k->pidns, err, sizeof err) != 0)
        setup_failed(b, "root", err);
    if (k->userns) {
        /* Give up our root of the user namespace: the checker then runs as
         * a plain user, as it would from `make check`. */
        if (unshare(CLONE_NEWUSER) != 0 || map_ids(k->real_uid, k->real_gid, 0, 0) != 0)
            setup_failed(b, "userns", "cannot drop root in a nested user namespace");
    }
    /* Not dumpable: a submission running as our uid (no root) still cannot
     * read our memory or open our report pipe through /proc.  (Only now: a
     * process that is not dumpable cannot write its own uid_map.) */
    prctl(PR_SET_DUMPABLE, 0);
    if (b->probe) {
        box_report(b->report_fd, "%cP ok\n", REPORT_TRAILER);
        _exit(0);
    }
    struct inside in;
    char *scratch = NULL;
    if (k->newroot) {
        in = (struct inside){ "/job", xasprintf("/checker/check-%s", b->lesson), "/tmp" };
    } else {
        scratch = xasprintf("%s/scratch", b->rootdir);
        in = (struct inside){ b->jobdir, b->checker, scratch };
    }
    int st = box_main(b, &in);
    sandbox_kill_rest(b);
    _exit(st);
}

pid_t sandbox_spawn(const struct box *b)
{
    pid_t grader = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* The leader. */
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != grader)   /* the grader died before the line above */
        _exit(1);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Only the report pipe and 0-2 (pointed at /dev/null) stay open. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        _exit(3);
    if (b->report_fd > 3) syscall(SYS_close_range, 3U, (unsigned)b->report_fd - 1, 0U);
    if (syscall(SYS_close_range, (unsigned)b->report_fd + 1, ~0U, 0U) != 0)
        for (int fd = b->report_fd + 1; fd < 4096; fd++) close(fd);
    const struct caps *k = b->caps;
    if (k->cgroup && cgroup_enter(b->slot) != 0)
        setup_failed(b, "cgroup", "cannot join the slot's cgroup");
    unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
    if (k->userns && (unshare(CLONE_NEWUSER) != 0 || map_ids(0, 0, uid, gid) != 0))
        setup_failed(b, "userns", strerror(errno));
    int flags = (k->pidns ? CLONE_NEWPID : 0) | (k->netns ? CLONE_NEWNET : 0) |
                (k->mountns ? CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS : 0);
    if (flags && unshare(flags) != 0) {
        const char *step = k->pidns && errno == EINVAL ? "pidns" : "unshare";
        char why[256];
        snprintf(why, sizeof why, "unshare(pid=%d net=%d mount=%d): %s", k->pidns, k->netns,
                 k->mountns, strerror(errno));
        setup_failed(b, step, why);
    }
    if (!k->pidns)
        run_init(b);   /* no pid namespace: the leader does the work itself */
    pid_t init = fork();
    if (init < 0)
        setup_failed(b, "fork", strerror(errno));
    if (init == 0)
        run_init(b);
    close(b->report_fd);
    int st;
    while (waitpid(init, &st, 0) < 0)
        if (errno != EINTR) _exit(3);
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 3);
}

void sandbox_kill(pid_t leader)
{
    /* The leader's process group holds init (which never changes group);
     * init's death takes the whole pid namespace with it. */
    kill(-leader, SIGKILL);
    kill(leader, SIGKILL);
}
