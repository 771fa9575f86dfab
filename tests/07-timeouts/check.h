/* check.h - what the checks of rpcclient, tconnect and idleserver share. */
#ifndef CHECK_H
#define CHECK_H

#include "../harness/harness.h"

#define EARLY 2        /* ms a deadline may seem early by clock rounding */
#define LATE 300       /* rpcclient and tconnect: at most this late (contract) */

extern const struct test rpcclient_tests[], tconnect_tests[], idleserver_tests[];

#endif
