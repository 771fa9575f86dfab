/* check.c - lesson 07: rpcclient resends a request that got no reply in time,
 * tconnect gives up on a connect at one deadline, idleserver cuts a client
 * that stays silent.  Time is measured where it is least disturbed by a busy
 * machine: datagrams by the kernel's arrival stamp, the program's exit by
 * the moment it was seen, starts before the program is forked.
 * The tests are in check_rpcclient.c, check_tconnect.c and check_idleserver.c. */
#include "check.h"

const struct lesson LESSON = {
    .dir = "07-timeouts",
    .programs = (const struct program[]){
        { .name = "rpcclient", .tests = rpcclient_tests },
        { .name = "tconnect", .tests = tconnect_tests },
        { .name = "idleserver", .tests = idleserver_tests },
        { .name = NULL },
    },
};
