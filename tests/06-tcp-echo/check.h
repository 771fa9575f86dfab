/* check.h - what the checks of echoserver and echoclient share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

/* What came on a connection: len of the bytes asked for, and how it ended. */
struct got {
    char *buf;
    size_t len;
    int eof, err;       /* the peer's EOF, or the error of a receive */
    const char *then;   /* that for a message: "" (all came), ", then EOF" ... */
};
/* Receive up to n bytes on k, waiting at most ms for each piece, and record
 * them as coming on connection c<id>. */
struct got receive(struct ctx *c, struct conn *k, int id, size_t n, long ms);
/* Wait (at most ms) until every byte sent on fd, and so the FIN queued
 * after them, has left our socket: an RST that follows comes after them. */
void fin_sent(int fd, long ms);

extern const struct test echoserver_tests[], echoclient_tests[];

#endif
