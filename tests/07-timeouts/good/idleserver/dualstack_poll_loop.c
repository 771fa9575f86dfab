/* good: one process serves many clients at once with a poll() loop over a dual-stack IPv6 listener; each client has its own last-byte time, logs on stdout */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCLIENTS 64

static long parse(const char *s, long hi, int maxlen)
{
    long v = 0;
    int n = 0;
    if (!*s)
        return -1;
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || (maxlen && n >= maxlen))
            return -1;
        v = v * 10 + (*s - '0');
        if (v > hi)
            return -1;
    }
    return v;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long port = argc == 3 ? parse(argv[1], 65535, 5) : -1;
    long idle = argc == 3 ? parse(argv[2], 60000, 0) : -1;
    if (port < 0 || idle < 1) {
        fprintf(stderr, "usage: idleserver PORT IDLE_MS\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET6, SOCK_STREAM, 0), on = 1, off = 0;
    if (lfd < 0) {
        perror("idleserver: socket");
        return 1;
    }
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT,
                              .sin6_port = htons((unsigned short)port) };
    socklen_t alen = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 16) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) < 0) {
        fprintf(stderr, "idleserver: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", ntohs(a.sin6_port));
    fflush(stdout);

    struct pollfd fds[MAXCLIENTS + 1];
    long long last[MAXCLIENTS + 1];
    int n = 1;
    fds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
    for (;;) {
        long long now = now_ms(), wait = -1;
        for (int i = 1; i < n; i++) {
            long long left = last[i] + idle - now;
            if (left < 0)
                left = 0;
            if (wait < 0 || left < wait)
                wait = left;
        }
        fds[0].events = n <= MAXCLIENTS ? POLLIN : 0;   /* full: leave them queued */
        if (poll(fds, (nfds_t)n, (int)wait) < 0 && errno != EINTR) {
            perror("idleserver: poll");
            return 1;
        }
        now = now_ms();
        for (int i = n - 1; i >= 1; i--) {
            int done = 0;
            if (fds[i].revents) {
                char buf[4096];
                ssize_t r = recv(fds[i].fd, buf, sizeof buf, 0);
                if (r > 0) {
                    last[i] = now;
                    done = send_all(fds[i].fd, buf, (size_t)r) < 0;
                } else {
                    done = r == 0 || errno != EINTR;
                }
            } else if (now - last[i] >= idle) {
                printf("client on fd %d idle for %lld ms: closing\n", fds[i].fd, now - last[i]);
                fflush(stdout);
                done = 1;
            }
            if (done) {
                close(fds[i].fd);
                fds[i] = fds[n - 1];
                last[i] = last[n - 1];
                n--;
            }
        }
        if (fds[0].revents & POLLIN) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0) {
                fds[n] = (struct pollfd){ .fd = c, .events = POLLIN };
                last[n++] = now_ms();
            }
        }
    }
}
