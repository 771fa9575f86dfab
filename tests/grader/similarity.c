/*
 * similarity.c - which submissions of a program are unusually alike.
 *
 * The method is MOSS's (Schleimer, Wilkerson and Aiken, "Winnowing: local
 * algorithms for document fingerprinting", SIGMOD 2003), on C tokens:
 *
 *   1. each file becomes a sequence of normalised tokens (ctokens.c:
 *      comments, layout and preprocessor lines dropped, identifiers and
 *      literals abstracted to their class), so renaming, re-indenting and
 *      rewording comments change nothing;
 *   2. every run of SIM_K consecutive tokens (a k-gram) is hashed;
 *   3. winnowing keeps, of every window of SIM_W consecutive hashes, the
 *      smallest (the rightmost if tied): the file's fingerprints.  Any
 *      match of at least SIM_K + SIM_W - 1 tokens shares a fingerprint;
 *      shorter ones are noise (`for (i = 0; i < n; i++)`);
 *   4. base code is not evidence: every k-gram of the lesson's skeleton
 *      (lessons/NN/<program>.c, what every student was given) is removed,
 *      and so is a fingerprint found in more than max(20, n/2) of the n
 *      submissions (an idiom most of the class writes);
 *   5. an inverted index (a hash table: fingerprint -> submissions having
 *      it) gives, for every pair, the number of fingerprints it shares,
 *      without comparing all pairs of fingerprint sets;
 *   6. score = shared / min(fingerprints of A, fingerprints of B): the
 *      part of the smaller program found in the other.  Function order does
 *      not matter: fingerprints are a set.
 *
 * Pairs scoring SIM_THRESHOLD percent or more (and sharing at least
 * SIM_MIN_SHARED fingerprints) are listed in similarity.html, highest
 * first, with the matching line ranges of both files side by side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

#ifndef COMMON_MIN
#define COMMON_MIN 20    /* a fingerprint in more than max(COMMON_MIN, n/COMMON_DIV) files is an idiom */
#endif
#define COMMON_DIV 2
enum {
    ROWS_MAX = 200,      /* pairs listed per program */
    DETAILS_MAX = 40,    /* pairs shown side by side per program */
    REGIONS_MAX = 8,     /* matching regions shown per pair */
    REGION_LINES = 60,   /* lines shown per region and side */
};

struct fp { uint64_t h; int pos; };

struct sub {
    const struct job *j;
    char *src;
    size_t len;
    struct ctok *toks;
    size_t ntoks;
    struct fp *fps;      /* winnowed, base removed, sorted by hash, unique */
    size_t nfps;
    int counted;         /* fingerprints that are not common idioms: the score's denominator */
};

struct pair { int a, b, shared; double score; };

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* The hash of every k-gram: n - K + 1 of them (none if n < K). */
static uint64_t *kgram_hashes(const struct ctok *t, size_t n, size_t *nh)
{
    *nh = n >= SIM_K ? n - SIM_K + 1 : 0;
    uint64_t *h = xcalloc(*nh + 1, sizeof *h);
    for (size_t i = 0; i < *nh; i++) {
        uint64_t x = 0;
        for (size_t k = 0; k < SIM_K; k++)
            x = x * 1000003ULL + t[i + k].code;
        h[i] = mix64(x);
    }
    return h;
}

static int by_hash(const void *a, const void *b)
{
    const struct fp *x = a, *y = b;
    if (x->h != y->h) return x->h < y->h ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int in_sorted(const uint64_t *set, size_t n, uint64_t h)
{
    return bsearch(&h, set, n, sizeof *set, by_u64) != NULL;
}

/* Winnowing (robust: the rightmost minimum, each position recorded once),
 * then the base code's k-grams removed, then sorted by hash, unique. */
static void fingerprint(struct sub *s, const uint64_t *base, size_t nbase)
{
    size_t nh;
    uint64_t *h = kgram_hashes(s->toks, s->ntoks, &nh);
    s->fps = xcalloc(nh + 1, sizeof *s->fps);
    s->nfps = 0;
    long last = -1;
    size_t windows = nh >= SIM_W ? nh - SIM_W + 1 : (nh ? 1 : 0);
    size_t width = nh >= SIM_W ? SIM_W : nh;
    for (size_t i = 0; i < windows; i++) {
        size_t best = i;
        for (size_t k = i; k < i + width; k++)
            if (h[k] <= h[best]) best = k;
        if ((long)best == last) continue;
        last = (long)best;
        if (in_sorted(base, nbase, h[best])) continue;
        s->fps[s->nfps++] = (struct fp){ h[best], (int)best };
    }
    free(h);
    qsort(s->fps, s->nfps, sizeof *s->fps, by_hash);
    size_t u = 0;
    for (size_t i = 0; i < s->nfps; i++)   /* keep the first position of each hash */
        if (!u || s->fps[u - 1].h != s->fps[i].h) s->fps[u++] = s->fps[i];
    s->nfps = u;
}

/* ---- the inverted index: fingerprint -> the submissions that have it ---- */

struct index {
    uint64_t *key;
    int *head, *count;        /* per slot: first posting, number of postings */
    size_t slots;
    int *post_sub, *post_next;
    int nposts;
};

static void index_build(struct index *x, const struct sub *subs, int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += subs[i].nfps;
    x->slots = 16;
    while (x->slots < 2 * total + 16) x->slots *= 2;
    x->key = xcalloc(x->slots, sizeof *x->key);
    x->head = xcalloc(x->slots, sizeof *x->head);
    x->count = xcalloc(x->slots, sizeof *x->count);
    x->post_sub = xcalloc(total + 1, sizeof *x->post_sub);
    x->post_next = xcalloc(total + 1, sizeof *x->post_next);
    x->nposts = 0;
    int *tail = xcalloc(x->slots, sizeof *tail);
    /* Submissions in order, each hash once per submission: every posting
     * list is a list of distinct submissions, in increasing order. */
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < subs[i].nfps; k++) {
            uint64_t h = subs[i].fps[k].h;
            size_t slot = (size_t)h & (x->slots - 1);
            while (x->count[slot] && x->key[slot] != h) slot = (slot + 1) & (x->slots - 1);
            int p = x->nposts++;
            x->post_sub[p] = i;
            x->post_next[p] = -1;
            if (!x->count[slot]) {
                x->key[slot] = h;
                x->head[slot] = p;
            } else {
                x->post_next[tail[slot]] = p;
            }
            tail[slot] = p;
            x->count[slot]++;
        }
    free(tail);
}

static int index_count(const struct index *x, uint64_t h)
{
    size_t slot = (size_t)h & (x->slots - 1);
    while (x->count[slot] && x->key[slot] != h) slot = (slot + 1) & (x->slots - 1);
    return x->count[slot];
}

static void index_free(struct index *x)
{
    free(x->key);
    free(x->head);
    free(x->count);
    free(x->post_sub);
    free(x->post_next);
}

/* Index of pair (a, b), a < b, in an upper-triangle array. */
static size_t tri(int n, int a, int b)
{
    return (size_t)a * (size_t)(2 * n - a - 1) / 2 + (size_t)(b - a - 1);
}

static int by_score(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    if (x->shared != y->shared) return y->shared - x->shared;
    if (x->a != y->a) return x->a - y->a;
    return x->b - y->b;
}

/* Every pair with enough shared fingerprints, scored; the listed ones first. */
static struct pair *compare_all(struct sub *subs, int n, int *npairs, int *listed, int *limit_out)
{
    struct index x;
    index_build(&x, subs, n);
    int limit = n / COMMON_DIV > COMMON_MIN ? n / COMMON_DIV : COMMON_MIN;
    *limit_out = limit;
    for (int i = 0; i < n; i++) {
        subs[i].counted = 0;
        for (size_t k = 0; k < subs[i].nfps; k++)
            subs[i].counted += index_count(&x, subs[i].fps[k].h) <= limit;
    }
    size_t ntri = n > 1 ? (size_t)n * (size_t)(n - 1) / 2 : 1;
    uint32_t *shared = xcalloc(ntri, sizeof *shared);
    int *members = xcalloc((size_t)limit + 1, sizeof *members);
    for (size_t slot = 0; slot < x.slots; slot++) {
        if (x.count[slot] < 2 || x.count[slot] > limit) continue;
        int m = 0;
        for (int p = x.head[slot]; p >= 0; p = x.post_next[p]) members[m++] = x.post_sub[p];
        for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++)
                shared[tri(n, members[a], members[b])]++;
    }
    free(members);
    index_free(&x);
    struct pair *pairs = NULL;
    int np = 0, cap = 0;
    *listed = 0;
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++) {
            uint32_t s = shared[tri(n, a, b)];
            if (!s) continue;
            int small = subs[a].counted < subs[b].counted ? subs[a].counted : subs[b].counted;
            if (small <= 0) continue;
            if (np == cap) {
                cap = cap ? 2 * cap : 256;
                pairs = xrealloc(pairs, (size_t)cap * sizeof *pairs);
            }
            double score = (double)s / small;
            pairs[np++] = (struct pair){ a, b, (int)s, score > 1 ? 1 : score };
        }
    free(shared);
    qsort(pairs, (size_t)np, sizeof *pairs, by_score);
    for (int i = 0; i < np; i++)
        *listed += pairs[i].score * 100 >= SIM_THRESHOLD - 1e-9 && pairs[i].shared >= SIM_MIN_SHARED;
    *npairs = np;
    return pairs;
}

/* ---- the report --------------------------------------------------------- */

struct region { int a0, a1, b0, b1, fps; };   /* token ranges in A and B */

static int by_pos_a(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

static int by_region_start(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    return (x->a0 > y->a0) - (x->a0 < y->a0);
}

static int by_region_size(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    return y->fps - x->fps;
}

/* The stretches of A found in B, in A's order: shared fingerprints close
 * together in both files make one region. */
static int regions_of(const struct sub *A, const struct sub *B, struct region *out, int max)
{
    int *m = xcalloc(2 * A->nfps + 2, sizeof *m), nm = 0;
    for (size_t i = 0; i < A->nfps; i++) {
        struct fp key = { A->fps[i].h, 0 };
        size_t lo = 0, hi = B->nfps;
        while (lo < hi) {   /* the first entry with this hash */
            size_t mid = (lo + hi) / 2;
            if (B->fps[mid].h < key.h) lo = mid + 1;
            else hi = mid;
        }
        if (lo < B->nfps && B->fps[lo].h == key.h) {
            m[2 * nm] = A->fps[i].pos;
            m[2 * nm + 1] = B->fps[lo].pos;
            nm++;
        }
    }
    qsort(m, (size_t)nm, 2 * sizeof *m, by_pos_a);
    const int gap = 3 * (SIM_K + SIM_W);
    struct region *all = xcalloc((size_t)nm + 1, sizeof *all);
    int nr = 0;
    for (int i = 0; i < nm; i++) {
        int pa = m[2 * i], pb = m[2 * i + 1];
        struct region *r = nr ? &all[nr - 1] : NULL;
        if (r && pa - r->a1 <= gap && pb >= r->b1 && pb - r->b1 <= gap) {
            r->a1 = pa;
            r->b1 = pb;
            r->fps++;
        } else {
            all[nr++] = (struct region){ pa, pa, pb, pb, 1 };
        }
    }
    free(m);
    qsort(all, (size_t)nr, sizeof *all, by_region_size);
    if (nr > max) nr = max;
    qsort(all, (size_t)nr, sizeof *all, by_region_start);
    memcpy(out, all, (size_t)nr * sizeof *all);
    free(all);
    return nr;
}

static int tok_line(const struct sub *s, int tok)
{
    if (!s->ntoks) return 1;
    if (tok < 0) tok = 0;
    if ((size_t)tok >= s->ntoks) tok = (int)s->ntoks - 1;
    return s->toks[tok].line;
}

/* Lines l0..l1 of a file, numbered, escaped. */
static void show_lines(FILE *f, const struct sub *s, int l0, int l1)
{
    const char *p = s->src, *end = s->src + s->len;
    int line = 1;
    while (line < l0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
        line++;
    }
    int shown = 0;
    fputs("<pre>", f);
    for (; line <= l1 && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (shown++ == REGION_LINES) {
            fprintf(f, "<span class=\"muted\">... %d more lines</span>\n", l1 - line + 1);
            break;
        }
        fprintf(f, "<span class=\"muted\">%4d</span>  ", line);
        html_textn(f, p, (size_t)(e - p));
        fputc('\n', f);
        p = nl ? nl + 1 : end;
    }
    fputs("</pre>", f);
}

static void who(FILE *f, const struct sub *s)
{
    char *id = html_id("s-", s->j->st->name);
    fprintf(f, "<a href=\"report.html#%s\">", id);
    html_text(f, s->j->st->name);
    fputs("</a>", f);
    free(id);
}

/* One side of a matching region: whose file, which lines, the lines. */
static void show_column(FILE *f, const struct sub *x, int l0, int l1)
{
    fputs("<div><div class=\"hdr\">", f);
    html_text(f, x->j->st->name);
    fputs(" / ", f);
    html_text(f, x->j->rel);
    fprintf(f, ", lines %d-%d</div>", l0, l1);
    show_lines(f, x, l0, l1);
    fputs("</div>\n", f);
}

static void show_pair(FILE *f, const char *pid, int rank, const struct pair *pr, struct sub *subs)
{
    const struct sub *A = &subs[pr->a], *B = &subs[pr->b];
    struct region r[REGIONS_MAX];
    int nr = regions_of(A, B, r, REGIONS_MAX);
    fprintf(f, "<div class=\"pair\" id=\"%s-%d\">\n<h3>#%d &nbsp;<span class=\"score\">%.0f%%</span> "
               "&nbsp;", pid, rank, rank, 100 * pr->score);
    who(f, A);
    fputs(" &amp; ", f);
    who(f, B);
    fprintf(f, "</h3>\n<p class=\"small muted\">%d shared fingerprints; %s has %d, %s has %d "
               "(base code and class-wide idioms not counted). %d matching region%s, largest "
               "first in the file's order:</p>\n", pr->shared, "the first", A->counted,
            "the second", B->counted, nr, nr == 1 ? "" : "s");
    for (int i = 0; i < nr; i++) {
        int la0 = tok_line(A, r[i].a0), la1 = tok_line(A, r[i].a1 + SIM_K - 1);
        int lb0 = tok_line(B, r[i].b0), lb1 = tok_line(B, r[i].b1 + SIM_K - 1);
        fputs("<div class=\"side\">\n", f);
        show_column(f, A, la0, la1);
        show_column(f, B, lb0, lb1);
        fputs("</div>\n", f);
    }
    fputs("<p class=\"small\"><a href=\"#top\">back to the top</a></p>\n</div>\n", f);
}

/* The base code: every k-gram hash of the lesson's skeleton, sorted. */
static uint64_t *base_code(const struct config *cfg, const struct prog_info *p, size_t *n,
                           int *found)
{
    const char *wb = workbook_dir(cfg);
    *n = 0;
    *found = 0;
    if (!wb) return xcalloc(1, sizeof(uint64_t));
    char *path = xasprintf("%s/lessons/%s/%s.c", wb, p->lesson, p->name);
    size_t len;
    char *src = read_file(path, MAX_SOURCE, &len);
    free(path);
    if (!src) return xcalloc(1, sizeof(uint64_t));
    *found = 1;
    struct ctok *t;
    size_t nt = ctokenize(src, len, &t);
    uint64_t *h = kgram_hashes(t, nt, n);
    qsort(h, *n, sizeof *h, by_u64);
    free(t);
    free(src);
    return h;
}

struct prog_result {
    const struct prog_info *p;
    struct sub *subs;
    int n, npairs, listed, limit, base_found;
    struct pair *pairs;
};

static void compare_program(const struct config *cfg, const struct class *cl,
                            const struct prog_info *p, struct prog_result *r)
{
    r->p = p;
    r->n = 0;
    for (int i = 0; i < cl->njobs; i++)
        r->n += cl->jobs[i]->prog == p && cl->jobs[i]->outcome != O_REFUSED;
    r->subs = xcalloc((size_t)r->n + 1, sizeof *r->subs);
    size_t nbase;
    uint64_t *base = base_code(cfg, p, &nbase, &r->base_found);
    int n = 0;
    for (int i = 0; i < cl->njobs; i++) {
        const struct job *j = cl->jobs[i];
        if (j->prog != p || j->outcome == O_REFUSED) continue;
        struct sub *s = &r->subs[n++];
        s->j = j;
        s->src = read_file(j->src, MAX_SOURCE, &s->len);
        if (!s->src) s->src = xstrdup("");
        s->ntoks = ctokenize(s->src, s->len, &s->toks);
        fingerprint(s, base, nbase);
    }
    free(base);
    r->pairs = compare_all(r->subs, n, &r->npairs, &r->listed, &r->limit);
    /* An optional dump of every pair, to choose the parameters (docs/grading.md). */
    const char *dump = getenv("GRADER_SIMILARITY_DUMP");
    if (dump && *dump) {
        FILE *d = fopen(dump, "a");
        for (int i = 0; d && i < r->npairs; i++) {
            const struct pair *pr = &r->pairs[i];
            fprintf(d, "%s/%s\t%.4f\t%d\t%d\t%d\t%s\t%s\n", p->lesson, p->name, pr->score,
                    pr->shared, r->subs[pr->a].counted, r->subs[pr->b].counted,
                    r->subs[pr->a].j->st->name, r->subs[pr->b].j->st->name);
        }
        if (d) fclose(d);
    }
}

static void free_program(struct prog_result *r)
{
    for (int i = 0; i < r->n; i++) {
        free(r->subs[i].src);
        free(r->subs[i].toks);
        free(r->subs[i].fps);
    }
    free(r->subs);
    free(r->pairs);
}

static void write_page(FILE *f, const struct config *cfg, struct prog_result *res, int nprog,
                       const struct sim_stats *st)
{
    html_head(f, "Similarity report");
    fprintf(f, "<h1 id=\"top\">Similarity: submissions to look at</h1>\n");
    fprintf(f, "<p class=\"muted\">%d submissions of %d programs compared pairwise in %.2f s. "
               "<a href=\"report.html\">The class report</a>.</p>\n", st->submissions,
            st->programs, st->seconds);
    fprintf(f, "<div class=\"note\"><p><b>These pairs are worth a look, nothing more.</b> A high "
               "score says two files share long stretches of the same code structure once "
               "comments, layout and names are set aside. It is not proof of copying: two "
               "students may have followed the same lesson, hint or book closely, worked "
               "together as allowed, or written a short program the one obvious way. Read both "
               "files, talk with the students, and decide yourself.</p>\n"
               "<p class=\"small\">Score = shared fingerprints / fingerprints of the smaller "
               "file (the part of the smaller program that is also in the other). Each file's C "
               "tokens are normalised (identifiers, numbers and strings become their class; "
               "comments, layout and preprocessor lines dropped), hashed %d tokens at a time and "
               "winnowed with a window of %d (as MOSS does): any common stretch of %d tokens or "
               "more is seen, reordered functions and renamed variables included. Not counted: "
               "the lesson's skeleton (what every student was given) and fingerprints found in "
               "more than max(%d, n/%d) of a program's n submissions (what most of the class "
               "writes). Listed: %d%% or more, with at least %d shared fingerprints.",
            SIM_K, SIM_W, SIM_K + SIM_W - 1, COMMON_MIN, COMMON_DIV, SIM_THRESHOLD,
            SIM_MIN_SHARED);
    const char *wb = workbook_dir(cfg);
    if (wb) {
        fputs(" Skeletons read from ", f);
        html_text(f, wb);
        fputs("/lessons/.", f);
    } else {
        fputs(" <b>The workbook's lessons/ was not found: skeletons are not excluded, so "
              "scores are higher than they should be.</b>", f);
    }
    fputs("</p></div>\n", f);
    fprintf(f, "<h2 class=\"first\">Per program</h2>\n<table>\n<tr><th>program</th>"
               "<th class=\"num\">submissions</th><th class=\"num\">pairs listed</th>"
               "<th class=\"num\">highest score</th><th>skeleton excluded</th></tr>\n");
    for (int i = 0; i < nprog; i++) {
        const struct prog_result *r = &res[i];
        char *name = xasprintf("%s/%s", r->p->lesson, r->p->name);
        char *pid = html_id("p-", name);
        char highest[16] = "-";
        if (r->npairs) snprintf(highest, sizeof highest, "%.0f%%", 100 * r->pairs[0].score);
        fprintf(f, "<tr><td><a href=\"#%s\">%s</a></td><td class=\"num\">%d</td>"
                   "<td class=\"num\">%s%d%s</td><td class=\"num\">%s</td><td>%s</td></tr>\n",
                pid, name, r->n, r->listed ? "<b>" : "", r->listed, r->listed ? "</b>" : "",
                highest, r->base_found ? "yes" : "<b>no: not found</b>");
        free(pid);
        free(name);
    }
    fputs("</table>\n", f);
    for (int i = 0; i < nprog; i++) {
        struct prog_result *r = &res[i];
        char *name = xasprintf("%s/%s", r->p->lesson, r->p->name);
        char *pid = html_id("p-", name);
        fprintf(f, "<h2 id=\"%s\">%s</h2>\n", pid, name);
        if (!r->listed) {
            fprintf(f, "<p>No pair at %d%% or more (%d submissions", SIM_THRESHOLD, r->n);
            if (r->npairs) fprintf(f, "; the closest pair scores %.0f%%", 100 * r->pairs[0].score);
            fputs(").</p>\n", f);
            free(pid);
            free(name);
            continue;
        }
        fprintf(f, "<p>%d pair%s at %d%% or more, highest first.</p>\n<table>\n<tr><th class=\"num\">"
                   "#</th><th class=\"num\">score</th><th>first</th><th>second</th><th class=\"num\">"
                   "shared</th></tr>\n", r->listed, r->listed == 1 ? "" : "s", SIM_THRESHOLD);
        for (int k = 0; k < r->listed && k < ROWS_MAX; k++) {
            const struct pair *pr = &r->pairs[k];
            fprintf(f, "<tr><td class=\"num\">");
            if (k < DETAILS_MAX) fprintf(f, "<a href=\"#%s-%d\">%d</a>", pid, k + 1, k + 1);
            else fprintf(f, "%d", k + 1);
            fprintf(f, "</td><td class=\"num score\">%.0f%%</td><td>", 100 * pr->score);
            who(f, &r->subs[pr->a]);
            fputs("</td><td>", f);
            who(f, &r->subs[pr->b]);
            fprintf(f, "</td><td class=\"num\">%d</td></tr>\n", pr->shared);
        }
        fputs("</table>\n", f);
        if (r->listed > ROWS_MAX)
            fprintf(f, "<p>... and %d more pairs above the threshold (so many usually means the "
                       "skeleton or a shared starting point was not excluded).</p>\n",
                    r->listed - ROWS_MAX);
        for (int k = 0; k < r->listed && k < DETAILS_MAX; k++)
            show_pair(f, pid, k + 1, &r->pairs[k], r->subs);
        free(pid);
        free(name);
    }
    fputs("</body>\n</html>\n", f);
}

int similarity_report(const struct config *cfg, const struct class *cl, const char *path,
                      struct sim_stats *st)
{
    double t0 = mono_s();
    memset(st, 0, sizeof *st);
    int nprog = 0;
    for (struct prog_info *p = catalog_all(); p; p = p->next) nprog++;
    struct prog_result *res = xcalloc((size_t)nprog + 1, sizeof *res);
    int k = 0;
    for (struct prog_info *p = catalog_all(); p; p = p->next) {
        int any = 0;
        for (int i = 0; i < cl->njobs && !any; i++) any = cl->jobs[i]->prog == p;
        if (!any) continue;
        compare_program(cfg, cl, p, &res[k]);
        st->submissions += res[k].n;
        st->pairs += res[k].listed;
        k++;
    }
    st->programs = k;
    st->seconds = mono_s() - t0;   /* the comparison; writing the page is added below */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) die("out of memory");
    write_page(f, cfg, res, k, st);
    fclose(f);
    for (int i = 0; i < k; i++) free_program(&res[i]);
    free(res);
    int r = write_file_atomic(path, buf, len);
    if (r != 0)
        fprintf(stderr, "grader: cannot write %s: %s\n", path, strerror(errno));
    free(buf);
    st->seconds = mono_s() - t0;
    return r;
}

int similarity_only_main(const struct config *cfg, const struct class *cl)
{
    if (mkdir_p(cfg->out, 0755) != 0)
        die("cannot create the output directory %s: %s", cfg->out, strerror(errno));
    char *path = xasprintf("%s/similarity.html", cfg->out);
    struct sim_stats st;
    if (similarity_report(cfg, cl, path, &st) != 0) return 2;
    printf("similarity: %d submissions of %d programs compared in %.2f s; %d pair%s at %d%% or "
           "more\nSimilarity report: %s\n", st.submissions, st.programs, st.seconds, st.pairs,
           st.pairs == 1 ? "" : "s", SIM_THRESHOLD, path);
    free(path);
    return 0;
}
