/*
 * usage: httpd PORT DIR
 *
 * Lesson 12: a static file server speaking a subset of HTTP/1.1.
 *
 * The contract (docs/contract.md, "12-http"):
 *
 *   httpd PORT DIR: a static file server speaking a subset of HTTP/1.1
 *   (RFC 9112), serving the regular files under DIR. PORT as rule 4; DIR
 *   that is not an existing directory: reason on stderr (e.g. "Not a
 *   directory"), exit 1. Serves several clients at once (any design): a
 *   client that sends nothing must not delay others.
 *
 *   Requests. A request line "METHOD SP TARGET SP VERSION", header lines
 *   "Name: value", and an empty line; lines end with CRLF (a bare LF is
 *   also accepted). The checker sends no request body. VERSION is
 *   HTTP/1.0 or HTTP/1.1.
 *
 *   Responses. A status line "HTTP/1.1 CODE REASON", headers, an empty
 *   line, the body. Every response carries Content-Length; a 200 carries
 *   Content-Type from the file's extension: .html/.htm text/html, .txt
 *   text/plain, .css text/css, .js text/javascript, .json
 *   application/json, .png image/png, .jpg/.jpeg image/jpeg, .gif
 *   image/gif, .svg image/svg+xml, anything else application/octet-stream
 *   (a "; charset=..." parameter may follow). Other headers (Date,
 *   Server) are free; the checker reads header names case-insensitively.
 *
 *   request                                    response
 *   GET of a regular file under DIR            200 and the file's bytes, unchanged, any size
 *   HEAD of it                                 the same status and headers, no body
 *   a target naming a directory                its index.html as above, else 404
 *   no such file                               404
 *   method other than GET or HEAD              405 with "Allow: GET, HEAD"
 *   a malformed request line, a TARGET not     400, then close
 *     starting with '/', another VERSION
 *   a request head over 8192 bytes (from the   431, then close
 *     request line's first byte to the empty
 *     line's end)
 *
 *   TARGET: a query ('?' and after) is ignored; %XX escapes are decoded
 *   once. A decoded path holding a NUL byte, a ".." segment, or naming
 *   anything that resolves outside DIR (through a symlink too) is answered
 *   404 or 403, and no byte of any file outside DIR is ever sent.
 *
 *   Header names, and the Connection header's value, are case-insensitive.
 *
 *   Connections. After a response to HTTP/1.1 the connection stays open
 *   for the next request unless the request said "Connection: close";
 *   after one to HTTP/1.0 it closes unless the request said
 *   "Connection: keep-alive". A response after which the server closes
 *   says "Connection: close". Pipelined requests are answered in order. A
 *   connection on which no complete request head has arrived 5 seconds
 *   after it opened, or after the previous response was sent, is closed
 *   (a response 408 first is allowed): a deadline, which bytes trickling
 *   in do not extend. A client's reset or EOF ends that connection only;
 *   SIGPIPE never kills the server; no descriptor leaks.
 *
 * Given: the includes, die(), usage(), parse_port() and the checking of
 * the arguments. You write the rest: the design is yours (a thread per
 * connection is the simplest correct one; poll() works too).
 * Stuck? `make hint L=12 P=httpd` shows one hint more each time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void die(const char *call)
{
    fprintf(stderr, "httpd: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: httpd PORT DIR\n");
    exit(2);
}

/* PORT: 1 to 5 decimal digits, at most 65535. Returns -1 if malformed. */
static int parse_port(const char *s)
{
    size_t len = strlen(s);
    long value = 0;

    if (len < 1 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    if (value > 65535)
        return -1;
    return (int)value;
}

/* TODO(1) reading a request head: a connection needs a buffer of its own
 * that survives from one request to the next (the bytes after one head
 * are the start of the next: pipelining). Receive into it until it holds
 * an empty line (CRLF CRLF, or a bare LF form), within one deadline of 5
 * seconds fixed when you start waiting (bytes that trickle in must not
 * extend it), and never more than 8192 bytes of head (full and no empty
 * line: 431, then close).
 * Read: README "HTTP messages", "The 8192-byte limit", "The 5-second
 * deadline", "Pipelining"; man 2 poll, man 2 recv, man 3 clock_gettime. */

/* TODO(2) parsing it: the request line must be exactly METHOD SP TARGET SP
 * VERSION (else 400, then close); the headers you need are found by name
 * whatever their case, and decide whether the connection stays open.
 * Read: README "Bad requests", "Keep-alive"; man 3 strncasecmp. */

/* TODO(3) from TARGET to a file: cut the query, decode %XX once (keep the
 * decoded length: %00 is a byte), refuse NUL and ".." segments, then
 * resolve the path and make sure it is still under DIR (symbolic links
 * can point anywhere). A directory means its index.html, resolved again.
 * Read: README "The target", "Path traversal", "Directories";
 * man 3 realpath, man 2 openat, man 2 stat. */

/* TODO(4) answering: status line, Content-Type (README "Content-Type"),
 * Content-Length always, "Connection: close" when you will close, then the
 * body (none for HEAD), the whole file however big, without holding it in
 * memory. Every descriptor you open is closed on every path out.
 * Read: README "HTTP messages", "HEAD", "Large files", "Descriptor
 * leaks"; man 2 sendfile, man 2 send. */

/* TODO(5) one connection, request after request, until it must close;
 * then close it. A reset, an EOF or a failed send end this connection
 * only. Read: README "Keep-alive", "One client's errors". */

int main(int argc, char **argv)
{
    if (argc != 3)
        usage();
    int port = parse_port(argv[1]);
    if (port < 0)
        usage();

    /* TODO(6): DIR must be an existing directory (else a reason on stderr,
     * exit 1); keep its real path for TODO(3). A client that vanishes must
     * not kill the server (README "SIGPIPE"). Then listen on PORT as in
     * lesson 06 and print the ready line. Read: README "Usage errors";
     * man 3 realpath. */

    /* TODO(7): accept clients for ever and serve several at once: a client
     * that sends nothing must not delay the others. Read: README "Serving
     * several clients"; man 3 pthread_create (or man 2 poll).
     * Then delete the lines below: they only stop the program. */
    (void)port;
    errno = ENOSYS;
    die("TODO(1)");
}
