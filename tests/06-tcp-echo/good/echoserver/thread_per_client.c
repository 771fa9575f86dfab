/* good: a detached thread per client, read()/write() instead of recv()/send(), SIGPIPE ignored with sigaction */
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
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "echoserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                goto out;
            done += w;
        }
    }
out:
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *s = argc == 2 ? argv[1] : "";
    size_t len = strlen(s);
    if (argc != 2 || len < 1 || len > 5 || strspn(s, "0123456789") != len || atol(s) > 65535) {
        fprintf(stderr, "usage: echoserver PORT\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = SIG_IGN };
    sigaction(SIGPIPE, &sa, NULL);

    int lfd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    if (lfd < 0)
        die("socket");
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die("setsockopt");
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atol(s)),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    socklen_t alen = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(lfd, 64) < 0)
        die("listen");
    if (getsockname(lfd, (struct sockaddr *)&a, &alen) < 0)
        die("getsockname");
    printf("listening on port %u\n", ntohs(a.sin_port));
    fflush(stdout);

    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            fprintf(stderr, "echoserver: accept: %s\n", strerror(errno));
            continue;
        }
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, serve, (void *)(intptr_t)fd);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            fprintf(stderr, "echoserver: pthread_create: %s\n", strerror(rc));
            close(fd);
        }
    }
}
