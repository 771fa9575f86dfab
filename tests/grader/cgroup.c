/*
 * cgroup.c - a memory and process-count ceiling for each sandbox as a whole.
 *
 * Limits per process (RLIMIT_AS 2 GiB, RLIMIT_NPROC 64) still let a
 * submission fork 60 children that each take 2 GiB: more than a machine
 * has.  A control group per parallel slot caps the sandbox's total memory
 * (tmpfs included) and its number of tasks; the kernel's OOM killer then
 * picks the hog inside the group, never a process outside it.  cgroup v1
 * (memory and pids hierarchies) and v2 (when our group already delegates
 * the memory and pids controllers) are both used where present; without
 * them the grader says so and relies on the per-process limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "grader.h"

enum { MAX_SLOTS = 64 };

static char *mem_base, *pids_base;     /* the groups we create ours in */
static int v2;                         /* one directory holds both limits */
static char *slot_mem[MAX_SLOTS], *slot_pids[MAX_SLOTS];

static int put(const char *dir, const char *file, const char *value)
{
    char *path = xasprintf("%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int ok = fd >= 0 && write_all(fd, value, strlen(value)) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    free(path);
    return ok ? 0 : -1;
}

/* Our group for a v1 controller (or v2 when ctrl is NULL), as a directory. */
static char *own_group(const char *ctrl)
{
    char *path = NULL, line[4096];
    FILE *f = fopen("/proc/self/cgroup", "re");
    while (f && !path && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        const char *list = c1 + 1;
        int match = ctrl ? 0 : !strcmp(line, "0") && !*list;
        for (char *t = ctrl ? strtok((char *)list, ",") : NULL; t && !match; t = strtok(NULL, ","))
            match = !strcmp(t, ctrl);
        if (match) path = xstrdup(c2 + 1);
    }
    if (f) fclose(f);
    if (!path) return NULL;
    /* Where that hierarchy is mounted: mountinfo's root and mount point. */
    char *dir = NULL;
    f = fopen("/proc/self/mountinfo", "re");
    while (f && !dir && fgets(line, sizeof line, f)) {
        char root[1024], point[1024], type[64], opts[1024];
        char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %1023s %1023s", root, point) != 2 ||
            sscanf(sep + 3, "%63s %*s %1023s", type, opts) != 2)
            continue;
        int is = ctrl ? !strcmp(type, "cgroup") && (strstr(opts, ctrl) != NULL)
                      : !strcmp(type, "cgroup2");
        size_t rl = strlen(root);
        if (!is || (strcmp(root, "/") && strncmp(path, root, rl))) continue;
        dir = xasprintf("%s%s", point, strcmp(root, "/") ? path + rl : path);
    }
    if (f) fclose(f);
    free(path);
    return dir;
}

static char *make_group(const char *base, int slot)
{
    char *dir = xasprintf("%s/grader-%d-%d", base, (int)getpid(), slot);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* Create a group per slot with the limits; 0 when every slot has them. */
int cgroup_setup(int slots, long mem_mib, char *why, size_t n)
{
    char mem[32];
    snprintf(mem, sizeof mem, "%ld", mem_mib << 20);
    if (slots > MAX_SLOTS) slots = MAX_SLOTS;
    if ((mem_base = own_group("memory")) && (pids_base = own_group("pids"))) {
        v2 = 0;
    } else if ((mem_base = own_group(NULL))) {
        char *ctl = xasprintf("%s/cgroup.subtree_control", mem_base);
        char *sub = read_file(ctl, 4096, NULL);
        free(ctl);
        if (!sub || !strstr(sub, "memory") || !strstr(sub, "pids")) {
            snprintf(why, n, "cgroup v2 without the memory and pids controllers delegated to %s",
                     mem_base);
            free(sub);
            return -1;
        }
        free(sub);
        v2 = 1;
        pids_base = mem_base;
    } else {
        snprintf(why, n, "no memory cgroup found in /proc/self/cgroup");
        return -1;
    }
    for (int k = 0; k < slots; k++) {
        slot_mem[k] = make_group(mem_base, k);
        slot_pids[k] = v2 ? slot_mem[k] : make_group(pids_base, k);
        int ok = slot_mem[k] && slot_pids[k] &&
                 put(slot_mem[k], v2 ? "memory.max" : "memory.limit_in_bytes", mem) == 0 &&
                 put(slot_pids[k], "pids.max", "1024") == 0;
        if (ok && v2) put(slot_mem[k], "memory.swap.max", "0");
        if (ok && !v2) put(slot_mem[k], "memory.memsw.limit_in_bytes", mem);   /* if swap is counted */
        if (!ok) {
            snprintf(why, n, "cannot create a limited group in %s: %s", mem_base, strerror(errno));
            cgroup_remove();
            return -1;
        }
    }
    return 0;
}

/* In a sandbox's leader, before it starts anything: join the slot's group. */
int cgroup_enter(int slot)
{
    if (slot < 0 || slot >= MAX_SLOTS || !slot_mem[slot]) return 0;
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    if (put(slot_mem[slot], "cgroup.procs", pid) != 0) return -1;
    return v2 ? 0 : put(slot_pids[slot], "cgroup.procs", pid);
}

void cgroup_remove(void)
{
    for (int k = 0; k < MAX_SLOTS; k++) {
        /* The sandboxes are gone; a group may take a moment to empty. */
        for (int tries = 0; tries < 50; tries++) {
            int busy = (slot_mem[k] && rmdir(slot_mem[k]) != 0 && errno == EBUSY) ||
                       (!v2 && slot_pids[k] && rmdir(slot_pids[k]) != 0 && errno == EBUSY);
            if (!busy) break;
            usleep(20000);
        }
        free(slot_mem[k]);
        if (!v2) free(slot_pids[k]);
        slot_mem[k] = slot_pids[k] = NULL;
    }
}
