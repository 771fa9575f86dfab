/*
 * probe.c - which protections this machine allows.
 *
 * Before grading, one trial sandbox is set up exactly as the real ones
 * (user namespace if not root, pid/net/mount namespaces, loopback, new
 * root).  A step that fails is dropped and the trial repeated, and each
 * dropped protection becomes a sentence for summary.md and the terminal:
 * the grader grades anyway, and says what was missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "grader.h"
#include "sandbox.h"

void caps_missing(struct caps *k, const char *what)
{
    size_t n = strlen(k->missing);
    snprintf(k->missing + n, sizeof k->missing - n, "- %s\n", what);
}

/* One trial; returns NULL when all of it worked, else the report line. */
static char *trial(const struct config *cfg, struct caps *k)
{
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl < 0) return xstrdup("S probe cannot find the grader's own binary");
    self[sl] = 0;
    char *dir = xasprintf("%s/probe", cfg->workdir), *job = xasprintf("%s/job", dir);
    char *root = xasprintf("%s/root", dir);
    rm_tree(dir);
    if (mkdir_p(job, 0755) != 0 || mkdir(root, 0755) != 0)
        die("cannot create %s: %s", dir, strerror(errno));
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
    struct box b = { cfg, k, job, root, self, "probe", "probe", 0, 0, p[1], -1, 1 };
    pid_t leader = sandbox_spawn(&b);
    close(p[1]);
    char buf[2048];
    size_t len = 0;
    double deadline = mono_s() + 10;
    for (;;) {
        struct pollfd fd = { p[0], POLLIN, 0 };
        int ms = (int)((deadline - mono_s()) * 1000);
        if (ms <= 0 || poll(&fd, 1, ms) <= 0) break;
        ssize_t r = read(p[0], buf + len, sizeof buf - 1 - len);
        if (r <= 0) break;
        len += (size_t)r;
        if (len == sizeof buf - 1) break;
    }
    buf[len] = 0;
    close(p[0]);
    sandbox_kill(leader);
    while (waitpid(leader, NULL, 0) < 0 && errno == EINTR)
        ;
    rm_tree(dir);
    free(dir); free(job); free(root);
    if (len >= 2 && buf[0] == REPORT_TRAILER && buf[1] == 'P')
        return NULL;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    return xstrdup(len > 1 ? buf + 1 : "S probe the trial sandbox reported nothing");
}

void sandbox_probe(const struct config *cfg, struct caps *k)
{
    memset(k, 0, sizeof *k);
    k->root = geteuid() == 0;
    k->real_uid = (unsigned)getuid();
    k->real_gid = (unsigned)getgid();
    k->userns = !k->root;
    k->pidns = k->netns = k->mountns = k->newroot = 1;
    if (cfg->no_namespaces) {
        k->userns = k->pidns = k->netns = k->mountns = k->newroot = 0;
        caps_missing(k, "namespaces (turned off with GRADER_NO_NAMESPACES): no pid, network or "
                   "mount namespace per program");
    }
    for (int attempt = 0; attempt < 8 && (k->pidns || k->netns || k->mountns); attempt++) {
        char *r = trial(cfg, k), step[32] = "", *why = r ? r : "";
        if (!r) break;
        int off = 0;
        sscanf(r, "S %31s %n", step, &off);
        why = r + off;
        if (!strcmp(step, "userns")) {
            k->userns = k->pidns = k->netns = k->mountns = k->newroot = 0;
            caps_missing(k, xasprintf("namespaces: the grader is not root and cannot create a user "
                                 "namespace (%s); no pid, network or mount namespace per program",
                                 why));
        } else if (!strcmp(step, "lo")) {
            k->netns = 0;
            caps_missing(k, xasprintf("a private network per program (%s)", why));
        } else if (!strcmp(step, "root")) {
            k->newroot = 0;
            caps_missing(k, xasprintf("a private root file system per program (%s)", why));
        } else if (!strcmp(step, "pidns") || !strcmp(step, "fork")) {
            k->pidns = 0;
            caps_missing(k, xasprintf("a pid namespace per program (%s)", why));
        } else if (k->netns) {   /* unshare failed: drop one namespace at a time */
            k->netns = 0;
            caps_missing(k, xasprintf("a private network per program (%s)", why));
        } else if (k->pidns) {
            k->pidns = 0;
            caps_missing(k, xasprintf("a pid namespace per program (%s)", why));
        } else {
            k->mountns = k->newroot = 0;
            caps_missing(k, xasprintf("a mount namespace per program (%s)", why));
        }
        free(r);
    }
    if (!k->mountns) k->newroot = 0;
    /* What each missing piece means for the grades, said once. */
    if (!k->root)
        caps_missing(k, "a separate unprivileged uid per program: the grader is not root, so "
                   "submissions run as your own user (a hostile one could disturb the checker "
                   "or read your files); the checks that once needed root stage their private "
                   "hosts file and low ports in user namespaces. Run the grader as root for "
                   "full protection");
    if (!k->pidns)
        caps_missing(k, "without a pid namespace, processes a submission leaves behind are found "
                   "as orphans (child subreaper) and by uid instead");
    if (!k->netns)
        caps_missing(k, "without network namespaces, parallel checks share the machine's loopback: "
                   "ports can collide; consider J=1");
    if (!k->newroot)
        caps_missing(k, "without a private root, the compiler and the programs can read any file "
                   "the grader's user can, including solutions/ and other submissions");
}
