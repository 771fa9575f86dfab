/* hostile: stops itself with SIGSTOP half-way.  Bounded: stopped until killed. */
#include <signal.h>
#include <stdio.h>
int main(void)
{
    printf("tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n");
    fflush(stdout);
    raise(SIGSTOP);
    return 0;
}
