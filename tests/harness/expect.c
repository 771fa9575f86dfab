/*
 * expect.c - expectations on the program under test: its ready line, its
 * output, how it ends.  Each failure says what was expected, what was
 * seen and, where the mistake is known, what to do about it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

int expect_ready(struct ctx *c, struct proc *p, long timeout_ms)
{
    const char *why = NULL;
    char *line = next_line(p, timeout_ms, &why);
    if (!line) {
        /* stdout closed: the program is ending; let its exit be seen. */
        if (why && prog_wait_exit(p, 500) && !prog_running(p))
            why = str("%s; %s", why, strchr(proc_ending(p), ':') + 2);
        char *h = ending_hint(p);
        if (!h && why && !prog_running(p) && prog_status(p) != 0)
            h = "It ended before it was ready: its stderr above says why.";
        const char *see = NULL;
        if (!h && !why) {
            h = "stdout to a pipe is fully buffered: call fflush(stdout) right after printing "
                "the ready line (or setvbuf(stdout, NULL, _IOLBF, 0) at the start).";
            see = "#the-ready-line";
        }
        if (!why)
            why = str("no line came in %ld ms, and the program is still running", timeout_ms);
        FAIL(c, .expected = str("a first line \"listening on port N\" on stdout within %ld ms",
                                timeout_ms),
             .observed = why,
             .hint = h,
             .see = see);
    }
    record(c, AT_PROG, "stdout: %s", escaped(line, strlen(line), 60));
    unsigned port = 0;
    int end = 0;
    if (sscanf(line, "listening on port %5u%n", &port, &end) != 1 || line[end] != 0 || port == 0 ||
        port > 65535)
        FAIL(c, .expected = "the first stdout line to be exactly \"listening on port N\", "
                            "N being the port the kernel gave (1-65535)",
             .observed = str("the first line was %s", escaped(line, strlen(line), 100)),
             .hint = "Print the ready line first, before any other output, and print the port "
                     "that getsockname() reports, converted with ntohs().",
             .see = "#the-ready-line");
    p->server = 1;   /* ready: from now on it must run until it is stopped */
    return (int)port;
}

char *expect_line(struct ctx *c, struct proc *p, long timeout_ms)
{
    const char *why = NULL;
    char *line = next_line(p, timeout_ms, &why);
    if (!line)
        FAIL(c, .expected = str("a line on stdout within %ld ms", timeout_ms),
             .observed = why ? why : "no complete line came, and the program is still running",
             .hint = why ? NULL : "stdout to a pipe is fully buffered: fflush(stdout) after printing.");
    record(c, AT_PROG, "stdout: %s", escaped(line, strlen(line), 60));
    return line;
}

int server_start(struct ctx *c, struct proc **out, const char *const *argv)
{
    struct proc *p = prog_start(c, (struct start){ .argv = argv });
    p->server = 1;
    if (out)
        *out = p;
    return expect_ready(c, p, 3000);
}

void expect_exit(struct ctx *c, struct proc *p, int code, long timeout_ms)
{
    if (!prog_wait_exit(p, timeout_ms))
        FAIL(c, .expected = str("the program to exit with code %d within %ld ms", code, timeout_ms),
             .observed = str("it was still running after %ld ms", timeout_ms));
    char *how = proc_ending(p);
    record(c, AT_PROG, "%s", how + strlen(p->name) + 2);   /* the name may hold ':' (::1) */
    if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != code)
        FAIL(c, .expected = str("exit code %d", code), .observed = how, .hint = ending_hint(p));
}

void expect_stdout(struct ctx *c, struct proc *p, const void *want, size_t n)
{
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    char *diff = first_difference(want, n, got, len);
    if (diff || total != len)
        FAIL(c, .expected = str("stdout: %s", describe(want, n)),
             .observed = str("stdout: %s; %s", describe(got, total > len ? len : total),
                             diff ? diff : "more output than expected"));
}

void expect_stdout_empty(struct ctx *c, struct proc *p)
{
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total)
        FAIL(c, .expected = "nothing on stdout", .observed = str("stdout: %s", describe(got, len)));
}

void expect_stderr_has(struct ctx *c, struct proc *p, const char *text)
{
    size_t len;
    const char *got = prog_stderr(p, &len);
    if (!memmem(got, len, text, strlen(text)))
        FAIL(c, .expected = str("stderr to contain \"%s\"", text),
             .observed = len ? str("stderr: %s", describe(got, len)) : "nothing on stderr",
             .see = "#errors");
}

void expect_still_serving(struct ctx *c, struct proc *p, const char *after)
{
    prog_wait_idle(p, 1000);
    expect_still_running(c, p, after);
}

void expect_still_running(struct ctx *c, struct proc *p, const char *after)
{
    if (!prog_running(p)) {
        char *how = proc_ending(p);
        FAIL(c, .expected = str("the server to keep running after %s", after),
             .observed = how, .hint = ending_hint(p));
    }
}

void expect_usage_error(struct ctx *c, const char *const *argv)
{
    struct proc *p = prog_start(c, (struct start){ .argv = argv });
    /* The test's own hint knows which argument it tried. */
    struct failure f = { .hint = c->test->hint, .see = c->test->see };
    if (!f.hint)
        f.hint = "Check the arguments before doing anything else: print a usage line on "
                 "stderr and exit(2).";
    if (!f.see)
        f.see = "#usage-errors";
    if (!prog_wait_exit(p, 2000))
        FAIL(c, .expected = "a usage error: exit code 2 at once",
             .observed = "it was still running after 2000 ms", .hint = f.hint, .see = f.see);
    size_t n, total;
    const char *out = prog_stdout(p, &n, &total);
    char *how = proc_ending(p);
    if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != 2)
        FAIL(c, .expected = "a usage error: exit code 2", .observed = how,
             .hint = ending_hint(p) ? ending_hint(p) : f.hint, .see = f.see);
    if (total)
        FAIL(c, .expected = "nothing on stdout (the usage message goes to stderr)",
             .observed = str("stdout: %s", describe(out, n)), .hint = f.hint, .see = f.see);
    prog_stderr(p, &n);
    if (!n)
        FAIL(c, .expected = "a usage message on stderr", .observed = "stderr was empty",
             .hint = f.hint, .see = f.see);
    record(c, AT_PROG, "exit 2 with a usage message");
}

void expect_usage_errors(struct ctx *c, const char *const *argv, const char *const *values)
{
    size_t n = 0;
    while (argv[n])
        n++;
    for (; *values; values++) {
        const char **v = xcalloc(n + 1, sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = strcmp(argv[i], "%") ? argv[i] : *values;
        expect_usage_error(c, v);
    }
}

void expect_unknown_service(struct ctx *c, struct proc *p)
{
    expect_exit(c, p, 1, 2000);
    size_t n;
    const char *err = prog_stderr(p, &n);
    const char *a = gai_strerror(EAI_SERVICE), *b = gai_strerror(EAI_NONAME);
    if (!has(err, n, a) && !has(err, n, b))
        FAIL(c, .expected = str("stderr to contain gai_strerror()'s reason, \"%s\"", a),
             .observed = n ? str("stderr: %s", describe(err, n)) : "nothing on stderr");
}

