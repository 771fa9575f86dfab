/*
 * feedback.c - one program's report for a person, line for line what the
 * student sees from `make check` (check-one.sh and the checker's human
 * format, without colour), so the grade and the student's own run agree.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "grader.h"

/* Lines of text, each with a prefix, at most max lines. */
static void quoted(FILE *f, const char *text, int max, const char *prefix)
{
    char *cut = first_lines(text, max, 300);
    for (char *s = cut; *s;) {
        char *nl = strchrnul(s, '\n');
        fprintf(f, "%s%.*s\n", prefix, (int)(nl - s), s);
        s = *nl ? nl + 1 : nl;
    }
    free(cut);
}

void feedback_program(FILE *f, const struct job *j)
{
    const struct prog_info *p = j->prog;
    switch (j->outcome) {
    case O_REFUSED:
        fprintf(f, "%s/%s: FAIL, %s\n", p->lesson, p->name, j->problem);
        return;
    case O_COMPILE_ERROR:
        fprintf(f, "%s/%s: FAIL, it does not compile: %s\n", p->lesson, p->name, j->compile_cmd);
        quoted(f, j->compile_log, 40, "  | ");
        fprintf(f, "  Fix the first error first: later ones often follow from it.\n");
        return;
    case O_PENDING:
        fprintf(f, "%s/%s: NOT GRADED (grading was interrupted)\n", p->lesson, p->name);
        return;
    case O_BROKEN:
        fprintf(f, "%s/%s: NOT GRADED, %s\n", p->lesson, p->name, j->problem);
        return;
    case O_GRADED:
        break;
    }
    if (j->warnings) {
        fprintf(f, "%s/%s: compiled with warnings (read them: they often point at the bug):\n",
                p->lesson, p->name);
        quoted(f, j->compile_log, 20, "  | ");
    }
    fprintf(f, "%s/%s: %d tests\n", p->lesson, p->name, p->ntests);
    int skipped = 0;
    int failed = 0;
    int alike = 0;
    for (int i = 0; i < p->ntests; i++) {
        const struct test_result *r = &j->results[i];
        const char *tag = r->status == T_PASS ? "PASS" : r->status == T_FAIL ? "FAIL" : "SKIP";
        failed += r->status == T_FAIL;
        if (r->status == T_FAIL && r->same_as) {
            /* One diagnosis per cause, as make check shows it. */
            fprintf(f, "  %s  %-24s the same symptom as %s: %s\n", tag, p->tests[i].name, r->same_as,
                    r->symptom);
            alike++;
            continue;
        }
        fprintf(f, "  %s  %-24s %s\n", tag, p->tests[i].name,
                r->status == T_SKIP ? (r->observed ? r->observed : "") : p->tests[i].what);
        if (r->status == T_FAIL) {
            const char *t = r->text ? r->text : "";
            /* The checker's text is already indented; ours (no verdict) is not. */
            if (*t == ' ') fputs(t, f);
            else fprintf(f, "        %-14s%s\n", "Observed:", t);
            if (*t && t[strlen(t) - 1] != '\n') fputc('\n', f);
            fputc('\n', f);
        }
        skipped += r->status == T_SKIP;
    }
    if (alike)
        fprintf(f, "%d of the %d failures show the same symptom as a failure shown in full above: "
                   "fix that one first, then check again (VERBOSE=1 shows every failure in full).\n",
                alike, failed);
    fprintf(f, "%s: %d of %d tests passed", p->name, j->passed, job_total(j));
    if (skipped) fprintf(f, " (%d skipped, not counted: the machine cannot stage them)", skipped);
    fputc('\n', f);
    if (j->problem)
        fprintf(f, "  Note: %s\n", j->problem);
}
