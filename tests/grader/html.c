/*
 * html.c - what report.html and similarity.html share: escaping (student
 * names and everything a program printed are hostile text), anchors made
 * from names, the workbook's place, and the style sheet.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"

void html_textn(FILE *f, const char *s, size_t n)
{
    /* clean_text: valid UTF-8 (U+FFFD for a byte that is not), no control
     * bytes but \n and \t. */
    char *t = clean_text(s ? s : "", s ? n : 0);
    for (const char *p = t; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f);
        }
    }
    free(t);
}

void html_text(FILE *f, const char *s)
{
    html_textn(f, s, s ? strlen(s) : 0);
}

char *html_id(const char *prefix, const char *name)
{
    size_t n = strlen(name);
    char *id = xcalloc(1, strlen(prefix) + 3 * n + 1), *o = id;
    o = stpcpy(o, prefix);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
            *o++ = (char)*p;
        } else {
            static const char hex[] = "0123456789ABCDEF";
            *o++ = '_';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = 0;
    return id;
}

static int has_lessons(const char *dir)
{
    char *p = xasprintf("%s/lessons", dir);
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

const char *workbook_dir(const struct config *cfg)
{
    static char *found;
    static int looked;
    if (looked) return found;
    looked = 1;
    char real[PATH_MAX];
    /* The checkers are built in <workbook>/<build>/checkers. */
    char *up = xasprintf("%s/../..", cfg->checkers);
    if (realpath(up, real) && has_lessons(real)) found = xstrdup(real);
    free(up);
    if (!found && getcwd(real, sizeof real) && has_lessons(real)) found = xstrdup(real);
    return found;
}

/* The next path component of *p (skipping slashes): its length, 0 at the end. */
static size_t component(const char **p)
{
    while (**p == '/') (*p)++;
    return strcspn(*p, "/");
}

char *relative_path(const char *from, const char *to)
{
    const char *a = from, *b = to;
    for (;;) {   /* skip the components both share */
        const char *sa = a, *sb = b;
        size_t la = component(&sa), lb = component(&sb);
        if (!la || la != lb || memcmp(sa, sb, la)) break;
        a = sa + la;
        b = sb + lb;
    }
    size_t ups = 0;
    for (const char *p = a; component(&p); p += strcspn(p, "/")) ups++;
    while (*b == '/') b++;
    char *out = xcalloc(1, 3 * ups + strlen(b) + 2);
    for (size_t i = 0; i < ups; i++) strcat(out, "../");
    if (*b) strcat(out, b);
    else if (ups) out[strlen(out) - 1] = 0;   /* "../.." */
    else strcat(out, ".");
    return out;
}

void html_head(FILE *f, const char *title)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>");
    html_text(f, title);
    fprintf(f, "</title>\n<style>\n"
        ":root { --ok: #2e7d32; --part: #f9a825; --low: #ef6c00; --bad: #c62828; --none: #9e9e9e; "
        "--ink: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }\n"
        "* { box-sizing: border-box; }\n"
        "body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', "
        "'Noto Sans CJK SC', sans-serif; color: var(--ink); margin: 0 auto; max-width: 1500px; "
        "padding: 1.2em 1.5em 4em; }\n"
        "h1 { font-size: 1.7em; margin: .2em 0 .1em; } h2 { font-size: 1.3em; margin-top: 2em; "
        "border-bottom: 2px solid var(--line); padding-bottom: .2em; } h3 { font-size: 1.1em; "
        "margin: 1.6em 0 .4em; }\n"
        "a { color: #0550ae; } .muted { color: var(--muted); } .small { font-size: .85em; }\n"
        "code, pre, .mono { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; "
        "font-size: .86em; }\n"
        "pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; "
        "padding: .7em .9em; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; "
        "line-height: 1.35; }\n"
        "nav.toc { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; "
        "padding: .5em 1em; margin: 1em 0; } nav.toc a { margin-right: 1.1em; white-space: nowrap; }\n"
        ".banner { border: 2px solid var(--bad); background: #fff4f4; border-radius: 6px; "
        "padding: .6em 1em; margin: 1em 0; } .banner pre { background: #fff; }\n"
        ".note { border-left: 4px solid #0969da; background: #f0f6ff; padding: .5em 1em; "
        "margin: 1em 0; }\n"
        "table { border-collapse: collapse; margin: .6em 0; } th, td { border: 1px solid var(--line); "
        "padding: .25em .5em; text-align: left; vertical-align: top; } th { background: var(--bg); }\n"
        "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }\n"
        ".grid { overflow-x: auto; } .grid table { font-size: .8em; } .grid td:first-child { white-space: nowrap; } .grid th.prog { "
        "writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; "
        "vertical-align: bottom; padding: .5em .2em; }\n"
        ".grid td.cell { text-align: center; white-space: nowrap; padding: .1em .25em; }\n"
        ".grid td.cell a { color: inherit; text-decoration: none; display: block; }\n"
        ".c-ok { background: #d7f0d8; color: #0f3d12; } .c-part { background: #fff1c2; color: #4d3b00; }\n"
        ".c-low { background: #ffd9b8; color: #5a2600; } .c-bad { background: #ffd0d0; color: #6b0d0d; }\n"
        ".c-none { background: #fff; color: var(--none); } .c-broken { background: #e8e8e8; color: #333; }\n"
        ".legend span.cell { display: inline-block; padding: .05em .45em; border: 1px solid var(--line); "
        "border-radius: 3px; margin-right: .3em; }\n"
        ".legend { margin: .4em 0 .8em; } .legend > span { margin-right: 1.2em; white-space: nowrap; }\n"
        "svg { max-width: 100%%; height: auto; } svg text { font-family: system-ui, sans-serif; }\n"
        ".tests td.bar { width: 210px; } .tests td.what { max-width: 34em; } .tests td:first-child { white-space: nowrap; }\n"
        ".student { border-top: 1px solid var(--line); margin-top: 1.5em; }\n"
        ".top { font-size: .85em; float: right; }\n"
        ".pair { border: 1px solid var(--line); border-radius: 6px; margin: 1.2em 0; padding: .4em .9em; }\n"
        ".side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: .8em; } .side > div { min-width: 0; }\n"
        ".side pre { margin: .3em 0; font-size: .8em; white-space: pre; overflow-x: auto; }\n"
        ".side .hdr { font-weight: 600; font-size: .9em; overflow-wrap: anywhere; }\n"
        ".score { font-weight: 700; font-variant-numeric: tabular-nums; }\n"
        "@page { size: landscape; margin: 12mm; }\n"
        "@media print {\n"
        "  body { max-width: none; padding: 0; font-size: 10.5pt; }\n"
        "  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
        "  nav.toc, .top { display: none; }\n"
        "  a { color: inherit; text-decoration: none; }\n"
        "  h2 { break-before: page; } h2.first { break-before: avoid; }\n"
        "  h2, h3 { break-after: avoid; } tr, .pair, svg { break-inside: avoid; }\n"
        "  pre, .side pre { white-space: pre-wrap; overflow: visible; border-color: #999; }\n"
        "  .grid { overflow: visible; } .grid table { font-size: 7pt; } .grid td.cell { padding: 0 .15em; }\n"
        "}\n"
        "</style>\n</head>\n<body>\n");
}
