/* hostile: kills its parent (the checker), then its own process group.
 * Harmless as a plain user; contained by the session and uid in the grader. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    printf("tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n");
    fflush(stdout);
    kill(getppid(), SIGKILL);
    kill(0, SIGKILL);
    return 0;
}
