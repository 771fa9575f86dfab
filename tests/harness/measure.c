/*
 * measure.c - measuring the program under test from /proc: the CPU time it
 * has used, its threads, its children and its resident memory.  A check
 * samples these while it drives the program (e.g. "one thread and no
 * children at every moment of the load", "RSS at most 64 MiB with 10,000
 * idle clients", "at most 50 ms of CPU over an idle second"), and how
 * long it waited for a CPU (a machine too busy to judge it).
 */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fields of /proc/PID/stat after the command name "(...)", which may
 * itself hold spaces and parentheses: we start after its last ')'.  The
 * text from field 3 (state) on goes to buf; 0, or -1 if it cannot be read. */
static int stat_fields(pid_t pid, char *buf, size_t cap)
{
    char path[64], raw[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(raw, 1, sizeof raw - 1, f);
    fclose(f);
    raw[n] = '\0';
    char *close = strrchr(raw, ')');
    if (!close || close[1] != ' ')
        return -1;
    snprintf(buf, cap, "%s", close + 2);
    return 0;
}

long prog_cpu_ms(struct proc *p)
{
    char buf[1024];
    if (stat_fields(p->pid, buf, sizeof buf) != 0)
        return -1;
    /* Field 3 is the state; utime and stime are fields 14 and 15 (clock
     * ticks), and they count every thread of the process. */
    unsigned long long utime = 0, stime = 0;
    char *tok = strtok(buf, " ");
    for (int field = 3; tok; field++, tok = strtok(NULL, " ")) {
        if (field == 14)
            utime = strtoull(tok, NULL, 10);
        if (field == 15) {
            stime = strtoull(tok, NULL, 10);
            break;
        }
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    return (long)((utime + stime) * 1000ULL / (unsigned long long)hz);
}

/* How many entries /proc/PID/what has (its threads, its descriptors); -1
 * when it cannot be read. */
static int entries(struct proc *p, const char *what)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)p->pid, what);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int prog_threads(struct proc *p)
{
    return entries(p, "task");
}

int prog_children(struct proc *p)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char buf[1024];
        if (stat_fields((pid_t)atol(e->d_name), buf, sizeof buf) != 0)
            continue;
        /* Field 3 is the state, field 4 the parent's pid. */
        char state;
        long ppid;
        if (sscanf(buf, "%c %ld", &state, &ppid) == 2 && ppid == (long)p->pid && state != 'X')
            n++;
    }
    closedir(d);
    return n;
}

long prog_rss_kib(struct proc *p)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)p->pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

int prog_fds(struct proc *p)
{
    return entries(p, "fd");
}

int prog_sched(struct proc *p, struct sched *s)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%ld/task", (long)p->pid);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    /* /proc/PID/task/TID/schedstat: ns on a CPU, ns waiting on a run
     * queue, time slices.  Summed over the threads. */
    unsigned long long run = 0, wait = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char path[384];
        snprintf(path, sizeof path, "%.63s/%.255s/schedstat", dir, e->d_name);
        FILE *f = fopen(path, "r");
        unsigned long long r, w;
        if (f && fscanf(f, "%llu %llu", &r, &w) == 2) {
            run += r;
            wait += w;
        }
        if (f)
            fclose(f);
    }
    closedir(d);
    s->run_ms = (long)(run / 1000000);
    s->wait_ms = (long)(wait / 1000000);
    return 0;
}

struct busy prog_watch_idle(struct proc *p, long ms)
{
    struct busy b = { .cpu_ms = -1 };
    long before = prog_cpu_ms(p);
    long end = mono_ms() + ms;
    while (mono_ms() < end && prog_running(p)) {
        b.samples++;
        b.runnable += !prog_asleep(p);
        pause_ms(10);
    }
    long after = prog_cpu_ms(p);
    if (before >= 0 && after >= 0)
        b.cpu_ms = after - before;
    return b;
}

int busy_spinning(const struct busy *b, long cpu_limit_ms)
{
    return b->cpu_ms > cpu_limit_ms || (b->samples >= 10 && b->runnable * 2 > b->samples);
}
