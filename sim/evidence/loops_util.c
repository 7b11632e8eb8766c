/* sim/evidence/loops_util.c — small helpers: instruction vector, string buffer, errors,
 * the branch target of an objdump operand list (disasm_objdump.c, classify_ppc64.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loops_int.h"

struct insn *insn_push(struct insn_vec *iv)
{
    if (iv->n == iv->cap) {
        size_t nc = iv->cap ? iv->cap * 2 : 64;
        struct insn *nv = realloc(iv->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        iv->v = nv;
        iv->cap = nc;
    }
    struct insn *in = &iv->v[iv->n++];
    memset(in, 0, sizeof *in);
    return in;
}

void insn_vec_free(struct insn_vec *iv)
{
    free(iv->v);
    iv->v = NULL;
    iv->n = iv->cap = 0;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        size_t room = b->cap - b->n;
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = b->cap ? b->cap : 256;
        while (nc - b->n <= (size_t)k)
            nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
}

char *sb_take(struct sbuf *b)
{
    if (b->oom) {
        free(b->s);
        b->s = NULL;
        return NULL;
    }
    if (!b->s) {
        b->s = malloc(1);
        if (b->s)
            b->s[0] = 0;
    }
    char *s = b->s;
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

void loops_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    for (char *p = err; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

int parse_branch_target(const char *ops, uint64_t *target)
{
    const char *lt = strstr(ops, " <");
    const char *end = lt ? lt : ops + strlen(ops);
    const char *beg = end;
    while (beg > ops && beg[-1] != ',' && beg[-1] != ' ' && beg[-1] != '\t')
        beg--;
    if (beg == end)
        return 0;
    for (const char *c = beg; c < end; c++)
        if (!isxdigit((unsigned char)*c))
            return 0;
    *target = strtoull(beg, NULL, 16);
    return 1;
}

/* The index of the instruction at ADDR in V (sorted by address), else N. */
size_t insn_index(const struct insn *v, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].addr == addr ? lo : n;
}
