/* check_kvclient.c - lesson 11: kvclient turns each stdin command into a
 * request frame and prints the reply; the checker plays the server,
 * reading every frame byte for byte. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* One exchange: the request body the client must send and the reply body
 * the checker answers with. */
struct step {
    const char *req;
    size_t rn;
    const char *rep;
    size_t pn;
};

/* Start `kvclient HOST PORT` with all its input at once. */
static struct proc *client(struct ctx *c, const char *host, int port, const char *in, size_t n)
{
    return prog_start_stdin(c, (struct start){
        .argv = ARGV("kvclient", host, str("%d", port)), .stdout_cap = 2 << 20 }, in, n);
}

/* Read the request frame the client must send; recognise the usual mistakes. */
static void expect_request(struct ctx *c, struct conn *k, const char *want, size_t n)
{
    struct bytes f = frame(want, n);
    struct got_frame g = read_frame(c, k, 1, 2000);
    char *diff = first_difference(f.p, f.n, g.raw, g.n);
    if (!diff)
        return;
    const char *hint = NULL, *see = NULL;
    if (length_swapped(g, n)) {
        hint = "The 4 length bytes went out in host byte order (little-endian here): convert "
               "the length with htonl() before sending it.";
        see = "#byte-order";
    } else if (g.n == 0 && g.end == ETIMEDOUT) {
        hint = "No request came. Send each command's frame as soon as its line is read (after "
               "a complete line; don't wait for the end of stdin), with a send_all() loop.";
        see = "#the-client-loop";
    }
    FAIL(c, .expected = str("the client to send the request %s", show_frame(f.p, f.n)),
         .observed = g.n ? str("%s; %s", frame_observed(g, 2000), diff) : frame_observed(g, 2000),
         .hint = hint, .see = see);
}

static void answer(struct ctx *c, struct conn *k, const char *body, size_t n)
{
    struct bytes f = frame(body, n);
    conn_send(c, k, f.p, f.n);
}

/* stdout must be exactly want; a cut at a NUL byte has its own hint. */
static void expect_out(struct ctx *c, struct proc *p, const char *want, size_t n)
{
    size_t len, total;
    const char *got = prog_stdout(p, &len, &total);
    if (total < n && total == len && !memcmp(want, got, len) && want[len] == 0)
        FAIL(c, .expected = str("stdout: %s", describe(want, n)),
             .observed = str("stdout: %s; it stops before the first NUL byte", describe(got, len)),
             .hint = "printf(\"%s\"), fputs() and puts() stop at a NUL byte: write a value with "
                     "fwrite(buf, 1, n, stdout), n from the frame's length.",
             .see = "#binary-keys-and-values");
    expect_stdout(c, p, want, n);
}

/* kvclient reads `in`; the checker answers each step in turn, then expects
 * EOF, exit 0 and exactly `out` on stdout. */
static struct proc *converse(struct ctx *c, const char *in, size_t n, const struct step *steps,
                             const char *out, size_t on)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), in, n);
    struct conn *k = expect_accept(c, l, 2000);
    for (int i = 0; steps[i].req; i++) {
        expect_request(c, k, steps[i].req, steps[i].rn);
        answer(c, k, steps[i].rep, steps[i].pn);
    }
    expect_eof(c, k, 2000);
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, out, on);
    return p;
}

static void set_command(struct ctx *c)
{
    converse(c, B("set name Ada\n"),
             (struct step[]){ { B("S\x04" "nameAda"), B("+") }, { NULL } }, B("OK\n"));
}

static void get_command(struct ctx *c)
{
    converse(c, B("get name\n"),
             (struct step[]){ { B("Gname"), B("+Ada Lovelace") }, { NULL } },
             B("Ada Lovelace\n"));
}

static void get_missing(struct ctx *c)
{
    converse(c, B("get nobody\n"), (struct step[]){ { B("Gnobody"), B("!") }, { NULL } },
             B("(nil)\n"));
}

static void del_command(struct ctx *c)
{
    converse(c, B("del name\ndel name\n"),
             (struct step[]){ { B("Dname"), B("+") }, { B("Dname"), B("!") }, { NULL } },
             B("OK\n(nil)\n"));
}

static void error_reply(struct ctx *c)
{
    converse(c, B("get k\nset k v\n"),
             (struct step[]){ { B("Gk"), B("?") }, { B("S\x01" "kv"), B("?") }, { NULL } },
             B("ERR\nERR\n"));
}

static void empty_value(struct ctx *c)
{
    converse(c, B("set k \nget k\n"),
             (struct step[]){ { B("S\x01" "k"), B("+") }, { B("Gk"), B("+") }, { NULL } },
             B("OK\n\n"));
}

static void value_with_spaces(struct ctx *c)
{
    converse(c, B("set k  two  spaces, and one at the end \n"),
             (struct step[]){ { B("S\x01" "k two  spaces, and one at the end "), B("+") },
                              { NULL } }, B("OK\n"));
}

static void binary_value(struct ctx *c)
{
    converse(c, B("set k\xff a\0b\xff\tc\nget k\xff\n"),
             (struct step[]){ { B("S\x02" "k\xff" "a\0b\xff\tc"), B("+") },
                              { B("Gk\xff"), B("+a\0b\xff\tc") }, { NULL } },
             B("OK\na\0b\xff\tc\n"));
}

static void longest_key(struct ctx *c)
{
    char in[4 + 255 + 1], req[1 + 255];
    memcpy(in, "del ", 4);
    memset(in + 4, 'K', 255);
    in[4 + 255] = '\n';
    req[0] = 'D';
    memset(req + 1, 'K', 255);
    converse(c, in, sizeof in, (struct step[]){ { req, sizeof req, B("+") }, { NULL } },
             B("OK\n"));
}

static void bad_commands(struct ctx *c)
{
    char key256[4 + 256 + 1];
    memcpy(key256, "get ", 4);
    memset(key256 + 4, 'K', 256);
    key256[4 + 256] = '\n';
    const char *bad[] = { "put a b", "GET a", "get", "get a b", "del ", "set  k v", "getk", NULL };
    char *in = str("get first\n");
    for (int i = 0; bad[i]; i++)
        in = str("%s%s\n", in, bad[i]);
    size_t n = strlen(in);
    char *all = xmalloc(n + sizeof key256 + 16);
    memcpy(all, in, n);
    memcpy(all + n, key256, sizeof key256);
    memcpy(all + n + sizeof key256, "get last\n", 9);
    note(c, "Bad lines: \"put a b\", \"GET a\", \"get\", \"get a b\", \"del \", \"set  k v\" (two "
            "spaces: an empty key), \"getk\" and a get with a 256-byte key.");
    struct proc *p = converse(c, all, n + sizeof key256 + 9,
                              (struct step[]){ { B("Gfirst"), B("+1") }, { B("Glast"), B("+2") },
                                               { NULL } }, B("1\n2\n"));
    for (int i = 0; bad[i]; i++)
        expect_stderr_has(c, p, str("kvclient: bad command: %s\n", bad[i]));
}

static void many_commands(struct ctx *c)
{
    struct step steps[201];
    char *in = "", *out = "";
    for (int i = 0; i < 100; i++) {
        char *key = str("key%d", i), *value = str("value number %d", i);
        size_t kn = strlen(key), vn = strlen(value);
        char *set = xmalloc(2 + kn + vn), *rep = str("+%s", value);
        set[0] = 'S';
        set[1] = (char)kn;
        memcpy(set + 2, key, kn);
        memcpy(set + 2 + kn, value, vn);
        steps[2 * i] = (struct step){ set, 2 + kn + vn, B("+") };
        steps[2 * i + 1] = (struct step){ str("G%s", key), 1 + kn, rep, 1 + vn };
        in = str("%sset %s %s\nget %s\n", in, key, value, key);
        out = str("%sOK\n%s\n", out, value);
    }
    steps[200] = (struct step){ NULL, 0, NULL, 0 };
    converse(c, in, strlen(in), steps, out, strlen(out));
}

static void reply_in_pieces(struct ctx *c)
{
    const char *line = "get k\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), line, strlen(line));
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, B("Gk"));
    struct bytes f = frame(B("+this reply comes one byte at a time"));
    conn_send_some(c, k, f.p, f.n, 1, 3);
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, B("this reply comes one byte at a time\n"));
}

static void big_value(struct ctx *c)
{
    size_t vlen = MAX_BODY - 1;
    char *rep = xmalloc(1 + vlen), *out = xmalloc(vlen + 1);
    rep[0] = '+';
    memcpy(rep + 1, random_bytes(vlen, 12), vlen);
    memcpy(out, rep + 1, vlen);
    out[vlen] = '\n';
    note(c, "The reply's body is 1,048,576 bytes, the largest a frame may have.");
    converse(c, B("get big\n"), (struct step[]){ { B("Gbig"), rep, 1 + vlen }, { NULL } },
             out, vlen + 1);
}

static void last_line_without_newline(struct ctx *c)
{
    converse(c, B("get a\nget b"),
             (struct step[]){ { B("Ga"), B("+1") }, { B("Gb"), B("+2") }, { NULL } },
             B("1\n2\n"));
}

static void empty_input(struct ctx *c)
{
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), "", 0);
    expect_exit(c, p, 0, 2000);
    expect_stdout_empty(c, p);
}

/* The server reads the request, sends `part` of a reply, then ends the
 * connection with end (conn_close, conn_reset): exit 1, reason on stderr. */
static void server_ends_early(struct ctx *c, const char *part, size_t pn,
                              void (*end)(struct ctx *, struct conn *), const char *reason)
{
    const char *in = "get k\nget k\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = client(c, "127.0.0.1", listener_port(l), in, strlen(in));
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, B("Gk"));
    conn_send(c, k, part, pn);
    end(c, k);
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, reason);
}

static void server_closes_mid_reply(struct ctx *c)
{
    /* Length 6, then 3 of the 6 body bytes. */
    server_ends_early(c, B("\0\0\0\x06" "+ab"), conn_close, "server closed the connection");
}

static void server_closes_in_length(struct ctx *c)
{
    server_ends_early(c, B("\0\0"), conn_close, "server closed the connection");
}

static void server_resets_mid_reply(struct ctx *c)
{
    server_ends_early(c, B("\0\0\0\x06" "+ab"), conn_reset, "Connection reset by peer");
}

static void server_gone_next_command(struct ctx *c)
{
    const char *one = "set a 1\n", *two = "get a\n";
    struct listener *l = tcp_listener(c, AF_INET, NULL, 5);
    struct proc *p = prog_start(c, (struct start){
        .argv = ARGV("kvclient", "127.0.0.1", str("%d", listener_port(l))), .stdin_pipe = 1 });
    prog_feed(p, one, strlen(one));
    int early = listener_pending(l, 1000);
    if (!early) {
        /* A client may read all of stdin before it connects: correct too. */
        note(c, "it did not connect before stdin ended: the second command is given at once");
        prog_feed(p, two, strlen(two));
        prog_close_stdin(p);
    }
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, B("S\x01" "a1"));
    answer(c, k, B("+"));
    if (early)
        expect_line(c, p, 1000);   /* it printed OK: the reply was read */
    conn_half_close(c, k);
    conn_wait_sent(k, 500);
    conn_reset(c, k);
    if (early) {
        pause_ms(20);
        peer_record(c, 0, "the checker writes the second command to stdin, then closes stdin");
        prog_feed(p, two, strlen(two));
        prog_close_stdin(p);
    }
    expect_exit(c, p, 1, 2000);
    size_t n;
    prog_stderr(p, &n);
    if (!n)
        FAIL(c, .expected = "the reason on stderr", .observed = "nothing on stderr",
             .hint = "Say why it failed: fprintf(stderr, \"kvclient: send: %s\\n\", "
                     "strerror(errno)).", .see = "#errors");
}

static void ipv6(struct ctx *c)
{
    if (!have_ipv6())
        skip(c, "this machine has no IPv6 loopback (::1)");
    struct listener *l = tcp_listener(c, AF_INET6, NULL, 5);
    struct proc *p = client(c, "::1", listener_port(l), B("get v6\n"));
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, B("Gv6"));
    answer(c, k, B("+over IPv6"));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, B("over IPv6\n"));
}

static void every_address(struct ctx *c)
{
    /* A network of its own: no other test's listener can take 127.0.0.1
     * at this port, where a connect must be refused. */
    stage_private_net(c);
    need_private_hosts(c);
    /* glibc sorts 127.0.0.1 first; nothing listens there on this port. */
    struct listener *l = tcp_listener(c, AF_INET, "127.0.0.2", 5);
    note(c, "kvhost has two addresses, 127.0.0.1 (tried first, refused) and 127.0.0.2 "
            "(the checker listens there).");
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("kvclient", "kvhost", str("%d", listener_port(l))),
        .hosts = "127.0.0.1 kvhost\n127.0.0.2 kvhost\n" }, B("get k\n"));
    struct conn *k = expect_accept(c, l, 2000);
    expect_request(c, k, B("Gk"));
    answer(c, k, B("+second address"));
    expect_exit(c, p, 0, 2000);
    expect_out(c, p, B("second address\n"));
}

static void refused(struct ctx *c)
{
    struct proc *p = client(c, "127.0.0.1", free_port(SOCK_STREAM), B("get k\n"));
    expect_exit(c, p, 1, 2000);
    expect_stderr_has(c, p, "Connection refused");
}

static void unknown_service(struct ctx *c)
{
    struct proc *p = prog_start_stdin(c, (struct start){
        .argv = ARGV("kvclient", "127.0.0.1", "nosuchservice") }, B("get k\n"));
    expect_unknown_service(c, p);
}

static void no_arguments(struct ctx *c) { expect_usage_error(c, ARGV("kvclient")); }

static void one_argument(struct ctx *c) { expect_usage_error(c, ARGV("kvclient", "127.0.0.1")); }

static void three_arguments(struct ctx *c)
{
    expect_usage_error(c, ARGV("kvclient", "127.0.0.1", "7", "extra"));
}

const struct test kvclient_tests[] = {
    { .name = "set-command",
      .what = "stdin `set name Ada`: reads the request frame, answers \"+\", expects OK",
      .run = set_command,
      .hint = "A set body is 'S', the key's length in one byte, the key, then the value; the frame puts "
              "the body's length in front, 4 bytes big-endian (htonl).",
      .see = "#the-request-frames" },
    { .name = "get-command",
      .what = "stdin `get name`: answers \"+Ada Lovelace\", expects the value printed",
      .run = get_command,
      .hint = "After get, a reply \"+\" is followed by the value: print those bytes and a \\n, nothing "
              "else.",
      .see = "#printing-a-reply" },
    { .name = "get-missing",
      .what = "stdin `get nobody`: answers \"!\", expects (nil)",
      .run = get_missing,
      .hint = "The reply \"!\" is printed as (nil).",
      .see = "#printing-a-reply" },
    { .name = "del-command",
      .what = "stdin `del name` twice: answers \"+\", then \"!\"",
      .run = del_command,
      .hint = "After del, \"+\" prints OK and \"!\" prints (nil): look at the reply's first byte.",
      .see = "#printing-a-reply" },
    { .name = "error-reply",
      .what = "answers \"?\" to a get and to a set: expects ERR twice",
      .run = error_reply,
      .hint = "The reply \"?\" is printed as ERR, whatever the command was.",
      .see = "#printing-a-reply" },
    { .name = "empty-value",
      .what = "stdin `set k ` (an empty value) then `get k`, answered \"+\" and \"+\"",
      .run = empty_value,
      .hint = "VALUE is everything after the space that follows KEY, possibly nothing: `set k ` sends "
              "'S', 1, 'k'. A get whose value is empty prints an empty line.",
      .see = "#parsing-a-command" },
    { .name = "value-with-spaces",
      .what = "stdin `set k  two  spaces, and one at the end `",
      .run = value_with_spaces,
      .hint = "VALUE is the rest of the line after the one space that follows KEY, spaces included: "
              "sscanf(\"%s %s %s\") or strtok() split it.",
      .see = "#parsing-a-command" },
    { .name = "binary-value",
      .what = "a key with \\xff and a value with NUL, \\xff and a tab, set then got",
      .run = binary_value,
      .hint = "Lines may hold any byte but \\n: take lengths from getline(), copy with memcpy(), print "
              "the value with fwrite(). strlen(), strchr() past a NUL, and \"%s\" stop at NUL.",
      .see = "#binary-keys-and-values" },
    { .name = "longest-key",
      .what = "stdin `del` with a 255-byte key, the longest allowed",
      .run = longest_key,
      .hint = "KEY may be 255 bytes (K is one byte): check klen > 255, not klen >= 255.",
      .see = "#parsing-a-command" },
    { .name = "bad-commands",
      .what = "bad lines (unknown command, missing or empty key, a key with a space "
              "after it, a 256-byte key) between two gets",
      .run = bad_commands,
      .hint = "For a line that is not exactly `set KEY VALUE`, `get KEY` or `del KEY` (KEY 1 to 255 "
              "bytes, no space), print \"kvclient: bad command: LINE\" on stderr, send nothing, and "
              "go on with the next line.",
      .see = "#bad-commands" },
    { .name = "many-commands",
      .what = "200 commands, each answered once its request has come",
      .run = many_commands,
      .hint = "Handle the commands one after another: send a frame, read its whole reply, print it. "
              "(Sending several before reading is fine too.)",
      .see = "#the-client-loop" },
    { .name = "reply-in-pieces",
      .what = "answers a get in 1-byte pieces, 3 ms apart",
      .run = reply_in_pieces,
      .hint = "One recv() returns what has arrived, maybe one byte: read the 4 length bytes with a "
              "readn() loop, then exactly N body bytes with it.",
      .see = "#one-recv-is-not-one-frame" },
    { .name = "big-value",
      .what = "answers a get with a 1,048,576-byte body (random bytes)",
      .run = big_value,
      .hint = "A value may be almost 1 MiB: allocate the reply buffer from N (at most 1,048,576) and "
              "read it all with readn(); write it all with fwrite().",
      .see = "#one-recv-is-not-one-frame" },
    { .name = "last-line-without-newline",
      .what = "stdin \"get a\\nget b\": the last line has no \\n",
      .run = last_line_without_newline,
      .hint = "A last line without \\n is still a command: getline() returns it.",
      .see = "#the-client-loop" },
    { .name = "empty-input",
      .what = "empty stdin: nothing to send",
      .run = empty_input,
      .hint = "With no command at all, close the socket and exit 0, printing nothing.",
      .see = "#the-client-loop" },
    { .name = "server-closes-mid-reply",
      .what = "answers with a length of 6 and 3 body bytes, then closes",
      .run = server_closes_mid_reply,
      .hint = "recv() returning 0 before the whole reply came means the server closed: print "
              "\"kvclient: server closed the connection\" on stderr and exit 1 (don't loop on it).",
      .see = "#the-server-closed-the-connection" },
    { .name = "server-closes-in-length",
      .what = "answers with 2 of the 4 length bytes, then closes",
      .run = server_closes_in_length,
      .hint = "The length's 4 bytes may come in pieces too: read them with readn(), and treat EOF "
              "there like EOF in the body.",
      .see = "#the-server-closed-the-connection" },
    { .name = "server-resets-mid-reply",
      .what = "answers with a length of 6 and 3 body bytes, then resets",
      .run = server_resets_mid_reply,
      .hint = "recv() returns -1 with errno ECONNRESET: print the reason with strerror(errno) and exit "
              "1.",
      .see = "#errors" },
    { .name = "server-gone-next-command",
      .what = "answers a set, then closes and resets; then stdin gets "
              "a get",
      .run = server_gone_next_command,
      .hint = "Sending to a connection the server has closed and reset raises SIGPIPE, which kills the "
              "client without a word: signal(SIGPIPE, SIG_IGN) (or MSG_NOSIGNAL), then report the "
              "failed send and exit 1.",
      .see = "#sigpipe" },
    { .name = "ipv6",
      .what = "runs `kvclient ::1 PORT`, the checker listening on ::1",
      .run = ipv6,
      .hint = "Use the family, address and length from getaddrinfo()'s result for socket() and "
              "connect().",
      .see = "#trying-every-address" },
    { .name = "every-address",
      .what = "HOST has two addresses; only the second one accepts",
      .run = every_address,
      .hint = "When connect() fails, close that socket and try the next address of the getaddrinfo() "
              "list; report the error only when none is left.",
      .see = "#trying-every-address" },
    { .name = "refused",
      .what = "runs kvclient against a port where nothing listens",
      .run = refused,
      .hint = "connect() fails with ECONNREFUSED: print the reason (strerror(errno)) on stderr and "
              "exit 1.",
      .see = "#errors" },
    { .name = "unknown-service",
      .what = "runs `kvclient 127.0.0.1 nosuchservice`",
      .run = unknown_service,
      .hint = "getaddrinfo() does not set errno: print gai_strerror(its return value) and exit 1.",
      .see = "#errors" },
    { .name = "no-arguments",
      .what = "runs `kvclient`",
      .run = no_arguments,
      .see = "#usage-errors" },
    { .name = "one-argument",
      .what = "runs `kvclient 127.0.0.1`",
      .run = one_argument,
      .see = "#usage-errors" },
    { .name = "three-arguments",
      .what = "runs `kvclient 127.0.0.1 7 extra`",
      .run = three_arguments,
      .see = "#usage-errors" },
    { .name = NULL },
};
