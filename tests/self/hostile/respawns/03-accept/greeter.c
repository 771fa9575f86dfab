/* hostile: a server that, on SIGTERM, respawns in a new session and goes on.
 * Bounded: at most 20 respawns, each process ends by SIGALRM within 40 s. */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
static int respawns;
static void again(int sig)
{
    (void)sig;
    if (respawns++ < 20 && fork() == 0) {
        setsid();
        alarm(40);
        return;   /* the child carries on; the parent ends below */
    }
    _exit(0);
}
int main(void)
{
    alarm(40);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 5) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return 1;
    printf("listening on port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    signal(SIGTERM, again);
    for (;;)
        pause();   /* never accepts */
}
