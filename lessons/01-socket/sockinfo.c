/*
 * usage: sockinfo KIND...        (KIND: tcp, udp, tcp6, udp6)
 *
 * Lesson 01: socket() asks the kernel for a communication endpoint and gives
 * back a plain file descriptor, the smallest free one. The kernel remembers
 * the domain, type and protocol it was made with; getsockopt() reads them back.
 *
 * Given: the includes, the table of KINDs, die(), usage(), find_kind(), the
 * checking of the arguments and the printing of one line.
 * You write: every call this lesson is about (the TODOs, in their order).
 * Stuck? `make hint L=01` shows one hint more each time.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
        if (strcmp(name, kinds[i].name) == 0)
            return &kinds[i];
    return NULL;
}

/* TODO(4): return the name the contract prints for an address family:
 * "AF_INET", "AF_INET6", or "unknown" for any other number. The kernel
 * only ever gives numbers back; the names are those of the constants.
 * Read: README "The contract", and man 7 ip, man 7 ipv6. */
static const char *family_name(int domain)
{
    (void)domain;   /* delete this line once you use domain */
    return "?";
}

/* TODO(5): the same for a socket type: "SOCK_STREAM", "SOCK_DGRAM", or
 * "unknown". Read: the "type" part of man 2 socket. */
static const char *type_name(int type)
{
    (void)type;     /* delete this line once you use type */
    return "?";
}

/* TODO(2): read one integer socket option (SO_DOMAIN, SO_TYPE or
 * SO_PROTOCOL) of fd back from the kernel and return it; if the kernel
 * refuses, die with the call's name. Mind what the last argument of the
 * call must point to, and what it must hold before the call.
 * Read: README "Reading a socket back", man 2 getsockopt, man 7 socket. */
static int get_int_option(int fd, int option)
{
    (void)fd;       /* delete these two lines once you use fd and option */
    (void)option;
    return -1;
}

/* Given: prints one line in the contract's format. */
static void print_info(const struct kind *k, int fd, int domain, int type, int protocol)
{
    printf("%s: fd=%d family=%s type=%s protocol=%d\n",
           k->name, fd, family_name(domain), type_name(type), protocol);
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

    /* TODO(1): for each KIND on the command line, in order: find its
     * entry in the table, create a socket of that domain and type with the
     * usual protocol of the pair (die with the call's name if the kernel
     * refuses: errno says why, EMFILE when no descriptor is free), then:
     *   TODO(2) read its domain, type and protocol back with your
     *           get_int_option(): the line prints what the kernel says,
     *           not what you asked for (README "Printing what you asked
     *           for");
     *   print its line with print_info() (given, below);
     *   TODO(3) make sure the line is out now (stdout to a pipe is fully
     *           buffered), then give the descriptor back to the kernel,
     *           dying if that fails: the next KIND must get the same
     *           number (README "Closing").
     * Read: README "The idea", man 2 socket, man 3 fflush, man 2 close.
     * Then delete the four lines below: they only keep the compiler quiet
     * about functions not used yet, and stop the program. */
    (void)get_int_option;
    (void)print_info;
    errno = ENOSYS;
    die("TODO(1)");
    return 0;
}
