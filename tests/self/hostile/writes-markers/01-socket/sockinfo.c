/* hostile: writes marker files in every parent directory, in /tmp and in
 * $HOME.  Bounded: 12 levels up, a few fixed places. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void mark(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/grader-marker-hostile", dir);
    FILE *f = fopen(path, "w");
    if (f) { fputs("a submission wrote this\n", f); fclose(f); }
}
int main(void)
{
    char up[64] = "..";
    for (int i = 0; i < 12; i++) {
        mark(up);
        if (strlen(up) + 4 < sizeof up) strcat(up, "/..");
    }
    const char *places[] = { "/", "/tmp", "/var/tmp", "/dev/shm", "/work", "/root", getenv("HOME") };
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if (places[i]) mark(places[i]);
    printf("tcp: fd=3 family=AF_INET type=SOCK_STREAM protocol=6\n");
    return 0;
}
