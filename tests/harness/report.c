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
    put(f, 'c', r->cause);
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
    r->status = (enum verdict)st;
    p = memchr(p, '\n', (size_t)(end - p)) + 1;
    while (p < end) {
        char tag;
        size_t len;
        int skip;
        if (sscanf(p, "%c %zu\n%n", &tag, &len, &skip) != 2 || p + skip + len > end)
            return -1;
        char *s = xstrndup(p + skip, len);
        p += skip + len + 1;
        switch (tag) {
        case 'e': r->expected = s; break;
        case 'o': r->observed = s; break;
        case 'h': r->hint = s; break;
        case 's': r->see = s; break;
        case 'x': r->ended = s; break;
        case 'r': r->err = s; break;
        case 'n': r->notes = s; break;
        case 'c': r->cause = s; break;
        case 'E': {
            struct event e;
            int d, k;
            if (sscanf(s, "%ld %d %n", &e.t, &d, &k) != 2) return -1;
            e.dir = (enum dir)d;
            e.text = s + k;
            r->events = xrealloc(r->events, (r->nevents + 1) * sizeof e);
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

/* A note at the checker's lifeline, wrapped at word boundaries, never cut. */
static void peer_note(FILE *f, long t, const char *text, int indent)
{
    const int width = LANE - 1;
    int first = 1;
    while (*text) {
        int n = (int)strlen(text);
        if (n > width) {
            n = width;
            while (n > 0 && text[n] != ' ')
                n--;
            if (n == 0)
                n = width;   /* one long word: cut it */
        }
        if (first)
            fprintf(f, "%*s%6ld | %-*.*s|\n", indent, "", t, width, n, text);
        else
            fprintf(f, "%*s%6s | %-*.*s|\n", indent, "", "", width, n, text);
        first = 0;
        text += n;
        while (*text == ' ')
            text++;
    }
}

/* How each program ended, as the last rows of the diagram, unless an event
 * already says it (the checker stopped it).  "NAME: exited ... at N ms". */
static void endings(FILE *f, const struct result *r, int indent)
{
    if (!r->ended)
        return;
    const char *line = r->ended;
    while (*line) {
        const char *nl = strchrnul(line, '\n');
        char *one = str("%.*s", (int)(nl - line), line);
        char *how = strstr(one, ": ");
        char *at = strstr(one, " at ");
        long ms = -1;
        if (how && at) {
            char *last = at;
            while ((at = strstr(at + 1, " at ")))
                last = at;
            ms = atol(last + 4);
            *last = 0;
            how += 2;
        }
        int told = 0;
        for (size_t i = 0; how && i < r->nevents; i++)
            if (r->events[i].dir == AT_PROG && strstr(r->events[i].text, how))
                told = 1;
        if (how && ms >= 0 && !told && strncmp(how, "still running", 13) != 0)
            fprintf(f, "%*s%6ld |%*s| %s\n", indent, "", ms, LANE, "", how);
        line = *nl ? nl + 1 : nl;
    }
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
            peer_note(f, e->t, e->text, indent);
    }
    endings(f, r, indent);
}

/* "Your program:" only when it adds to "Observed:" (which may already be
 * the same exit line). */
static int ended_is_news(const struct result *r)
{
    if (!r->ended)
        return 0;
    if (!r->observed)
        return 1;
    return strcmp(r->ended, r->observed) != 0 && !strstr(r->observed, r->ended);
}

static void human_block(FILE *f, const char *lesson, const struct test *t, const struct result *r)
{
    const int in = 8;
    (void)t;   /* its name and what it does head the block already */
    para(f, "Expected:", r->expected, in);
    para(f, "Observed:", r->observed, in);
    para(f, "Note:", r->notes, in);
    if (ended_is_news(r))
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
 * One diagnosis per cause.  A fault such as a server that waits for a full
 * buffer fails many tests with one symptom ("no byte in 2000 ms", the server
 * still running); their own hints (SIGPIPE, descriptor leaks ...) would all
 * be wrong.  So the first failure in the lesson's order is shown in full,
 * later ones with the same symptom take one line, and a failure whose
 * symptom differs is shown in full with its own hint.  VERBOSE=1 shows all.
 *
 * The symptom: a known cause (the server exited), else what was observed
 * and how the programs ended, without the bytes (quoted) and numbers that
 * differ from test to test.
 */
/* Observations that one fault words in many ways, by the verb that saw it. */
static const char *symptom_class(const char *observed)
{
    static const char *const ended_early[] = { "Connection reset", "Broken pipe", "EOF", "closed the connection",
                                               "closed or reset", NULL };
    static const char *const silence[] = { "no byte in", "nothing for", "read nothing for", NULL };
    for (int i = 0; ended_early[i]; i++)
        if (strstr(observed, ended_early[i]))
            return "the program ended the connection early";
    for (int i = 0; silence[i]; i++)
        if (strstr(observed, silence[i]))
            return "nothing came back in time";
    return observed;
}

static char *symptom(const struct result *r)
{
    const char *ended = r->ended ? r->ended : "";
    const char *how = strstr(ended, ": ");
    const char *seen = symptom_class(r->observed ? r->observed : "");
    char *raw = str("%s\n%s", seen, how ? how + 2 : ended);
    if (r->cause)
        raw = r->cause;
    char *key = str("%s", raw);
    char *o = key;
    int quoted = 0;
    for (const char *d = raw; *d; d++) {
        if (*d == '\\' && quoted && d[1]) {
            d++;
            continue;
        }
        if (*d == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted)
            continue;
        if (*d >= '0' && *d <= '9') {
            if (o == key || o[-1] != '#')
                *o++ = '#';
            continue;
        }
        *o++ = *d;
    }
    *o = 0;
    return key;
}

enum { MAX_SHOWN = 64 };
static struct {
    const char *test;
    char *symptom;
    int alike;   /* later failures with this symptom */
} shown[MAX_SHOWN];
static int nshown, ngrouped;

/* The test shown in full whose failure looks like r's, or NULL. */
static const char *same_symptom(const struct test *t, const struct result *r)
{
    const char *verbose = getenv("VERBOSE");
    char *key = symptom(r);
    if (!(verbose && *verbose && strcmp(verbose, "0")))
        for (int i = 0; i < nshown; i++)
            if (!strcmp(shown[i].symptom, key)) {
                shown[i].alike++;
                ngrouped++;
                return shown[i].test;
            }
    if (nshown < MAX_SHOWN) {
        shown[nshown].test = t->name;
        shown[nshown].symptom = key;
        nshown++;
    }
    return NULL;
}

/* The symptom in a few words for the one-line form: its first line, cut. */
static const char *short_observed(const struct result *r)
{
    const char *s = r->observed ? r->observed : "";
    if (r->cause)
        s = r->cause;
    int n = (int)(strchrnul(s, '\n') - s);
    if (n > 72)
        return str("%.68s ...", s);
    return str("%.*s", n, s);
}

void report_test(int format, int i, const char *lesson, const struct test *t, const struct result *r)
{
    if (format == FMT_HUMAN) {
        const char *tag = str("%sPASS%s", GREEN, OFF);
        if (r->status == FAILED)
            tag = str("%sFAIL%s", RED, OFF);
        if (r->status == SKIPPED)
            tag = str("%sSKIP%s", YELLOW, OFF);
        const char *like = r->status == FAILED ? same_symptom(t, r) : NULL;
        if (like)
            printf("  %s  %-24s the same symptom as %s: %s\n", tag, t->name, like, short_observed(r));
        else if (r->status == SKIPPED)
            printf("  %s  %-24s %s\n", tag, t->name, r->observed);
        else
            printf("  %s  %-24s %s\n", tag, t->name, t->what);
        if (r->status == FAILED && !like) {
            human_block(stdout, lesson, t, r);
            putchar('\n');
        }
    } else if (format == FMT_TAP) {
        printf("%s %d - %s%s%s\n", r->status == FAILED ? "not ok" : "ok", i + 1, t->name,
               r->status == SKIPPED ? " # SKIP " : "", r->status == SKIPPED ? r->observed : "");
        if (r->status == FAILED) {
            printf("  ---\n");
            yaml_field(stdout, "what", t->what);
            yaml_field(stdout, "expected", r->expected);
            yaml_field(stdout, "observed", r->observed);
            yaml_field(stdout, "ended", r->ended);
            yaml_field(stdout, "hint", r->hint);
            printf("  ...\n");
        }
    } else {
        const char *like = r->status == FAILED ? same_symptom(t, r) : NULL;
        int saved = use_color;
        use_color = 0;
        char *text = NULL;
        size_t len;
        FILE *m = open_memstream(&text, &len);
        if (r->status == FAILED) human_block(m, lesson, t, r);
        fclose(m);
        use_color = saved;
        printf("%s\n  {\"name\": ", ntests_seen++ ? "," : "");
        json_str(stdout, t->name);
        printf(", \"status\": \"%s\", \"ms\": %ld, \"what\": ", verdict_word(r->status), r->ms);
        json_str(stdout, t->what);
        const char *keys[] = { "expected", "observed", "notes", "ended", "stderr", "hint", "see", "text",
                               "same_symptom_as", "symptom" };
        const char *vals[] = { r->expected, r->observed, r->notes, r->ended, r->err, r->hint,
                               r->see ? str("lessons/%s/README.md%s", lesson, r->see) : NULL,
                               r->status == FAILED ? text : NULL, like,
                               like ? short_observed(r) : NULL };
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
    /* A skipped test was not run: it counts in neither passed nor total. */
    int total = passed + failed;
    if (format == FMT_HUMAN && ngrouped)
        printf("%d of the %d failures show the same symptom as a failure shown in full above: "
               "fix that one first, then check again (VERBOSE=1 shows every failure in full).\n",
               ngrouped, failed);
    if (format == FMT_HUMAN)
        printf("%s%s: %d of %d tests passed%s%s\n", failed ? RED : GREEN, program, passed,
               total, skipped ? str(" (%d skipped, not counted: each SKIP above says why)",
                                    skipped) : "", OFF);
    else if (format == FMT_JSON)
        printf("\n], \"passed\": %d, \"failed\": %d, \"skipped\": %d, \"total\": %d}\n", passed,
               failed, skipped, total);
    fflush(stdout);
}
