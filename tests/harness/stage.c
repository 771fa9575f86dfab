/*
 * stage.c - stage without root what once needed it.
 *
 * A name with several addresses needs a private /etc/hosts (a mount
 * namespace); a peer on a well-known port (13, 7) needs a port below 1024;
 * `Permission denied` on such a port needs a program without privilege.
 * Root has all of it.  A normal user gets the same from an unprivileged
 * user namespace: inside it, the test is uid 0 of its own network and
 * mount namespaces.  The programs the test starts there run with no
 * capability at all (SECBIT_NOROOT), so they can do no more than the
 * user who ran `make check`.  Where the kernel allows none of it, the
 * test is skipped and says why: never passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/securebits.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

static int in_userns;   /* this test entered a user namespace of its own */
static int private_net; /* this test is in a network namespace of its own */

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* In a fresh user namespace: be uid 0 (inner 0) or our own uid (inner 1)
 * for our ids outside, uid and gid (read before the unshare: inside, until
 * mapped, they read as the overflow id 65534). */
static int map_self(int inner, unsigned uid, unsigned gid)
{
    char line[64];
    if (write_text("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
        return -1;
    snprintf(line, sizeof line, "%u %u 1\n", inner ? uid : 0, uid);
    if (write_text("/proc/self/uid_map", line) != 0)
        return -1;
    snprintf(line, sizeof line, "%u %u 1\n", inner ? gid : 0, gid);
    return write_text("/proc/self/gid_map", line);
}

/* unshare(flags), in a new user namespace of our own when we may not. */
static int unshare_as_needed(int flags, int keep_uid)
{
    if (unshare(flags) == 0)
        return 0;
    if (errno != EPERM)
        return -1;
    unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
    if (unshare(CLONE_NEWUSER) != 0)
        return -1;
    /* keep_uid: stay our own uid inside (a program keeps no capability
     * past execve); else be uid 0 of it, as the peer of a staged test. */
    if (map_self(keep_uid, uid, gid) != 0)
        return -1;
    return unshare(flags);
}

int stage_in_userns(void) { return in_userns; }

int private_hosts_files(const char *hosts, const char *nss)
{
    if (unshare_as_needed(CLONE_NEWNS, 1) != 0)
        return -1;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0 ||
        mount(nss, "/etc/nsswitch.conf", NULL, MS_BIND, NULL) != 0)
        return -1;
    return 0;
}

void drop_privilege(void)
{
    /* uid 0 of our user namespace gets every capability at execve unless
     * told not to: the program under test gets none. */
    if (in_userns)
        prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0);
}

static int lo_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    int ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &r) == 0;
    r.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ok && ioctl(fd, SIOCSIFFLAGS, &r) == 0;
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    return ok ? 0 : -1;
}

void stage_private_net(struct ctx *c)
{
    int was_root = geteuid() == 0;
    unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
    if (unshare(CLONE_NEWNET) != 0) {
        if (errno != EPERM || was_root)
            skip(c, str("the checker cannot make a private network namespace: %s",
                        strerror(errno)));
        if (unshare(CLONE_NEWUSER) != 0)
            skip(c, str("the checker is not root and cannot make a user namespace, where "
                        "it could bind ports below 1024 (unshare: %s)", strerror(errno)));
        if (map_self(0, uid, gid) != 0)
            skip(c, str("the checker cannot map its uid in a user namespace: %s",
                        strerror(errno)));
        in_userns = 1;
        if (unshare(CLONE_NEWNET) != 0)
            skip(c, str("the checker cannot make a private network namespace: %s",
                        strerror(errno)));
    }
    if (lo_up() != 0)
        skip(c, str("the checker cannot bring up the loopback interface of its private "
                    "network: %s", strerror(errno)));
    /* IPv6's ::1 comes a moment after lo is up (duplicate address
     * detection is off on loopback): wait for it briefly. */
    for (int i = 0; i < 50 && !have_ipv6(); i++)
        pause_ms(2);
    private_net = 1;
}

static int readable_within(int fd, long ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, (int)ms) > 0;
}

char **hosts_order(struct ctx *c, const char *hosts, const char *name, int socktype)
{
    char *dir = scratch_dir(c);
    char *hf = str("%s/hosts", dir), *nf = str("%s/nsswitch.conf", dir);
    write_file(hf, hosts);
    write_file(nf, "hosts: files\n");
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0)
        skip(c, str("the checker cannot make a pipe: %s", strerror(errno)));
    pid_t pid = fork();
    if (pid == 0) {
        FILE *o = fdopen(pfd[1], "w");
        if (private_hosts_files(hf, nf) != 0) {
            fprintf(o, "!the checker cannot give a program a private /etc/hosts (a mount "
                       "namespace%s): %s", geteuid() ? ", in a user namespace" : "",
                    strerror(errno));
            fclose(o);
            _exit(1);
        }
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype }, *res;
        int rc = getaddrinfo(name, "80", &hints, &res);
        if (rc != 0)
            fprintf(o, "!getaddrinfo(%s) under a private hosts file: %s", name, gai_strerror(rc));
        for (struct addrinfo *ai = rc ? NULL : res; ai; ai = ai->ai_next) {
            char h[NI_MAXHOST];
            if (getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, NULL, 0, NI_NUMERICHOST) == 0)
                fprintf(o, "%s\n", h);
        }
        fclose(o);
        _exit(0);
    }
    close(pfd[1]);
    char buf[1024];
    size_t len = 0;
    while (pid > 0 && len < sizeof buf - 1 && readable_within(pfd[0], 2000)) {
        ssize_t r = read(pfd[0], buf + len, sizeof buf - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    buf[len] = 0;
    close(pfd[0]);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    if (pid < 0)
        skip(c, str("the checker cannot fork: %s", strerror(errno)));
    if (!len)
        skip(c, "the checker's getaddrinfo under a private hosts file gave no answer");
    if (buf[0] == '!')
        skip(c, str("%s", buf + 1));
    char **list = xcalloc(16, sizeof *list);
    int n = 0;
    for (char *s = strtok(buf, "\n"); s && n < 15; s = strtok(NULL, "\n"))
        list[n++] = str("%s", s);
    return list;
}

void need_private_hosts(struct ctx *c)
{
    hosts_order(c, "127.0.0.1 probe.test\n", "probe.test", SOCK_STREAM);
}

/* ---- rule 4: the edges of a server's PORT ------------------------------ */

static const char *const *with_port(const char *const *argv, const char *port)
{
    int n = 0;
    while (argv[n])
        n++;
    const char **v = xcalloc((size_t)n + 1, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = strcmp(argv[i], "%") ? argv[i] : port;
    return v;
}

void expect_port_edges(struct ctx *c, const char *const *argv)
{
    stage_private_net(c);   /* port 65535 is the test's own */
    struct proc *p = prog_start(c, (struct start){ .argv = with_port(argv, "65535") });
    int port = expect_ready(c, p, 3000);
    if (port != 65535)
        FAIL(c, .expected = "PORT 65535, the largest port, accepted: \"listening on port 65535\"",
             .observed = str("\"listening on port %d\"", port));
    prog_stop(c, p);
    p = prog_start(c, (struct start){ .argv = with_port(argv, "00000") });
    expect_ready(c, p, 3000);   /* port 0 in five digits: the kernel chooses */
    prog_stop(c, p);
    /* Six digits are too many, whatever their value. */
    expect_usage_errors(c, argv, ARGV("000080", "065535"));
}

/* ---- rule 5: every address, in getaddrinfo's order --------------------- */

struct multi *multi_stage(struct ctx *c, int type)
{
    stage_private_net(c);   /* the ports on 127.0.0.2, .3 and ::1 are the test's own */
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    struct multi *m = xcalloc(1, sizeof *m);
    m->type = type;
    m->name = "dual.test";
    /* IPv4 first in the file: getaddrinfo still lists ::1 first (RFC 6724
     * puts IPv6 loopback before IPv4), the two IPv4 ones in file order. */
    m->hosts = "127.0.0.2 dual.test\n::1 dual.test\n127.0.0.3 dual.test\n";
    m->addrs = hosts_order(c, m->hosts, m->name, type);
    while (m->addrs[m->n] && m->n < 4)
        m->n++;
    if (m->n < 2)
        skip(c, "dual.test got only one address under the private hosts file");
    char *shown = str("%s", m->addrs[0]);
    for (int i = 0; i < m->n; i++) {
        int family = strchr(m->addrs[i], ':') ? AF_INET6 : AF_INET;
        if (type == SOCK_STREAM) {
            m->l[i] = i ? tcp_listener_at(c, family, m->addrs[i], m->port, 5)
                        : tcp_listener(c, family, m->addrs[i], 5);
            m->port = listener_port(m->l[i]);
        } else {
            m->u[i] = udp_open_at(c, m->addrs[i], m->port);
            m->port = udp_port(m->u[i]);
        }
        if (i)
            shown = str("%s, %s", shown, m->addrs[i]);
    }
    note(c, "%s has the addresses %s, in getaddrinfo's order (the hosts file lists "
            "127.0.0.2 first); the checker %s on each of them, port %d", m->name, shown,
         type == SOCK_STREAM ? "listens" : "waits for datagrams", m->port);
    return m;
}

/* Which of m's sockets has something to read first (-1: none within ms);
 * fds[i] says which others have too. */
static int first_ready(struct multi *m, long ms, int *others)
{
    struct pollfd p[4];
    for (int i = 0; i < m->n; i++) {
        p[i].fd = m->type == SOCK_STREAM ? listener_fd(m->l[i]) : udp_fd(m->u[i]);
        p[i].events = POLLIN;
        p[i].revents = 0;
    }
    if (poll(p, (nfds_t)m->n, (int)ms) <= 0)
        return -1;
    int first = -1;
    *others = 0;
    for (int i = 0; i < m->n; i++)
        if (p[i].revents & POLLIN) {
            if (first < 0)
                first = i;
            *others += i != 0;
        }
    return first;
}

static _Noreturn void wrong_address(struct ctx *c, struct multi *m, int got)
{
    const char *what = m->type == SOCK_STREAM ? "connection" : "datagram";
    FAIL(c, .expected = str("the first %s at %s, the first address getaddrinfo returns for %s",
                            what, m->addrs[0], m->name),
         .observed = str("the first %s came to %s, address %d of %d in getaddrinfo's order%s",
                         what, m->addrs[got], got + 1, m->n,
                         got ? "" : ", and another came to a later address at the same time"));
}

/* The program's first connection or datagram must come to the first
 * address, and to no other. */
static void expect_first_address(struct ctx *c, struct multi *m, long timeout_ms)
{
    const char *what = m->type == SOCK_STREAM ? "connection" : "datagram";
    int others = 0;
    int got = first_ready(m, timeout_ms, &others);
    if (got < 0)
        FAIL(c, .expected = str("a %s to %s (%s's first address) within %ld ms", what,
                                m->addrs[0], m->name, timeout_ms),
             .observed = str("no %s came to any of %s's %d addresses", what, m->name, m->n));
    if (got || others)
        wrong_address(c, m, got);
}

struct proc *multi_client(struct ctx *c, struct multi *m, const char *name, const void *in,
                          size_t n)
{
    struct start s = { .argv = ARGV(name, m->name, str("%d", m->port)), .hosts = m->hosts,
                       .stdout_cap = 1 << 20 };
    return in ? prog_start_stdin(c, s, in, n) : prog_start(c, s);
}

struct conn *multi_expect_first(struct ctx *c, struct multi *m, long timeout_ms)
{
    expect_first_address(c, m, timeout_ms);
    return expect_accept(c, m->l[0], 500);
}

struct udp *multi_expect_first_datagram(struct ctx *c, struct multi *m, void *buf, size_t cap,
                                        size_t *n, int *from, long timeout_ms)
{
    expect_first_address(c, m, timeout_ms);
    *n = udp_expect(c, m->u[0], buf, cap, from, 500);
    return m->u[0];
}

/* ---- rule 5: past an address that does not answer ---------------------- */

/* The kernel's own connect timeout, about 2 minutes (6 SYN retries), made
 * about 2 s: 1 retry, and no wait longer than 1 s between SYNs
 * (tcp_rto_max_ms, since Linux 6.15; without it 1 s + 2 s).  Written only
 * in this test's private network: these sysctls are the namespace's own. */
static long short_connect_timeout(struct ctx *c)
{
    if (!private_net)
        skip(c, "the checker shortens the kernel's connect timeout only in a private network of "
                "the test's own (stage_private_net), never the machine's");
    if (write_text("/proc/sys/net/ipv4/tcp_syn_retries", "1") != 0)
        skip(c, str("the checker cannot shorten the kernel's connect timeout in its private "
                    "network (tcp_syn_retries: %s): a connect that gets no answer would take "
                    "about 2 minutes to fail", strerror(errno)));
    long t = write_text("/proc/sys/net/ipv4/tcp_rto_max_ms", "1000") == 0 ? 2000 : 3000;
    peer_record(c, 0, "in the checker's private network a connect that gets no answer fails "
                      "with ETIMEDOUT after about %ld ms (1 SYN retry)", t);
    return t;
}

int stage_silent_address(struct ctx *c, const char *addr, int port, long *timeout_ms)
{
    long t = timeout_ms ? short_connect_timeout(c) : 0;
    int v6 = strchr(addr, ':') != NULL;
    struct listener *l = tcp_listener_at(c, v6 ? AF_INET6 : AF_INET, addr, port, 0);
    port = listener_port(l);
    tcp_connect_from(c, v6 ? "::1" : "127.0.0.1", addr, port);   /* takes the one place */
    int err = 0;
    tcp_try_connect_from(c, NULL, addr, port, 20, &err);
    if (err != ETIMEDOUT)
        skip(c, "this machine answers a connect to a listener whose accept queue is full, "
                "so a connect that gets no answer cannot be staged");
    peer_record(c, 0, "%s port %d has a full accept queue: a new connect gets no answer",
                addr, port);
    if (timeout_ms)
        *timeout_ms = t;
    return port;
}

/* A connect to the silent address ends after this long without an answer:
 * long enough that the program has plainly been waiting, far shorter than
 * the kernel's own timeout (2 s here, 2 minutes on the machine). */
enum { SILENT_ABORT_MS = 300 };

struct multi *multi_stage_silent(struct ctx *c)
{
    stage_private_net(c);   /* its sysctls and the ports on 127.0.0.2 and .3 are the test's */
    struct multi *m = xcalloc(1, sizeof *m);
    m->type = SOCK_STREAM;
    m->name = "silent.test";
    m->hosts = "127.0.0.2 silent.test\n127.0.0.3 silent.test\n";
    m->addrs = hosts_order(c, m->hosts, m->name, SOCK_STREAM);
    while (m->addrs[m->n] && m->n < 4)
        m->n++;
    if (m->n != 2)
        skip(c, str("silent.test got %d address(es) under the private hosts file, not 2", m->n));
    m->port = stage_silent_address(c, m->addrs[0], 0, &m->silent_ms);
    m->l[1] = tcp_listener_at(c, AF_INET, m->addrs[1], m->port, 5);
    note(c, "%s has the addresses %s and %s, in getaddrinfo's order; a connect to %s port %d "
            "gets no answer (the checker ends it after %d ms, as a timeout would; else the "
            "kernel's timeout, shortened here to about %ld ms, does), the checker listens "
            "on %s", m->name, m->addrs[0], m->addrs[1], m->addrs[0], m->port, SILENT_ABORT_MS,
         m->silent_ms, m->addrs[1]);
    return m;
}

/* Watch for the program's connect to the silent address and end it once it
 * has waited SILENT_ABORT_MS (*since: when its local port *hung was first
 * seen).  Returns 1 when it was ended now, 0 otherwise, -1 when sock_diag
 * cannot: the shortened kernel timeout ends it instead. */
static int abort_silent_connect(struct ctx *c, struct multi *m, int *hung, long *since)
{
    int port = connect_waiting(m->addrs[0], m->port, 0);
    if (port <= 0)
        return port;
    if (port != *hung) {
        *hung = port;
        *since = now_ms(c);
        return 0;
    }
    if (now_ms(c) - *since < SILENT_ABORT_MS)
        return 0;
    int r = connect_waiting(m->addrs[0], m->port, port);
    if (r > 0)
        peer_record(c, 0, "the program's connect to %s (from port %d) had no answer for %d "
                          "ms: the checker ends it, as a timeout would (connect() fails)",
                    m->addrs[0], port, SILENT_ABORT_MS);
    return r > 0 ? 1 : r;
}

struct conn *multi_expect_second(struct ctx *c, struct multi *m, struct proc *p)
{
    long t0 = now_ms(c), limit = m->silent_ms + 4000, ended = -1;
    int hung = 0, can_abort = private_net;   /* never a connect outside the test's network */
    const char *expected = str("after the connect to %s (the first address) failed, a "
                               "connection to %s (the second) within %ld ms",
                               m->addrs[0], m->addrs[1], limit);
    long since = 0;
    while (!listener_pending(m->l[1], can_abort ? 10 : 20)) {
        if (can_abort) {
            int r = abort_silent_connect(c, m, &hung, &since);
            if (r > 0)
                ended = now_ms(c) - t0;
            if (r != 0)
                can_abort = 0;   /* ended, or sock_diag cannot: the kernel's timeout will */
        }
        if (!prog_running(p) && !listener_pending(m->l[1], 0)) {
            prog_wait_exit(p, 200);   /* its last words on stderr */
            long at = prog_exit_ms(p) - t0;
            const char *how = ended >= 0 ? str("was ended after %d ms without an answer",
                                               SILENT_ABORT_MS)
                                         : str("timed out (about %ld ms)", m->silent_ms);
            FAIL(c, .expected = expected,
                 .observed = ended >= 0 || at >= m->silent_ms - 100 ?
                     str("it ended %ld ms after it started, without connecting to %s: when "
                         "the connect to %s %s, it tried no other address",
                         at, m->addrs[1], m->addrs[0], how) :
                     str("it ended %ld ms after it started, without connecting to %s (a "
                         "connect to %s takes about %ld ms to time out)", at, m->addrs[1],
                         m->addrs[0], m->silent_ms));
        }
        if (now_ms(c) - t0 > limit)
            FAIL(c, .expected = expected,
                 .observed = str("no connection came to %s within %ld ms, and the program "
                                 "still runs", m->addrs[1], limit));
    }
    return expect_accept(c, m->l[1], 500);
}

/* ---- rule 4: nothing dies of SIGPIPE ----------------------------------- */

void expect_no_signal_death(struct ctx *c, struct proc *p, long timeout_ms)
{
    if (!prog_wait_exit(p, timeout_ms))
        FAIL(c, .expected = str("the program to end within %ld ms, not killed by a signal",
                                timeout_ms),
             .observed = str("it was still running after %ld ms", timeout_ms));
    int st = prog_status(p);
    record(c, AT_PROG, "%s", proc_ending(p) + strlen(p->name) + 2);
    if (WIFSIGNALED(st))
        FAIL(c, .expected = "an end by exit (a failed write reported on stderr, exit 1): no "
                            "program dies of SIGPIPE (rule 4)",
             .observed = str("it was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st))));
}
