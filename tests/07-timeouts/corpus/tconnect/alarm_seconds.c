/* expect-fail: times-out -- a blocking connect cut by alarm(): whole seconds, so a 200 ms TIMEOUT_MS gives up after 1 s */
/*
 * usage: tconnect HOST PORT TIMEOUT_MS
 *
 * Lesson 07: a blocking connect() to a host that does not answer can hang
 * for minutes. Made non-blocking, connect() returns EINPROGRESS at once; we
 * wait for the socket to become writable with poll(), up to one deadline for
 * all addresses together, and then read the outcome with SO_ERROR.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "tconnect: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: tconnect HOST PORT TIMEOUT_MS\n");
    exit(2);
}

/* A number made of decimal digits only, between lo and hi.
 * Returns -1 if malformed or out of range. */
static long parse_num(const char *s, long lo, long hi)
{
    long value = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        value = value * 10 + (*s - '0');
        if (value > hi)
            return -1;          /* stop before the number can overflow */
    }
    if (value < lo)
        return -1;
    return value;
}

/* The alarm only interrupts the blocking connect: nothing else to do. */
static void on_alarm(int sig)
{
    (void)sig;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        usage();
    long timeout_ms = parse_num(argv[3], 1, 60000);
    if (timeout_ms < 0)
        usage();

    /* BUG: alarm() counts whole seconds, so TIMEOUT_MS is rounded up to
     * the next second: a 200 ms limit becomes 1 s. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: connect() returns EINTR */
    if (sigaction(SIGALRM, &sa, NULL) < 0)
        die("sigaction");
    alarm((unsigned)((timeout_ms + 999) / 1000));

    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) {
        if (rc == EAI_SYSTEM)
            die("getaddrinfo");
        fprintf(stderr, "tconnect: getaddrinfo: %s\n", gai_strerror(rc));
        exit(1);
    }

    int fd = -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        int saved = errno;
        close(fd);
        fd = -1;
        errno = saved;
        if (errno == EINTR) {
            errno = ETIMEDOUT;  /* the alarm rang: out of time */
            break;
        }
    }
    if (fd < 0)
        die("connect");
    freeaddrinfo(res);

    printf("connected\n");
    close(fd);
    return 0;
}
