/*
 * usage: udpclient HOST PORT
 *
 * Lesson 05: a UDP client sends each line as one datagram with sendto() and
 * waits for the answer with recvfrom(). Anyone may send a datagram to our
 * port, so we compare the sender's address (IP and port) with the server's
 * and throw away datagrams that come from anywhere else.
 *
 * Given: the includes, die(), usage() and the checking of the arguments.
 * You write: same_addr() from its signature and the comment above it, and
 * the body of main (the TODOs, in their order).
 * Stuck? `make hint L=05 P=udpclient` shows one hint more each time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* The largest UDP payload over IPv4 is 65507 bytes. A smaller buffer would
 * silently cut longer datagrams: the rest of a datagram is thrown away. */
#define MAX_DATAGRAM 65536

static void die(const char *call)
{
    fprintf(stderr, "udpclient: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: udpclient HOST PORT\n");
    exit(2);
}

/* TODO(3): is a the same address (family, IP and port) as b? Returns 1
 * or 0. Compare the fields that matter for each family (IPv4 and IPv6),
 * not the whole structs: padding and unused fields may differ.
 * Read: README "Only the server's replies"; man 7 ip (struct sockaddr_in),
 * man 7 ipv6 (struct sockaddr_in6), man 3 memcmp. */
static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    (void)a;        /* delete these lines once you use the arguments */
    (void)b;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();

    /* TODO(1): no write anywhere (a closed stdout, say) may kill the
     * client by a signal. Resolve HOST and PORT to the server's address
     * (any family: whatever HOST has), keep a copy of that address (you
     * will compare every sender with it), and make a UDP socket of that
     * family. The resolver reports its own errors: print its reason as
     * "udpclient: getaddrinfo: REASON" and exit 1.
     * Read: README "Resolving HOST and PORT", "Keep the server's address";
     * man 3 getaddrinfo, man 2 socket. */

    /* TODO(2): for each line of stdin (a line may hold any byte, NUL
     * included, and the last may lack its newline): send the line without
     * its newline as one datagram to the server (an empty line is an empty
     * datagram), then receive datagrams until one comes from the server's
     * address (your same_addr()), throwing the others away, and print its
     * bytes followed by a newline, out at once. At the end of stdin, close
     * the socket and exit 0.
     * Read: README "Lines and datagrams", "Empty lines and replies", "Long
     * lines", "Only the server's replies", "Buffer size"; man 2 sendto,
     * man 2 recvfrom, man 3 getline, man 3 fwrite.
     * Then delete the lines below: they only keep the compiler quiet and
     * stop the program. */
    (void)argv;
    (void)same_addr;
    errno = ENOSYS;
    die("TODO(1)");
}
