/* hostile: 8 children that each touch 1 GiB, 8 GiB in all: each process
 * stays under its own RLIMIT_AS, only a limit on the whole sandbox (a
 * memory cgroup) stops them together.
 *
 * SAFETY: it only does that inside a grader's memory cgroup ("/grader-" in
 * /proc/self/cgroup); anywhere else its children touch 64 MiB each.
 * Bounded: 8 children, 1 GiB each, 40 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    /* Only when the first KIND is tcp: 4 of lesson 01's 10 tests meet it,
     * enough for the grader, a third of the CPU for make test. */
    if (argc < 2 || strcmp(argv[1], "tcp") != 0)
        return 1;
    char line[512];
    int contained = 0;
    FILE *f = fopen("/proc/self/cgroup", "r");
    while (f && fgets(line, sizeof line, f))
        contained |= strstr(line, "/grader-") != NULL;
    if (f) fclose(f);
    size_t each = contained ? (size_t)1 << 30 : (size_t)64 << 20, chunk = (size_t)64 << 20;
    for (int k = 0; k < 8; k++)
        if (fork() == 0) {
            alarm(40);
            for (size_t got = 0; got < each; got += chunk) {
                char *p = malloc(chunk);
                if (!p) break;
                memset(p, k + 1, chunk);
            }
            sleep(5);
            _exit(0);
        }
    while (wait(NULL) > 0)
        ;
    return 1;
}
