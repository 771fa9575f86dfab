/*
 * catalog.c - which lessons and programs exist, and what their tests are.
 *
 * The lesson checkers are the authority: build/checkers/check-<lesson>
 * exists for every lesson, and `check-<lesson> --list PROGRAM` names the
 * tests of a program (and fails for a name the lesson does not have).
 * So the grader needs no list of its own, and grades lessons added later.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "capture.h"
#include "grader.h"

static struct prog_info *known;

/* Names the unknown (lesson, program) pairs we already asked about. */
struct miss { char *key, *why; struct miss *next; };
static struct miss *misses;

struct prog_info *catalog_all(void) { return known; }

/* Lesson directories are "NN-name"; programs are plain C identifiers-ish.
 * Anything else (dots, spaces, quotes) cannot be a lesson or program. */
static int good_name(const char *s, int lesson)
{
    if (lesson && !(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == '-'))
        return 0;
    if (!*s || strlen(s) > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static struct prog_info *ask_checker(const char *checker, const char *lesson,
                                     const char *program, char **why)
{
    char *argv[] = { (char *)checker, "--list", (char *)program, NULL };
    char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
    struct capture cap;
    if (run_capture(argv, envp, NULL, NULL, 1 << 20, 0, 10, &cap) != 0) {
        *why = xasprintf("could not run %s", checker);
        return NULL;
    }
    if (cap.timed_out || !WIFEXITED(cap.status) || WEXITSTATUS(cap.status) != 0 || !cap.len) {
        if (WIFEXITED(cap.status) && WEXITSTATUS(cap.status) == 2)
            *why = xasprintf("lesson %s has no program named '%s'", lesson, program);
        else
            *why = xasprintf("%s --list %s failed (rebuild the checkers with make)", checker, program);
        free(cap.buf);
        return NULL;
    }
    struct prog_info *p = xcalloc(1, sizeof *p);
    p->lesson = xstrdup(lesson);
    p->name = xstrdup(program);
    p->checker = xstrdup(checker);
    for (char *line = strtok(cap.buf, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (tab) *tab = 0;
        p->tests = xrealloc(p->tests, (size_t)(p->ntests + 1) * sizeof *p->tests);
        p->tests[p->ntests++] = (struct test_info){ xstrdup(line), xstrdup(tab ? tab + 1 : "") };
    }
    free(cap.buf);
    p->passed_by = xcalloc((size_t)p->ntests, sizeof *p->passed_by);
    return p;
}

struct prog_info *catalog_find(const struct config *cfg, const char *lesson,
                               const char *program, char **why)
{
    for (struct prog_info *p = known; p; p = p->next)
        if (!strcmp(p->lesson, lesson) && !strcmp(p->name, program))
            return p;
    char *key = xasprintf("%s/%s", lesson, program);
    for (struct miss *m = misses; m; m = m->next)
        if (!strcmp(m->key, key)) {
            free(key);
            *why = m->why;
            return NULL;
        }
    struct prog_info *p = NULL;
    char *checker = xasprintf("%s/check-%s", cfg->checkers, lesson);
    if (!good_name(lesson, 1))
        *why = xasprintf("'%s' is not a lesson directory name (like 03-accept)", lesson);
    else if (!good_name(program, 0))
        *why = xasprintf("'%s' is not a program name of lesson %s", program, lesson);
    else if (access(checker, X_OK) != 0)
        *why = xasprintf("no lesson named %s (no checker %s; build the checkers with make)",
                         lesson, checker);
    else
        p = ask_checker(checker, lesson, program, why);
    free(checker);
    if (!p) {
        struct miss *m = xcalloc(1, sizeof *m);
        *m = (struct miss){ key, *why, misses };
        misses = m;
        return NULL;
    }
    free(key);
    /* Keep the catalog sorted by lesson, then program: the summary's order. */
    struct prog_info **at = &known;
    while (*at && (strcmp((*at)->lesson, lesson) < 0 ||
                   (!strcmp((*at)->lesson, lesson) && strcmp((*at)->name, program) < 0)))
        at = &(*at)->next;
    p->next = *at;
    *at = p;
    return p;
}
