/* check.c - lesson 05: udpserver answers each datagram with "[ctime] payload";
 * udpclient sends each stdin line as a datagram and prints the server's reply.
 * The tests are in check_udpserver.c and check_udpclient.c. */
#include "check.h"

char *dgram(struct ctx *c)
{
    return test_state(c, DGRAM_CAP);
}

const struct lesson LESSON = {
    .dir = "05-udp-echo",
    .programs = (const struct program[]){
        { .name = "udpserver", .tests = udpserver_tests },
        { .name = "udpclient", .tests = udpclient_tests },
        { .name = NULL },
    },
};
