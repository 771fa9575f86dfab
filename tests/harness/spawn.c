/*
 * spawn.c - start the program under test as contract rule 7 says: only
 * fds 0-2 open, an empty scratch directory, TZ=UTC, LC_ALL=C, its own
 * process group, resource limits; for some tests a private /etc/hosts, an
 * address family taken away, or an unprivileged uid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "internal.h"

void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); }
}

/* In the child: a private /etc/hosts seen only by the program (a mount
 * namespace; without root, in a user namespace of its own: stage.c). */
static void private_hosts(struct proc *p)
{
    char *hosts = str("%s/hosts", p->side), *nss = str("%s/nsswitch.conf", p->side);
    if (private_hosts_files(hosts, nss) != 0) {
        fprintf(stderr, "checker: private hosts file: %s\n", strerror(errno));
        _exit(127);
    }
}

/* In the child: socket(family, ...) fails with EAFNOSUPPORT from now on. */
static void no_family(int family)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)family, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { sizeof f / sizeof f[0], f };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        fprintf(stderr, "checker: cannot take away address family %d (seccomp): %s\n",
                family, strerror(errno));
        _exit(127);
    }
}

/* CHECK_RUN_UID: the grader's unprivileged uid for the program; 0 if unset. */
uid_t run_uid(void)
{
    const char *u = getenv("CHECK_RUN_UID");
    return u && geteuid() == 0 && !stage_in_userns() ? (uid_t)strtoul(u, NULL, 10) : 0;
}

/* CHECK_NOBODY_UID: the grader's "nobody" for this slot (RLIMIT_NPROC counts
 * per uid, so parallel checks must not share one); 65534 if unset. */
uid_t nobody_uid(void)
{
    const char *u = getenv("CHECK_NOBODY_UID");
    return u && *u ? (uid_t)strtoul(u, NULL, 10) : 65534;
}

_Noreturn void proc_exec(struct proc *p, struct start s, const char *exe, int in, int out,
                         int err)
{
    setpgid(0, 0);
    /* Ignored signals survive exec: give the program the defaults. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (s.hosts)
        private_hosts(p);
    struct rlimit cpu = { 20, 20 }, core = { 0, 0 }, fsize = { 64 << 20, 64 << 20 };
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_CORE, &core);
    setrlimit(RLIMIT_FSIZE, &fsize);
    if (s.stdout_closed) {   /* a pipe whose reader is gone: writes get EPIPE */
        int gone[2];
        if (pipe(gone) != 0)
            _exit(127);
        close(gone[0]);
        out = gone[1];
    }
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || chdir(p->dir) != 0)
        _exit(127);
    /* The grader names an unprivileged uid for untrusted programs; root
     * ignores RLIMIT_NPROC, so the limit only holds after setuid. */
    uid_t uid = s.as_nobody && !stage_in_userns() ? nobody_uid() : run_uid();
    if (uid) {
        struct rlimit nproc = { 64, 64 }, as = { 2UL << 30, 2UL << 30 };
        setrlimit(RLIMIT_NPROC, &nproc);
        if (!s.as_nobody)
            setrlimit(RLIMIT_AS, &as);
        if (setgroups(0, NULL) != 0 || setgid(uid) != 0 || setuid(uid) != 0)
            _exit(127);
    }
    /* Only fds 0-2 stay open (rule 7). */
    if (syscall(SYS_close_range, 3U, ~0U, 0) != 0)
        for (int fd = 3; fd < 4096; fd++)
            close(fd);
    /* nofile_soft: a soft limit below the hard one (lesson 10 raises it). */
    struct rlimit nofile = { (rlim_t)(s.nofile_soft ? s.nofile_soft : s.nofile), (rlim_t)s.nofile };
    setrlimit(RLIMIT_NOFILE, &nofile);
    char *env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "TZ=UTC", "LC_ALL=C",
                    str("HOME=%s", p->dir), NULL };
    if (s.no_family)
        no_family(s.no_family);
    drop_privilege();
    execve(exe, (char *const *)s.argv, env);
    fprintf(stderr, "checker: cannot run %s: %s\n", exe, strerror(errno));
    _exit(127);
}

