/* check.c - lesson 01: sockinfo creates sockets and reads their identity back. */
#include <string.h>
#include "../checker/harness.h"

#define TCP  "tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n"
#define UDP  "udp: fd=3 family=AF_INET type=SOCK_DGRAM protocol=17\n"
#define TCP6 "tcp6: fd=3 family=AF_INET6 type=SOCK_STREAM protocol=6\n"
#define UDP6 "udp6: fd=3 family=AF_INET6 type=SOCK_DGRAM protocol=17\n"

/* Run sockinfo, expect exit `code` and exactly `out` on stdout. */
static struct proc *run(struct ctx *c, struct start s, int code, const char *out)
{
    struct proc *p = prog_start(c, s);
    expect_exit(c, p, code, 2000);
    expect_stdout(c, p, out, strlen(out));
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

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("sockinfo")); }

static void unknown_kind(struct ctx *c)
{
    /* The tcp line must not appear: every argument is checked first. */
    expect_usage_error(c, ARGV("sockinfo", "tcp", "sctp"));
}

static void upper_case_kind(struct ctx *c) { expect_usage_error(c, ARGV("sockinfo", "TCP")); }

static const struct test sockinfo[] = {
    { "one-kind", "runs `sockinfo tcp`", one_kind,
      "Print exactly the contract's line: KIND, fd, family and type names, protocol number.",
      "#the-output-line" },
    { "every-kind", "runs `sockinfo udp tcp6 udp6 tcp`", every_kind,
      "AF_INET6 for tcp6/udp6, SOCK_DGRAM for udp; read the values back with getsockopt "
      "(SO_DOMAIN, SO_TYPE, SO_PROTOCOL) rather than printing what you asked for.",
      "#reading-a-socket-back" },
    { "repeated-kind", "runs `sockinfo udp udp tcp tcp`: every socket should get fd 3", repeated_kind,
      "fd=3 every time means each socket was closed before the next one: close(fd) "
      "after printing its line.", "#closing" },
    { "few-descriptors", "runs `sockinfo tcp udp tcp6 udp6 tcp` with only 4 descriptors allowed",
      few_descriptors,
      "With RLIMIT_NOFILE 4 only one socket fits: a descriptor you do not close makes the "
      "next socket() fail with EMFILE.", "#closing" },
    { "no-descriptor-left", "runs `sockinfo tcp` with no free descriptor (RLIMIT_NOFILE 3)",
      no_descriptor_left,
      "socket() returns -1 when it fails: check it, print the reason with strerror(errno) "
      "(\"sockinfo: socket: Too many open files\") and exit 1.", "#errors" },
    { "no-arguments", "runs `sockinfo` with no KIND", no_arguments, NULL, "#usage-errors" },
    { "unknown-kind", "runs `sockinfo tcp sctp`: nothing may be printed, not even tcp's line",
      unknown_kind, NULL, "#usage-errors" },
    { "upper-case-kind", "runs `sockinfo TCP` (kinds are lower case)", upper_case_kind, NULL,
      "#usage-errors" },
    { NULL },
};

const struct lesson LESSON = {
    "01-socket",
    (const struct program[]){ { "sockinfo", sockinfo }, { NULL } },
};
