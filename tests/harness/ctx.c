/* ctx.c - a test's record: the exchange, notes, and how it ended. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

long now_ms(struct ctx *c) { return mono_ms() - c->t0; }

void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The one allocation policy: memory is never NULL; without it the test
 * ends at once, failed, saying so (test_abort writes no more than it has). */
static void *enough(void *p)
{
    if (!p)
        test_abort("the checker ran out of memory (ENOMEM) and could not finish this test");
    return p;
}

void *xmalloc(size_t n) { return enough(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return enough(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return enough(realloc(p, n ? n : 1)); }

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void *test_state(struct ctx *c, size_t size)
{
    if (!c->state)
        c->state = xcalloc(1, size);
    return c->state;
}

static char *vstr(const char *fmt, va_list ap)
{
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        enough(NULL);
    return s;   /* freed when the test's process ends */
}

char *str(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vstr(fmt, ap);
    va_end(ap);
    return s;
}

char *escaped(const void *buf, size_t n, size_t max)
{
    const unsigned char *b = buf;
    char *out = xmalloc(max + 16);
    char *o = out;
    *o++ = '"';
    size_t i;
    for (i = 0; i < n && (size_t)(o - out) < max; i++) {
        unsigned char ch = b[i];
        if (ch == '\n')
            o += sprintf(o, "\\n");
        else if (ch == '\r')
            o += sprintf(o, "\\r");
        else if (ch == '\t')
            o += sprintf(o, "\\t");
        else if (ch == '"' || ch == '\\')
            o += sprintf(o, "\\%c", ch);
        else if (ch < 32 || ch > 126)
            o += sprintf(o, "\\x%02x", ch);
        else
            *o++ = (char)ch;
    }
    *o++ = '"';
    if (i < n)
        o += sprintf(o, "...");
    *o = 0;
    return out;
}

char *describe(const void *buf, size_t n)
{
    if (n == 0)
        return str("0 bytes");
    if (n <= 200)
        return str("%zu byte%s %s", n, n == 1 ? "" : "s", escaped(buf, n, 300));
    return str("%zu bytes, starting %s", n, escaped(buf, n, 48));
}

char *first_difference(const void *want, size_t nw, const void *got, size_t ng)
{
    const unsigned char *w = want, *g = got;
    size_t i = 0, n = nw < ng ? nw : ng;
    while (i < n && w[i] == g[i])
        i++;
    if (i == nw && i == ng)
        return NULL;
    size_t from = i > 8 ? i - 8 : 0;
    if (i == ng)
        return str("the first %zu bytes are right, then it stops: %zu of the %zu "
                   "expected bytes are missing (next expected: %s)",
                   i, nw - i, nw, escaped(w + i, nw - i, 24));
    if (i == nw)
        return str("the expected %zu bytes are there, then %zu extra byte%s: %s",
                   nw, ng - nw, ng - nw == 1 ? "" : "s", escaped(g + i, ng - i, 40));
    return str("first difference at offset %zu: expected %s, got %s",
               i, escaped(w + from, nw - from < 24 ? nw - from : 24, 60),
               escaped(g + from, ng - from < 24 ? ng - from : 24, 60));
}

int has(const void *buf, size_t n, const char *text)
{
    return memmem(buf, n, text, strlen(text)) != NULL;
}

int usual_buffer_size(size_t n)
{
    for (size_t k = 256; k <= 32768; k *= 2)
        if (n == k || n + 1 == k)
            return 1;
    return n == 1000 || n == 1500;
}

void *random_bytes(size_t n, unsigned seed)
{
    unsigned char *b = xmalloc(n);
    uint64_t x = 0x9e3779b97f4a7c15ULL ^ seed;
    for (size_t i = 0; i < n; i++) {   /* xorshift: fast and the same everywhere */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (unsigned char)(x >> 24);
    }
    return b;
}

void record(struct ctx *c, enum dir d, const char *fmt, ...)
{
    if (c->r.nevents == c->cap_events) {
        c->cap_events = c->cap_events ? 2 * c->cap_events : 32;
        c->r.events = xrealloc(c->r.events, c->cap_events * sizeof *c->r.events);
    }
    va_list ap;
    va_start(ap, fmt);
    struct event *e = &c->r.events[c->r.nevents++];
    e->t = now_ms(c);
    e->dir = d;
    e->text = vstr(fmt, ap);
    va_end(ap);
}

void peer_record(struct ctx *c, int dir, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vstr(fmt, ap);
    va_end(ap);
    enum dir d = AT_PEER;
    if (dir > 0)
        d = TO_PROG;
    if (dir < 0)
        d = FROM_PROG;
    record(c, d, "%s", s);
}

void note(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vstr(fmt, ap);
    va_end(ap);
    c->r.notes = c->r.notes ? str("%s\n%s", c->r.notes, s) : s;
}

static _Noreturn void finish(struct ctx *c, enum verdict st)
{
    if (st != PASSED)
        c->r.status = st;
    stop_all(c);   /* may turn a pass into a failure: a dead server */
    c->r.ms = now_ms(c);
    result_write(c->result_fd, &c->r);
    _exit(0);
}

void fail_(struct ctx *c, struct failure f)
{
    c->r.expected = (char *)f.expected;
    c->r.observed = (char *)f.observed;
    c->r.hint = (char *)(f.hint ? f.hint : c->test->hint);
    c->r.see = (char *)(f.see ? f.see : c->test->see);
    finish(c, FAILED);
}

void skip(struct ctx *c, const char *why)
{
    c->r.observed = (char *)why;
    finish(c, SKIPPED);
}

void test_passed(struct ctx *c) { finish(c, PASSED); }
