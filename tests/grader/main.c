/*
 * main.c - the instructor's grader:
 *
 *   grader [-j N] [--checkers DIR] [--cc CC] [--time-limit S] [--uid-base UID]
 *          SUBMISSIONS OUT
 *
 * Grades SUBMISSIONS/<student>/<lesson>/<program>.c with the lessons'
 * checkers, each program compiled and checked in a sandbox of its own,
 * and writes OUT/grades.csv, OUT/<student>/results.json and feedback.txt,
 * OUT/summary.md, OUT/report.html and OUT/similarity.html (report.h).
 * --similarity-only writes only the last, grading nothing.  Exit 0 when grading ran (whatever the grades), 1 when
 * there was nothing to grade, 2 when it could not run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "grader.h"
#include "report.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: grader [-j N] [--checkers DIR] [--cc CC] [--time-limit SECONDS] "
            "[--memory MiB] [--uid-base UID] SUBMISSIONS OUT\n"
            "       grader --probe    (which sandbox protections this machine allows)\n"
            "       grader [--checkers DIR] --similarity-only SUBMISSIONS OUT  (only OUT/similarity.html)\n"
            "  SUBMISSIONS/<student>/<lesson>/<program>.c, e.g. class/alice/03-accept/greeter.c\n"
            "  OUT receives grades.csv, summary.md and <student>/{results.json,feedback.txt}\n"
            "  (from the workbook: make grade SUBMISSIONS=DIR OUT=DIR [J=N])\n");
    return EXIT_CANNOT_RUN;
}

/* The compiler as a path, so it runs in the sandbox without PATH lookups
 * or /etc/alternatives (Debian's cc is a link through it). */
static char *find_cc(const char *cc)
{
    if (!cc || !*cc || strchr(cc, ' ')) cc = "cc";
    char real[PATH_MAX];
    if (strchr(cc, '/'))
        return realpath(cc, real) ? xstrdup(real) : NULL;
    const char *path = getenv("PATH");
    char *dirs = xstrdup(path && *path ? path : "/usr/bin:/bin");
    char *found = NULL;
    for (char *d = strtok(dirs, ":"); d && !found; d = strtok(NULL, ":")) {
        char *p = xasprintf("%s/%s", *d ? d : ".", cc);
        if (access(p, X_OK) == 0 && realpath(p, real)) found = xstrdup(real);
        free(p);
    }
    free(dirs);
    return found;
}

static long number(const char *s, long lo, long hi, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        die("%s must be a number from %ld to %ld, not '%s'", what, lo, hi, s);
    return v;
}

/* Processes of the sandbox uids before we start: another grader running? */
static void check_uids_free(const struct config *cfg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int busy = 0;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char *path = xasprintf("/proc/%s", e->d_name);
        struct stat st;
        if (stat(path, &st) == 0) {
            unsigned u = (unsigned)st.st_uid;
            busy += (u >= cfg->uid_base && u < cfg->uid_base + (unsigned)cfg->jobs) ||
                    (u >= cfg->uid_base + 1000 && u < cfg->uid_base + 1000 + (unsigned)cfg->jobs);
        }
        free(path);
    }
    if (d) closedir(d);
    if (busy)
        fprintf(stderr, "grader: warning: %d processes already run as the sandbox uids %u-%u "
                        "(another grader?). Their process counts would mix with ours: pass "
                        "--uid-base with other uids.\n", busy, cfg->uid_base,
                cfg->uid_base + 1000 + (unsigned)cfg->jobs - 1);
}

static char *workdir;
static pid_t main_pid;

/* Whatever way we leave (die() included), the scratch directory goes. */
static void remove_workdir(void)
{
    if (getpid() != main_pid) return;
    if (workdir) rm_tree(workdir);
    cgroup_remove();
}

/* The memory of one sandbox: a share of the machine, between 512 MiB and 2 GiB. */
static long default_memory(int jobs)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    long mib = pages > 0 && size > 0 ? (long)((double)pages * (double)size / (1 << 20)) / (jobs + 1)
                                     : 2048;
    return mib < 512 ? 512 : mib > 2048 ? 2048 : mib;
}

/* Memory and task ceilings per sandbox, where cgroups allow them. */
static void limit_sandboxes(struct config *cfg, struct caps *caps)
{
    char why[512];
    if (!cfg->memory_mib) cfg->memory_mib = default_memory(cfg->jobs);
    if (cgroup_setup(cfg->jobs, cfg->memory_mib, why, sizeof why) == 0) {
        caps->cgroup = 1;
        return;
    }
    caps_missing(caps, xasprintf("a memory ceiling per program (cgroups: %s): each process is "
                                 "still limited (2 GiB of address space, 64 processes per uid), but "
                                 "a program that forks many memory-hungry processes could use up "
                                 "the machine's memory", why));
}

static void make_workdir(struct config *cfg)
{
    const char *tmp = getenv("TMPDIR");
    char real[PATH_MAX];
    if (!tmp || !*tmp || !realpath(tmp, real)) strcpy(real, "/tmp");
    char *tmpl = xasprintf("%s/grader.XXXXXX", real);
    if (!(cfg->workdir = mkdtemp(tmpl)))
        die("cannot create a scratch directory %s: %s", tmpl, strerror(errno));
    /* Searchable, not listable: without namespaces a sandbox needs the path
     * to its own job, and no more. */
    chmod(cfg->workdir, 0711);
    workdir = cfg->workdir;
    main_pid = getpid();
    atexit(remove_workdir);
}

/* --probe: which protections this machine allows; exit 0 if all of them. */
static int probe(struct config *cfg)
{
    struct caps caps;
    make_workdir(cfg);
    sandbox_probe(cfg, &caps);
    limit_sandboxes(cfg, &caps);
    printf("pidns=%d netns=%d mountns=%d newroot=%d root=%d userns=%d cgroup=%d\n", caps.pidns,
           caps.netns, caps.mountns, caps.newroot, caps.root, caps.userns, caps.cgroup);
    if (caps.missing[0])
        printf("missing protections:\n%s", caps.missing);
    else
        printf("every protection is available\n");
    return caps.missing[0] ? EXIT_NOTHING : EXIT_GRADED;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Throughput, for the instructor planning a run (and for make bench-grade). */
static void print_stats(const struct class *cl, double took)
{
    double *t = xcalloc((size_t)cl->njobs, sizeof *t);
    int n = 0;
    for (int i = 0; i < cl->njobs; i++)
        if (cl->jobs[i]->seconds > 0) t[n++] = cl->jobs[i]->seconds;
    if (n) {
        qsort(t, (size_t)n, sizeof *t, by_value);
        fflush(stdout);   /* after the summary on stdout, not in the middle of it */
        fprintf(stderr, "grader: %d program(s) in %.1f s: %.2f programs/s; one program's sandbox "
                        "took %.2f s (median), %.2f s (max)\n", n, took, took > 0 ? n / took : 0,
                t[n / 2], t[n - 1]);
    }
    free(t);
}

int main(int argc, char **argv)
{
    struct config cfg = { .checkers = "build/checkers", .time_limit = 60, .uid_base = 61000 };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* Checks mostly wait (the contracts' timeouts): twice the CPUs keeps the
     * machine busy without starving the timing tests (see make bench-grade). */
    cfg.jobs = cpus > 0 ? (int)(2 * cpus < 64 ? 2 * cpus : 64) : 4;
    const char *cc = getenv("CC");
    int i, probe_only = 0, similarity_only = 0;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--")) { i++; break; }
        if (!strcmp(a, "--probe")) { probe_only = 1; continue; }
        if (!strcmp(a, "--similarity-only")) { similarity_only = 1; continue; }
        if (!v) return usage();
        if (!strcmp(a, "-j")) cfg.jobs = (int)number(v, 1, 64, "-j");
        else if (!strcmp(a, "--checkers")) cfg.checkers = v;
        else if (!strcmp(a, "--cc")) cc = v;
        else if (!strcmp(a, "--time-limit")) cfg.time_limit = (int)number(v, 5, 3600, "--time-limit");
        else if (!strcmp(a, "--memory")) cfg.memory_mib = number(v, 256, 1 << 20, "--memory (MiB)");
        else if (!strcmp(a, "--uid-base")) cfg.uid_base = (unsigned)number(v, 1000, 4000000000L, "--uid-base");
        else return usage();
        i++;
    }
    const char *nons = getenv("GRADER_NO_NAMESPACES");
    cfg.no_namespaces = nons && *nons && strcmp(nons, "0");
    if (probe_only)
        return argc == i ? probe(&cfg) : usage();
    if (argc - i != 2) return usage();
    cfg.submissions = argv[i];
    cfg.out = argv[i + 1];
    if (!*cfg.submissions)
        die("SUBMISSIONS is empty: make grade SUBMISSIONS=DIR OUT=DIR, where DIR holds "
            "<student>/<lesson>/<program>.c");
    cfg.progress_tty = isatty(2);

    struct stat st;
    char creal[PATH_MAX];
    if (stat(cfg.checkers, &st) != 0 || !S_ISDIR(st.st_mode) || !realpath(cfg.checkers, creal))
        die("no checkers in %s: build them first (make)", cfg.checkers);
    cfg.checkers = xstrdup(creal);   /* sandboxes run it from elsewhere */
    char sreal[PATH_MAX], oreal[PATH_MAX];
    if (realpath(cfg.submissions, sreal) && realpath(cfg.out, oreal) && !strcmp(sreal, oreal))
        die("OUT must not be the SUBMISSIONS directory itself (%s)", cfg.out);
    if (!(cfg.cc = find_cc(cc)))
        die("cannot find the C compiler '%s' (set CC or pass --cc PATH)", cc ? cc : "cc");

    struct class cl = { 0 };
    char *err = NULL;
    if (scan_class(&cfg, &cl, &err) != 0)
        die("%s", err);
    if (similarity_only)   /* no grading: compare the submissions, write similarity.html */
        return similarity_only_main(&cfg, &cl);

    catch_stop_signals();   /* from here on, an interrupt cleans up after us */
    make_workdir(&cfg);

    struct caps caps = { 0 };
    if (cl.njobs) {   /* with nothing to grade, only the feedback about ignored files */
        sandbox_probe(&cfg, &caps);
        limit_sandboxes(&cfg, &caps);
    }
    if (grader_stopped()) {
        fprintf(stderr, "grader: interrupted before grading began\n");
        return EXIT_INTERRUPTED;
    }
    if (caps.missing[0])
        fprintf(stderr, "grader: sandbox protections missing on this machine (grading anyway):\n%s",
                caps.missing);
    if (caps.root) check_uids_free(&cfg);
    if (cl.njobs)
        fprintf(stderr, "grader: %d programs from %d students, %d at a time\n", cl.njobs,
                cl.nstudents, cfg.jobs);

    double t0 = mono_s();
    run_all(&cfg, &caps, &cl);
    if (grader_stopped()) {
        fprintf(stderr, "grader: interrupted: every sandbox was stopped, no grades were written\n");
        return EXIT_INTERRUPTED;
    }
    double took = mono_s() - t0;
    int r = write_outputs(&cfg, &caps, &cl, took);
    print_stats(&cl, took);
    reports_print_paths();   /* the last lines: where to look next */
    if (r != 0)
        return EXIT_CANNOT_RUN;
    int broken = 0;
    for (int k = 0; k < cl.njobs; k++)
        broken += cl.jobs[k]->outcome == O_BROKEN;
    if (broken) {
        fprintf(stderr, "grader: %d program%s could NOT be graded because of a problem of this "
                        "machine (see \"NOT GRADED\" in %s/summary.md); their rows say 0 passed. "
                        "Fix it and grade again.\n", broken, broken == 1 ? "" : "s", cfg.out);
        return EXIT_NOT_GRADED;
    }
    if (!cl.njobs) {
        fprintf(stderr, "grader: nothing to grade: no file in %s is <student>/<lesson>/<program>.c "
                        "of a known lesson (each student's feedback.txt lists what was ignored)\n",
                cfg.submissions);
        return EXIT_NOTHING;
    }
    return EXIT_GRADED;
}
