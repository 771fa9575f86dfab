/* json.h - read the checkers' JSON reports, write Gradescope's. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdio.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
    enum jtype t;
    char *s;                 /* J_STR: decoded, NUL-terminated */
    double num;              /* J_NUM, J_BOOL */
    size_t n;                /* J_ARR, J_OBJ: number of items */
    struct jval **items;
    char **keys;             /* J_OBJ: the key of each item */
};

/* Parse text; *complete is 0 when it was cut short (what was whole is kept). */
struct jval *json_parse(const char *text, size_t n, int *complete);
const struct jval *json_get(const struct jval *o, const char *key);
const char *json_str(const struct jval *o, const char *key);   /* NULL unless a string */
void json_free(struct jval *v);

/* Write s as a JSON string: valid UTF-8, control bytes escaped. */
void json_write_str(FILE *f, const char *s);

#endif
