/*
 * report.c - a test's result: sent from the test's process to the runner,
 * and printed for a person (with the exchange drawn as a sequence diagram),
 * as TAP or as JSON.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

int use_color;

/* ---- the result between processes: "tag length\n bytes\n" records ---- */

static void put(FILE *f, char tag, const char *s)
{
    if (s)
        fprintf(f, "%c %zu\n%s\n", tag, strlen(s), s);
}

void result_write(int fd, const struct result *r)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "S %d %ld\n", (int)r->status, r->ms);
    put(f, 'e', r->expected); put(f, 'o', r->observed); put(f, 'h', r->hint);
    put(f, 's', r->see); put(f, 'x', r->ended); put(f, 'r', r->err); put(f, 'n', r->notes);
    for (size_t i = 0; i < r->nevents; i++)
        put(f, 'E', str("%ld %d %s", r->events[i].t, (int)r->events[i].dir, r->events[i].text));
    fclose(f);
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    free(buf);
}

int result_parse(const char *p, size_t n, struct result *r)
{
    const char *end = p + n;
    int st;
    memset(r, 0, sizeof *r);
    if (sscanf(p, "S %d %ld\n", &st, &r->ms) != 2)
        return -1;
    r->status = (enum status)st;
    p = memchr(p, '\n', (size_t)(end - p)) + 1;
    while (p < end) {
        char tag;
        size_t len;
        int skip;
        if (sscanf(p, "%c %zu\n%n", &tag, &len, &skip) != 2 || p + skip + len > end)
            return -1;
        char *s = strndup(p + skip, len);
        p += skip + len + 1;
        switch (tag) {
        case 'e': r->expected = s; break;
        case 'o': r->observed = s; break;
        case 'h': r->hint = s; break;
        case 's': r->see = s; break;
        case 'x': r->ended = s; break;
        case 'r': r->err = s; break;
        case 'n': r->notes = s; break;
        case 'E': {
            struct event e;
            int d, k;
            if (sscanf(s, "%ld %d %n", &e.t, &d, &k) != 2) return -1;
            e.dir = (enum dir)d;
            e.text = s + k;
            r->events = realloc(r->events, (r->nevents + 1) * sizeof e);
            r->events[r->nevents++] = e;
            break;
        }
        }
    }
    return 0;
}

/* ---- for a person --------------------------------------------------- */

static const char *col(const char *code) { return use_color ? code : ""; }
#define RED col("\033[31m")
#define GREEN col("\033[32m")
#define YELLOW col("\033[33m")
#define BOLD col("\033[1m")
#define DIM col("\033[2m")
#define OFF col("\033[0m")

/* Print text with every line after the first indented. */
static void para(FILE *f, const char *label, const char *text, int indent)
{
    if (!text) return;
    fprintf(f, "%*s%s%-14s%s", indent, "", BOLD, label, OFF);
    for (const char *s = text; *s; s++) {
        fputc(*s, f);
        if (*s == '\n' && s[1])
            fprintf(f, "%*s", indent + 14, "");
    }
    fputc('\n', f);
}

static void stderr_tail(FILE *f, const char *err, int indent)
{
    if (!err || !*err) {
        fprintf(f, "%*s%s%-14s%s(empty)\n", indent, "", BOLD, "Its stderr:", OFF);
        return;
    }
    const char *s = err + strlen(err);
    int lines = 0;
    while (s > err && lines < 12)   /* back up to the start of the last 12 lines */
        if (*--s == '\n' && s[1]) lines++;
    if (s > err) s++;
    fprintf(f, "%*s%s%s%s\n", indent, "", BOLD, s > err ? "Its stderr (last lines):" : "Its stderr:", OFF);
    while (*s) {
        const char *nl = strchrnul(s, '\n');
        size_t n = (size_t)(nl - s);
        char *e = escaped(s, n > 200 ? 200 : n, 220);
        e[strlen(e) - 1] = 0;   /* drop the quotes escaped() adds */
        fprintf(f, "%*s  | %s%s\n", indent, "", e + 1, n > 200 ? "..." : "");
        s = *nl ? nl + 1 : nl;
    }
}

enum { LANE = 50 };   /* width between the two lifelines */

static void arrow(FILE *f, const struct event *e, int indent)
{
    char label[LANE * 4];
    snprintf(label, sizeof label, " %s ", e->text);
    size_t room = LANE - 4;
    if (strlen(label) > room) {
        memcpy(label + room - 4, "... ", 5);
    }
    size_t n = strlen(label), dashes = LANE - 2 - n;
    fprintf(f, "%*s%6ld |", indent, "", e->t);
    if (e->dir == TO_PROG)
        fprintf(f, "-%s%.*s>|\n", label, (int)dashes, "--------------------------------------------------");
    else
        fprintf(f, "<%.*s%s-|\n", (int)dashes, "--------------------------------------------------", label);
}

static void diagram(FILE *f, const struct result *r, int indent)
{
    size_t net = 0;   /* without network events, "Your program:" says it all */
    for (size_t i = 0; i < r->nevents; i++)
        net += r->events[i].dir == TO_PROG || r->events[i].dir == FROM_PROG;
    if (!net) return;
    fprintf(f, "%*s%sThe exchange:%s\n", indent, "", BOLD, OFF);
    fprintf(f, "%*s%s    ms | %-*s| your program%s\n", indent, "", DIM, LANE, "checker (the peer)", OFF);
    size_t first = r->nevents > 40 ? r->nevents - 40 : 0;
    if (first)
        fprintf(f, "%*s     ... | (%zu earlier events not shown)\n", indent, "", first);
    for (size_t i = first; i < r->nevents; i++) {
        const struct event *e = &r->events[i];
        if (e->dir == TO_PROG || e->dir == FROM_PROG)
            arrow(f, e, indent);
        else if (e->dir == AT_PROG)
            fprintf(f, "%*s%6ld |%*s| %s\n", indent, "", e->t, LANE, "", e->text);
        else
            fprintf(f, "%*s%6ld | %-*.*s|\n", indent, "", e->t, LANE - 1, LANE - 1, e->text);
    }
}

static void human_block(FILE *f, const char *lesson, const struct test *t, const struct result *r)
{
    const int in = 8;
    para(f, "The checker:", t->what, in);
    para(f, "Expected:", r->expected, in);
    para(f, "Observed:", r->observed, in);
    para(f, "Note:", r->notes, in);
    para(f, "Your program:", r->ended, in);
    stderr_tail(f, r->err, in);
    para(f, "Hint:", r->hint, in);
    if (r->see)
        para(f, "Read:", str("lessons/%s/README.md%s", lesson, r->see), in);
    diagram(f, r, in);
}

static void json_str(FILE *f, const char *s)
{
    if (!s) { fputs("null", f); return; }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p < 32 || *p == 127) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);   /* escaped() keeps payload bytes ASCII; stderr may carry UTF-8 */
    }
    fputc('"', f);
}

static void yaml_field(FILE *f, const char *k, const char *v)
{
    if (!v) return;
    fprintf(f, "  %s: ", k);
    json_str(f, v);   /* a JSON string is a valid YAML double-quoted scalar */
    fputc('\n', f);
}

static const char *status_name[] = { "pass", "fail", "skip" };
static const char *dir_name[] = { "to_program", "from_program", "program", "checker" };
static int ntests_seen;

void report_begin(int format, const char *lesson, const char *program, int ntests)
{
    ntests_seen = 0;
    if (format == FMT_HUMAN)
        printf("%s%s/%s%s: %d tests\n", BOLD, lesson, program, OFF, ntests);
    else if (format == FMT_TAP)
        printf("TAP version 13\n1..%d\n", ntests);
    else {
        printf("{\"lesson\": "); json_str(stdout, lesson);
        printf(", \"program\": "); json_str(stdout, program);
        printf(", \"tests\": [");
    }
    fflush(stdout);
}

/*
 * A skeleton, or a program that dies at once, fails every test the same
 * way: the student reads the story once, then one line per test.
 */
static const char *first_like;
static int same_as_before(const struct test *t, const struct result *r)
{
    static char *prev;
    char *key = str("%s\n%s\n%s\n%s", r->expected ? r->expected : "",
                    r->observed ? r->observed : "", r->hint ? r->hint : "", r->err ? r->err : "");
    char *o = key;   /* numbers (times, ports) differ from test to test: one '#' each */
    for (const char *d = key; *d; d++)
        if (*d < '0' || *d > '9')
            *o++ = *d;
        else if (o == key || o[-1] != '#')
            *o++ = '#';
    *o = 0;
    if (prev && !strcmp(prev, key))
        return 1;
    prev = key;
    first_like = t->name;
    return 0;
}

void report_test(int format, int i, const char *lesson, const struct test *t, const struct result *r)
{
    if (format == FMT_HUMAN) {
        const char *tag = r->status == PASS ? str("%sPASS%s", GREEN, OFF)
                        : r->status == FAIL ? str("%sFAIL%s", RED, OFF)
                                            : str("%sSKIP%s", YELLOW, OFF);
        printf("  %s  %-24s %s%s\n", tag, t->name, r->status == SKIP ? "" : t->what,
               r->status == SKIP ? r->observed : "");
        if (r->status == FAIL && same_as_before(t, r)) {
            printf("        The same failure as %s above.\n\n", first_like);
        } else if (r->status == FAIL) {
            human_block(stdout, lesson, t, r);
            putchar('\n');
        }
    } else if (format == FMT_TAP) {
        printf("%s %d - %s%s%s\n", r->status == FAIL ? "not ok" : "ok", i + 1, t->name,
               r->status == SKIP ? " # SKIP " : "", r->status == SKIP ? r->observed : "");
        if (r->status == FAIL) {
            printf("  ---\n");
            yaml_field(stdout, "what", t->what);
            yaml_field(stdout, "expected", r->expected);
            yaml_field(stdout, "observed", r->observed);
            yaml_field(stdout, "ended", r->ended);
            yaml_field(stdout, "hint", r->hint);
            printf("  ...\n");
        }
    } else {
        int saved = use_color;
        use_color = 0;
        char *text = NULL;
        size_t len;
        FILE *m = open_memstream(&text, &len);
        if (r->status == FAIL) human_block(m, lesson, t, r);
        fclose(m);
        use_color = saved;
        printf("%s\n  {\"name\": ", ntests_seen++ ? "," : "");
        json_str(stdout, t->name);
        printf(", \"status\": \"%s\", \"ms\": %ld, \"what\": ", status_name[r->status], r->ms);
        json_str(stdout, t->what);
        const char *keys[] = { "expected", "observed", "notes", "ended", "stderr", "hint", "see", "text" };
        const char *vals[] = { r->expected, r->observed, r->notes, r->ended, r->err, r->hint,
                               r->see ? str("lessons/%s/README.md%s", lesson, r->see) : NULL,
                               r->status == FAIL ? text : NULL };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            printf(", \"%s\": ", keys[k]);
            json_str(stdout, vals[k]);
        }
        printf(", \"exchange\": [");
        for (size_t k = 0; k < r->nevents; k++) {
            printf("%s{\"ms\": %ld, \"dir\": \"%s\", \"text\": ", k ? ", " : "", r->events[k].t,
                   dir_name[r->events[k].dir]);
            json_str(stdout, r->events[k].text);
            putchar('}');
        }
        printf("]}");
        free(text);
    }
    fflush(stdout);
}

void report_end(int format, const char *program, int passed, int failed, int skipped)
{
    int total = passed + failed + skipped;
    if (format == FMT_HUMAN)
        printf("%s%s: %d of %d tests passed%s%s\n", failed ? RED : GREEN, program, passed + skipped,
               total, skipped ? str(" (%d skipped: the machine cannot stage them)", skipped) : "",
               OFF);
    else if (format == FMT_JSON)
        printf("\n], \"passed\": %d, \"failed\": %d, \"skipped\": %d, \"total\": %d}\n", passed,
               failed, skipped, total);
    fflush(stdout);
}
