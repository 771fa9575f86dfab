/* expect-fail: server-resets-mid-reply -- recv() failing is reported like recv() returning 0: a reset says "server closed the connection", not its reason (Connection reset by peer) */
/*
 * usage: kvclient HOST PORT
 *
 * Lesson 11: the client of kvserver.  Each line of stdin is a command:
 *
 *   set KEY VALUE   -> frame body 'S' K KEY VALUE   (K: KEY's length, 1 byte)
 *   get KEY         -> frame body 'G' KEY
 *   del KEY         -> frame body 'D' KEY
 *
 * KEY is 1 to 255 bytes without a space; VALUE is everything after the one
 * space that follows KEY (it may be empty, or hold spaces).  Any other line
 * is a bad command: say so on stderr, send nothing, go on.
 *
 * A frame is a 4-byte length N in network byte order (big-endian), then N
 * bytes of body.  To read a reply we read exactly 4 bytes, turn them into
 * N with ntohl(), then read exactly N bytes: readn() loops, because one
 * recv() returns whatever has arrived, maybe one byte of it.
 *
 *   reply '+' after set or del -> OK      reply '!' -> (nil)
 *   reply '+' VALUE after get  -> VALUE   reply '?' -> ERR
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
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
    fprintf(stderr, "kvclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: kvclient HOST PORT\n");
    exit(2);
}

/* Send all len bytes: send() may send fewer than asked. Returns 0, or -1
 * with errno set. */
static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read exactly len bytes (readn in Stevens' UNP).  The end of the stream
 * before that many came is the server closing the connection: say so and
 * exit 1, as for an error. */
static void read_exactly(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = recv(fd, p, len, 0);
        if (n <= 0) {
            fprintf(stderr, "kvclient: server closed the connection\n");
            exit(1);
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Connect to host:port, trying every address getaddrinfo gives, in order. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;

    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "kvclient: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }

    int fd = -1;
    int saved_errno = 0;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);

    if (fd < 0) {
        errno = saved_errno;
        die("connect");
    }
    return fd;
}

/* Where a key starts and ends in a line: the bytes from `key` up to the
 * next space or the end of the line.  Its length if it is a good key (1
 * to 255 bytes), else 0. */
static size_t key_length(const char *key, size_t left)
{
    size_t n = 0;
    while (n < left && key[n] != ' ')
        n++;
    return n <= MAX_KEY ? n : 0;
}

/* Turn one command line (len bytes, without its '\n') into a request body
 * in body.  Returns the body's length, or 0 for a bad command. */
static size_t make_request(const char *line, size_t len, unsigned char *body)
{
    if (len < 4 || line[3] != ' ')
        return 0;
    const char *key = line + 4;
    size_t left = len - 4;
    size_t klen = key_length(key, left);
    if (klen == 0)
        return 0;

    if (memcmp(line, "set", 3) == 0) {
        /* KEY must be followed by one space; VALUE is all that comes after
         * it, spaces included. */
        if (klen == left || key[klen] != ' ')
            return 0;
        const char *value = key + klen + 1;
        size_t vlen = left - klen - 1;
        body[0] = 'S';
        body[1] = (unsigned char)klen;
        memcpy(body + 2, key, klen);
        memcpy(body + 2 + klen, value, vlen);
        return 2 + klen + vlen;
    }
    if (memcmp(line, "get", 3) == 0 || memcmp(line, "del", 3) == 0) {
        if (klen != left)
            return 0;             /* something after KEY */
        body[0] = line[0] == 'g' ? 'G' : 'D';
        memcpy(body + 1, key, klen);
        return 1 + klen;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* A server that is gone must not kill us on our next send. */
    signal(SIGPIPE, SIG_IGN);

    int fd = tcp_connect(argv[1], argv[2]);

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned char *frame = NULL;  /* 4 bytes of length, then the body */
    unsigned char *reply = NULL;

    /* getline() returns the line's length: lines may hold NUL bytes. */
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;

        /* A body is at most 2 + the line's bytes. */
        frame = realloc(frame, 4 + 2 + (size_t)len);
        if (frame == NULL)
            die("realloc");
        size_t n = make_request(line, (size_t)len, frame + 4);
        if (n == 0 || n > MAX_BODY) {
            fprintf(stderr, "kvclient: bad command: ");
            fwrite(line, 1, (size_t)len, stderr);
            fputc('\n', stderr);
            continue;
        }

        /* The length goes first, in network byte order. */
        uint32_t be = htonl((uint32_t)n);
        memcpy(frame, &be, 4);
        if (send_all(fd, frame, 4 + n) < 0)
            die("send");

        /* The reply: 4 bytes of length, then exactly that many bytes. */
        read_exactly(fd, &be, 4);
        uint32_t rn = ntohl(be);
        if (rn == 0 || rn > MAX_BODY) {
            fprintf(stderr, "kvclient: the server sent a frame of length %lu\n",
                    (unsigned long)rn);
            exit(1);
        }
        reply = realloc(reply, rn);
        if (reply == NULL)
            die("realloc");
        read_exactly(fd, reply, rn);

        /* Print what the reply says; the value may hold any byte. */
        if (reply[0] == '+' && frame[4] == 'G')
            fwrite(reply + 1, 1, rn - 1, stdout);
        else if (reply[0] == '+')
            fputs("OK", stdout);
        else if (reply[0] == '!')
            fputs("(nil)", stdout);
        else
            fputs("ERR", stdout);
        if (putchar('\n') == EOF || fflush(stdout) == EOF)
            die("write");
    }
    if (ferror(stdin))
        die("read");

    free(line);
    free(frame);
    free(reply);
    close(fd);
    return 0;
}
