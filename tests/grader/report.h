/*
 * report.h - the instructor's two pictures of a class: report.html (the
 * class at a glance, the grid, each test's failure rate, every student's
 * feedback) and similarity.html (pairs of submissions whose code is
 * unusually alike).  Both are one self-contained file each: inline CSS and
 * SVG, no script, nothing fetched.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "grader.h"

/* ---- html.c: escaping and small helpers ------------------------------ */

/* Text as HTML: valid UTF-8 (a byte that is not becomes U+FFFD), control
 * bytes dropped, & < > " ' as entities.  Safe in an element and in a
 * quoted attribute. */
void html_text(FILE *f, const char *s);
void html_textn(FILE *f, const char *s, size_t n);
/* An id for an anchor, from any bytes: prefix, then [A-Za-z0-9] kept and
 * every other byte as _XX (hex).  Never contains a quote, a space or <. */
char *html_id(const char *prefix, const char *name);
/* The workbook the checkers belong to (the directory with lessons/), or
 * NULL if it cannot be found. */
const char *workbook_dir(const struct config *cfg);
/* A relative path from directory from (absolute) to to (absolute). */
char *relative_path(const char *from, const char *to);
/* The CSS both reports share. */
void html_head(FILE *f, const char *title);

/* ---- ctokens.c: C source as a sequence of normalised tokens ------------ */

struct ctok {
    uint32_t code;   /* a keyword or operator kept as itself; identifiers and literals as their class */
    int line;        /* 1-based line of the token in the source */
};

/* Tokenize C source: comments, layout and preprocessor lines are dropped,
 * identifiers become one token ID, numbers NUM, strings STR (adjacent ones
 * merged), characters CHR.  Returns the number of tokens; *out is malloc'd. */
size_t ctokenize(const char *src, size_t n, struct ctok **out);

/* ---- similarity.c ------------------------------------------------------ */

/* The parameters, documented in docs/grading.md and printed in the report
 * (chosen on the workbook's correct programs: see docs/grading.md). */
#ifndef SIM_K
#define SIM_K 12           /* tokens per k-gram */
#endif
#ifndef SIM_W
#define SIM_W 8            /* winnowing window: a match of SIM_K+SIM_W-1 tokens is always seen */
#endif
#ifndef SIM_THRESHOLD
#define SIM_THRESHOLD 60   /* percent: pairs at or above are listed */
#endif
#ifndef SIM_MIN_SHARED
#define SIM_MIN_SHARED 10  /* fewer shared fingerprints than this is never listed */
#endif

struct sim_stats {
    int submissions, programs, pairs;   /* pairs: listed (at or above the threshold) */
    double seconds;
};

/* Compare every pair of submissions of each program; write path
 * (similarity.html).  Returns 0, or -1 if the file could not be written. */
int similarity_report(const struct config *cfg, const struct class *cl, const char *path,
                      struct sim_stats *stats);
/* grader --similarity-only SUBMISSIONS OUT: only OUT/similarity.html, no grading. */
int similarity_only_main(const struct config *cfg, const struct class *cl);

/* ---- report_html.c ----------------------------------------------------- */

int report_html(const struct config *cfg, const struct caps *caps, const struct class *cl,
                const char *when, const char *path, const struct sim_stats *sim);
/* The paths of both reports, kept to be printed last, after the statistics. */
void reports_remember(const char *html, const char *sim, const struct sim_stats *st);
void reports_print_paths(void);

/* ---- outputs.c --------------------------------------------------------- */

/* A student's feedback.txt, into f. */
void feedback_student(FILE *f, const struct student *s, const char *when);

#endif
