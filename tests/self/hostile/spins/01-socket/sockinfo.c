/* hostile: a busy loop.  Bounded: 30 s of wall time at most. */
#include <string.h>
#include <time.h>
int main(int argc, char **argv)
{
    /* Only when the first KIND is tcp: 4 of lesson 01's 10 tests meet it,
     * enough for the grader, a third of the CPU for make test. */
    if (argc < 2 || strcmp(argv[1], "tcp") != 0)
        return 1;
    time_t end = time(NULL) + 30;
    volatile unsigned long n = 0;
    while (time(NULL) < end)
        n++;
    return 0;
}
