/*
 * outputs.c - grades.csv, <student>/results.json, <student>/feedback.txt
 * and summary.md.  Written only once every check has ended, each through
 * a temporary file and a rename, so no reader ever sees half a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "grader.h"
#include "json.h"
#include "report.h"

/* A memory stream that becomes a file. */
struct out { FILE *f; char *buf; size_t len; };

static void open_out(struct out *o)
{
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f) die("out of memory");
}

static int close_out(struct out *o, const char *path)
{
    fclose(o->f);
    int r = write_file_atomic(path, o->buf, o->len);
    if (r != 0)
        fprintf(stderr, "grader: cannot write %s: %s\n", path, strerror(errno));
    free(o->buf);
    return r;
}

/* A name for a Markdown line: valid UTF-8, on one line. */
static char *md_name(const char *s)
{
    char *t = clean_text(s, strlen(s));
    for (char *p = t; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '|') *p = ' ';
    return t;
}

static char *cap_text(const char *s)
{
    size_t n = strlen(s);
    if (n <= TEST_OUTPUT_CAP) return xstrdup(s);
    return xasprintf("%.*s\n[... cut: %zu more bytes ...]\n", TEST_OUTPUT_CAP, s,
                     n - TEST_OUTPUT_CAP);
}

static const char *job_status(const struct job *j)
{
    return j->outcome == O_COMPILE_ERROR ? "does not compile"
         : j->outcome == O_REFUSED ? "refused"
         : j->outcome == O_BROKEN ? "NOT GRADED (machine problem)"
         : j->outcome == O_PENDING ? "not graded"
         : j->passed == job_total(j) ? "pass" : "FAIL";
}

static void write_results_json(const struct student *s, const char *path)
{
    struct out o;
    open_out(&o);
    int score = 0, max = 0;
    double secs = 0;
    for (int i = 0; i < s->njobs; i++) {
        score += s->jobs[i]->passed;
        max += job_total(s->jobs[i]);
        secs += s->jobs[i]->seconds;
    }
    char *head;
    size_t hlen;
    FILE *h = open_memstream(&head, &hlen);
    fprintf(h, "%d of %d tests passed in %d program%s.\n", score, max, s->njobs,
            s->njobs == 1 ? "" : "s");
    for (int i = 0; i < s->njobs; i++)
        fprintf(h, "  %-6s %s (%d/%d)%s%s\n", s->jobs[i]->outcome == O_GRADED &&
                s->jobs[i]->passed == job_total(s->jobs[i]) ? "pass" : "FAIL", s->jobs[i]->rel,
                s->jobs[i]->passed, job_total(s->jobs[i]),
                s->jobs[i]->outcome == O_GRADED ? "" : ": ", s->jobs[i]->outcome == O_GRADED ? ""
                : job_status(s->jobs[i]));
    if (s->nignored) {
        fprintf(h, "Ignored (they name no known lesson or program):\n");
        for (int i = 0; i < s->nignored; i++) fprintf(h, "  %s\n", s->ignored[i]);
    }
    fclose(h);
    fprintf(o.f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"execution_time\": %.1f,\n"
                 "  \"output\": ", score, max, secs);
    json_write_str(o.f, head);
    fprintf(o.f, ",\n  \"tests\": [");
    int first = 1;
    for (int i = 0; i < s->njobs; i++) {
        const struct job *j = s->jobs[i];
        for (int t = 0; t < j->prog->ntests; t++) {
            const struct test_result *r = &j->results[t];
            char *name = xasprintf("%s/%s: %s", j->prog->lesson, j->prog->name,
                                   j->prog->tests[t].name);
            char *text = r->status == T_PASS ? xstrdup(j->prog->tests[t].what)
                       : r->status == T_SKIP ? xasprintf("Skipped, not counted (the machine "
                                                         "cannot stage it): %s",
                                                         r->observed ? r->observed : "")
                       : cap_text(r->text ? r->text : "");
            fprintf(o.f, "%s\n    {\"name\": ", first ? "" : ",");
            json_write_str(o.f, name);
            if (r->status == T_SKIP)   /* worth nothing either way: never a pass */
                fprintf(o.f, ", \"score\": 0, \"max_score\": 0, \"output\": ");
            else
                fprintf(o.f, ", \"score\": %d, \"max_score\": 1, \"status\": \"%s\", \"output\": ",
                        r->status == T_PASS, r->status == T_PASS ? "passed" : "failed");
            json_write_str(o.f, text);
            fputc('}', o.f);
            first = 0;
            free(name);
            free(text);
        }
    }
    fprintf(o.f, "\n  ]\n}\n");
    free(head);
    close_out(&o, path);
}

/* Also report.html's text of the student (the same words, escaped there). */
void feedback_student(FILE *f, const struct student *s, const char *when)
{
    char *name = md_name(s->name);
    fprintf(f, "Feedback for %s, graded %s\n", name, when);
    fprintf(f, "(the same checks and report as `make check` in the workbook)\n\n");
    for (int i = 0; i < s->njobs; i++) {
        feedback_program(f, s->jobs[i]);
        fputc('\n', f);
    }
    fprintf(f, "Summary for %s:\n", name);
    int good = 0;
    for (int i = 0; i < s->njobs; i++) {
        const struct job *j = s->jobs[i];
        int pass = j->outcome == O_GRADED && j->passed == job_total(j);
        good += pass;
        fprintf(f, "  %-5s %-28s %d of %d tests%s%s\n", pass ? "pass" : "FAIL", j->rel, j->passed,
                job_total(j), j->outcome == O_GRADED ? "" : ", ",
                j->outcome == O_GRADED ? "" : job_status(j));
    }
    fprintf(f, "%d of %d programs pass every test.\n", good, s->njobs);
    if (s->nignored) {
        fprintf(f, "\nIgnored files (they name no known lesson or program; expected "
                     "<lesson>/<program>.c, e.g. 03-accept/greeter.c):\n");
        for (int i = 0; i < s->nignored; i++) {
            char *t = md_name(s->ignored[i]);
            fprintf(f, "  ignored: %s\n", t);
            free(t);
        }
    }
    free(name);
}

static void write_feedback(const struct student *s, const char *path, const char *when)
{
    struct out o;
    open_out(&o);
    feedback_student(o.f, s, when);
    close_out(&o, path);
}

static int write_csv(const struct class *cl, const char *path)
{
    struct out o;
    open_out(&o);
    fprintf(o.f, "student,lesson,program,passed,total\n");
    for (int i = 0; i < cl->nstudents; i++)
        for (int k = 0; k < cl->students[i].njobs; k++) {
            const struct job *j = cl->students[i].jobs[k];
            csv_field(o.f, cl->students[i].name);
            fprintf(o.f, ",%s,%s,%d,%d\n", j->prog->lesson, j->prog->name, j->passed,
                    job_total(j));
        }
    return close_out(&o, path);
}

/* Up to max names of students, then "and N more". */
static void names_line(FILE *f, const char *label, const struct class *cl,
                       const struct prog_info *p, enum outcome which)
{
    int n = 0;
    for (int i = 0; i < cl->njobs; i++)
        if (cl->jobs[i]->prog == p && cl->jobs[i]->outcome == which) {
            char *t = md_name(cl->jobs[i]->st->name);
            if (n < 12) fprintf(f, "%s%s", n ? ", " : label, t);
            n++;
            free(t);
        }
    if (n > 12) fprintf(f, " and %d more", n - 12);
    if (n) fprintf(f, "\n\n");
}

/* The three tests fewest submissions passed: where the class goes wrong. */
static char *most_failed(const struct prog_info *p)
{
    static char buf[512];
    int used[128] = { 0 };
    size_t n = 0;
    buf[0] = 0;
    for (int k = 0; k < 3; k++) {
        int worst = -1;
        for (int t = 0; t < p->ntests && t < 128; t++)
            if (!used[t] && p->passed_by[t] < p->submitted &&
                (worst < 0 || p->passed_by[t] < p->passed_by[worst]))
                worst = t;
        if (worst < 0) break;
        used[worst] = 1;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s %d/%d", k ? ", " : "",
                              p->tests[worst].name, p->passed_by[worst], p->submitted);
        if (n >= sizeof buf) break;
    }
    return buf[0] ? buf : "-";
}

static void write_summary(FILE *f, const struct config *cfg, const struct caps *caps,
                          const struct class *cl, double seconds, const char *when)
{
    int programs = 0, perfect = 0;
    for (int i = 0; i < cl->njobs; i++) {
        const struct job *j = cl->jobs[i];
        programs++;
        perfect += j->outcome == O_GRADED && j->passed == job_total(j);
    }
    fprintf(f, "# Grading summary\n\n");
    fprintf(f, "%d programs from %d student%s graded on %s in %.0f s (J=%d, time limit %d s "
               "per program). %d pass every test.\n\n", programs, cl->nstudents,
            cl->nstudents == 1 ? "" : "s", when, seconds,
            cfg->jobs, cfg->time_limit, perfect);
    if (!cl->njobs)
        fprintf(f, "Nothing was graded: no file is <student>/<lesson>/<program>.c of a known "
                   "lesson (see the ignored files below).\n\n");
    else if (caps->missing[0])
        fprintf(f, "**Sandbox: protections missing on this machine** (graded anyway):\n\n%s\n",
                caps->missing);
    else
        fprintf(f, "Sandbox: complete. Each program was compiled and checked in its own pid, "
                   "network and mount namespaces, with a private read-only root, as uid %u+slot, "
                   "with limits on CPU, memory, files and processes, and %ld MiB of memory for "
                   "the whole sandbox.\n\n", cfg->uid_base, cfg->memory_mib);
    if (cl->njobs)
        fprintf(f, "## At a glance\n\n| program | submitted | pass every test | do not compile | "
               "most failed tests |\n|---|---:|---:|---:|---|\n");
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        if (!p->submitted) continue;
        fprintf(f, "| %s/%s | %d | %d | %d | %s |\n", p->lesson, p->name, p->submitted, p->perfect,
                p->compile_errors, most_failed(p));
    }
    fputc('\n', f);
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        if (!p->submitted) continue;
        fprintf(f, "## %s/%s\n\n", p->lesson, p->name);
        fprintf(f, "%d submitted: %d pass every test", p->submitted, p->perfect);
        if (p->compile_errors)
            fprintf(f, ", %d do%s not compile", p->compile_errors, p->compile_errors == 1 ? "es" : "");
        if (p->refused) fprintf(f, ", %d refused", p->refused);
        if (p->unfinished) fprintf(f, ", %d not fully graded (time limit or machine problem)",
                                   p->unfinished);
        fprintf(f, ".\n\n| test | passed | what the checker does |\n|---|---:|---|\n");
        for (int t = 0; t < p->ntests; t++) {
            char *what = md_name(p->tests[t].what);
            fprintf(f, "| %s | %d/%d%s | %s |\n", p->tests[t].name, p->passed_by[t], p->submitted,
                    p->passed_by[t] * 2 < p->submitted ? " **!**" : "", what);
            free(what);
        }
        fputc('\n', f);
        names_line(f, "Do not compile: ", cl, p, O_COMPILE_ERROR);
        names_line(f, "Refused: ", cl, p, O_REFUSED);
        names_line(f, "NOT GRADED (machine problem, grade again): ", cl, p, O_BROKEN);
    }
    int ignored = cl->nignored;
    for (int i = 0; i < cl->nstudents; i++) ignored += cl->students[i].nignored;
    if (ignored) {
        fprintf(f, "## Ignored files\n\n");
        for (int i = 0; i < cl->nignored; i++) {
            char *t = md_name(cl->ignored[i]);
            fprintf(f, "- %s\n", t);
            free(t);
        }
        for (int i = 0, shown = 0; i < cl->nstudents; i++)
            for (int k = 0; k < cl->students[i].nignored; k++, shown++) {
                if (shown == 30) fprintf(f, "- ... (every student's feedback.txt lists them)\n");
                if (shown >= 30) continue;
                char *n = md_name(cl->students[i].name), *t = md_name(cl->students[i].ignored[k]);
                fprintf(f, "- %s: %s\n", n, t);
                free(n);
                free(t);
            }
        fputc('\n', f);
    }
}

int write_outputs(const struct config *cfg, const struct caps *caps, struct class *cl,
                  double seconds)
{
    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&now));
    for (int i = 0; i < cl->njobs; i++) {
        struct job *j = cl->jobs[i];
        struct prog_info *p = j->prog;
        if (!j->results) {   /* refused, or never run: every test failed, saying why */
            const char *why = j->problem ? j->problem : "not graded: grading was interrupted";
            j->results = xcalloc((size_t)p->ntests, sizeof *j->results);
            for (int t = 0; t < p->ntests; t++)
                j->results[t] = (struct test_result){ .status = T_FAIL, .text = xstrdup(why) };
            j->passed = 0;
        }
        p->submitted++;
        p->perfect += j->outcome == O_GRADED && j->passed == job_total(j);
        p->compile_errors += j->outcome == O_COMPILE_ERROR;
        p->refused += j->outcome == O_REFUSED;
        p->unfinished += j->outcome == O_BROKEN || (j->outcome == O_GRADED && j->problem);
        for (int t = 0; t < p->ntests && j->results; t++)
            p->passed_by[t] += j->results[t].status == T_PASS;
    }
    if (mkdir_p(cfg->out, 0755) != 0) {
        fprintf(stderr, "grader: cannot create the output directory %s: %s\n", cfg->out,
                strerror(errno));
        return -1;
    }
    int bad = 0;
    for (int i = 0; i < cl->nstudents; i++) {
        struct student *s = &cl->students[i];
        char *dir = xasprintf("%s/%s", cfg->out, s->name);
        struct stat st;
        if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || lstat(dir, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "grader: cannot create %s: %s\n", dir, strerror(errno));
            bad = 1;
        } else {
            char *rj = xasprintf("%s/results.json", dir), *fb = xasprintf("%s/feedback.txt", dir);
            write_results_json(s, rj);
            write_feedback(s, fb, when);
            free(rj);
            free(fb);
        }
        free(dir);
    }
    char *csv = xasprintf("%s/grades.csv", cfg->out), *md = xasprintf("%s/summary.md", cfg->out);
    struct out o;
    open_out(&o);
    write_summary(o.f, cfg, caps, cl, seconds, when);
    fflush(o.f);
    fwrite(o.buf, 1, o.len, stdout);
    if (write_csv(cl, csv) != 0 || close_out(&o, md) != 0) bad = 1;
    /* The two pictures of the class, last: they read what the others settled. */
    char *sim = xasprintf("%s/similarity.html", cfg->out), *html = xasprintf("%s/report.html", cfg->out);
    struct sim_stats ss;
    if (similarity_report(cfg, cl, sim, &ss) != 0) bad = 1;
    if (report_html(cfg, caps, cl, when, html, &ss) != 0) bad = 1;
    printf("Wrote %s, %s and, for each student, %s/<student>/results.json and feedback.txt.\n",
           csv, md, cfg->out);
    reports_remember(html, sim, &ss);
    free(sim);
    free(html);
    free(csv);
    free(md);
    return bad ? -1 : 0;
}
