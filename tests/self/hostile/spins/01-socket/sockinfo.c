/* hostile: a busy loop.  Bounded: 30 s of wall time at most. */
#include <time.h>
int main(void)
{
    time_t end = time(NULL) + 30;
    volatile unsigned long n = 0;
    while (time(NULL) < end)
        n++;
    return 0;
}
