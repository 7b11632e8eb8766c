/* sim/litmus/lit_ps.c — the litmus parser's shared helpers (lit_ps.h):
 * errors at a token, expected tokens, the thread's C code being emitted,
 * locations, registers and integer values. */
#include "lit_ps.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_err(struct ps *p, const struct lit_tok *k, const char *fmt, ...)
{
    char m[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->path, k->line, k->col, m);
    return -1;
}

int ps_expect(struct ps *p, const char *s, const char *what)
{
    if (!is(p, s))
        return ps_err(p, cur(p), "expected '%s' %s, got '%s'", s, what, shown(cur(p)));
    p->i++;
    return 0;
}

void ps_emit(struct ps *p, const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof b)
        n = (int)sizeof b - 1;
    if (p->clen + (size_t)n + 1 > p->ccap) {
        size_t c = (p->ccap ? p->ccap * 2 : 1024) + (size_t)n;
        char *v = realloc(p->code, c);
        if (!v) {
            p->oom = 1;
            return;
        }
        p->code = v;
        p->ccap = c;
    }
    memcpy(p->code + p->clen, b, (size_t)n + 1);
    p->clen += (size_t)n;
}

/* ---- locations and registers --------------------------------------------- */
int ps_loc_find(const struct lit_test *t, const char *name)
{
    for (int i = 0; i < t->nloc; i++)
        if (!strcmp(t->loc[i].name, name))
            return i;
    return -1;
}

int ps_loc_add(struct ps *p, const struct lit_tok *k)
{
    int i = ps_loc_find(p->t, k->s);
    if (i >= 0)
        return i;
    if (p->t->nloc == LIT_MAXLOC)
        return ps_err(p, k, "too many shared locations (at most %d)", LIT_MAXLOC);
    struct lit_loc *l = &p->t->loc[p->t->nloc];
    COPY_TOK(l->name, sizeof l->name, k, "location name");
    return p->t->nloc++;
}

int ps_reg_find(const struct lit_thread *th, const char *name)
{
    for (int i = 0; i < th->nregs; i++)
        if (!strcmp(th->reg[i], name))
            return i;
    return -1;
}

int ps_has_loc(const struct lit_thread *th, int loc)
{
    for (int i = 0; i < th->nparam; i++)
        if (th->param_loc[i] == loc)
            return 1;
    return 0;
}

int ps_value(struct ps *p, int64_t *v)
{
    int neg = 0;
    if (is(p, "-")) {
        neg = 1;
        p->i++;
    }
    if (cur(p)->kind != TK_NUM)
        return ps_err(p, cur(p), "expected an integer, got '%s'", shown(cur(p)));
    *v = neg ? -cur(p)->num : cur(p)->num;
    p->i++;
    return 0;
}

int ps_is_type_word(const char *s)
{
    static const char *const w[] = { "int", "long", "unsigned", "signed", "short", "char", "volatile",
                                     "const", "atomic_int", "atomic_long", "atomic_uint", "atomic_ulong",
                                     "_Atomic", "intptr_t", "int32_t", "int64_t", "uint32_t", "uint64_t" };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (!strcmp(s, w[i]))
            return 1;
    return 0;
}
