/* csv.c - one CSV field as RFC 4180 wants it (student names are free text). */
#include <string.h>
#include "grader.h"

void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);   /* a quote inside is doubled */
        fputc(*s, f);
    }
    fputc('"', f);
}
