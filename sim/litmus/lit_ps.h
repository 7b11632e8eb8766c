/* sim/litmus/lit_ps.h — the state of the litmus parser and the helpers
 * its parts share: lit_parse.c (the file, init, condition), lit_body.c
 * (thread bodies), lit_ps.c (these helpers). */
#ifndef HVSIM_LIT_PS_H
#define HVSIM_LIT_PS_H

#include "lit_lex.h"
#include "util/sbuf.h"
#include <string.h>

/* The parser: the tokens, where it is, the test it fills, the error. */
struct ps {
    const char *path;
    struct lit_toks tk;
    int i;
    struct lit_test *t;
    char *err;
    size_t errlen;
    /* the thread being parsed and its code */
    int tid;
    char *code;
    size_t clen, ccap;
    int oom;
};

static inline struct lit_tok *cur(struct ps *p) { return &p->tk.v[p->i]; }
static inline struct lit_tok *peek(struct ps *p, int k)
{
    int j = p->i + k < p->tk.n ? p->i + k : p->tk.n - 1;
    return &p->tk.v[j];
}
static inline int is(struct ps *p, const char *s)
{
    struct lit_tok *k = cur(p);
    return (k->kind == TK_PUNCT || k->kind == TK_ID) && !strcmp(k->s, s);
}

static inline const char *shown(const struct lit_tok *k)
{
    return k->kind == TK_EOF ? "end of file" : k->s;
}

/* "path:line:col: message" at token k into p->err; returns -1. */
int ps_err(struct ps *p, const struct lit_tok *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Copy token K's text into DST (N bytes); too long is an error at K. */
#define COPY_TOK(dst, n, k, what)                                                         \
    do {                                                                                  \
        if (fmt_fit((dst), (n), "%s", (k)->s) < 0)                                        \
            return ps_err(p, (k), "%s '%.40s' is too long (at most %zu characters)", (what), \
                          (k)->s, (size_t)(n) - 1);                                       \
    } while (0)
/* Take token s (else an error naming what it is for). */
int ps_expect(struct ps *p, const char *s, const char *what);
/* Append to the code of the thread being parsed (p->oom on failure). */
void ps_emit(struct ps *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ps_loc_find(const struct lit_test *t, const char *name);       /* -1 none */
int ps_loc_add(struct ps *p, const struct lit_tok *k);             /* its index, -1 error */
int ps_reg_find(const struct lit_thread *th, const char *name);    /* -1 none */
int ps_has_loc(const struct lit_thread *th, int loc);              /* a parameter of th */
int ps_value(struct ps *p, int64_t *v);                            /* [-]integer */
int ps_is_type_word(const char *s);                                /* int, atomic_int, ... */

#endif
