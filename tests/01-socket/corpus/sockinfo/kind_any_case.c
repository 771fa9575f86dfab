/* expect-fail: upper-case-kind -- compares each KIND with strcasecmp, so TCP is taken for tcp instead of being a usage error */
/*
 * usage: sockinfo KIND...        (KIND: tcp, udp, tcp6, udp6)
 *
 * Lesson 01: socket() asks the kernel for a communication endpoint and gives
 * back a plain file descriptor, the smallest free one. The kernel remembers
 * the domain, type and protocol it was made with; getsockopt() reads them back.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct kind {
    const char *name;
    int domain;
    int type;
};

static const struct kind kinds[] = {
    { "tcp",  AF_INET,  SOCK_STREAM },
    { "udp",  AF_INET,  SOCK_DGRAM },
    { "tcp6", AF_INET6, SOCK_STREAM },
    { "udp6", AF_INET6, SOCK_DGRAM },
};

static void die(const char *call)
{
    fprintf(stderr, "sockinfo: %s: %s\n", call, strerror(errno));
    exit(1);    /* exit() also flushes the lines already printed to stdout */
}

static void usage(void)
{
    fprintf(stderr, "usage: sockinfo KIND...   (KIND: tcp, udp, tcp6, udp6)\n");
    exit(2);
}

static const struct kind *find_kind(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcasecmp(name, kinds[i].name) == 0)
            return &kinds[i];
    return NULL;
}

static const char *family_name(int domain)
{
    switch (domain) {
    case AF_INET:  return "AF_INET";
    case AF_INET6: return "AF_INET6";
    default:       return "unknown";
    }
}

static const char *type_name(int type)
{
    switch (type) {
    case SOCK_STREAM: return "SOCK_STREAM";
    case SOCK_DGRAM:  return "SOCK_DGRAM";
    default:          return "unknown";
    }
}

/* Read one integer socket option, such as SO_TYPE, from fd. */
static int get_int_option(int fd, int option)
{
    int value;
    socklen_t len = sizeof value;

    if (getsockopt(fd, SOL_SOCKET, option, &value, &len) < 0)
        die("getsockopt");
    return value;
}

int main(int argc, char **argv)
{
    /* Check every argument before creating anything, so that a typo in the
     * last KIND does not leave half of the output behind. */
    if (argc < 2)
        usage();
    for (int i = 1; i < argc; i++)
        if (find_kind(argv[i]) == NULL)
            usage();

    for (int i = 1; i < argc; i++) {
        const struct kind *k = find_kind(argv[i]);

        /* Protocol 0 means "the usual one for this domain and type":
         * TCP for a stream, UDP for datagrams. */
        int fd = socket(k->domain, k->type, 0);
        if (fd < 0)
            die("socket");

        int domain = get_int_option(fd, SO_DOMAIN);
        int type = get_int_option(fd, SO_TYPE);
        int protocol = get_int_option(fd, SO_PROTOCOL);

        printf("%s: fd=%d family=%s type=%s protocol=%d\n",
               k->name, fd, family_name(domain), type_name(type), protocol);
        /* stdout to a pipe is fully buffered: flush now, so each line is out
         * even if a later KIND fails. */
        fflush(stdout);

        /* Closing frees the descriptor number, so the next socket gets it. */
        if (close(fd) < 0)
            die("close");
    }
    return 0;
}
