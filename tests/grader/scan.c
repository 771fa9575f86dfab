/*
 * scan.c - the class: SUBMISSIONS/<student>/<lesson>/<program>.c.
 *
 * Submissions come from students, so nothing here trusts them: symbolic
 * links are never followed (a link to /etc/shadow must not end up in a
 * feedback file), only regular files are read, names are only used as
 * directory entries, and anything that is not a known lesson's program is
 * listed as ignored, with the reason, rather than guessed at.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "grader.h"

enum { MAX_IGNORED = 50 };   /* per student: enough to see the mistake */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of a directory (without . and ..), sorted; NULL on error. */
static char **list_dir(int dirfd, const char *name, int *n)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    char **names = xcalloc(1, sizeof *names);   /* not NULL, even when empty */
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            append(&names, n, xstrdup(e->d_name));
    closedir(d);
    if (*n)
        qsort(names, (size_t)*n, sizeof *names, by_name);
    return names;
}

static void ignore(struct student *s, int *dropped, char *what)
{
    if (s->nignored < MAX_IGNORED) append(&s->ignored, &s->nignored, what);
    else { (*dropped)++; free(what); }
}

static const char *kind_of(const struct stat *st)
{
    return S_ISLNK(st->st_mode) ? "a symbolic link (not followed)"
         : S_ISDIR(st->st_mode) ? "a directory"
         : S_ISREG(st->st_mode) ? "a file" : "not a regular file";
}

static void add_job(struct class *cl, struct student *s, struct prog_info *p,
                    const char *path, const char *lesson, const char *file, const struct stat *st)
{
    struct job *j = xcalloc(1, sizeof *j);
    j->prog = p;
    j->src = xstrdup(path);
    j->rel = xasprintf("%s/%s", lesson, file);
    j->outcome = O_PENDING;
    if (st->st_size > MAX_SOURCE) {
        j->outcome = O_REFUSED;
        j->problem = xasprintf("%s is too large: %lld bytes, over the %d KiB limit for one "
                               "program; it was not compiled", j->rel,
                               (long long)st->st_size, MAX_SOURCE >> 10);
    }
    s->jobs = xrealloc(s->jobs, (size_t)(s->njobs + 1) * sizeof *s->jobs);
    s->jobs[s->njobs++] = j;
    cl->jobs = xrealloc(cl->jobs, (size_t)(cl->njobs + 1) * sizeof *cl->jobs);
    cl->jobs[cl->njobs++] = j;
}

static void scan_lesson(const struct config *cfg, struct class *cl, struct student *s,
                        int sdir, const char *lesson, int *dropped)
{
    int n;
    char **files = list_dir(sdir, lesson, &n);
    int ldir = openat(sdir, lesson, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (!files || ldir < 0) {
        ignore(s, dropped, xasprintf("%s/: cannot be read (%s)", lesson, strerror(errno)));
        if (ldir >= 0) close(ldir);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *f = files[i];
        struct stat st;
        size_t len = strlen(f);
        char *why = NULL;
        if (fstatat(ldir, f, &st, AT_SYMLINK_NOFOLLOW) != 0)
            ignore(s, dropped, xasprintf("%s/%s: %s", lesson, f, strerror(errno)));
        else if (len < 3 || strcmp(f + len - 2, ".c"))
            ignore(s, dropped, xasprintf("%s/%s: not a .c file", lesson, f));
        else if (!S_ISREG(st.st_mode))
            ignore(s, dropped, xasprintf("%s/%s: %s", lesson, f, kind_of(&st)));
        else {
            char *program = xstrdup(f);
            program[len - 2] = 0;
            struct prog_info *p = catalog_find(cfg, lesson, program, &why);
            if (p) {
                char *path = xasprintf("%s/%s/%s/%s", cfg->submissions, s->name, lesson, f);
                add_job(cl, s, p, path, lesson, f, &st);
                free(path);
            } else {
                ignore(s, dropped, xasprintf("%s/%s: %s", lesson, f, why));
            }
            free(program);
        }
        free(files[i]);
    }
    free(files);
    close(ldir);
}

int scan_class(const struct config *cfg, struct class *cl, char **err)
{
    struct stat st;
    if (stat(cfg->submissions, &st) != 0) {
        *err = xasprintf("the submissions directory %s: %s", cfg->submissions, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        *err = xasprintf("%s is not a directory (SUBMISSIONS must be a directory holding "
                         "<student>/<lesson>/<program>.c)", cfg->submissions);
        return -1;
    }
    int n;
    char **names = list_dir(AT_FDCWD, cfg->submissions, &n);
    int top = open(cfg->submissions, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!names || top < 0) {
        *err = xasprintf("cannot read %s: %s", cfg->submissions, strerror(errno));
        return -1;
    }
    char outreal[PATH_MAX] = "";
    if (!realpath(cfg->out, outreal)) outreal[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i];
        char *path = xasprintf("%s/%s", cfg->submissions, name), real[PATH_MAX];
        if (fstatat(top, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            append(&cl->ignored, &cl->nignored, xasprintf("%s: %s", name, strerror(errno)));
        } else if (!S_ISDIR(st.st_mode)) {
            append(&cl->ignored, &cl->nignored,
                   xasprintf("%s: not a student directory (%s)", name, kind_of(&st)));
        } else if (name[0] == '.') {
            append(&cl->ignored, &cl->nignored, xasprintf("%s: a hidden directory", name));
        } else if (*outreal && realpath(path, real) && !strcmp(real, outreal)) {
            append(&cl->ignored, &cl->nignored, xasprintf("%s: the output directory", name));
        } else {
            cl->students = xrealloc(cl->students, (size_t)(cl->nstudents + 1) * sizeof *cl->students);
            struct student *s = &cl->students[cl->nstudents++];
            memset(s, 0, sizeof *s);
            s->name = xstrdup(name);
        }
        free(path);
    }
    /* Jobs point at students: fill them once the array no longer moves. */
    for (int i = 0; i < cl->nstudents; i++) {
        struct student *s = &cl->students[i];
        int m, dropped = 0;
        char **lessons = list_dir(top, s->name, &m);
        int sdir = openat(top, s->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (!lessons || sdir < 0) {
            append(&s->ignored, &s->nignored, xasprintf("the whole directory: cannot be read (%s)",
                                                        strerror(errno)));
        } else {
            for (int k = 0; k < m; k++) {
                if (fstatat(sdir, lessons[k], &st, AT_SYMLINK_NOFOLLOW) != 0)
                    ignore(s, &dropped, xasprintf("%s: %s", lessons[k], strerror(errno)));
                else if (!S_ISDIR(st.st_mode))
                    ignore(s, &dropped, xasprintf("%s: %s outside any lesson directory "
                                                  "(expected <lesson>/<program>.c)",
                                                  lessons[k], kind_of(&st)));
                else
                    scan_lesson(cfg, cl, s, sdir, lessons[k], &dropped);
                free(lessons[k]);
            }
        }
        if (dropped)
            append(&s->ignored, &s->nignored, xasprintf("... and %d more", dropped));
        for (int k = 0; k < s->njobs; k++)
            s->jobs[k]->st = s;
        free(lessons);
        if (sdir >= 0) close(sdir);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    close(top);
    if (!cl->nstudents) {
        *err = xasprintf("%s holds no student directory: expected %s/<student>/<lesson>/<program>.c",
                         cfg->submissions, cfg->submissions);
        return -1;
    }
    return 0;
}
