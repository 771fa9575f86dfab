/* check.h - what the checks of wcserver and wcclient share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

/* Lines, words and bytes, as wc counts them. */
struct wc { unsigned long long l, w, b; };

/* Is ch one of the six separators of the contract (space \t \n \v \f \r)? */
int sep_right(unsigned char ch);
/* The counts of n bytes, words separated by the bytes sep() says. */
struct wc count(const void *buf, size_t n, int (*sep)(unsigned char));
/* The reply to data: "L W B\n". */
char *reply_for(const void *data, size_t n);

extern const struct test wcserver_tests[], wcclient_tests[];

#endif
