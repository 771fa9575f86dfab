/* expect-fail: shared-store -- a child process per client: each child changes its own copy of the store, unseen by the others */
/*
 * usage: kvserver PORT
 *
 * A correct kvserver in another style: one thread per client, blocking
 * reads (readn: 4 bytes, then exactly N), and one store for all threads,
 * a sorted array searched by binary search, behind one mutex.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_BODY 1048576
#define MAX_KEY 255

static void die(const char *call)
{
    fprintf(stderr, "kvserver: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: kvserver PORT\n");
    exit(2);
}

static int parse_port(const char *s)
{
    size_t len = strlen(s);
    long value = 0;
    if (len < 1 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value > 65535 ? -1 : (int)value;
}

/* ---- the store: a sorted array ---- */

struct item {
    unsigned char *key, *value;
    size_t klen, vlen;
};

static struct item *items;
static size_t nitems, capitems;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static int keycmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r != 0)
        return r;
    return an < bn ? -1 : an > bn;
}

/* The index of key, or where it would go; *found says which. */
static size_t search(const unsigned char *key, size_t klen, int *found)
{
    size_t lo = 0, hi = nitems;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = keycmp(items[mid].key, items[mid].klen, key, klen);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t n)
{
    unsigned char *c = malloc(n ? n : 1);
    if (!c)
        die("malloc");
    memcpy(c, p, n);
    return c;
}

static void store_set(const unsigned char *k, size_t kn, const unsigned char *v, size_t vn)
{
    int found;
    size_t i = search(k, kn, &found);
    if (found) {
        free(items[i].value);
        items[i].value = dup_bytes(v, vn);
        items[i].vlen = vn;
        return;
    }
    if (nitems == capitems) {
        capitems = capitems ? capitems * 2 : 64;
        items = realloc(items, capitems * sizeof *items);
        if (!items)
            die("realloc");
    }
    memmove(items + i + 1, items + i, (nitems - i) * sizeof *items);
    items[i] = (struct item){ dup_bytes(k, kn), dup_bytes(v, vn), kn, vn };
    nitems++;
}

/* ---- one client ---- */

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* 1: all len bytes read; 0: EOF or an error first. */
static int readn(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

/* Build the reply to body into *out (4 length bytes + reply body). */
static size_t answer(const unsigned char *body, size_t len, unsigned char **out)
{
    unsigned char op = '?';
    const unsigned char *value = NULL;
    size_t vlen = 0;
    unsigned char *copy = NULL;

    pthread_mutex_lock(&store_lock);
    if (body[0] == 'S' && len >= 2 && body[1] >= 1 && (size_t)2 + body[1] <= len) {
        store_set(body + 2, body[1], body + 2 + body[1], len - 2 - body[1]);
        op = '+';
    } else if ((body[0] == 'G' || body[0] == 'D') && len >= 2 && len - 1 <= MAX_KEY) {
        int found;
        size_t i = search(body + 1, len - 1, &found);
        op = found ? '+' : '!';
        if (found && body[0] == 'G') {
            copy = dup_bytes(items[i].value, items[i].vlen);   /* outside the lock */
            vlen = items[i].vlen;
        } else if (found) {
            free(items[i].key);
            free(items[i].value);
            memmove(items + i, items + i + 1, (nitems - i - 1) * sizeof *items);
            nitems--;
        }
    }
    pthread_mutex_unlock(&store_lock);
    value = copy;

    *out = malloc(5 + vlen);
    if (!*out)
        die("malloc");
    uint32_t n = htonl((uint32_t)(1 + vlen));
    memcpy(*out, &n, 4);
    (*out)[4] = op;
    if (vlen)
        memcpy(*out + 5, value, vlen);
    free(copy);
    return 5 + vlen;
}

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char *body = NULL;
    for (;;) {
        uint32_t n;
        if (!readn(fd, &n, 4))
            break;
        n = ntohl(n);
        if (n == 0 || n > MAX_BODY)
            break;                    /* broken framing: hang up */
        unsigned char *b = realloc(body, n);
        if (!b)
            break;
        body = b;
        if (!readn(fd, body, n))
            break;
        unsigned char *reply;
        size_t rn = answer(body, n, &reply);
        int bad = send_all(fd, reply, rn) < 0;
        free(reply);
        if (bad)
            break;
    }
    free(body);
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN);   /* no zombies */

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");
    socklen_t alen = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
        die("getsockname");
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);

    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0) {
            fprintf(stderr, "kvserver: accept: %s\n", strerror(errno));
            if (errno == EMFILE || errno == ENFILE)
                usleep(10000);
            continue;
        }
        pid_t pid = fork();       /* a process per client */
        if (pid == 0) {
            close(fd);
            serve((void *)(intptr_t)c);
            _exit(0);
        }
        close(c);
    }
}
