/* hostile: writes up to 200 MB of files where it can.  Bounded: 200 MB. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    static char buf[1 << 20];
    const char *dirs[] = { ".", "/tmp", "/var/tmp", "/dev/shm" };
    memset(buf, 'D', sizeof buf);
    int mb = 0;
    for (int d = 0; d < 4 && mb < 200; d++)
        for (int f = 0; f < 25 && mb < 200; f++) {
            char path[256];
            snprintf(path, sizeof path, "%s/grader-fill-%d-%d", dirs[d], (int)getpid(), f);
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) break;
            for (int k = 0; k < 8 && mb < 200; k++, mb++)   /* 8 MB per file */
                if (write(fd, buf, sizeof buf) < 0) break;
            close(fd);
        }
    return 0;
}
