/*
 * watch.c - run a command, then run it again every time a .c file in DIR
 * changes: the student's edit-check loop.
 *
 *   watch [--max-runs N] [--timeout S] DIR COMMAND [ARG...]
 *
 * It waits with inotify where the kernel offers it and falls back to
 * looking at the files' modification times twice a second where it does
 * not (some network and container filesystems send no events).
 * --max-runs and --timeout bound a run, for tests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A fingerprint of DIR's .c files: names, sizes and modification times. */
static unsigned long fingerprint(const char *dir)
{
    unsigned long h = 5381;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        for (const char *s = e->d_name; *s; s++)
            h = h * 33 + (unsigned char)*s;
        h = h * 33 + (unsigned long)st.st_size;
        h = h * 33 + (unsigned long)st.st_mtim.tv_sec * 1000000000UL + (unsigned long)st.st_mtim.tv_nsec;
    }
    if (d)
        closedir(d);
    return h;
}

static int run(char **cmd)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("watch: fork");
        return -1;
    }
    if (pid == 0) {
        execvp(cmd[0], cmd);
        fprintf(stderr, "watch: %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/* Wait until DIR changes or the deadline passes; 1 if it changed. */
static int wait_change(const char *dir, int ino, unsigned long *print, long deadline)
{
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { ino, POLLIN, 0 };
        int ms = ino >= 0 ? (int)(left < 60000 ? left : 60000) : (left < 500 ? (int)left : 500);
        if (ino >= 0 && poll(&p, 1, ms) > 0) {
            char buf[4096];
            (void)!read(ino, buf, sizeof buf);
            /* An editor writes in several steps: let them settle. */
            poll(NULL, 0, 100);
            while (poll(&p, 1, 0) > 0 && read(ino, buf, sizeof buf) > 0)
                ;
        } else if (ino < 0) {
            poll(NULL, 0, ms);
        }
        unsigned long now = fingerprint(dir);
        if (now != *print) {
            *print = now;
            return 1;
        }
    }
}

int main(int argc, char **argv)
{
    long max_runs = -1, timeout_s = -1;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--max-runs")) max_runs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout")) timeout_s = atol(argv[i + 1]);
        else break;
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: watch [--max-runs N] [--timeout S] DIR COMMAND [ARG...]\n");
        return 2;
    }
    const char *dir = argv[i];
    char **cmd = argv + i + 1;
    long deadline = timeout_s >= 0 ? now_ms() + timeout_s * 1000 : now_ms() + 365L * 86400000L;
    int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino >= 0 && inotify_add_watch(ino, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                                 IN_DELETE | IN_MODIFY) < 0) {
        close(ino);
        ino = -1;
    }
    if (ino < 0)
        fprintf(stderr, "watch: no file events here (%s); looking for changes twice a second\n",
                strerror(errno));
    unsigned long print = fingerprint(dir);
    for (long runs = 0; max_runs < 0 || runs < max_runs; runs++) {
        if (runs > 0 && !wait_change(dir, ino, &print, deadline))
            break;
        run(cmd);
        printf("\nwatch: waiting for a change in %s/*.c (Ctrl-C to stop)\n", dir);
        fflush(stdout);
    }
    return 0;
}
