/*
 * collect.c - turn a sandbox's report (see runbox.c) into a job's results.
 *
 * Every test the checker lists for the program gets a verdict: the
 * checker's, or "failed" with the reason it has none (the time limit, the
 * checker stopped).  So a submission that makes its checks hang or crash
 * can never end up with fewer tests, let alone more points.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "grader.h"
#include "json.h"
#include "sandbox.h"

/* The record "\001X fields\n" at *p, if it is one; advances *p past it. */
static int record(const char **p, const char *end, char tag, char *line, size_t n)
{
    if (end - *p < 3 || (*p)[0] != REPORT_TRAILER || (*p)[1] != tag) return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl) return 0;
    size_t len = (size_t)(nl - (*p + 2));
    if (len >= n) len = n - 1;
    memcpy(line, *p + 2, len);
    line[len] = 0;
    *p = nl + 1;
    return 1;
}

static char *compile_failure(int exit_code, int sig, int timed_out, int overflow, size_t total)
{
    if (timed_out)
        return xasprintf("the compiler was stopped after %d s (a compile-time bomb?)", COMPILE_WALL_S);
    if (overflow)
        return xasprintf("the compiler was stopped: it printed more than %d MiB of diagnostics "
                         "(%zu bytes so far)", COMPILE_OUTPUT_MAX >> 20, total);
    if (sig)
        return xasprintf("the compiler was killed by signal %d, %s (limits: %d s of CPU, 1 GiB of "
                         "memory)", sig, strsignal(sig), COMPILE_CPU_S);
    if (exit_code > 0)
        return NULL;   /* an ordinary compile error: its messages say it all */
    return xstrdup("the compiler could not be run");
}

int job_total(const struct job *j)
{
    int n = 0;
    for (int i = 0; i < j->prog->ntests; i++)
        n += !j->results || j->results[i].status != T_SKIP;
    return n;
}

static void set_all_failed(struct job *j, const char *why)
{
    j->results = xcalloc((size_t)j->prog->ntests, sizeof *j->results);
    for (int i = 0; i < j->prog->ntests; i++)
        j->results[i] = (struct test_result){ .status = T_FAIL, .text = xstrdup(why) };
    j->passed = 0;
}

/* The verdict word the checker wrote (shared.h); *ok 0 when there is none. */
static enum tstatus status_of(const char *s, int *ok)
{
    int v = verdict_parse(s);
    *ok = v >= 0;
    if (v < 0)
        return T_FAIL;
    return (enum tstatus)v;
}

static void read_checks(struct job *j, const char *json, size_t n, const char *why_missing)
{
    int complete;
    struct jval *v = json_parse(json, n, &complete);
    const struct jval *tests = json_get(v, "tests");
    j->results = xcalloc((size_t)j->prog->ntests, sizeof *j->results);
    j->passed = 0;
    int missing = 0;
    for (int i = 0; i < j->prog->ntests; i++) {
        const struct jval *t = NULL;
        for (size_t k = 0; tests && tests->t == J_ARR && k < tests->n && !t; k++) {
            const char *name = json_str(tests->items[k], "name");
            if (name && !strcmp(name, j->prog->tests[i].name)) t = tests->items[k];
        }
        int ok = 0;
        enum tstatus st = t ? status_of(json_str(t, "status"), &ok) : T_FAIL;
        struct test_result *r = &j->results[i];
        if (!ok) {   /* no verdict (or half of one): it did not finish */
            *r = (struct test_result){ .status = T_FAIL, .text = xstrdup(why_missing) };
            missing++;
            continue;
        }
        r->status = st;
        if (st == T_SKIP) r->observed = xstrdup(json_str(t, "observed"));
        if (st == T_FAIL) {
            const char *text = json_str(t, "text"), *obs = json_str(t, "observed");
            r->text = text ? xstrdup(text) : xasprintf("        Observed:     %s\n", obs ? obs : "?");
            const char *like = json_str(t, "same_symptom_as");
            if (like) {
                r->same_as = xstrdup(like);
                r->symptom = xstrdup(json_str(t, "symptom") ? json_str(t, "symptom") : "");
            }
        }
        if (st == T_PASS) j->passed++;
    }
    if (missing)
        j->problem = xasprintf("%d of %d tests have no verdict: %s", missing, j->prog->ntests,
                               why_missing);
    json_free(v);
}

/* Did the checker at least begin its JSON report? */
static int json_has_report(const char *json, size_t n)
{
    return memmem(json, n, "\"tests\"", 7) != NULL;
}

void collect_job(struct job *j, const char *buf, size_t len, int timed_out, int limit_s)
{
    const char *p = buf, *end = buf + len;
    char line[1100];
    int ok, code, sig, to, ov;
    size_t total, loglen;
    j->compile_cmd = xasprintf("cc -std=gnu11 -Wall -Wextra -O1 -g %s.c -o %s", j->prog->name,
                               j->prog->name);
    if (record(&p, end, 'S', line, sizeof line)) {
        j->outcome = O_BROKEN;
        j->problem = xasprintf("the sandbox could not be set up (%s). This is the grading "
                               "machine's fault, not the student's: fix it and grade again", line);
        set_all_failed(j, j->problem);
        return;
    }
    if (!record(&p, end, 'C', line, sizeof line) ||
        sscanf(line, "%d %d %d %d %d %zu %zu", &ok, &code, &sig, &to, &ov, &total, &loglen) != 7 ||
        loglen > (size_t)(end - p)) {
        j->outcome = O_BROKEN;
        j->problem = timed_out
            ? xasprintf("the sandbox was stopped at its time limit before it reported anything")
            : xasprintf("the sandbox ended without a report (%zu bytes of output). This is the "
                        "grading machine's fault, not the student's", len);
        set_all_failed(j, j->problem);
        return;
    }
    char *log = clean_text(p, loglen);
    p += loglen;
    char *why = compile_failure(code, sig, to, ov, total);
    if (!ok) {
        j->outcome = O_COMPILE_ERROR;
        j->compile_log = why ? xasprintf("%s%s%s", why, *log ? "\n" : "", log) : log;
        if (why) free(log);
        char *msg = xasprintf("This test could not run: %s.c does not compile. Fix the first "
                              "error the compiler reports, then check again "
                              "with make check.", j->prog->name);
        set_all_failed(j, msg);
        if (j->prog->ntests) {   /* where Gradescope shows it: the first test */
            char *lines = first_lines(j->compile_log, 40, 300);
            free(j->results[0].text);
            j->results[0].text = xasprintf("%s\n\n%s\nThe compiler said:\n%s", msg,
                                           j->compile_cmd, lines);
            free(lines);
            for (int i = 1; i < j->prog->ntests; i++) {
                free(j->results[i].text);
                j->results[i].text = xasprintf("%s (the compiler's messages are under the first "
                                               "test, %s)", msg, j->prog->tests[0].name);
            }
        }
        free(msg);
        free(why);
        return;
    }
    free(why);
    j->compile_log = log;
    j->warnings = *log != 0;
    j->outcome = O_GRADED;
    /* The JSON runs up to the trailer (or to the end, if it was cut off). */
    const char *json = p, *stop = memchr(p, REPORT_TRAILER, (size_t)(end - p));
    if (!stop) stop = end;
    p = stop;
    int ccode = -1, csig = 0, cto = 0;
    long errlen = 0;
    char *why_missing;
    if (record(&p, end, 'E', line, sizeof line) &&
        sscanf(line, "%d %d %d %ld", &ccode, &csig, &cto, &errlen) == 4) {
        char *err = clean_text(p, errlen > 0 && errlen <= end - p ? (size_t)errlen : 0);
        char *said = first_lines(err, 5, 200);
        if (*said) said[strlen(said) - 1] = 0;   /* its last \n */
        if (!cto && !json_has_report(json, (size_t)(stop - json))) {
            /* The checker never started its report: the machine's fault. */
            j->outcome = O_BROKEN;
            j->problem = xasprintf("the checker did not run (%s %d)%s%s. This is the grading "
                                   "machine's fault, not the student's: fix it and grade again",
                                   csig ? "signal" : "exit code", csig ? csig : ccode,
                                   *said ? ": " : "", said);
            set_all_failed(j, j->problem);
            free(err);
            free(said);
            return;
        }
        if (cto)
            why_missing = xasprintf("the checks of this program were stopped at the time limit "
                                    "(%d s), before this test ended: the program probably hangs "
                                    "or is very slow", limit_s);
        else
            why_missing = xasprintf("the checker stopped before this test (%s %d)%s%s",
                                    csig ? "signal" : "exit code", csig ? csig : ccode,
                                    *said ? "; it said: " : "", said);
        free(err);
        free(said);
    } else if (record(&p, end, 'S', line, sizeof line)) {
        j->outcome = O_BROKEN;
        why_missing = xasprintf("the sandbox failed (%s): the grading machine's fault", line);
    } else {
        why_missing = timed_out
            ? xasprintf("the whole sandbox was stopped at its time limit (%d s)",
                        COMPILE_WALL_S + limit_s + 15)
            : xstrdup("the sandbox ended before the checker finished");
    }
    read_checks(j, json, (size_t)(stop - json), why_missing);
    free(why_missing);
}
