/* hostile: prints half a ready line, without newline, then waits.
 * Bounded: 60 s. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    printf("listening on po");
    fflush(stdout);
    for (int i = 0; i < 60; i++)
        sleep(1);
    return 0;
}
