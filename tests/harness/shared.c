/* shared.c - what the checker and the grader share (see shared.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shared.h"

static const char *const words[] = { "pass", "fail", "skip" };

const char *verdict_word(enum verdict v)
{
    return words[v];
}

int verdict_parse(const char *word)
{
    for (int i = 0; word && i < (int)(sizeof words / sizeof words[0]); i++)
        if (!strcmp(word, words[i]))
            return i;
    return -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);   /* a file, or a directory emptied before (FTW_DEPTH) */
    return 0;
}

void rm_tree(const char *path)
{
    /* FTW_PHYS: a symbolic link is removed, never followed; FTW_MOUNT: a
     * mount left behind by accident is not descended into. */
    if (path)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

int for_each_child(long pid, int (*fn)(long child, void *arg), void *arg)
{
    char path[96];
    if (pid)
        snprintf(path, sizeof path, "/proc/%ld/task", pid);
    else
        snprintf(path, sizeof path, "/proc/self/task");
    DIR *d = opendir(path);
    struct dirent *t;
    int r = 0;
    while (d && !r && (t = readdir(d))) {
        if (t->d_name[0] == '.')
            continue;
        char file[160];
        snprintf(file, sizeof file, "%s/%.32s/children", path, t->d_name);
        FILE *f = fopen(file, "re");
        long child;
        while (f && !r && fscanf(f, "%ld", &child) == 1)
            r = fn(child, arg);
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return r;
}

struct kill_count {
    int reap, found;
};

static int kill_one(long pid, void *arg)
{
    struct kill_count *k = arg;
    kill((pid_t)pid, SIGKILL);
    if (k->reap)
        waitpid((pid_t)pid, NULL, 0);
    k->found++;
    return 0;
}

int kill_children(int reap)
{
    struct kill_count k = { .reap = reap };
    for_each_child(0, kill_one, &k);
    return k.found;
}
