/* hostile: forks 200 children that sleep.  Bounded: 200 forks, 40 s each. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    for (int i = 0; i < 200; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            alarm(40);
            for (int k = 0; k < 30; k++) sleep(1);
            _exit(0);
        }
        if (pid < 0) { perror("fork"); break; }   /* RLIMIT_NPROC stops us early */
    }
    printf("tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n");
    return 0;
}
