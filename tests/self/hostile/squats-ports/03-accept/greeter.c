/* hostile: binds thousands of TCP and UDP ports on loopback, to disturb
 * programs checked at the same time.  Its descriptors are limited, so 50
 * children squat up to 60 ports each.  Bounded: 50 children, 3000 sockets,
 * 40 s. */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
static void squat(int first)
{
    for (int i = 0; i < 60; i++) {
        int port = first + i / 2;
        int fd = socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (fd < 0) break;
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && i % 2 == 0) listen(fd, 1);
    }
}
int main(void)
{
    alarm(40);
    for (int k = 0; k < 50; k++)
        if (fork() == 0) {
            alarm(40);
            squat(20000 + 30 * k);
            for (int i = 0; i < 30; i++) sleep(1);
            _exit(0);
        }
    printf("listening on port %d\n", 20000);   /* a lie: a child's port, never accepted */
    fflush(stdout);
    for (int i = 0; i < 30; i++)
        sleep(1);
    return 0;
}
