/* check.c - lesson 01: sockinfo creates sockets and reads their identity back. */
#define _GNU_SOURCE
#include <string.h>
#include "../harness/harness.h"

#define TCP  "tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n"
#define UDP  "udp: fd=3 family=AF_INET type=SOCK_DGRAM protocol=17\n"
#define TCP6 "tcp6: fd=3 family=AF_INET6 type=SOCK_STREAM protocol=6\n"
#define UDP6 "udp6: fd=3 family=AF_INET6 type=SOCK_DGRAM protocol=17\n"

/* A better hint than "the bytes differ" when the wrong output tells the mistake. */
static const char *known_mistake(const char *got, const char **see)
{
    *see = "#errors";
    if (strstr(got, "fd=-1"))
        return "fd=-1: socket() failed and the program went on. Check its result: on -1 print "
               "strerror(errno) on stderr and exit(1).";
    *see = "#closing";
    if (strstr(got, "fd=4") || strstr(got, "fd=5"))
        return "The fd number grows: each socket stays open while the next one is made. "
               "close(fd) after printing its line, and the next socket gets fd 3 again.";
    *see = "#printing-what-you-asked-for";
    if (strstr(got, "family=unknown") || strstr(got, "family=AF_UNIX") || strstr(got, "family=1 "))
        return "The kernel says this socket is of neither family AF_INET nor AF_INET6, so "
               "socket() did not get the domain you meant. Its arguments come in the order "
               "domain, type, protocol: with the first two swapped, SOCK_STREAM (1) is taken "
               "for a domain, AF_UNIX, and the socket read back is a local one.";
    if (strstr(got, "protocol=0"))
        return "protocol=0 is the argument you gave socket() (\"the default protocol\"), not "
               "the answer: read the real one back with getsockopt(fd, SOL_SOCKET, "
               "SO_PROTOCOL, ...). It is 6 (IPPROTO_TCP) or 17 (IPPROTO_UDP).";
    *see = "#the-output-line";
    if (strstr(got, "family=2") || strstr(got, "family=10") || strstr(got, "type=1") ||
        strstr(got, "type=2"))
        return "Print the names, not the numbers: family=AF_INET or AF_INET6, "
               "type=SOCK_STREAM or SOCK_DGRAM (a switch on the value getsockopt gives).";
    *see = "#the-output-line";
    return NULL;
}

/* Expect exactly `want` on stdout, with a hint where the mistake is known. */
static void expect_lines(struct ctx *c, struct proc *p, const char *want)
{
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    char *diff = first_difference(want, strlen(want), got, len);
    if (!diff && total == len)
        return;
    const char *see, *hint = known_mistake(str("%.*s", (int)len, got), &see);
    FAIL(c, .expected = str("stdout: %s", describe(want, strlen(want))),
         .observed = str("stdout: %s; %s", describe(got, len), diff ? diff : "more output"),
         .hint = hint, .see = hint ? see : NULL);
}

/* Run sockinfo, expect exit `code` and exactly `out` on stdout. */
static struct proc *run(struct ctx *c, struct start s, int code, const char *out)
{
    struct proc *p = prog_start(c, s);
    if (!prog_wait_exit(p, 2000))
        expect_exit(c, p, code, 0);   /* reports "still running" */
    size_t len;
    const char *got = prog_stdout(p, &len, NULL);
    const char *see, *hint = known_mistake(str("%.*s", (int)len, got), &see);
    if (hint && strstr(hint, "fd=-1"))   /* the exit code alone would hide why */
        expect_lines(c, p, out);
    expect_exit(c, p, code, 0);
    expect_lines(c, p, out);
    return p;
}

static void one_kind(struct ctx *c)
{
    run(c, (struct start){ .argv = ARGV("sockinfo", "tcp") }, 0, TCP);
}

static void every_kind(struct ctx *c)
{
    run(c, (struct start){ .argv = ARGV("sockinfo", "udp", "tcp6", "udp6", "tcp") }, 0,
        UDP TCP6 UDP6 TCP);
}

static void repeated_kind(struct ctx *c)
{
    run(c, (struct start){ .argv = ARGV("sockinfo", "udp", "udp", "tcp", "tcp") }, 0,
        UDP UDP TCP TCP);
}

static void few_descriptors(struct ctx *c)
{
    /* fds 0-2 plus one: enough only if each socket is closed before the next. */
    run(c, (struct start){ .argv = ARGV("sockinfo", "tcp", "udp", "tcp6", "udp6", "tcp"),
                           .nofile = 4, .static_build = 1 }, 0, TCP UDP TCP6 UDP6 TCP);
}

static void no_descriptor_left(struct ctx *c)
{
    struct proc *p = run(c, (struct start){ .argv = ARGV("sockinfo", "tcp"), .nofile = 3,
                                            .static_build = 1 }, 1, "");
    expect_stderr_has(c, p, "Too many open files");
}

static void later_kind_fails(struct ctx *c)
{
    /* socket(AF_INET6, ...) fails here as on a machine without IPv6: the udp
     * line stays, the tcp line never comes, the reason is errno's. */
    note(c, "the checker made socket(AF_INET6, ...) fail with EAFNOSUPPORT for this run");
    struct proc *p = run(c, (struct start){ .argv = ARGV("sockinfo", "udp", "tcp6", "tcp"),
                                            .no_family = AF_INET6 }, 1, UDP);
    size_t n;
    const char *err = prog_stderr(p, &n);
    if (memmem(err, n, "Too many open files", 19))
        FAIL(c, .expected = "stderr to contain \"Address family not supported by protocol\"",
             .observed = str("stderr: %s", describe(err, n)),
             .hint = "socket() failed with EAFNOSUPPORT this time, yet the program said \"Too many "
                     "open files\": print strerror(errno), the reason the kernel gave, not a "
                     "fixed text.");
    expect_stderr_has(c, p, "Address family not supported by protocol");
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("sockinfo")); }

static void unknown_kind(struct ctx *c)
{
    /* The tcp line must not appear: every argument is checked first. */
    expect_usage_error(c, ARGV("sockinfo", "tcp", "sctp"));
}

static void upper_case_kind(struct ctx *c) { expect_usage_error(c, ARGV("sockinfo", "TCP")); }

static void near_kind(struct ctx *c)
{
    note(c, "compare the whole word, strcmp(arg, \"tcp\") == 0: strncmp with a length "
            "accepts \"tcpx\" or \"ud\"");
    expect_usage_error(c, ARGV("sockinfo", "tcpx"));
    expect_usage_error(c, ARGV("sockinfo", "udp", "ud"));
    expect_usage_error(c, ARGV("sockinfo", ""));
}

static const struct test sockinfo[] = {
    { .name = "one-kind",
      .what = "runs `sockinfo tcp`",
      .run = one_kind,
      .hint = "Print exactly the contract's line: KIND, fd, family and type names, protocol number.",
      .see = "#the-output-line" },
    { .name = "every-kind",
      .what = "runs `sockinfo udp tcp6 udp6 tcp`",
      .run = every_kind,
      .hint = "AF_INET6 for tcp6/udp6, SOCK_DGRAM for udp; read the values back with getsockopt "
              "(SO_DOMAIN, SO_TYPE, SO_PROTOCOL) rather than printing what you asked for.",
      .see = "#printing-what-you-asked-for" },
    { .name = "repeated-kind",
      .what = "runs `sockinfo udp udp tcp tcp`: every socket should get fd 3",
      .run = repeated_kind,
      .hint = "fd=3 every time means each socket was closed before the next one: close(fd) "
              "after printing its line.",
      .see = "#closing" },
    { .name = "few-descriptors",
      .what = "runs `sockinfo tcp udp tcp6 udp6 tcp` with only 4 descriptors allowed",
      .run = few_descriptors,
      .hint = "With RLIMIT_NOFILE 4 only one socket fits: a descriptor you do not close makes the "
              "next socket() fail with EMFILE.",
      .see = "#closing" },
    { .name = "no-descriptor-left",
      .what = "runs `sockinfo tcp` with no free descriptor (RLIMIT_NOFILE 3)",
      .run = no_descriptor_left,
      .hint = "socket() returns -1 when it fails: check it, print the reason with strerror(errno) "
              "(\"sockinfo: socket: Too many open files\") and exit 1.",
      .see = "#errors" },
    { .name = "later-kind-fails",
      .what = "runs `sockinfo udp tcp6 tcp` where IPv6 sockets cannot be made: "
              "the udp line stays, then exit 1",
      .run = later_kind_fails,
      .hint = "When socket() fails for a later KIND: keep the lines already printed (exit() flushes "
              "stdio, _exit() does not), print strerror(errno) - whatever errno says, not a fixed "
              "text - and exit 1 without going on.",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `sockinfo` with no KIND",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "unknown-kind",
      .what = "runs `sockinfo tcp sctp`: nothing may be printed, not even tcp's line",
      .run = unknown_kind,
      .see = "#usage-errors" },
    { .name = "upper-case-kind",
      .what = "runs `sockinfo TCP` (kinds are lower case)",
      .run = upper_case_kind,
      .see = "#usage-errors" },
    { .name = "near-kind",
      .what = "runs `sockinfo tcpx`, `sockinfo udp ud` and `sockinfo \"\"`",
      .run = near_kind,
      .see = "#usage-errors" },
    { .name = NULL },
};

const struct lesson LESSON = {
    .dir = "01-socket",
    .programs = (const struct program[]){
        { .name = "sockinfo", .tests = sockinfo },
        { .name = NULL },
    },
};
