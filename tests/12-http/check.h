/* check.h - lesson 12: what the tests of httpd (check.c) and its HTTP
 * reader and document root (check_http.c) share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

/* The bytes of every file outside DIR hold this: seen in any response, it
 * is a leak, whatever the test. */
#define SECRET_MARKER "SECRET-5e3c7a91"

/* The document root the checker builds for each test:
 *   top/secret.txt          outside DIR (the SECRET)
 *   top/www2/secret.txt     outside DIR too, beside it: "www2" starts with "www"
 *   top/www/                DIR: the files of site_files[], docs/ (with
 *                           index.html), empty/ (without), trap/ (its
 *                           index.html a link out), and symbolic links out */
struct site {
    char *top, *dir;
};
struct site_file {
    const char *name;   /* path under DIR, without the leading '/' */
    const char *type;   /* the Content-Type the contract gives it */
    const char *body;
    size_t len;
};
extern const struct site_file site_files[];
const struct site_file *site_file(const char *name);
struct site make_site(struct ctx *c);
/* Put one more file under DIR. */
void site_put(struct ctx *c, struct site *s, const char *name, const void *body, size_t n);
/* Write the file name under DIR with n bytes of the big-file pattern. */
void make_big_file(struct ctx *c, struct site *s, const char *name, size_t n);
/* The big-file pattern: n bytes from offset off into buf. */
void pattern(char *buf, size_t off, size_t n);
/* The offset whose pattern bytes the 8 bytes at p are, or -1. */
long long pattern_offset(const char *p);
/* Start `httpd 0 DIR`; returns the port. */
int start_httpd(struct ctx *c, struct site *s, struct proc **p, long nofile);

/* One connection of the checker to the server, read as HTTP. */
struct hconn;
struct response {
    int code;
    char *head;          /* status line, headers and empty line, as received */
    size_t head_len;
    char *body;          /* NULL for HEAD, or when the body is read apart */
    size_t body_len;
    long long length;    /* Content-Length */
};
struct hconn *http_connect(struct ctx *c, int port);
/* Send a request (any bytes); remembered for messages. */
void http_send(struct hconn *h, const char *req);
void http_send_bytes(struct hconn *h, const char *req, size_t n);
/* req in pieces of piece bytes, pause ms apart (conn_send_pieces). */
void http_send_pieces(struct hconn *h, const char *req, size_t piece, long pause);
/* Only the first n bytes of req; the rest the test sends later itself
 * (conn_send on hconn_conn).  Failures name all of req. */
void http_send_part(struct hconn *h, const char *req, size_t n);
/* Read one response (its head, then Content-Length bytes of body unless
 * head_only or body_apart).  Fails when none comes complete within ms. */
struct response *http_response(struct hconn *h, int head_only, long ms);
struct response *http_response_head(struct hconn *h, long ms);
/* Up to cap bytes of what follows (buffered first), as http_take. */
long http_take(struct hconn *h, char *buf, size_t cap, long ms, int *end);
/* A header's value (leading and trailing blanks cut), NULL if absent. */
const char *header(struct response *r, const char *name);
/* Does the value hold the token (comma-separated, any case)? */
int has_token(const char *value, const char *token);
/* The request that r answers, escaped, for messages. */
const char *request_of(struct hconn *h);
int conn_id(struct hconn *h);
struct conn *hconn_conn(struct hconn *h);   /* for the harness's own verbs */
void http_close(struct hconn *h);

/* Expectations. */
void expect_status(struct hconn *h, struct response *r, int code);
void expect_refusal(struct hconn *h, struct response *r);   /* 403 or 404 */
void expect_body(struct hconn *h, struct response *r, const void *want, size_t n);
void expect_type(struct hconn *h, struct response *r, const char *type);
void expect_says_close(struct hconn *h, struct response *r);
/* The server closes: EOF (or a reset) within ms, no byte more. With
 * allow_408, a 408 response may come first. */
void expect_closed(struct hconn *h, long ms, int allow_408);
/* When the connection ended: ms since the test started, and how (0 EOF,
 * else errno); ETIMEDOUT if still open after ms.  Bytes that come first
 * (a 408) are read and shown. */
long wait_closed(struct hconn *h, long ms, int *how);
/* GET name and expect its 200 (and body) on h. */
struct response *get_ok(struct hconn *h, const char *name);

extern const struct test httpd_tests[];

#endif
