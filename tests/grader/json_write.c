/* json_write.c - JSON strings for results.json: always valid UTF-8. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "grader.h"
#include "json.h"

void json_write_str(FILE *f, const char *s)
{
    /* Student output reaches these strings: bytes that are no UTF-8 would
     * make Gradescope reject the whole file. */
    char *t = clean_text(s ? s : "", strlen(s ? s : ""));
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 32) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
    free(t);
}
