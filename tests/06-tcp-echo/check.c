/* check.c - lesson 06: echoserver echoes a byte stream; echoclient sends lines through one.
 * The tests are in check_echoserver.c and check_echoclient.c. */
#include "check.h"

const struct lesson LESSON = {
    .dir = "06-tcp-echo",
    .programs = (const struct program[]){
        { .name = "echoserver", .tests = echoserver_tests },
        { .name = "echoclient", .tests = echoclient_tests },
        { .name = NULL },
    },
};
