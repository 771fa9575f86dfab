/* hostile: a detached daemon (double fork + setsid) outlives the program.
 * Bounded: it sleeps 30 s, and SIGALRM ends it at 40 s. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            alarm(40);
            for (int i = 0; i < 30; i++) sleep(1);
            _exit(0);
        }
        _exit(0);
    }
    printf("tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n");
    return 0;
}
