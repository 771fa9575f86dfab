/* hostile: kill(-1, SIGKILL), every process it may signal.
 *
 * SAFETY: as root outside a sandbox this would kill the machine's
 * processes, and as a plain user every process of that user.  So it only
 * does it where it can prove it is inside the grader's sandbox: not root,
 * and pid 1 of its pid namespace is the grader's init ("grader-init").
 * Anywhere else it does nothing and fails like any wrong program.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    char comm[64] = "";
    FILE *f = fopen("/proc/1/comm", "r");
    if (f) {
        if (!fgets(comm, sizeof comm, f)) comm[0] = 0;
        fclose(f);
    }
    if (getuid() != 0 && geteuid() != 0 && strncmp(comm, "grader-init", 11) == 0) {
        int r = kill(-1, SIGKILL);   /* Linux spares pid 1 and the caller */
        fprintf(stderr, "kill(-1, SIGKILL) returned %d\n", r);
    }
    return 1;
}
