/* util.c - small tools: allocation that never returns NULL, whole files, text.
 * (rm_tree is shared with the checker: tests/harness/shared.c.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "grader.h"

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("grader: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_CANNOT_RUN);
}

static void *check_alloc(void *p)
{
    if (!p)
        die("out of memory");
    return p;
}

char *xstrdup(const char *s) { return check_alloc(strdup(s ? s : "")); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        die("out of memory");
    return s;
}

void append(char ***list, int *n, char *item)
{
    *list = xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    (*list)[(*n)++] = item;
}

double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *read_file(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = xcalloc(1, cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= max) break;
            cap = cap * 2 > max ? max : cap * 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    int ok = fd >= 0 && write_all(fd, data, len) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return ok ? 0 : -1;
}

int mkdir_p(const char *path, mode_t mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, mode) != 0 && errno != EEXIST) { free(p); return -1; }
        *s = '/';
    }
    int r = mkdir(p, mode) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return r;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t k = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
             : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!k || k > n || (k == 2 && s[0] < 0xc2)) return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return k;
}

char *clean_text(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = xcalloc(1, n * 3 + 1), *o = out;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(u + i, n - i);
        if (k == 1 && (u[i] == '\n' || u[i] == '\t' || (u[i] >= 32 && u[i] != 127))) {
            *o++ = (char)u[i];
        } else if (k > 1) {
            memcpy(o, u + i, k);
            o += k;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3);   /* U+FFFD: a byte that is no text */
            o += 3;
            k = 1;
        }
        i += k;
    }
    *o = 0;
    return out;
}

char *first_lines(const char *s, int max_lines, int max_cols)
{
    size_t cap = strlen(s) + 4 * (size_t)max_lines + 64, n = 0;
    char *out = xcalloc(1, cap);
    int lines = 0;
    while (*s && lines < max_lines) {
        const char *nl = strchrnul(s, '\n');
        size_t len = (size_t)(nl - s), keep = len > (size_t)max_cols ? (size_t)max_cols : len;
        memcpy(out + n, s, keep);
        n += keep;
        if (keep < len) { memcpy(out + n, "...", 3); n += 3; }
        out[n++] = '\n';
        lines++;
        s = *nl ? nl + 1 : nl;
    }
    if (*s) {
        const char *more = "[... more output cut ...]\n";
        out = xrealloc(out, n + strlen(more) + 1);
        memcpy(out + n, more, strlen(more));
        n += strlen(more);
    }
    out[n] = 0;
    return out;
}
