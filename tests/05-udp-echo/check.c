/* check.c - lesson 05: udpserver answers each datagram with "[ctime] payload";
 * udpclient sends each stdin line as a datagram and prints the server's reply.
 * The tests are in check_udpserver.c and check_udpclient.c. */
#include "check.h"

char buf[MAXDGRAM + 4096];

const struct lesson LESSON = {
    "05-udp-echo",
    (const struct program[]){ { "udpserver", udpserver_tests }, { "udpclient", udpclient_tests },
                              { NULL } },
};
