/* check.h - what the checks of kvserver and kvclient share: frames. */
#ifndef CHECK_H
#define CHECK_H

#include <stdint.h>
#include "../harness/harness.h"

#define MAX_BODY 1048576   /* the largest length N a frame may have */

/* A body written as a string literal with its length, NULs included:
 * B("G\0key") is the 5 bytes and 5. */
#define B(s) s, sizeof(s) - 1

/* Bytes and their count. */
struct bytes {
    char *p;
    size_t n;
};

/* The frame of a body: its length N in 4 bytes, big-endian, then the body. */
struct bytes frame(const void *body, size_t n);
/* to, then the frame of body after it (to.p NULL: an empty start). */
void add_frame(struct bytes *to, const void *body, size_t n);
/* A frame for a message: "length 5, body 5 bytes \"Gname\"" (also when cut short). */
char *show_frame(const void *raw, size_t n);

/* One frame as it came on a connection. */
struct got_frame {
    char *raw;      /* the bytes that came: the 4 length bytes, then the body */
    size_t n;       /* how many */
    uint32_t len;   /* N, once its 4 bytes came */
    int end;        /* 0: the whole frame came; else CONN_EOF, errno, ETIMEDOUT */
    int too_long;   /* N was over MAX_BODY: only what came at once was read */
};
/* Read one frame from connection c<id>, waiting at most ms for each
 * piece, and record it (id 0: not recorded). */
struct got_frame read_frame(struct ctx *c, struct conn *k, int id, long ms);
/* What came, for a failure's "observed": the frame and how it ended. */
char *frame_observed(struct got_frame g, long ms);
/* Nonzero when the 4 length bytes that came are want_len in the other byte
 * order (sent in host byte order, without htonl). */
int length_swapped(struct got_frame g, size_t want_len);

extern const struct test kvserver_tests[], kvclient_tests[];

#endif
