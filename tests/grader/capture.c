/*
 * capture.c - run a command, keep the start of what it prints, and stop it
 * when it runs too long or prints too much.  A compiler fed a hostile file
 * can print hundreds of megabytes of diagnostics: we keep the first few
 * KiB, and kill it past a ceiling rather than drain it for minutes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "grader.h"

static void kill_group(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* Wait for pid until the deadline; then kill it and wait for good. */
static int wait_until(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid) return 0;
        if (r < 0 && errno != EINTR) return -1;
        if (mono_s() >= deadline) break;
        usleep(5000);
    }
    kill_group(pid);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 1;
}

int run_capture(char *const argv[], char *const envp[], void (*setup)(void *), void *arg,
                size_t keep, size_t kill_after, double wall_s, struct capture *out)
{
    memset(out, 0, sizeof *out);
    out->buf = xcalloc(1, keep + 1);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);   /* one kill reaches whatever it starts */
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(127);
        if (setup)
            setup(arg);
        execve(argv[0], argv, envp);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(p[1]);
    double deadline = mono_s() + wall_s;
    char chunk[65536];
    for (;;) {
        int ms = (int)((deadline - mono_s()) * 1000);
        if (ms <= 0) { out->timed_out = 1; break; }
        struct pollfd fd = { p[0], POLLIN, 0 };
        int r = poll(&fd, 1, ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (r == 0) { out->timed_out = 1; break; }
        ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t room = keep - out->len, take = (size_t)n < room ? (size_t)n : room;
        memcpy(out->buf + out->len, chunk, take);
        out->len += take;
        out->total += (size_t)n;
        if (kill_after && out->total > kill_after) { out->overflow = 1; break; }
    }
    close(p[0]);
    if (out->timed_out || out->overflow)
        kill_group(pid);
    /* The pipe closed: the command ends now, or is stopped at the deadline. */
    if (wait_until(pid, out->timed_out || out->overflow ? mono_s() + 1 : deadline,
                   &out->status) == 1)
        out->timed_out = 1;
    kill_group(pid);   /* anything it left in its group */
    out->buf[out->len] = 0;
    return 0;
}
