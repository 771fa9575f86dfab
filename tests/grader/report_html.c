/*
 * report_html.c - report.html: the class as a teaching assistant wants to
 * see it.  One file, inline CSS and SVG, no script, nothing fetched (it
 * works from a USB stick and prints):
 *
 *   - the class at a glance: per program, bars of who passes every test,
 *     who fails some, who does not compile;
 *   - the grid: students x programs, each cell passed/total with a colour
 *     AND a symbol (never colour alone), linked to the student's feedback;
 *   - per program, each test's failure rate with what the test does and the
 *     README section that teaches it: what to re-teach;
 *   - the distribution of the students' scores;
 *   - every student's feedback, the same text as their feedback.txt.
 *
 * Every name and every byte a program printed goes through html_text().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* A job's tests: passed, skipped (counted in neither), total. */
struct tally { int passed, skipped, total; };

static struct tally tally_of(const struct job *j)
{
    struct tally t = { 0, 0, j->prog->ntests };
    for (int i = 0; j->results && i < j->prog->ntests; i++) {
        t.passed += j->results[i].status == T_PASS;
        t.skipped += j->results[i].status == T_SKIP;
    }
    t.total -= t.skipped;
    return t;
}

/* How a cell looks: a class for the colour, a symbol and words for the rest. */
struct look { const char *cls, *sym, *words; };

static struct look look_of(const struct job *j)
{
    if (!j) return (struct look){ "c-none", "&#8212;", "not submitted" };
    if (j->outcome == O_COMPILE_ERROR) return (struct look){ "c-bad", "&#8856;", "does not compile" };
    if (j->outcome == O_REFUSED) return (struct look){ "c-bad", "&#8855;", "refused" };
    if (j->outcome != O_GRADED)
        return (struct look){ "c-broken", "?", "NOT graded (a problem of the grading machine)" };
    struct tally t = tally_of(j);
    if (t.passed == t.total) return (struct look){ "c-ok", "&#10003;", "passes every test" };
    if (2 * t.passed >= t.total) return (struct look){ "c-part", "&#9681;", "passes half or more" };
    if (t.passed > 0) return (struct look){ "c-low", "&#9684;", "passes fewer than half" };
    return (struct look){ "c-bad", "&#10007;", "passes no test" };
}

static const struct job *job_of(const struct student *s, const struct prog_info *p)
{
    for (int k = 0; k < s->njobs; k++)
        if (s->jobs[k]->prog == p) return s->jobs[k];
    return NULL;
}

static char *prog_id(const struct prog_info *p)
{
    char *name = xasprintf("%s/%s", p->lesson, p->name);
    char *id = html_id("p-", name);
    free(name);
    return id;
}

/* "lessons/NN-name/README.md#anchor" from a failure's "Read:" line, if it
 * is one (only the characters such a path has). */
static char *see_of(const char *text)
{
    const char *r = text ? strstr(text, "Read:") : NULL;
    if (!r) return NULL;
    r += 5;
    while (*r == ' ') r++;
    size_t n = strspn(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._#-");
    if (n < 10 || strncmp(r, "lessons/", 8) || !memchr(r, '#', n)) return NULL;
    return strndup(r, n);
}

/* The README sections the failures of test t point to, most frequent
 * first (a failure may point to the section of its particular mistake). */
struct see_count { char *see; int n; };

static int see_count_cmp(const void *a, const void *b)
{
    const struct see_count *x = a, *y = b;
    if (x->n != y->n) return y->n - x->n;
    return strcmp(x->see, y->see);
}

static int sees_of_test(const struct class *cl, const struct prog_info *p, int t,
                        struct see_count **out)
{
    struct see_count *v = NULL;
    int n = 0;
    for (int i = 0; i < cl->njobs; i++) {
        const struct job *j = cl->jobs[i];
        if (j->prog != p || j->outcome != O_GRADED || !j->results) continue;
        if (j->results[t].status != T_FAIL) continue;
        char *s = see_of(j->results[t].text);
        if (!s) continue;
        int k = 0;
        while (k < n && strcmp(v[k].see, s)) k++;
        if (k < n) {
            v[k].n++;
            free(s);
            continue;
        }
        v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
        v[n++] = (struct see_count){ s, 1 };
    }
    if (n) qsort(v, (size_t)n, sizeof *v, see_count_cmp);
    *out = v;
    return n;
}

static void see_link(FILE *f, const char *lessons_href, const char *see)
{
    fputs("<a href=\"", f);
    html_text(f, lessons_href);
    html_text(f, see + strlen("lessons"));
    fputs("\">", f);
    html_text(f, strchr(see, '#'));
    fputs("</a>", f);
}

struct counts { int submitted, perfect, some, nocompile, other; };

static struct counts counts_of(const struct class *cl, const struct prog_info *p)
{
    struct counts c = { 0 };
    for (int i = 0; i < cl->njobs; i++) {
        const struct job *j = cl->jobs[i];
        if (j->prog != p) continue;
        c.submitted++;
        if (j->outcome == O_COMPILE_ERROR) c.nocompile++;
        else if (j->outcome != O_GRADED) c.other++;
        else if (tally_of(j).passed == tally_of(j).total) c.perfect++;
        else c.some++;
    }
    return c;
}

static void glance(FILE *f, const struct class *cl)
{
    int rows = 0, most = 1;
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        struct counts c = counts_of(cl, p);
        if (!c.submitted) continue;
        rows++;
        if (c.submitted > most) most = c.submitted;
    }
    const int label = 190, barw = 520, row = 30, width = label + barw + 330;
    fprintf(f, "<svg role=\"img\" aria-label=\"per program: submitted, pass every test, do not "
               "compile\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", width,
            rows * row + 10, width, rows * row + 10);
    int y = 4;
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        struct counts c = counts_of(cl, p);
        if (!c.submitted) continue;
        char *id = prog_id(p);
        fprintf(f, "<a href=\"#%s\"><text x=\"0\" y=\"%d\" font-size=\"13\" fill=\"#0550ae\">%s/%s"
                   "</text></a>\n", id, y + 17, p->lesson, p->name);
        double x = label;
        const struct { int n; const char *fill; } seg[] = {
            { c.perfect, "#4caf50" }, { c.some, "#fbc02d" }, { c.nocompile, "#e53935" },
            { c.other, "#9e9e9e" },
        };
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#f0f0f0\"/>\n",
                label, y + 2, barw);
        for (size_t k = 0; k < sizeof seg / sizeof seg[0]; k++) {
            double w = (double)barw * seg[k].n / most;
            if (w > 0)
                fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\" "
                           "stroke=\"#fff\"/>\n", x, y + 2, w, seg[k].fill);
            if (w >= 22)
                fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                           "fill=\"#111\">%d</text>\n", x + w / 2, y + 16, seg[k].n);
            x += w;
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12.5\" fill=\"#1f2328\">%d submitted: "
                   "%d pass every test, %d do not compile</text>\n", label + barw + 10, y + 17,
                c.submitted, c.perfect, c.nocompile);
        y += row;
        free(id);
    }
    fputs("</svg>\n", f);
    fputs("<div class=\"legend small\"><span><svg width=\"12\" height=\"12\"><rect width=\"12\" "
          "height=\"12\" fill=\"#4caf50\"/></svg> pass every test</span><span><svg width=\"12\" "
          "height=\"12\"><rect width=\"12\" height=\"12\" fill=\"#fbc02d\"/></svg> fail some "
          "tests</span><span><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" "
          "fill=\"#e53935\"/></svg> do not compile</span><span><svg width=\"12\" height=\"12\">"
          "<rect width=\"12\" height=\"12\" fill=\"#9e9e9e\"/></svg> refused or not graded</span>"
          "</div>\n", f);
}

static void legend_cells(FILE *f)
{
    const char *rows[][3] = {
        { "c-ok", "&#10003;", "every test passes" },
        { "c-part", "&#9681;", "half or more pass" },
        { "c-low", "&#9684;", "fewer than half pass" },
        { "c-bad", "&#10007;", "no test passes" },
        { "c-bad", "&#8856;", "does not compile" },
        { "c-bad", "&#8855;", "refused (too large, not a file)" },
        { "c-broken", "?", "not graded: the machine's fault" },
        { "c-none", "&#8212;", "not submitted" },
    };
    fputs("<div class=\"legend small\">", f);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fprintf(f, "<span><span class=\"cell %s\">%s</span>%s</span>", rows[i][0], rows[i][1],
                rows[i][2]);
    fputs("</div>\n", f);
}

static void grid(FILE *f, const struct class *cl)
{
    /* thead: a printed grid repeats its header on every page */
    fputs("<div class=\"grid\"><table>\n<thead><tr><th>student</th><th class=\"num\">score</th>", f);
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        if (!p->submitted) continue;
        char *id = prog_id(p);
        fprintf(f, "<th class=\"prog\"><a href=\"#%s\">%s/%s</a></th>", id, p->lesson, p->name);
        free(id);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int i = 0; i < cl->nstudents; i++) {
        const struct student *s = &cl->students[i];
        char *id = html_id("s-", s->name);
        int passed = 0, total = 0;
        for (int k = 0; k < s->njobs; k++) {
            struct tally t = tally_of(s->jobs[k]);
            passed += t.passed;
            total += t.total;
        }
        fprintf(f, "<tr><td><a href=\"#%s\">", id);
        html_text(f, s->name);
        fprintf(f, "</a></td><td class=\"num\">%d/%d</td>", passed, total);
        for (struct prog_info *p = catalog_all(); p; p = p->next) {
            if (!p->submitted) continue;
            const struct job *j = job_of(s, p);
            struct look l = look_of(j);
            fprintf(f, "<td class=\"cell %s\" title=\"", l.cls);
            html_text(f, s->name);
            fprintf(f, ", %s/%s: %s\">", p->lesson, p->name, l.words);
            if (!j) {
                fprintf(f, "%s</td>", l.sym);
                continue;
            }
            struct tally t = tally_of(j);
            fprintf(f, "<a href=\"#%s\">%s %d/%d</a></td>", id, l.sym, t.passed, t.total);
        }
        fputs("</tr>\n", f);
        free(id);
    }
    fputs("</tbody></table></div>\n", f);
}

static void rate_bar(FILE *f, int failed, int n)
{
    const int w = 200;
    double fill = n ? (double)w * failed / n : 0;
    fprintf(f, "<svg width=\"%d\" height=\"14\" role=\"img\" aria-label=\"%d of %d failed\">"
               "<rect width=\"%d\" height=\"14\" fill=\"#eee\"/>", w, failed, n, w);
    if (fill > 0)
        fprintf(f, "<rect width=\"%.1f\" height=\"14\" fill=\"%s\"/>", fill,
                2 * failed > n ? "#e53935" : "#fb8c00");
    fputs("</svg>", f);
}

static void per_program(FILE *f, const struct class *cl, const char *lessons_href)
{
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        if (!p->submitted) continue;
        struct counts c = counts_of(cl, p);
        char *id = prog_id(p);
        fprintf(f, "<h3 id=\"%s\">%s/%s</h3>\n<p>%d submitted: %d pass every test, %d fail some "
                   "tests, %d do not compile", id, p->lesson, p->name, c.submitted, c.perfect,
                c.some, c.nocompile);
        if (c.other) fprintf(f, ", %d refused or not graded", c.other);
        fputs(".</p>\n", f);
        /* Graded submissions only: a compile error says nothing about a test. */
        int graded = 0;
        for (int i = 0; i < cl->njobs; i++)
            graded += cl->jobs[i]->prog == p && cl->jobs[i]->outcome == O_GRADED;
        fprintf(f, "<table class=\"tests\">\n<tr><th>test</th><th>failed (of the %d that "
                   "compiled)</th><th class=\"num\">rate</th><th>what the checker does</th>"
                   "<th>where the lesson teaches it</th></tr>\n", graded);
        for (int t = 0; t < p->ntests; t++) {
            int failed = 0;
            for (int i = 0; i < cl->njobs; i++) {
                const struct job *j = cl->jobs[i];
                if (j->prog == p && j->outcome == O_GRADED && j->results)
                    failed += j->results[t].status == T_FAIL;
            }
            fputs("<tr><td><code>", f);
            html_text(f, p->tests[t].name);
            fprintf(f, "</code>%s</td><td class=\"bar\">", graded && 2 * failed > graded ?
                    " <b title=\"more than half failed: re-teach\">!</b>" : "");
            rate_bar(f, failed, graded);
            fprintf(f, "</td><td class=\"num\">%d%% (%d)</td><td class=\"what\">",
                    graded ? (100 * failed + graded / 2) / graded : 0, failed);
            html_text(f, p->tests[t].what);
            fputs("</td><td>", f);
            struct see_count *sees = NULL;
            int nsees = failed ? sees_of_test(cl, p, t, &sees) : 0;
            if (!nsees) fputs("<span class=\"muted\">&#8212;</span>", f);
            for (int k = 0; k < nsees && k < 4; k++) {   /* (n): how many failures point there */
                if (k == 1) fputs("<br><span class=\"small muted\">also: ", f);
                else if (k > 1) fputs(", ", f);
                see_link(f, lessons_href, sees[k].see);
                if (nsees > 1) fprintf(f, " (%d)", sees[k].n);
            }
            if (nsees > 1) fputs("</span>", f);
            for (int k = 0; k < nsees; k++) free(sees[k].see);
            free(sees);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
        int first = 1;
        for (int i = 0; i < cl->njobs; i++) {
            const struct job *j = cl->jobs[i];
            if (j->prog != p || j->outcome != O_COMPILE_ERROR) continue;
            char *sid = html_id("s-", j->st->name);
            fprintf(f, "%s<a href=\"#%s\">", first ? "<p>Do not compile: " : ", ", sid);
            html_text(f, j->st->name);
            fputs("</a>", f);
            first = 0;
            free(sid);
        }
        if (!first) fputs("</p>\n", f);
        free(id);
    }
}

static void histogram(FILE *f, const struct class *cl)
{
    int bins[11] = { 0 }, most = 1, n = 0;
    for (int i = 0; i < cl->nstudents; i++) {
        const struct student *s = &cl->students[i];
        int passed = 0, total = 0;
        for (int k = 0; k < s->njobs; k++) {
            struct tally t = tally_of(s->jobs[k]);
            passed += t.passed;
            total += t.total;
        }
        if (!total) continue;
        int b = passed == total ? 10 : 10 * passed / total;
        if (b > 9 && passed < total) b = 9;
        bins[b]++;
        n++;
    }
    for (int b = 0; b < 11; b++)
        if (bins[b] > most) most = bins[b];
    const int bw = 62, h = 180, top = 22, base = top + h;
    fprintf(f, "<p>%d students with at least one program, by the share of their tests that "
               "pass (over the programs each submitted).</p>\n", n);
    fprintf(f, "<svg role=\"img\" aria-label=\"histogram of scores\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\">\n", 11 * bw + 20, base + 40, 11 * bw + 20, base + 40);
    fprintf(f, "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", base,
            11 * bw + 10, base);
    for (int b = 0; b < 11; b++) {
        double bh = (double)h * bins[b] / most;
        int x = 10 + b * bw;
        fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>\n",
                x + 6, base - bh, bw - 12, bh, b == 10 ? "#4caf50" : b >= 5 ? "#fbc02d" : "#fb8c00");
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"middle\">%d</text>\n",
                x + bw / 2, base - bh - 5, bins[b]);
        if (b == 10)
            fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">100%%"
                       "</text>\n", x + bw / 2, base + 16);
        else
            fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%d-%d%%"
                       "</text>\n", x + bw / 2, base + 16, 10 * b, 10 * b + 9);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#57606a\">"
               "tests passed</text>\n</svg>\n", (11 * bw + 20) / 2, base + 34);
}

static void students(FILE *f, const struct class *cl, const char *when)
{
    for (int i = 0; i < cl->nstudents; i++) {
        const struct student *s = &cl->students[i];
        char *id = html_id("s-", s->name);
        fprintf(f, "<section class=\"student\" id=\"%s\">\n<p class=\"top\"><a href=\"#grid\">"
                   "back to the grid</a></p>\n<h3>", id);
        html_text(f, s->name);
        fputs("</h3>\n<pre>", f);
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (!m) die("out of memory");
        feedback_student(m, s, when);
        fclose(m);
        html_textn(f, text, len);
        free(text);
        fputs("</pre>\n</section>\n", f);
        free(id);
    }
}

int report_html(const struct config *cfg, const struct caps *caps, const struct class *cl,
                const char *when, const char *path, const struct sim_stats *sim)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) die("out of memory");
    html_head(f, "Class report");
    int programs = 0;
    for (struct prog_info *p = catalog_all(); p; p = p->next) programs += p->submitted > 0;
    fprintf(f, "<h1 id=\"top\">Class report</h1>\n<p class=\"muted\">%d students, %d submitted "
               "programs of %d different programs, graded %s from ", cl->nstudents, cl->njobs,
            programs, when);
    html_text(f, cfg->submissions);
    fputs(".</p>\n", f);

    /* The workbook: where the "teaches it" links lead, relative to this file. */
    const char *wb = workbook_dir(cfg);
    char out_real[PATH_MAX];
    char *lessons_href = NULL;
    if (wb && realpath(cfg->out, out_real)) {
        char *rel = relative_path(out_real, wb);
        lessons_href = xasprintf("%s/lessons", rel);
        free(rel);
    }
    if (!lessons_href) lessons_href = xstrdup("lessons");

    int broken = 0;
    for (int i = 0; i < cl->njobs; i++) broken += cl->jobs[i]->outcome == O_BROKEN;
    if (caps->missing[0]) {
        fputs("<div class=\"banner\"><b>Sandbox: protections missing on this machine</b> "
              "(graded anyway):<pre>", f);
        html_text(f, caps->missing);
        fputs("</pre></div>\n", f);
    }
    if (broken)
        fprintf(f, "<div class=\"banner\"><b>%d program%s could NOT be graded</b> because of a "
                   "problem of the grading machine (marked ? in the grid; their rows say 0 "
                   "passed). Fix it and grade again.</div>\n", broken, broken == 1 ? "" : "s");
    if (!cl->njobs)
        fputs("<div class=\"banner\">Nothing was graded: no file is &lt;student&gt;/&lt;lesson&gt;/"
              "&lt;program&gt;.c of a known lesson.</div>\n", f);

    fputs("<nav class=\"toc\"><a href=\"#glance\">at a glance</a><a href=\"#grid\">the grid</a>"
          "<a href=\"#tests\">tests to re-teach</a><a href=\"#scores\">scores</a>"
          "<a href=\"#students\">each student's feedback</a>"
          "<a href=\"similarity.html\">similarity report</a></nav>\n", f);
    if (sim)
        fprintf(f, "<p>Similarity: <a href=\"similarity.html\">%d pair%s of submissions to look "
                   "at</a> (similar code is a reason to look, not proof of copying).</p>\n",
                sim->pairs, sim->pairs == 1 ? "" : "s");

    fputs("<h2 class=\"first\" id=\"glance\">The class at a glance</h2>\n", f);
    glance(f, cl);

    fputs("<h2 id=\"grid\">The grid</h2>\n<p>Each cell: the tests passed out of the program's "
          "tests (skipped ones, which this machine could not stage, are in neither number). "
          "Click a cell or a name for the student's feedback, a program for its tests.</p>\n", f);
    legend_cells(f);
    grid(f, cl);

    fputs("<h2 id=\"tests\">Per program: which tests the class fails</h2>\n<p>What to re-teach: "
          "each test's failure rate among the submissions that compiled (<b>!</b>: more than half "
          "failed), what the checker does, and the section of the lesson's README that teaches "
          "it (shown for tests someone failed).", f);
    if (wb) {
        fputs(" The links lead into the workbook at <code>", f);
        html_text(f, wb);
        fputs("</code>, relative to this file (<code>", f);
        html_text(f, lessons_href);
        fputs("/NN-name/README.md</code>): if you move this file, open the README of the "
              "workbook you teach from at the same section.", f);
    } else {
        fputs(" The workbook was not found: the links are relative (lessons/NN-name/README.md) "
              "and work from the workbook's top directory.", f);
    }
    fputs("</p>\n", f);
    per_program(f, cl, lessons_href);

    fputs("<h2 id=\"scores\">The distribution of scores</h2>\n", f);
    histogram(f, cl);

    fputs("<h2 id=\"students\">Each student's feedback</h2>\n<p>The same text as each student's "
          "feedback.txt.</p>\n", f);
    students(f, cl, when);
    fputs("</body>\n</html>\n", f);
    fclose(f);
    free(lessons_href);
    int r = write_file_atomic(path, buf, len);
    if (r != 0)
        fprintf(stderr, "grader: cannot write %s: %s\n", path, strerror(errno));
    free(buf);
    return r;
}

static char *paths_note;

void reports_remember(const char *html, const char *sim, const struct sim_stats *st)
{
    free(paths_note);
    paths_note = xasprintf("Class report: %s\nSimilarity report: %s (%d pair%s to look at, compared "
                           "in %.2f s)\n", html, sim, st->pairs, st->pairs == 1 ? "" : "s",
                           st->seconds);
}

void reports_print_paths(void)
{
    if (!paths_note) return;
    fflush(stderr);
    fputs(paths_note, stdout);
    fflush(stdout);
}
