/* hostile: 200 MB on stdout and 20 MB on stderr.  Bounded by those counts. */
#include <string.h>
#include <unistd.h>
int main(void)
{
    static char buf[65536];
    memset(buf, 'A', sizeof buf);
    for (int i = 0; i < 3200; i++)   /* 3200 x 64 KiB = 200 MB */
        if (write(1, buf, sizeof buf) < 0) break;
    for (int i = 0; i < 320; i++)
        if (write(2, buf, sizeof buf) < 0) break;
    return 0;
}
