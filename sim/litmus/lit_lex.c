/* sim/litmus/lit_lex.c — the tokens of a herd7 C litmus file.
 *
 * "(*" opens a herd7 comment only outside braces and parentheses: inside a
 * thread body "(*x)" is C.  A comment may carry this runner's expectations:
 *   (* hvsim-expect: sc=Forbidden tso=Allowed arm=Allowed riscv=Allowed *)
 *   (* hvsim-herd7: arm=Allowed riscv=Allowed; this model has no promises *)
 */
#include "lit_lex.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lit_model_name[LIT_NMODEL] = { "sc", "tso", "arm", "riscv" };
const char *const lit_model_long[LIT_NMODEL] = { "SC", "x86-TSO", "ARMv8", "RVWMO" };

struct lx {
    const char *path, *p;
    int line, col;
    char *err;
    size_t errlen;
};

static int fail(struct lx *x, int line, int col, const char *msg)
{
    snprintf(x->err, x->errlen, "%s:%d:%d: %s", x->path, line, col, msg);
    return -1;
}

static void adv(struct lx *x)
{
    if (*x->p == '\n') {
        x->line++;
        x->col = 1;
    } else {
        x->col++;
    }
    x->p++;
}

static int push(struct lit_toks *o, const struct lit_tok *t)
{
    if (o->n == o->cap) {
        int c = o->cap ? o->cap * 2 : 256;
        struct lit_tok *v = realloc(o->v, (size_t)c * sizeof *v);
        if (!v)
            return -1;
        o->v = v;
        o->cap = c;
    }
    o->v[o->n++] = *t;
    return 0;
}

/* "model=Allowed ..." in an hvsim-expect / hvsim-herd7 comment */
static int expectations(struct lx *x, const char *s, const char *end, int line, int col, int *dst,
                        char *why, size_t whylen)
{
    while (s < end) {
        while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
            s++;
        if (s >= end)
            break;
        if (*s == ';' && why) {
            s++;
            while (s < end && *s == ' ')
                s++;
            int n = (int)(end - s);
            while (n > 0 && isspace((unsigned char)s[n - 1]))
                n--;
            snprintf(why, whylen, "%.*s", n, s);
            return 0;
        }
        const char *w = s;
        while (s < end && !isspace((unsigned char)*s) && *s != ';')
            s++;
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(s - w), w);
        char *eq = strchr(word, '=');
        int m = -1;
        if (eq) {
            *eq = 0;
            for (int i = 0; i < LIT_NMODEL; i++)
                if (!strcmp(word, lit_model_name[i]))
                    m = i;
        }
        if (m < 0 || (strcmp(eq + 1, "Allowed") && strcmp(eq + 1, "Forbidden"))) {
            char msg[160];
            snprintf(msg, sizeof msg, "expected MODEL=Allowed or MODEL=Forbidden (MODEL: sc, tso, arm, riscv), got '%.*s'",
                     (int)(s - w), w);
            return fail(x, line, col, msg);
        }
        dst[m] = !strcmp(eq + 1, "Allowed");
    }
    return 0;
}

static int herd_comment(struct lx *x, const char *b, const char *e, int line, int col, struct lit_test *t)
{
    static const char k1[] = "hvsim-expect:", k2[] = "hvsim-herd7:";
    const char *s = b;
    while (s < e && isspace((unsigned char)*s))
        s++;
    if ((size_t)(e - s) > strlen(k1) && !strncmp(s, k1, strlen(k1)))
        return expectations(x, s + strlen(k1), e, line, col, t->expect, 0, 0);
    if ((size_t)(e - s) > strlen(k2) && !strncmp(s, k2, strlen(k2)))
        return expectations(x, s + strlen(k2), e, line, col, t->herd, t->herd_why, sizeof t->herd_why);
    return 0;
}

/* Comments at x: herd7's (* ... *) outside braces and parentheses (its
 * hvsim-expect / hvsim-herd7 lines go into t), C's // and slash-star.
 * 1 one skipped, 0 none here, -1 error. */
static int skip_comment(struct lx *x, int code, struct lit_test *t)
{
    int line = x->line, col = x->col;
    const char *p = x->p;
    if (p[0] == '(' && p[1] == '*' && !code) {
        adv(x);
        adv(x);
        const char *b = x->p;
        while (*x->p && !(x->p[0] == '*' && x->p[1] == ')'))
            adv(x);
        if (!*x->p)
            return fail(x, line, col, "unterminated comment (* ... *)");
        if (herd_comment(x, b, x->p, line, col, t) < 0)
            return -1;
        adv(x);
        adv(x);
        return 1;
    }
    if (p[0] == '/' && p[1] == '/') {
        while (*x->p && *x->p != '\n')
            adv(x);
        return 1;
    }
    if (p[0] == '/' && p[1] == '*') {
        adv(x);
        adv(x);
        while (*x->p && !(x->p[0] == '*' && x->p[1] == '/'))
            adv(x);
        if (!*x->p)
            return fail(x, line, col, "unterminated comment /* ... */");
        adv(x);
        adv(x);
        return 1;
    }
    return 0;
}

/* After the first word "C": the test's name, the rest of the line
 * (SB+fence.rw.rws, 2+2W), as one TK_NAME token. */
static int lex_name(struct lx *x, struct lit_toks *out, int line, int col)
{
    while (*x->p == ' ' || *x->p == '\t')
        adv(x);
    struct lit_tok nm = { .kind = TK_NAME, .line = x->line, .col = x->col };
    size_t n = 0;
    while (*x->p && *x->p != '\n' && !(x->p[0] == '(' && x->p[1] == '*')) {
        if (n + 1 < sizeof nm.s)
            nm.s[n++] = *x->p;
        adv(x);
    }
    while (n && isspace((unsigned char)nm.s[n - 1]))
        nm.s[--n] = 0;
    if (push(out, &nm) < 0)
        return fail(x, line, col, "out of memory");
    return 0;
}

/* An identifier into k (cut to k->s). */
static void lex_word(struct lx *x, struct lit_tok *k)
{
    size_t n = 0;
    while (isalnum((unsigned char)*x->p) || *x->p == '_') {
        if (n + 1 < sizeof k->s)
            k->s[n++] = *x->p;
        adv(x);
    }
    k->kind = TK_ID;
}

static int lex_number(struct lx *x, struct lit_tok *k)
{
    char *e;
    k->kind = TK_NUM;
    k->num = (int64_t)strtoll(x->p, &e, 0);
    snprintf(k->s, sizeof k->s, "%.*s", (int)(e - x->p), x->p);
    while (x->p < e)
        adv(x);
    if (isalpha((unsigned char)*x->p) || *x->p == '_')
        return fail(x, k->line, k->col, "malformed number");
    return 0;
}

static int lex_string(struct lx *x, struct lit_tok *k)
{
    adv(x);
    size_t n = 0;
    while (*x->p && *x->p != '"' && *x->p != '\n') {
        if (n + 1 < sizeof k->s)
            k->s[n++] = *x->p;
        adv(x);
    }
    if (*x->p != '"')
        return fail(x, k->line, k->col, "unterminated string");
    adv(x);
    k->kind = TK_STR;
    return 0;
}

/* A punctuator, two characters ("/\", "==", "->") before one. */
static int lex_punct(struct lx *x, struct lit_tok *k)
{
    static const char *const two[] = { "/\\", "\\/", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>",
                                       "->", "++", "--" };
    char c = *x->p;
    k->kind = TK_PUNCT;
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        if (x->p[0] == two[i][0] && x->p[1] == two[i][1]) {
            snprintf(k->s, sizeof k->s, "%s", two[i]);
            adv(x);
            adv(x);
            return 0;
        }
    if (!strchr("{}()[];,=*+-&|^~!<>:%/.?", c)) {
        char msg[64];
        snprintf(msg, sizeof msg, "unexpected character '%c'", c);
        return fail(x, k->line, k->col, msg);
    }
    k->s[0] = c;
    adv(x);
    return 0;
}

int lit_lex(const char *path, const char *text, struct lit_toks *out, struct lit_test *t, char *err,
            size_t errlen)
{
    struct lx x = { path, text, 1, 1, err, errlen };
    int brace = 0, paren = 0, first = 1;
    memset(out, 0, sizeof *out);
    for (;;) {
        char c = *x.p;
        if (!c)
            break;
        if (isspace((unsigned char)c)) {
            adv(&x);
            continue;
        }
        int line = x.line, col = x.col;
        int skipped = skip_comment(&x, brace || paren, t);
        if (skipped < 0)
            return -1;
        if (skipped)
            continue;
        struct lit_tok k = { .line = line, .col = col };
        int rc = 0, word = isalpha((unsigned char)c) || c == '_';
        if (word)
            lex_word(&x, &k);
        else if (isdigit((unsigned char)c))
            rc = lex_number(&x, &k);
        else if (c == '"')
            rc = lex_string(&x, &k);
        else
            rc = lex_punct(&x, &k);
        if (rc < 0)
            return -1;
        if (k.kind == TK_PUNCT && !k.s[1]) {
            brace += (k.s[0] == '{') - (k.s[0] == '}');
            paren += (k.s[0] == '(') - (k.s[0] == ')');
        }
        if (push(out, &k) < 0)
            return fail(&x, line, col, "out of memory");
        if (word && first && !strcmp(k.s, "C") && lex_name(&x, out, line, col) < 0)
            return -1;
        first = 0;
    }
    struct lit_tok e = { .kind = TK_EOF, .line = x.line, .col = x.col };
    snprintf(e.s, sizeof e.s, "end of file");
    return push(out, &e) < 0 ? fail(&x, x.line, x.col, "out of memory") : 0;
}
