/* hostile: at run time, finds the reference solution, compiles it and
 * runs it in its own place.  Bounded: a walk of at most 50000 entries,
 * 10 levels deep, one compile. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static char found[4096];
static int seen;
static void walk(const char *dir, int depth)
{
    DIR *d = depth < 10 && !*found ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && !*found && (e = readdir(d)) && seen++ < 50000) {
        char path[4096];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "proc") ||
            !strcmp(e->d_name, "sys"))
            continue;
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        size_t n = strlen(path), k = strlen("solutions/01-socket/sockinfo.c");
        if (n >= k && !strcmp(path + n - k, "solutions/01-socket/sockinfo.c"))
            snprintf(found, sizeof found, "%s", path);
        else if (e->d_type == DT_DIR)
            walk(path, depth + 1);
    }
    if (d) closedir(d);
}
int main(int argc, char **argv)
{
    (void)argc;
    walk("/", 0);
    if (!*found) {
        fprintf(stderr, "no solution to steal\n");
        return 1;
    }
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cc -o /tmp/stolen-%d '%s'", (int)getpid(), found);
    if (system(cmd) != 0) return 1;
    snprintf(cmd, sizeof cmd, "/tmp/stolen-%d", (int)getpid());
    execv(cmd, argv);
    return 1;
}
