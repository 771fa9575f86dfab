/* good: fork per client; each child waits with select() until a deadline reset whenever bytes arrive; log lines on stdout */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int arg(const char *s, long hi, long *v)
{
    char *e;
    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    *v = strtol(s, &e, 10);
    return *e == '\0' && errno == 0 && *v <= hi;
}

static void reap(int sig)
{
    (void)sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

static void child(int c, long idle_ms)
{
    char buf[8192];
    /* +1: ms_now() truncates, so wait one more ms rather than one less */
    long long deadline = ms_now() + idle_ms + 1;
    for (;;) {
        long long left = deadline - ms_now();
        if (left <= 0) {
            printf("[%d] idle, closing\n", (int)getpid());
            fflush(stdout);
            return;
        }
        struct timeval tv = { (time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000 };
        fd_set r;
        FD_ZERO(&r);
        FD_SET(c, &r);
        int k = select(c + 1, &r, NULL, NULL, &tv);
        if (k < 0 && errno != EINTR) {
            perror("idleserver: select");
            return;
        }
        if (k <= 0)
            continue;
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            printf("[%d] %s\n", (int)getpid(), n == 0 ? "end of file" : strerror(errno));
            fflush(stdout);
            return;
        }
        deadline = ms_now() + idle_ms + 1;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(c, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return;
            off += w;
        }
    }
}

int main(int argc, char **argv)
{
    long port, idle;
    if (argc != 3 || strlen(argv[1]) > 5 || !arg(argv[1], 65535, &port)
        || !arg(argv[2], 60000, &idle) || idle < 1) {
        fprintf(stderr, "usage: idleserver PORT IDLE_MS\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reap;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    socklen_t al = sizeof a;
    if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
        || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 64) < 0
        || getsockname(l, (struct sockaddr *)&a, &al) < 0) {
        fprintf(stderr, "idleserver: cannot listen: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0) {
            if (errno != EINTR)
                perror("idleserver: accept");
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(l);
            child(c, idle);
            close(c);
            _exit(0);
        }
        if (pid < 0)
            perror("idleserver: fork");
        close(c);
    }
}
