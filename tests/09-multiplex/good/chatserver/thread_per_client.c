/* good: a reader thread and a writer thread per client, blocking sockets; one mutex guards the client list and every queue, so all queues get lines in one order; the writer's queue (not yet handed to send) is capped at 1 MiB */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096
#define PENDING_MAX (1024 * 1024)

struct client {
    int fd;
    char tag[40];
    struct client *next;      /* in the list of connected clients */
    char *q;                  /* bytes for the writer: q[0 .. qlen) */
    size_t qlen, qcap;
    int gone;                 /* closing: the writer stops */
    int refs;                 /* reader and writer */
    pthread_cond_t more;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t left = PTHREAD_COND_INITIALIZER;   /* a client freed its descriptor */
static struct client *everyone;

static void release(struct client *c)   /* with lock held */
{
    if (--c->refs > 0)
        return;
    close(c->fd);
    free(c->q);
    pthread_cond_destroy(&c->more);
    free(c);
    pthread_cond_broadcast(&left);
}

static void kick(struct client *c)   /* with lock held: unlink, wake both threads */
{
    if (c->gone)
        return;
    c->gone = 1;
    for (struct client **pp = &everyone; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    shutdown(c->fd, SHUT_RDWR);
    pthread_cond_signal(&c->more);
}

static void say(struct client *from, const char *line, size_t len)
{
    pthread_mutex_lock(&lock);
    size_t tl = strlen(from->tag);
    struct client *c = everyone;
    while (c) {
        struct client *next = c->next;
        if (c != from) {
            if (c->qlen + tl + len > PENDING_MAX) {
                kick(c);
            } else {
                if (c->qlen + tl + len > c->qcap) {
                    size_t cap = c->qcap ? c->qcap : 8192;
                    while (cap < c->qlen + tl + len)
                        cap *= 2;
                    char *q = realloc(c->q, cap);
                    if (!q) {
                        kick(c);
                        c = next;
                        continue;
                    }
                    c->q = q;
                    c->qcap = cap;
                }
                memcpy(c->q + c->qlen, from->tag, tl);
                memcpy(c->q + c->qlen + tl, line, len);
                c->qlen += tl + len;
                pthread_cond_signal(&c->more);
            }
        }
        c = next;
    }
    pthread_mutex_unlock(&lock);
}

static void *writer(void *arg)
{
    struct client *c = arg;
    char *chunk = NULL;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!c->gone && c->qlen == 0)
            pthread_cond_wait(&c->more, &lock);
        if (c->gone)
            break;
        /* Take the whole queue: from now on it is "handed to send()". */
        size_t n = c->qlen;
        free(chunk);
        chunk = c->q;
        c->q = NULL;
        c->qlen = c->qcap = 0;
        pthread_mutex_unlock(&lock);
        size_t off = 0;
        int failed = 0;
        while (off < n) {
            ssize_t w = send(c->fd, chunk + off, n - off, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                failed = 1;
                break;
            }
            off += (size_t)w;
        }
        pthread_mutex_lock(&lock);
        if (failed)
            kick(c);
    }
    free(chunk);
    release(c);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *reader(void *arg)
{
    struct client *c = arg;
    char buf[LINE_MAX_BYTES];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(c->fd, buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                say(c, buf + start, i + 1 - start);
                start = i + 1;
            }
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have == sizeof buf)
            break;
    }
    pthread_mutex_lock(&lock);
    kick(c);
    release(c);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int port_arg(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
        return -1;
    long v = strtol(s, NULL, 10);
    return v > 65535 ? -1 : (int)v;
}

int main(int argc, char **argv)
{
    int port = argc == 2 ? port_arg(argv[1]) : -1;
    if (port < 0) {
        fprintf(stderr, "usage: chatserver PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    socklen_t sl = sizeof sa;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, SOMAXCONN) < 0 ||
        getsockname(s, (struct sockaddr *)&sa, &sl) < 0) {
        fprintf(stderr, "chatserver: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        int fd = accept(s, (struct sockaddr *)&from, &fl);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                /* Wait for a client to leave (at most a second). */
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += 1;
                pthread_mutex_lock(&lock);
                pthread_cond_timedwait(&left, &lock, &until);
                pthread_mutex_unlock(&lock);
            }
            continue;
        }
        struct client *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->refs = 2;
        pthread_cond_init(&c->more, NULL);
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
        snprintf(c->tag, sizeof c->tag, "%s:%d: ", ip, ntohs(from.sin_port));
        pthread_mutex_lock(&lock);
        c->next = everyone;
        everyone = c;
        pthread_mutex_unlock(&lock);
        pthread_t t;
        if (pthread_create(&t, &attr, reader, c) != 0) {
            pthread_mutex_lock(&lock);
            kick(c);
            release(c);
            release(c);
            pthread_mutex_unlock(&lock);
            continue;
        }
        if (pthread_create(&t, &attr, writer, c) != 0) {
            pthread_mutex_lock(&lock);
            kick(c);
            release(c);
            pthread_mutex_unlock(&lock);
        }
    }
}
