/* check.c - lesson 06: echoserver echoes a byte stream; echoclient sends lines through one.
 * The tests are in check_echoserver.c and check_echoclient.c. */
#include "check.h"

const struct lesson LESSON = {
    "06-tcp-echo",
    (const struct program[]){ { "echoserver", echoserver_tests },
                              { "echoclient", echoclient_tests }, { NULL } },
};
