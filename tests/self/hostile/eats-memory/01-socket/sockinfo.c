/* hostile: touches up to 3 GiB of memory.  Bounded: 3 GiB, then exits. */
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    /* Only when the first KIND is tcp: 4 of lesson 01's 10 tests meet it,
     * enough for the grader, a third of the CPU for make test. */
    if (argc < 2 || strcmp(argv[1], "tcp") != 0)
        return 1;
    char *blocks[48];
    int n = 0;
    for (; n < 48; n++) {   /* 48 x 64 MiB = 3 GiB */
        if (!(blocks[n] = malloc(64 << 20))) break;
        memset(blocks[n], 1, 64 << 20);
    }
    while (n) free(blocks[--n]);
    return 0;
}
