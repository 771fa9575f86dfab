/* check.h - what the checks of udpserver and udpclient share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

#define BIG 65000      /* the largest payload or line of the contract */
#define MAXDGRAM 65507 /* the largest UDP payload over IPv4 */

#define DGRAM_CAP (MAXDGRAM + 4096)
/* The test's buffer for one received datagram (DGRAM_CAP bytes). */
char *dgram(struct ctx *c);

extern const struct test udpserver_tests[], udpclient_tests[];

#endif
