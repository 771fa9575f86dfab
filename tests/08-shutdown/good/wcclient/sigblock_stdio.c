/* good: SIGPIPE blocked with sigprocmask (a write to a closed peer fails with EPIPE), stdin read with fread, reply copied with fwrite */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *call)
{
    fprintf(stderr, "wcclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wcclient HOST PORT\n");
        return 2;
    }
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    if (sigprocmask(SIG_BLOCK, &pipe_only, NULL) < 0)
        fail("sigprocmask");

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int g = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (g != 0) {
        fprintf(stderr, "wcclient: %s\n", gai_strerror(g));
        return 1;
    }
    int s = -1, err = 0;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        if ((s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0) {
            err = errno;
            continue;
        }
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(s);
        s = -1;
    }
    freeaddrinfo(res);
    if (s < 0) {
        errno = err;
        fail("connect");
    }

    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t off = 0; off < n;) {
            ssize_t w = write(s, buf + off, n - off);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fail("write");          /* Broken pipe, Connection reset by peer */
            }
            off += (size_t)w;
        }
    }
    if (ferror(stdin))
        fail("fread");
    if (shutdown(s, SHUT_WR) < 0)
        fail("shutdown");
    ssize_t r;
    while ((r = read(s, buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fail("read");
        }
        if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
            fail("fwrite");
    }
    if (fclose(stdout) != 0)
        fail("fclose");
    close(s);
    return 0;
}
