/* sim/litmus/lit_parse.c — herd7's C litmus format:
 *
 *   C SB+fences                       name (the rest of the line)
 *   "optional doc string"
 *   { x = 0; [y] = 0; int z = 1; }    optional initial values (default 0)
 *   P0(atomic_int *x, int *y) { … }   threads, numbered from 0
 *   exists (0:r0=0 /\ 1:r0=0)         or ~exists, forall; /\ \/ ~ ( ) true false
 *
 * Thread bodies are checked against a small C subset — declarations of
 * registers (int/long r0 [= e];), expression statements, if/else, blocks —
 * with the atomic_* calls of <stdatomic.h>, '*' on a location, arithmetic,
 * and re-emitted as C (lit_gen.c) with the registers declared at the top so
 * the thread can hand them back, and #line directives so that a compiler's
 * complaint names the litmus file.  Loops are refused: every execution must
 * end for the exploration to be exhaustive. */
#include "lit_body.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- init ---------------------------------------------------------------- */
static int parse_init(struct ps *p)
{
    p->i++; /* { */
    while (!is(p, "}")) {
        if (cur(p)->kind == TK_EOF)
            return ps_err(p, cur(p), "unterminated initial state: expected '}'");
        if (is(p, ";")) {
            p->i++;
            continue;
        }
        struct lit_tok *name;
        if (cur(p)->kind == TK_NUM && peek(p, 1)->s[0] == ':')
            return ps_err(p, cur(p), "initial register values are not supported (registers start at 0)");
        if (is(p, "[")) {
            p->i++;
            name = cur(p);
            if (name->kind != TK_ID)
                return ps_err(p, name, "expected a location name, got '%s'", shown(name));
            p->i++;
            if (ps_expect(p, "]", "after the location") < 0)
                return -1;
        } else {
            while (cur(p)->kind == TK_ID && ps_is_type_word(cur(p)->s))
                p->i++;
            if (is(p, "*"))
                return ps_err(p, cur(p), "pointer locations are not supported");
            name = cur(p);
            if (name->kind != TK_ID)
                return ps_err(p, name, "expected a location name, got '%s'", shown(name));
            p->i++;
        }
        int l = ps_loc_add(p, name);
        if (l < 0)
            return -1;
        if (ps_expect(p, "=", "after the location") < 0)
            return -1;
        if (is(p, "&"))
            return ps_err(p, cur(p), "pointer values are not supported");
        if (ps_value(p, &p->t->loc[l].init) < 0)
            return -1;
        if (!is(p, "}") && ps_expect(p, ";", "between initial values") < 0)
            return -1;
    }
    p->i++;
    return 0;
}

/* ---- the condition --------------------------------------------------------- */
static int newnode(struct ps *p, int op)
{
    if (p->t->nprop == (int)(sizeof p->t->prop / sizeof p->t->prop[0]))
        return ps_err(p, cur(p), "condition too long");
    struct lit_prop *n = &p->t->prop[p->t->nprop];
    memset(n, 0, sizeof *n);
    n->op = op;
    return p->t->nprop++;
}

static int prop_or(struct ps *p);

static int add_obs(struct lit_test *t, int tid, int idx)
{
    for (int i = 0; i < t->nobs; i++)
        if (t->obs[i].tid == tid && t->obs[i].idx == idx)
            return 0;
    t->obs[t->nobs].tid = tid;
    t->obs[t->nobs].idx = idx;
    t->nobs++;
    return 0;
}

static int atom(struct ps *p)
{
    struct lit_test *t = p->t;
    struct lit_tok *k = cur(p);
    int tid = -1, idx;
    if (k->kind == TK_NUM && peek(p, 1)->s[0] == ':' && peek(p, 1)->kind == TK_PUNCT) {
        if (k->num < 0 || k->num >= t->nthr)
            return ps_err(p, k, "no thread P%lld", (long long)k->num);
        tid = (int)k->num;
        p->i += 2;
        struct lit_tok *r = cur(p);
        if (r->kind != TK_ID)
            return ps_err(p, r, "expected a register name after '%d:', got '%s'", tid, shown(r));
        idx = ps_reg_find(&t->thr[tid], r->s);
        if (idx < 0)
            return ps_err(p, r, "P%d has no register '%s'", tid, r->s);
        p->i++;
    } else {
        int br = is(p, "[");
        if (br)
            p->i++;
        struct lit_tok *r = cur(p);
        if (r->kind != TK_ID)
            return ps_err(p, r, "expected 'T:reg=value' or 'location=value', got '%s'", shown(r));
        idx = ps_loc_find(t, r->s);
        if (idx < 0)
            return ps_err(p, r, "unknown location '%s'", r->s);
        p->i++;
        if (br && ps_expect(p, "]", "after the location") < 0)
            return -1;
    }
    if (ps_expect(p, "=", "in the condition's 'X=value'") < 0)
        return -1;
    int n = newnode(p, LP_ATOM);
    if (n < 0)
        return -1;
    t->prop[n].tid = tid;
    t->prop[n].idx = idx;
    if (ps_value(p, &t->prop[n].val) < 0)
        return -1;
    add_obs(t, tid, idx);
    return n;
}

static int prop_not(struct ps *p)
{
    if (is(p, "~") || is(p, "not")) {
        p->i++;
        int a = prop_not(p);
        if (a < 0)
            return -1;
        int n = newnode(p, LP_NOT);
        if (n >= 0)
            p->t->prop[n].a = a;
        return n;
    }
    if (is(p, "(")) {
        p->i++;
        int a = prop_or(p);
        if (a < 0 || ps_expect(p, ")", "to close '('") < 0)
            return -1;
        return a;
    }
    if (is(p, "true") || is(p, "false")) {
        int n = newnode(p, is(p, "true") ? LP_TRUE : LP_FALSE);
        p->i++;
        return n;
    }
    return atom(p);
}

/* A left-associative chain "SUB OP SUB OP ..." of binary nodes KIND. */
static int prop_chain(struct ps *p, int (*sub)(struct ps *), const char *op, int kind)
{
    int a = sub(p);
    while (a >= 0 && is(p, op)) {
        p->i++;
        int b = sub(p);
        if (b < 0)
            return -1;
        int n = newnode(p, kind);
        if (n < 0)
            return -1;
        p->t->prop[n].a = a;
        p->t->prop[n].b = b;
        a = n;
    }
    return a;
}

static int prop_and(struct ps *p) { return prop_chain(p, prop_not, "/\\", LP_AND); }
static int prop_or(struct ps *p) { return prop_chain(p, prop_and, "\\/", LP_OR); }

static int cmp_obs(const void *a, const void *b)
{
    const struct lit_obs *x = a, *y = b;
    int tx = x->tid < 0 ? 1000 : x->tid, ty = y->tid < 0 ? 1000 : y->tid;
    return tx != ty ? tx - ty : x->idx - y->idx;
}

static int parse_all(struct ps *p)
{
    struct lit_test *t = p->t;
    struct lit_tok *k = cur(p);
    static const char *const archs[] = { "AArch64", "ARM", "RISCV", "X86", "X86_64", "PPC", "MIPS", "LISA" };
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++)
        if (k->kind == TK_ID && !strcmp(k->s, archs[i]))
            return ps_err(p, k, "this is a %s litmus test; hvsim litmus reads herd7's C format ('C name')", k->s);
    if (k->kind != TK_ID || strcmp(k->s, "C"))
        return ps_err(p, k, "expected 'C name' (herd7's C litmus format), got '%s'", shown(k));
    p->i++;
    if (cur(p)->kind != TK_NAME || !cur(p)->s[0])
        return ps_err(p, cur(p), "expected the test's name after 'C'");
    COPY_TOK(t->name, sizeof t->name, cur(p), "test name");
    p->i++;
    if (cur(p)->kind == TK_STR)
        p->i++;
    if (is(p, "{") && parse_init(p) < 0)
        return -1;
    while (cur(p)->kind == TK_ID && cur(p)->s[0] == 'P' && cur(p)->s[1] >= '0' && cur(p)->s[1] <= '9') {
        if (lit_parse_thread(p, cur(p)) < 0)
            return -1;
    }
    if (!t->nthr)
        return ps_err(p, cur(p), "expected a thread 'P0(...) { ... }', got '%s'", shown(cur(p)));
    if (is(p, "locations") || is(p, "filter"))
        return ps_err(p, cur(p), "'%s' is not supported", cur(p)->s);
    k = cur(p);
    if (is(p, "exists")) {
        t->quant = LQ_EXISTS;
        p->i++;
    } else if (is(p, "~") && peek(p, 1)->kind == TK_ID && !strcmp(peek(p, 1)->s, "exists")) {
        t->quant = LQ_NOT_EXISTS;
        p->i += 2;
    } else if (is(p, "forall")) {
        t->quant = LQ_FORALL;
        p->i++;
    } else {
        return ps_err(p, k, "expected the final condition (exists, ~exists or forall), got '%s'", shown(k));
    }
    t->root = prop_or(p);
    if (t->root < 0)
        return -1;
    if (cur(p)->kind != TK_EOF)
        return ps_err(p, cur(p), "unexpected '%s' after the condition", shown(cur(p)));
    qsort(t->obs, (size_t)t->nobs, sizeof t->obs[0], cmp_obs);
    for (int i = 0; i < t->nthr; i++)
        if (!t->thr[i].nparam && !t->thr[i].code)
            return ps_err(p, k, "P%d is empty", i);
    return 0;
}

int lit_parse_text(const char *path, const char *text, struct lit_test *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    for (int i = 0; i < LIT_NMODEL; i++)
        t->expect[i] = t->herd[i] = -1;
    struct ps p = { .path = path, .t = t, .err = err, .errlen = errlen };
    int rc = lit_lex(path, text, &p.tk, t, err, errlen);
    if (rc == 0)
        rc = parse_all(&p);
    free(p.tk.v);
    free(p.code);
    if (rc < 0)
        lit_test_free(t);
    return rc;
}

int lit_parse_file(const char *path, struct lit_test *t, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s:0:0: cannot open: %m", path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            snprintf(err, errlen, "%s:0:0: file too large (over %zu bytes)", path, cap);
            free(b);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (!b) {
        snprintf(err, errlen, "%s:0:0: out of memory", path);
        return -1;
    }
    b[n] = 0;
    if (strlen(b) != n) {
        snprintf(err, errlen, "%s:1:1: binary file (NUL byte)", path);
        free(b);
        return -1;
    }
    int rc = lit_parse_text(path, b, t, err, errlen);
    free(b);
    return rc;
}

void lit_test_free(struct lit_test *t)
{
    for (int i = 0; i < LIT_MAXT; i++) {
        free(t->thr[i].code);
        t->thr[i].code = 0;
    }
}
