/* good: full duplex with poll() on a non-blocking socket: reads the reply while still sending, shutdown(SHUT_WR) once stdin is all sent */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "wcclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static int dial(const char *host, const char *port)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "wcclient: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved = errno;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errno = saved;
        die("connect");
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wcclient HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = dial(argv[1], argv[2]);
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        die("fcntl");

    char out[65536], in[65536];
    size_t pending = 0, sent = 0;       /* out[sent..pending) still to send */
    int stdin_open = 1, write_open = 1, peer_eof = 0;
    while (!peer_eof || write_open) {
        struct pollfd p[2];
        int np = 0;
        p[np++] = (struct pollfd){ .fd = fd, .events = (peer_eof ? 0 : POLLIN)
                                                      | (sent < pending ? POLLOUT : 0) };
        if (stdin_open && sent == pending)
            p[np++] = (struct pollfd){ .fd = 0, .events = POLLIN };
        if (poll(p, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (np == 2 && p[1].revents) {
            ssize_t n = read(0, out, sizeof out);
            if (n < 0 && errno != EINTR)
                die("read");
            if (n == 0)
                stdin_open = 0;
            if (n > 0) {
                pending = (size_t)n;
                sent = 0;
            }
        }
        if (sent < pending && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = send(fd, out + sent, pending - sent, 0);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                die("send");
            if (n > 0)
                sent += (size_t)n;
        }
        if (!stdin_open && sent == pending && write_open) {
            if (shutdown(fd, SHUT_WR) < 0)
                die("shutdown");
            write_open = 0;
        }
        if (!peer_eof && (p[0].revents & (POLLIN | POLLERR | POLLHUP))) {
            ssize_t n = recv(fd, in, sizeof in, 0);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                die("recv");
            if (n == 0) {
                /* the reply is complete; anything still to send goes on
                 * (and fails with the reason if the server is gone) */
                peer_eof = 1;
                continue;
            }
            for (ssize_t off = 0; n > 0 && off < n;) {
                ssize_t w = write(1, in + off, (size_t)(n - off));
                if (w < 0 && errno != EINTR)
                    die("write");
                if (w > 0)
                    off += w;
            }
        }
    }
    close(fd);
    return 0;
}
