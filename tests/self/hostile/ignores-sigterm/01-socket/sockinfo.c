/* hostile: ignores SIGTERM and waits.  Bounded: 60 s. */
#include <signal.h>
#include <unistd.h>
int main(void)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    for (int i = 0; i < 60; i++)
        sleep(1);
    return 0;
}
