/*
 * ctokens.c - C source as the similarity check sees it: a sequence of
 * tokens where only the shape of the code is left.
 *
 *   - comments, spaces, line breaks and preprocessor lines are dropped
 *     (rewording a comment, re-indenting or reordering #includes changes
 *     nothing);
 *   - every identifier is the one token ID (renaming a variable or a
 *     function changes nothing), every number NUM, every string STR (two
 *     adjacent strings, "ab" "cd", are one STR), every character CHR;
 *   - keywords and operators are kept as themselves: they are the
 *     structure (if, while, ->, +=).
 *
 * Each token keeps the line it starts on, to show the matches.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "report.h"

enum { T_ID = 1, T_NUM, T_STR, T_CHR, T_KEYWORD = 100, T_OP = 200, T_OTHER = 400 };

static const char *keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool", "_Atomic", "_Noreturn",
    "_Static_assert", "_Thread_local", "bool", NULL,
};

/* Longest first, so the first match is the maximal munch. */
static const char *operators[] = {
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "##",
    "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-", "~", "!", "/", "%", "<", ">",
    "^", "|", "?", ":", ";", "=", ",", "#", NULL,
};

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static uint32_t keyword_code(const char *s, size_t n)
{
    for (int i = 0; keywords[i]; i++)
        if (strlen(keywords[i]) == n && !memcmp(keywords[i], s, n))
            return T_KEYWORD + (uint32_t)i;
    return T_ID;
}

struct lexer {
    const unsigned char *s;
    size_t n, i;
    int line;
};

static int at(const struct lexer *x, size_t k)
{
    return x->i + k < x->n ? x->s[x->i + k] : -1;
}

static void advance(struct lexer *x, size_t k)
{
    for (size_t j = 0; j < k && x->i < x->n; j++, x->i++)
        if (x->s[x->i] == '\n') x->line++;
}

/* After a comment's opening "/" "*": to just past its end. */
static void skip_block_comment(struct lexer *x)
{
    advance(x, 2);
    while (x->i < x->n && !(at(x, 0) == '*' && at(x, 1) == '/'))
        advance(x, 1);
    advance(x, 2);
}

/* A // comment or a preprocessor line: to its end, backslash-newlines included. */
static void skip_line(struct lexer *x)
{
    while (x->i < x->n && at(x, 0) != '\n') {
        if (at(x, 0) == '\\' && at(x, 1) == '\n') advance(x, 2);
        else if (at(x, 0) == '/' && at(x, 1) == '*') skip_block_comment(x);
        else advance(x, 1);
    }
}

/* A string or character literal, its escapes included. */
static void skip_quoted(struct lexer *x, int quote)
{
    advance(x, 1);
    while (x->i < x->n && at(x, 0) != quote && at(x, 0) != '\n') {
        if (at(x, 0) == '\\') advance(x, 1);
        advance(x, 1);
    }
    advance(x, 1);
}

static void push(struct ctok **out, size_t *len, size_t *cap, uint32_t code, int line)
{
    if (*len == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *out = xrealloc(*out, *cap * sizeof **out);
    }
    (*out)[(*len)++] = (struct ctok){ code, line };
}

size_t ctokenize(const char *src, size_t n, struct ctok **out)
{
    struct lexer x = { (const unsigned char *)src, n, 0, 1 };
    size_t len = 0, cap = 0;
    int line_start = 1;   /* only spaces so far on this line: a # begins a directive */
    *out = NULL;
    while (x.i < x.n) {
        int c = at(&x, 0);
        if (c == '\n') {
            line_start = 1;
            advance(&x, 1);
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            advance(&x, 1);
            continue;
        }
        if (c == '\\' && at(&x, 1) == '\n') {
            advance(&x, 2);
            continue;
        }
        if (c == '/' && at(&x, 1) == '*') {
            skip_block_comment(&x);
            continue;
        }
        if (c == '/' && at(&x, 1) == '/') {
            skip_line(&x);
            continue;
        }
        if (c == '#' && line_start) {
            skip_line(&x);
            continue;
        }
        line_start = 0;
        int line = x.line;
        if (is_ident_start(c)) {
            size_t b = x.i;
            while (x.i < x.n && is_ident(at(&x, 0))) advance(&x, 1);
            /* L"..", u8'..': a prefix glued to a literal is part of it */
            if ((at(&x, 0) == '"' || at(&x, 0) == '\'') && x.i - b <= 2) continue;
            push(out, &len, &cap, keyword_code(src + b, x.i - b), line);
            continue;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && at(&x, 1) >= '0' && at(&x, 1) <= '9')) {
            /* a preprocessing number: digits, letters, dots, e+ e- p+ p- */
            for (;;) {
                int d = at(&x, 0);
                if ((d == '+' || d == '-') && x.i > 0 &&
                    strchr("eEpP", x.s[x.i - 1]) != NULL) advance(&x, 1);
                else if (d >= 0 && (is_ident(d) || d == '.')) advance(&x, 1);
                else break;
            }
            push(out, &len, &cap, T_NUM, line);
            continue;
        }
        if (c == '"') {
            skip_quoted(&x, '"');
            if (len && (*out)[len - 1].code == T_STR) continue;   /* "ab" "cd" is one string */
            push(out, &len, &cap, T_STR, line);
            continue;
        }
        if (c == '\'') {
            skip_quoted(&x, '\'');
            push(out, &len, &cap, T_CHR, line);
            continue;
        }
        uint32_t code = T_OTHER + (uint32_t)c;
        size_t k = 1;
        for (int i = 0; operators[i]; i++) {
            size_t m = strlen(operators[i]);
            if (x.i + m <= x.n && !memcmp(x.s + x.i, operators[i], m)) {
                code = T_OP + (uint32_t)i;
                k = m;
                break;
            }
        }
        advance(&x, k);
        push(out, &len, &cap, code, line);
    }
    return len;
}
