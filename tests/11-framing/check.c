/* check.c - lesson 11: kvserver keeps a store behind length-prefixed frames;
 * kvclient turns command lines into frames.  The tests are in
 * check_kvserver.c and check_kvclient.c; here are the frames both use. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include "check.h"

static void put_length(char *to, uint32_t n)
{
    to[0] = (char)(n >> 24);
    to[1] = (char)(n >> 16);
    to[2] = (char)(n >> 8);
    to[3] = (char)n;
}

static uint32_t get_length(const char *from)
{
    const unsigned char *b = (const unsigned char *)from;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

struct bytes frame(const void *body, size_t n)
{
    struct bytes f = { NULL, 0 };
    add_frame(&f, body, n);
    return f;
}

void add_frame(struct bytes *to, const void *body, size_t n)
{
    to->p = xrealloc(to->p, to->n + 4 + n + 1);
    put_length(to->p + to->n, (uint32_t)n);
    memcpy(to->p + to->n + 4, body, n);
    to->n += 4 + n;
}

char *show_frame(const void *raw, size_t n)
{
    const char *r = raw;
    if (n < 4)
        return str("%zu of the 4 length bytes %s", n, escaped(r, n, 40));
    uint32_t len = get_length(r);
    char *head = str("length %u %s", len, escaped(r, 4, 40));
    if (n == 4)
        return str("%s, no body", head);
    if (n - 4 < len)
        return str("%s, body cut short: %s", head, describe(r + 4, n - 4));
    if (n - 4 > len)
        return str("%s, body %s, then %s more", head, describe(r + 4, len),
                   describe(r + 4 + len, n - 4 - len));
    return str("%s, body %s", head, describe(r + 4, len));
}

/* How a read ended, for the sequence diagram. */
static const char *ending(struct got_frame g, long ms)
{
    const char *then = g.n ? ", then " : "";
    if (g.end == 0)
        return "";
    if (g.end == CONN_EOF)
        return str("%sEOF", then);
    if (g.end == ETIMEDOUT)
        return str("%snothing for %ld ms", then, ms);
    return str("%s%s", then, strerror(g.end));
}

struct got_frame read_frame(struct ctx *c, struct conn *k, int id, long ms)
{
    struct got_frame g = { xmalloc(4 + 4096 + 1), 0, 0, 0, 0 };
    g.n = conn_recv_upto(k, g.raw, 4, ms, &g.end);
    if (g.n == 4) {
        g.len = get_length(g.raw);
        if (g.len > MAX_BODY) {
            /* No reader could hold such a frame: show what came at once. */
            int end;
            g.too_long = 1;
            g.n += conn_recv_upto(k, g.raw + 4, 4096, 100, &end);
        } else {
            g.raw = xrealloc(g.raw, 4 + g.len + 1);
            g.n += conn_recv_upto(k, g.raw + 4, g.len, ms, &g.end);
        }
    }
    if (id)
        peer_record(c, -1, "c%d: %s%s", id, g.n ? show_frame(g.raw, g.n) : "", ending(g, ms));
    return g;
}

char *frame_observed(struct got_frame g, long ms)
{
    const char *how = "";
    if (g.end == CONN_EOF)
        how = "the connection was closed (EOF)";
    else if (g.end == ETIMEDOUT)
        how = str("nothing more came for %ld ms", ms);
    else if (g.end)
        how = strerror(g.end);
    if (g.n == 0)
        return str("no byte: %s", how);
    if (g.too_long)
        return str("a frame of length %u, over the limit of %d: %s", g.len, MAX_BODY,
                   show_frame(g.raw, g.n));
    if (g.end)
        return str("%s; then %s", show_frame(g.raw, g.n), how);
    return show_frame(g.raw, g.n);
}

int length_swapped(struct got_frame g, size_t want_len)
{
    if (g.n < 4)
        return 0;
    const unsigned char *b = (const unsigned char *)g.raw;
    uint32_t little = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
    return little == want_len && g.len != want_len;
}

const struct lesson LESSON = {
    .dir = "11-framing",
    .programs = (const struct program[]){
        { .name = "kvserver", .tests = kvserver_tests },
        { .name = "kvclient", .tests = kvclient_tests },
        { .name = NULL },
    },
};
