/* check.h - what the checks of echoserver and echoclient share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

extern const struct test echoserver_tests[], echoclient_tests[];

#endif
