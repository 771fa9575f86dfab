/*
 * json_read.c - a small JSON reader for the checkers' --format json report.
 *
 * It is lenient in one way on purpose: when a sandbox is stopped at its
 * time limit, the report ends in the middle.  Arrays and objects then keep
 * the elements that were complete, and *complete says the text was cut, so
 * the tests that did finish still count.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "grader.h"

struct parser { const char *p, *end; int cut; int depth; };

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
        ps->p++;
}

static struct jval *parse_value(struct parser *ps);

static void put_utf8(char **o, unsigned cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        cp = 0xfffd;   /* a NUL or a lone surrogate is not text we can show */
    if (cp < 0x80) { *u++ = (unsigned char)cp; }
    else if (cp < 0x800) { *u++ = (unsigned char)(0xc0 | cp >> 6); *u++ = (unsigned char)(0x80 | (cp & 0x3f)); }
    else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xe0 | cp >> 12); *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        *u++ = (unsigned char)(0x80 | (cp & 0x3f));
    } else {
        *u++ = (unsigned char)(0xf0 | cp >> 18); *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)); *u++ = (unsigned char)(0x80 | (cp & 0x3f));
    }
    *o = (char *)u;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
    if (end - p < 4) return -1;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
        if (d == 99) return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

static char *parse_string(struct parser *ps)
{
    if (ps->p >= ps->end || *ps->p != '"') return NULL;
    const char *p = ps->p + 1;
    /* Decoded text is never longer than the escaped one (\uXXXX: 6 -> <= 4). */
    const char *q = p;
    while (q < ps->end && *q != '"') q += *q == '\\' ? 2 : 1;
    if (q >= ps->end) return NULL;
    char *out = xcalloc(1, (size_t)(q - p) + 4), *o = out;
    while (p < q) {
        if (*p != '\\') { *o++ = *p++; continue; }
        p++;
        char c = *p++;
        unsigned cp, lo;
        switch (c) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u':
            if (hex4(p, q, &cp) != 0) { free(out); return NULL; }
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && q - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                hex4(p + 2, q, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }
            put_utf8(&o, cp);
            break;
        default: *o++ = c; break;   /* \" \\ \/ */
        }
    }
    *o = 0;
    ps->p = q + 1;
    return out;
}

static struct jval *new_val(enum jtype t)
{
    struct jval *v = xcalloc(1, sizeof *v);
    v->t = t;
    return v;
}

static void add_item(struct jval *c, struct jval *v, char *key)
{
    c->items = xrealloc(c->items, (c->n + 1) * sizeof *c->items);
    c->keys = xrealloc(c->keys, (c->n + 1) * sizeof *c->keys);
    c->items[c->n] = v;
    c->keys[c->n++] = key;
}

/* An array or an object; on a cut or a syntax error, what was complete. */
static struct jval *parse_container(struct parser *ps, int object)
{
    struct jval *c = new_val(object ? J_OBJ : J_ARR);
    ps->p++;
    if (++ps->depth > 64) { ps->cut = 1; return c; }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) { ps->p++; ps->depth--; return c; }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            if (!(key = parse_string(ps))) break;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') { free(key); break; }
            ps->p++;
        }
        struct jval *v = parse_value(ps);
        if (!v) { free(key); break; }
        add_item(c, v, key);
        if (ps->cut) return c;   /* v itself was cut: stop here, keep it */
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) { ps->p++; ps->depth--; return c; }
        break;
    }
    ps->cut = 1;
    return c;
}

static struct jval *parse_value(struct parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end) return NULL;
    char c = *ps->p;
    if (c == '{' || c == '[') {
        struct jval *v = parse_container(ps, c == '{');
        /* A cut element inside an array is dropped by the caller's check below. */
        return v;
    }
    if (c == '"') {
        char *s = parse_string(ps);
        if (!s) return NULL;
        struct jval *v = new_val(J_STR);
        v->s = s;
        return v;
    }
    static const struct { const char *word; enum jtype t; int b; } words[] = {
        { "null", J_NULL, 0 }, { "true", J_BOOL, 1 }, { "false", J_BOOL, 0 } };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, words[i].word, n)) {
            ps->p += n;
            struct jval *v = new_val(words[i].t);
            v->num = words[i].b;
            return v;
        }
    }
    char buf[64];
    size_t n = 0;
    while (ps->p + n < ps->end && n < sizeof buf - 1 && strchr("+-0123456789.eE", ps->p[n]))
        n++;
    if (!n) return NULL;
    memcpy(buf, ps->p, n);
    buf[n] = 0;
    ps->p += n;
    struct jval *v = new_val(J_NUM);
    v->num = strtod(buf, NULL);
    return v;
}

struct jval *json_parse(const char *text, size_t n, int *complete)
{
    struct parser ps = { text, text + n, 0, 0 };
    struct jval *v = parse_value(&ps);
    if (complete) *complete = v && !ps.cut;
    return v;
}

const struct jval *json_get(const struct jval *o, const char *key)
{
    if (!o || o->t != J_OBJ) return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->keys[i] && !strcmp(o->keys[i], key))
            return o->items[i];
    return NULL;
}

const char *json_str(const struct jval *o, const char *key)
{
    const struct jval *v = json_get(o, key);
    return v && v->t == J_STR ? v->s : NULL;
}

void json_free(struct jval *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}
