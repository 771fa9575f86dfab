/*
 * harness.h - the vocabulary of every lesson checker.
 *
 * A lesson's check.c is a table of short tests.  Each test plays the
 * reference peer against the student's program with a few actions
 * (start the program, connect, send, send in 1-byte pieces, half-close,
 * reset, expect bytes, expect EOF within T ...).  Every action is bounded
 * in time and is recorded, so that a failure can show the conversation as
 * a sequence diagram.  An expectation that does not hold calls fail(),
 * which ends the test (each test runs in its own process).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

struct ctx;

struct test {
    const char *name;  /* short id, e.g. "one-byte-pieces" */
    const char *what;  /* what the peer does, one sentence */
    void (*run)(struct ctx *c);
    const char *hint;  /* what usually causes a failure */
    const char *see;   /* anchor in the lesson README, e.g. "#single-recv" */
    int budget_s;      /* the watchdog's limit, 0: 25 s (a test that must move
                          gigabytes through the program gets more) */
};

struct program {
    const char *name;          /* e.g. "greeter" */
    const struct test *tests;  /* ends with an entry whose name is NULL */
};

struct lesson {
    const char *dir;                 /* e.g. "03-accept" */
    const struct program *programs;  /* ends with an entry whose name is NULL */
};

/* Each lesson's check.c defines this. */
extern const struct lesson LESSON;

/* ---- reporting ------------------------------------------------------ */

/* Why a test failed.  Strings may come from str(). */
struct failure {
    const char *expected;
    const char *observed;
    const char *hint;   /* replaces the test's hint when the mistake is known */
    const char *see;    /* replaces the test's README anchor */
};
#define FAIL(c, ...) fail_((c), (struct failure){ __VA_ARGS__ })
_Noreturn void fail_(struct ctx *c, struct failure f);
_Noreturn void skip(struct ctx *c, const char *why);
/* A line of explanation shown with a failure (e.g. "port 4242 was chosen"). */
void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line of the sequence diagram for a step a check does with its own calls:
 * dir 1 an arrow to the program, -1 from it, 0 a step at the checker. */
void peer_record(struct ctx *c, int dir, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* printf into a fresh string that lives until the test ends. */
char *str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bytes shown as a C string literal, cut to about max characters. */
char *escaped(const void *buf, size_t n, size_t max);
/* "3 bytes \"ab\\n\"" or, for large buffers, a summary. */
char *describe(const void *buf, size_t n);
/* Where a and b first differ, as a sentence; NULL when equal. */
char *first_difference(const void *want, size_t nw, const void *got, size_t ng);
/* Nonzero when the n bytes at buf hold text (e.g. a reason on stderr). */
int has(const void *buf, size_t n, const char *text);
/* Nonzero when n, or n + 1, is a size a fixed buffer usually has (a power of
 * two from 256 to 32768, 1000, 1500): data cut to it were cut by a buffer. */
int usual_buffer_size(size_t n);

/* Memory that lives until the test ends.  The harness's one allocation
 * policy: never NULL; when memory runs out the test ends there, failed,
 * saying the checker ran out of memory (in the runner: exit 2). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);   /* n bytes of s and a NUL */
/* The test's own state, for checks that keep some across their helpers:
 * size zeroed bytes, made at the first call, the same block at every call
 * of the same test (each test runs in its own process). */
void *test_state(struct ctx *c, size_t size);

/* Random bytes from a fixed seed (tests are reproducible). */
void *random_bytes(size_t n, unsigned seed);
/* Milliseconds since the test started. */
long now_ms(struct ctx *c);
void pause_ms(long ms);

/* ---- the program under test ----------------------------------------- */

struct proc;

struct start {
    const char *const *argv;   /* argv[0] is shown, the program file is used */
    long nofile;               /* RLIMIT_NOFILE for the program, 0: default 64 */
    long nofile_soft;          /* its soft RLIMIT_NOFILE if below nofile (the hard) */
    int static_build;          /* run the statically linked build (EXE.static) */
    int as_nobody;             /* run without privilege (as root: uid 65534;
                                  after stage_private_net: no capability) */
    const char *hosts;         /* a private /etc/hosts (as root, or in a user
                                  namespace: see hosts_order) */
    int stdin_pipe;            /* stdin is a pipe we feed; else /dev/null */
    size_t stdout_cap;         /* bytes of stdout to keep, 0: 64 KiB */
    int no_family;             /* e.g. AF_INET6: socket() of it fails with
                                  EAFNOSUPPORT, as without that family (seccomp) */
    int stdout_closed;         /* stdout is a pipe nobody reads: the reader's
                                  end is closed, a write gets EPIPE (SIGPIPE) */
};

/* argv as a literal: ARGV("greeter", "0") */
#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct proc *prog_start(struct ctx *c, struct start s);
/* prog_start with all of stdin given at once: in (n bytes), then its end. */
struct proc *prog_start_stdin(struct ctx *c, struct start s, const void *in, size_t n);
/* Start a server with argv {name, args...} and return the port it reports. */
int server_start(struct ctx *c, struct proc **out, const char *const *argv);
/* Wait for the "listening on port N" line; fail if it does not come. */
int expect_ready(struct ctx *c, struct proc *p, long timeout_ms);
/* The next line of stdout (without its \n); fails if none comes in time. */
char *expect_line(struct ctx *c, struct proc *p, long timeout_ms);
/* The i-th program this test started (0: the first, -1: the last), NULL
 * if there is none. */
struct proc *prog_started(struct ctx *c, int i);
void prog_feed(struct proc *p, const void *buf, size_t n); /* to stdin */
void prog_close_stdin(struct proc *p);
/* Nonzero when the program exited within the time. */
int prog_wait_exit(struct proc *p, long timeout_ms);
int prog_running(struct proc *p);
/* When its exit was seen (ms since the test started; at most a few ms late),
 * -1 while it runs. */
long prog_exit_ms(struct proc *p);
/* Its wait status once it exited (test with WIFEXITED, WEXITSTATUS,
 * WTERMSIG), -1 while it runs. */
int prog_status(struct proc *p);
void prog_signal(struct ctx *c, struct proc *p, int sig);
/* SIGTERM, at most a second, then SIGKILL to its process group. */
void prog_stop(struct ctx *c, struct proc *p);
/* SIGSTOP to the program's process group, waiting (at most 1 s) until the
 * program is stopped: it cannot accept() or send until prog_thaw (SIGCONT). */
void prog_freeze(struct ctx *c, struct proc *p);
void prog_thaw(struct ctx *c, struct proc *p);
/* Nonzero when no thread of the program, or of the processes it started,
 * is running or runnable: all wait in a system call (e.g. a send() that
 * cannot go on). */
int prog_asleep(struct proc *p);
/* Wait at most ms until the program has dealt with what happened: it has
 * exited, or all of it waits in a system call (seen twice in a row, so a
 * wakeup on its way is not missed). */
void prog_wait_idle(struct proc *p, long ms);
/* Raise RLIMIT_NOFILE of a running program to n (prlimit). */
void prog_set_nofile(struct proc *p, long n);
/* Everything on stdout so far (up to the cap) and its total length. */
const char *prog_stdout(struct proc *p, size_t *len, size_t *total);
const char *prog_stderr(struct proc *p, size_t *len);

/* Expectations on how the program ends. */
void expect_exit(struct ctx *c, struct proc *p, int code, long timeout_ms);
void expect_stdout(struct ctx *c, struct proc *p, const void *want, size_t n);
void expect_stdout_empty(struct ctx *c, struct proc *p);
void expect_stderr_has(struct ctx *c, struct proc *p, const char *text);
void expect_still_running(struct ctx *c, struct proc *p, const char *after);
/* The same once the server has dealt with what happened (prog_wait_idle). */
void expect_still_serving(struct ctx *c, struct proc *p, const char *after);
/* Run argv, expect exit 2, nothing on stdout and a message on stderr. */
void expect_usage_error(struct ctx *c, const char *const *argv);
/* expect_usage_error for each of values in turn in place of the argument "%":
 * expect_usage_errors(c, ARGV("echoserver", "%"), ARGV("http", "80x", "-1")) */
void expect_usage_errors(struct ctx *c, const char *const *argv, const char *const *values);
/* Exit 1 (within 2 s) with gai_strerror()'s reason for a service getaddrinfo()
 * does not know on stderr (EAI_SERVICE, or EAI_NONAME as some C libraries say). */
void expect_unknown_service(struct ctx *c, struct proc *p);

/* ---- measuring the program under test (measure.c) -------------------- */

/* From /proc, at the moment of the call; -1 when it cannot be read (the
 * program exited).  Sample them while a test drives the program. */
long prog_cpu_ms(struct proc *p);     /* user + system CPU used so far, all threads */
int prog_threads(struct proc *p);     /* its threads (entries of /proc/PID/task) */
int prog_children(struct proc *p);    /* processes whose parent it is */
long prog_rss_kib(struct proc *p);    /* resident memory (VmRSS) in KiB */
int prog_fds(struct proc *p);         /* its open descriptors (/proc/PID/fd) */
/* The time its threads have spent on a CPU and waiting for one (ready to
 * run, the CPUs busy with other work); 0, or -1 if it cannot be read. */
struct sched {
    long run_ms, wait_ms;
};
int prog_sched(struct proc *p, struct sched *s);
/* Watch a program that should be idle for ms: the CPU it used (-1: not
 * known) and in how many samples (one each 10 ms) a thread of it was
 * running or waiting to run.  On a busy machine a spinning program gets
 * little CPU, but it is runnable in nearly every sample. */
struct busy {
    long cpu_ms;
    int samples, runnable;
};
struct busy prog_watch_idle(struct proc *p, long ms);
/* It spun: more CPU than cpu_limit_ms, or runnable in most samples. */
int busy_spinning(const struct busy *b, long cpu_limit_ms);

/* ---- a crowd: thousands of clients at once (many.c) ------------------- */

/* Clients driven from the checker with one epoll loop; every wait bounded.
 * When clients fail, the test fails once: how many failed how, and the
 * first one's bytes (escaped) and first differing offset. */
struct crowd;
/* How many of `want` clients the hard RLIMIT_NOFILE of the checker and of
 * the program (prog_hard, 0: unknown) allow at once; when fewer, a note
 * says the test runs scaled down. */
int crowd_room(struct ctx *c, int want, long prog_hard);
/* Connect n clients to 127.0.0.1:port, all open together, within ms (the
 * checker raises its own soft RLIMIT_NOFILE to its hard one). */
struct crowd *crowd_connect(struct ctx *c, int port, int n, long timeout_ms);
/* Every client sends a line of 1 to max_len bytes (its own bytes, ending
 * in \n), all at once, and reads it back; each byte is checked.  All within
 * ms; returns the ms it took. */
long crowd_echo(struct ctx *c, struct crowd *w, size_t max_len, long timeout_ms);
/* Every client half-closes and expects EOF and nothing more; then closed. */
void crowd_finish(struct ctx *c, struct crowd *w, long timeout_ms);
void crowd_close(struct crowd *w);
int crowd_size(struct crowd *w);
/* Client i's round trip in crowd_echo (first byte sent, last back), ms. */
long crowd_rtt_ms(struct crowd *w, int i);
/* fn(c, arg) about every 20 ms while the crowd waits (e.g. to sample
 * prog_threads() during the load). */
void crowd_on_tick(struct crowd *w, void (*fn)(struct ctx *, void *), void *arg);

/* ---- the peer: TCP --------------------------------------------------- */

struct conn;

/* family: AF_INET (127.0.0.1) or AF_INET6 (::1). */
struct conn *tcp_connect(struct ctx *c, int family, int port);
/* Connect within ms; NULL (recorded, not a failure) if it does not complete,
 * with the errno in *err (ETIMEDOUT after timeout_ms; err may be NULL). */
struct conn *tcp_try_connect(struct ctx *c, int family, int port, long timeout_ms, int *err);
/* Connect from a chosen local address to a chosen one, both numeric
 * (e.g. "127.0.0.2" to "127.0.0.3"); skips if `from` cannot be bound. */
struct conn *tcp_connect_from(struct ctx *c, const char *from, const char *to, int port);
/* The same, never failing: NULL (recorded) if it does not complete within
 * ms, with the errno in *err (ETIMEDOUT after ms; err may be NULL).  from
 * NULL: any local address; to of any family ("::1"). */
struct conn *tcp_try_connect_from(struct ctx *c, const char *from, const char *to, int port,
                                  long timeout_ms, int *err);
/* Connect and expect a refusal (nothing listens). */
void expect_refused(struct ctx *c, int family, int port);
void conn_send(struct ctx *c, struct conn *k, const void *buf, size_t n);
/* Send in pieces of `piece` bytes with TCP_NODELAY and a pause between. */
void conn_send_pieces(struct ctx *c, struct conn *k, const void *buf,
                      size_t n, size_t piece, long pause);
/* Like conn_send_pieces (piece 0: all at once), but never fails: returns
 * how many bytes were sent before the program closed or reset the
 * connection, or read nothing for 3 s (recorded).  For a program that may
 * rightly or wrongly stop reading early; judge it by what it did. */
size_t conn_send_some(struct ctx *c, struct conn *k, const void *buf, size_t n,
                      size_t piece, long pause);
/* Send as much of buf as the connection takes, waiting at most ms for room:
 * never blocks longer, never fails, records nothing.  Returns the bytes
 * sent (0 when there was no room); *err is the errno of a failed send. */
size_t conn_send_now(struct conn *k, const void *buf, size_t n, long ms, int *err);
/* A client that sends without reading: block (bn bytes) again and again,
 * until max bytes went or the program took none for stall_ms (it stopped
 * reading and every buffer on the way is full).  Returns the bytes sent
 * (recorded). */
size_t conn_flood(struct ctx *c, struct conn *k, const void *block, size_t bn, size_t max,
                  long stall_ms);
/* Send total bytes (gigabytes, e.g. past 2^32) made of page (page_len
 * >= 1 bytes) repeated, from one megabyte of memory, to program p.  Fails
 * if p closes or resets the connection, or takes nothing for 3 s while it
 * waits in a system call.  At ms, unfinished: fails if p read under 100
 * MiB per second of its own CPU time, else skips (the machine was too
 * busy: time measured the load, not the program).  Recorded:
 * "c1: 4294971392 bytes of \"a\\n\" repeated". */
void conn_send_repeated(struct ctx *c, struct conn *k, struct proc *p, const void *page,
                        size_t page_len, uint64_t total, long timeout_ms);
/* TCP_NODELAY: each send leaves at once, however small. */
void conn_nodelay(struct conn *k);
/* SO_RCVBUF: a small receive buffer makes a peer that reads slowly (or
 * not at all) push back on the program sooner. */
void conn_rcvbuf(struct conn *k, int bytes);
/* Wait (at most ms) until every byte sent on k, and so a FIN queued after
 * them, has left our socket: an RST that follows comes after them. */
void conn_wait_sent(struct conn *k, long ms);
/* Wait (at most ms) until the program acknowledged our FIN (FIN_WAIT2). */
void conn_wait_acked(struct conn *k, long ms);
void conn_half_close(struct ctx *c, struct conn *k);   /* FIN */
void conn_reset(struct ctx *c, struct conn *k);        /* RST */
void conn_close(struct ctx *c, struct conn *k);
/* Read exactly n bytes (fail on EOF, reset, other bytes or time out). */
void expect_bytes(struct ctx *c, struct conn *k, const void *want, size_t n,
                  long timeout_ms);
void expect_eof(struct ctx *c, struct conn *k, long timeout_ms);
/* Send buf while reading, until n bytes came back; compare with want. */
void expect_echo(struct ctx *c, struct conn *k, const void *buf, size_t n,
                 long timeout_ms);
/* What came on a connection, and how the receiving ended. */
struct got {
    char *buf;          /* the bytes (room for one more) */
    size_t len;
    int eof;            /* the program closed the connection (FIN) */
    int err;            /* or the errno of a failed read (ECONNRESET) */
    const char *then;   /* that for a message: "" (all came), ", then EOF" ... */
    size_t sent;        /* conn_echo: the bytes the checker sent */
};
/* Receive up to n bytes, waiting at most ms for each piece; never fails.
 * Recorded: "c1: 5 bytes \"hello\", then EOF". */
struct got conn_recv(struct ctx *c, struct conn *k, size_t n, long timeout_ms);
/* A slow reader: the same, piece bytes at a time with pause ms between. */
struct got conn_recv_slowly(struct ctx *c, struct conn *k, size_t n, size_t piece, long pause,
                            long timeout_ms);
/* Send n bytes of buf while reading what comes back, until want bytes came
 * (or EOF, an error, ms of silence); never fails.  Once the last byte is
 * sent, then(c, k, so_far, arg) runs (if not NULL): an action in
 * mid-stream, e.g. freeze the program, send the rest and half-close. */
typedef void echo_action(struct ctx *c, struct conn *k, const struct got *so_far, void *arg);
struct got conn_echo(struct ctx *c, struct conn *k, const void *buf, size_t n, size_t want,
                     long timeout_ms, echo_action *then, void *arg);
/* Read whatever comes until EOF; returns the bytes. */
char *read_to_eof(struct ctx *c, struct conn *k, size_t *n, long timeout_ms);
/* Like read_to_eof but never fails: *end is 0 after EOF, the errno of a
 * read error (ECONNRESET), or ETIMEDOUT after timeout_ms of silence. */
char *conn_read_to_end(struct ctx *c, struct conn *k, size_t *n, long timeout_ms, int *end);
int conn_fd(struct conn *k);
int conn_local_port(struct conn *k);
/* The program's end of connection k, as the kernel sees it (diag.c): */
struct program_end {
    int accepted;   /* the program has accept()ed it (not just queued) */
    long rx;        /* bytes it received and has not read yet */
    long tx;        /* bytes it sent (or holds to send) we have not acknowledged */
    int state;      /* TCP state (TCP_ESTABLISHED, TCP_CLOSE_WAIT ... <netinet/tcp.h>) */
};
/* 1 and *e filled, 0 if the program's end is gone or not there yet, -1 if
 * this kernel does not tell (no sock_diag). */
int conn_program_end(struct conn *k, struct program_end *e);
/* A connect from this network namespace to addr:port that waits for an
 * answer (SYN_SENT): abort_port 0 returns its local port (0: none).  With
 * abort_port that local port, it is ended as its timeout would end it
 * (SOCK_DESTROY: the program's connect() fails, ECONNABORTED); returns
 * abort_port, or 0 if it ended meanwhile.  -1: sock_diag cannot here.
 * Never on the machine's own network: see multi_expect_second. */
int connect_waiting(const char *addr, int port, int abort_port);

/* A listening peer for client programs.  addr NULL: loopback of family. */
struct listener;
struct listener *tcp_listener(struct ctx *c, int family, const char *addr,
                              int backlog);
/* The same on a chosen port (e.g. a well-known one, as root); skips if it
 * cannot be bound.  addr numeric, or NULL: loopback of family. */
struct listener *tcp_listener_at(struct ctx *c, int family, const char *addr, int port,
                                 int backlog);
int listener_port(struct listener *l);
int listener_fd(struct listener *l);   /* to poll it (e.g. while the program runs) */
/* Nonzero when a connection waits to be accepted within ms. */
int listener_pending(struct listener *l, long timeout_ms);
void listener_close(struct ctx *c, struct listener *l);
struct conn *expect_accept(struct ctx *c, struct listener *l, long timeout_ms);

/* ---- the peer: UDP --------------------------------------------------- */

struct udp;
struct udp *udp_open(struct ctx *c, int family, int port);
int udp_port(struct udp *u);
void udp_send(struct ctx *c, struct udp *u, int port, const void *buf, size_t n);
/* Wait for one datagram; returns its length, the sender's port in *from. */
size_t udp_expect(struct ctx *c, struct udp *u, void *buf, size_t cap,
                  int *from, long timeout_ms);
void udp_expect_none(struct ctx *c, struct udp *u, long timeout_ms);
int udp_fd(struct udp *u);
/* A UDP socket bound to a numeric address ("127.0.0.2", "::1") and port
 * (0: any); skips if it cannot be bound. */
struct udp *udp_open_at(struct ctx *c, const char *addr, int port);
/* Send to a numeric address of the socket's family, e.g. 127.0.0.2. */
void udp_send_to(struct ctx *c, struct udp *u, const char *addr, int port, const void *buf,
                 size_t n);
/* Like udp_expect but never fails: the length, or -1 (recorded) if none came. */
long udp_recv(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from, long timeout_ms);
/* The same, recording nothing (the check says what it saw), with *at the
 * kernel's arrival time of the datagram in ms since the test started: the
 * gap between two datagrams is exact, however late the checker reads. */
long udp_recv_timed(struct ctx *c, struct udp *u, void *buf, size_t cap, int *from,
                    double *at, long timeout_ms);

/* ---- reading messages as they come (peer.c); files to serve (pieces.c) */

/* Wait at most ms for bytes on k, then read what has arrived, up to cap:
 * the count (> 0); or 0 with *end 0 at EOF, the errno of a read error
 * (ECONNRESET), or ETIMEDOUT when nothing came.  Not recorded: the check
 * records what it makes of the bytes (peer_record). */
long conn_read_some(struct conn *k, void *buf, size_t cap, long ms, int *end);
/* A fresh empty directory (mode 0755) that lives until the checker ends,
 * e.g. the document root a file server is given. */
char *scratch_dir(struct ctx *c);

/* ---- machine abilities ----------------------------------------------- */

int have_ipv6(void);
int is_root(void);
/* Nonzero unless port's two bytes are equal (257 * k): then a program
 * that forgets htons() binds the very port it was given, and passes. */
int port_swap_proof(int port);
/* A port that was free a moment ago (for tests that must name a port),
 * never one a forgotten htons() leaves as it is. */
int free_port(int type);
/* Bind a socket of type to numeric addr:port (SO_REUSEADDR if reuse) and
 * close it again: 0 if that worked, else the errno (EADDRINUSE ...). */
int bind_error(int type, const char *addr, int port, int reuse);
/* A port of 127.0.0.1 held only by a connection in TIME_WAIT, which a
 * server with SO_REUSEADDR may bind (0: none could be made). */
int time_wait_port(void);

/* ---- reading without judging (peer.c) -------------------------------- */

/* How conn_recv_upto ended when fewer than n bytes came: */
#define CONN_EOF (-1)   /* the program closed the connection */
/* Read up to n bytes into buf, waiting at most ms for each piece; never
 * fails and records nothing (the check records what it makes of them).
 * Returns how many came; *end is 0 when all n came, else CONN_EOF, the
 * errno of a failed read (ECONNRESET), or ETIMEDOUT after ms of silence. */
size_t conn_recv_upto(struct conn *k, void *buf, size_t n, long ms, int *end);

/* ---- staging without root (stage.c) ---------------------------------- */

/* Put this test (its peer, and every program it starts afterwards) in a
 * private network namespace with lo up: the peer may listen on ports below
 * 1024, and the programs run without any privilege.  As root directly, as a
 * normal user inside a new user namespace.  Call it first, before any
 * program starts; it skips, saying why, where the kernel allows neither. */
void stage_private_net(struct ctx *c);
/* The numeric addresses a program given this private /etc/hosts (.hosts of
 * struct start) gets for name from getaddrinfo (AF_UNSPEC, socktype), in
 * getaddrinfo's order, NULL-terminated.  Skips, saying why, where no
 * private hosts file can be staged (no root and no user namespaces). */
char **hosts_order(struct ctx *c, const char *hosts, const char *name, int socktype);
/* Skips, saying why, unless a program can be given a private /etc/hosts. */
void need_private_hosts(struct ctx *c);

/* Rule 4's edges of a server's PORT, argv holding "%" where PORT goes:
 * 65535 is accepted ("listening on port 65535", in a private network),
 * 00000 is accepted (port 0: the kernel chooses), six digits (000080,
 * 065535) are a usage error. */
void expect_port_edges(struct ctx *c, const char *const *argv);

/* Rule 5, every address in getaddrinfo's order: the name dual.test with
 * ::1, 127.0.0.2 and 127.0.0.3 (the hosts file lists 127.0.0.2 first,
 * getaddrinfo sorts ::1 first), and a peer socket of type on each address,
 * one port for all, in a private network.  Skips without IPv6 or a private
 * hosts file. */
struct multi {
    const char *name, *hosts;   /* for argv and .hosts of struct start */
    char **addrs;               /* getaddrinfo's order */
    int n, port, type;
    struct listener *l[4];      /* SOCK_STREAM */
    struct udp *u[4];           /* SOCK_DGRAM */
    long silent_ms;             /* multi_stage_silent: addrs[0]'s connect timeout */
};
struct multi *multi_stage(struct ctx *c, int type);
/* Start the client `name HOST PORT` with m's name, port and hosts file;
 * stdin: n bytes of in, then its end (in NULL: /dev/null). */
struct proc *multi_client(struct ctx *c, struct multi *m, const char *name, const void *in,
                          size_t n);
/* The program's first connection must come to the first address: accepted. */
struct conn *multi_expect_first(struct ctx *c, struct multi *m, long timeout_ms);
/* Its first datagram must come to the first address: received into buf
 * (*n bytes, sender's port in *from); returns the socket it came to. */
struct udp *multi_expect_first_datagram(struct ctx *c, struct multi *m, void *buf, size_t cap,
                                        size_t *n, int *from, long timeout_ms);

/* A numeric addr:port (port 0: any) where a connect gets no answer: a
 * listener whose one-place accept queue is full, so the kernel drops
 * further SYNs (a client that gives up after ECONNREFUSED only can be
 * caught without waiting minutes).  Returns the port.  timeout_ms NULL:
 * nothing else (the program keeps its own deadline).  Otherwise, in this
 * test's private network only (stage_private_net first; never the
 * machine's sysctls), the kernel's own connect timeout is shortened from
 * about 2 minutes: a blocking connect() there fails with ETIMEDOUT after
 * *timeout_ms (about 2000 ms, 3000 before Linux 6.15).  Skips, saying
 * why, where that cannot be staged. */
int stage_silent_address(struct ctx *c, const char *addr, int port, long *timeout_ms);
/* Rule 5 past an address that does not answer: the name silent.test with
 * 127.0.0.2 and 127.0.0.3 in a private network; the first in getaddrinfo's
 * order (addrs[0]) is silent (a blocking connect there times out after
 * silent_ms), the checker listens on the second (l[1]).  Skips without a
 * private network or hosts file. */
struct multi *multi_stage_silent(struct ctx *c);
/* Program p, just started, must connect to the second address once its
 * connect to the first failed, within silent_ms + 4000 ms: accepted.  Fails
 * at once if p ends first. */
struct conn *multi_expect_second(struct ctx *c, struct multi *m, struct proc *p);

/* The program ends within ms, and not by a signal (SIGPIPE: rule 4). */
void expect_no_signal_death(struct ctx *c, struct proc *p, long timeout_ms);

#endif
