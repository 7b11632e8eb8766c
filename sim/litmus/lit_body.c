/* sim/litmus/lit_body.c — a litmus thread: its parameters (the shared
 * locations it uses) and its body, checked against the C subset lit_parse.c
 * describes and re-emitted as C for lit_gen.c. */
#include "lit_body.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- thread bodies ------------------------------------------------------- */
static int expr(struct ps *p);

static int is_call(const char *s)
{
    static const char *const f[] = {
        "atomic_load_explicit", "atomic_store_explicit", "atomic_thread_fence",
        "atomic_exchange_explicit", "atomic_fetch_add_explicit", "atomic_fetch_sub_explicit",
        "atomic_fetch_and_explicit", "atomic_fetch_or_explicit", "atomic_fetch_xor_explicit",
        "atomic_load", "atomic_store", "atomic_exchange", "atomic_fetch_add", "atomic_fetch_sub",
        "atomic_fetch_and", "atomic_fetch_or", "atomic_fetch_xor", "atomic_signal_fence" };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!strcmp(s, f[i]))
            return 1;
    return 0;
}

static int is_order(const char *s)
{
    return !strcmp(s, "memory_order_relaxed") || !strcmp(s, "memory_order_consume") ||
           !strcmp(s, "memory_order_acquire") || !strcmp(s, "memory_order_release") ||
           !strcmp(s, "memory_order_acq_rel") || !strcmp(s, "memory_order_seq_cst");
}

static int primary(struct ps *p)
{
    struct lit_tok *k = cur(p);
    struct lit_thread *th = &p->t->thr[p->tid];
    if (k->kind == TK_NUM) {
        ps_emit(p, "%s", k->s);
        p->i++;
        return 0;
    }
    if (is(p, "(")) {
        p->i++;
        ps_emit(p, "(");
        if (expr(p) < 0 || ps_expect(p, ")", "to close '('") < 0)
            return -1;
        ps_emit(p, ")");
        return 0;
    }
    if (k->kind != TK_ID)
        return ps_err(p, k, "expected an expression, got '%s'", shown(k));
    p->i++;
    if (is_call(k->s)) {
        if (!is(p, "("))
            return ps_err(p, cur(p), "expected '(' after %s", k->s);
        p->i++;
        ps_emit(p, "%s(", k->s);
        int n = 0;
        while (!is(p, ")")) {
            if (n++)
                if (ps_expect(p, ",", "between arguments") < 0)
                    return -1;
            if (n > 1)
                ps_emit(p, ", ");
            if (expr(p) < 0)
                return -1;
        }
        p->i++;
        ps_emit(p, ")");
        return 0;
    }
    if (is(p, "("))
        return ps_err(p, k, "unknown function '%s' (atomic_load_explicit, atomic_store_explicit, "
                           "atomic_exchange_explicit, atomic_fetch_add_explicit, atomic_thread_fence, …)",
                     k->s);
    if (is_order(k->s) || ps_reg_find(th, k->s) >= 0) {
        ps_emit(p, "%s", k->s);
        return 0;
    }
    int l = ps_loc_find(p->t, k->s);
    if (l >= 0 && ps_has_loc(th, l)) {
        ps_emit(p, "%s", k->s);
        return 0;
    }
    if (l >= 0)
        return ps_err(p, k, "P%d uses location '%s' without a parameter for it", p->tid, k->s);
    return ps_err(p, k, "unknown identifier '%s' (not a parameter or a declared register of P%d)", k->s,
                 p->tid);
}

static int unary(struct ps *p)
{
    static const char *const ops[] = { "*", "-", "!", "~", "&" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (is(p, ops[i]) && cur(p)->kind == TK_PUNCT) {
            p->i++;
            ps_emit(p, "%s", ops[i]);
            return unary(p);
        }
    if (is(p, "++") || is(p, "--"))
        return ps_err(p, cur(p), "'%s' is not supported", cur(p)->s);
    return primary(p);
}

static int binop(const char *s)
{
    static const char *const ops[] = { "||", "&&", "|", "^", "&", "==", "!=", "<", ">", "<=", ">=",
                                       "<<", ">>", "+", "-", "*", "/", "%" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(s, ops[i]))
            return 1;
    return 0;
}

/* Precedence does not matter for checking: the C compiler parses the
 * re-emitted tokens, in the same order, with C's own. */
static int expr(struct ps *p)
{
    if (unary(p) < 0)
        return -1;
    for (;;) {
        struct lit_tok *k = cur(p);
        if (k->kind == TK_PUNCT && !strcmp(k->s, "=")) {
            p->i++;
            ps_emit(p, " = ");
            return expr(p);
        }
        if (k->kind == TK_PUNCT && binop(k->s)) {
            p->i++;
            ps_emit(p, " %s ", k->s);
            if (unary(p) < 0)
                return -1;
            continue;
        }
        if (k->kind == TK_PUNCT && !strcmp(k->s, "?"))
            return ps_err(p, k, "'?:' is not supported");
        return 0;
    }
}

static int stmt(struct ps *p, int depth);

static int reg_decl(struct ps *p)
{
    struct lit_thread *th = &p->t->thr[p->tid];
    char type[24] = "";
    while (cur(p)->kind == TK_ID && ps_is_type_word(cur(p)->s)) {
        if (strstr(cur(p)->s, "atomic") || !strcmp(cur(p)->s, "volatile"))
            return ps_err(p, cur(p), "a register is a plain local: '%s' is not supported here", cur(p)->s);
        size_t l = strlen(type);
        if (fmt_fit(type + l, sizeof type - l, "%s%s", l ? " " : "", cur(p)->s) < 0)
            return ps_err(p, cur(p), "type too long (at most %zu characters)", sizeof type - 1);
        p->i++;
    }
    if (is(p, "*"))
        return ps_err(p, cur(p), "pointer registers are not supported");
    struct lit_tok *name = cur(p);
    if (name->kind != TK_ID)
        return ps_err(p, name, "expected a register name, got '%s'", shown(name));
    if (ps_reg_find(th, name->s) >= 0)
        return ps_err(p, name, "register '%s' declared twice in P%d", name->s, p->tid);
    if (ps_loc_find(p->t, name->s) >= 0 && ps_has_loc(th, ps_loc_find(p->t, name->s)))
        return ps_err(p, name, "'%s' is a location of P%d", name->s, p->tid);
    if (th->nregs == LIT_MAXREG)
        return ps_err(p, name, "too many registers in P%d (at most %d)", p->tid, LIT_MAXREG);
    int r = th->nregs++;
    COPY_TOK(th->reg[r], sizeof th->reg[r], name, "register name");
    if (fmt_fit(th->regtype[r], sizeof th->regtype[r], "%s", type) < 0)
        return ps_err(p, name, "the type of '%s' is too long", name->s);
    p->i++;
    if (is(p, "=")) {
        p->i++;
        ps_emit(p, "%s = ", name->s);
        if (expr(p) < 0)
            return -1;
        ps_emit(p, ";");
    }
    return ps_expect(p, ";", "after the declaration");
}

static int stmt(struct ps *p, int depth)
{
    struct lit_tok *k = cur(p);
    if (depth > 32)
        return ps_err(p, k, "statements nested too deeply");
    ps_emit(p, "\n#line %d \"%s\"\n", k->line, p->path);
    if (is(p, "{")) {
        p->i++;
        ps_emit(p, "{");
        while (!is(p, "}")) {
            if (cur(p)->kind == TK_EOF)
                return ps_err(p, cur(p), "unterminated block: expected '}'");
            if (stmt(p, depth + 1) < 0)
                return -1;
        }
        p->i++;
        ps_emit(p, "}");
        return 0;
    }
    if (is(p, ";")) {
        p->i++;
        return 0;
    }
    if (k->kind == TK_ID && (!strcmp(k->s, "while") || !strcmp(k->s, "for") || !strcmp(k->s, "do") ||
                             !strcmp(k->s, "goto")))
        return ps_err(p, k, "loops are not supported (every execution must end to be explored)");
    if (k->kind == TK_ID && !strcmp(k->s, "return"))
        return ps_err(p, k, "'return' is not supported");
    if (k->kind == TK_ID && !strcmp(k->s, "if")) {
        p->i++;
        if (ps_expect(p, "(", "after 'if'") < 0)
            return -1;
        ps_emit(p, "if (");
        if (expr(p) < 0 || ps_expect(p, ")", "to close 'if ('") < 0)
            return -1;
        ps_emit(p, ") {");
        if (stmt(p, depth + 1) < 0)
            return -1;
        ps_emit(p, "}");
        if (is(p, "else")) {
            p->i++;
            ps_emit(p, " else {");
            if (stmt(p, depth + 1) < 0)
                return -1;
            ps_emit(p, "}");
        }
        return 0;
    }
    if (k->kind == TK_ID && ps_is_type_word(k->s))
        return reg_decl(p);
    if (expr(p) < 0)
        return -1;
    ps_emit(p, ";");
    return ps_expect(p, ";", "after the statement");
}

/* The parameters "[volatile] type *name, ...": the shared locations thread
 * th uses, up to the closing ')'. */
static int parse_params(struct ps *p, struct lit_thread *th)
{
    struct lit_test *t = p->t;
    while (!is(p, ")")) {
        if (th->nparam && ps_expect(p, ",", "between parameters") < 0)
            return -1;
        char type[40] = "";
        while (cur(p)->kind == TK_ID && ps_is_type_word(cur(p)->s)) {
            size_t l = strlen(type);
            if (fmt_fit(type + l, sizeof type - l, "%s%s", l ? " " : "", cur(p)->s) < 0)
                return ps_err(p, cur(p), "type too long (at most %zu characters)", sizeof type - 1);
            p->i++;
        }
        if (!type[0])
            return ps_err(p, cur(p), "expected a parameter type (atomic_int, int, …), got '%s'", shown(cur(p)));
        if (ps_expect(p, "*", "(a parameter is a pointer to a shared location)") < 0)
            return -1;
        struct lit_tok *name = cur(p);
        if (name->kind != TK_ID)
            return ps_err(p, name, "expected a parameter name, got '%s'", shown(name));
        int l = ps_loc_add(p, name);
        if (l < 0)
            return -1;
        if (ps_has_loc(th, l))
            return ps_err(p, name, "parameter '%s' given twice", name->s);
        struct lit_loc *lc = &t->loc[l];
        int atomic = strstr(type, "atomic") || strstr(type, "_Atomic");
        if (lc->ctype[0] && lc->atomic != atomic)
            return ps_err(p, name, "'%s' is %s here and %s in an earlier thread", name->s, type, lc->ctype);
        if (!lc->ctype[0]) {
            snprintf(lc->ctype, sizeof lc->ctype, "%s", type);
            lc->atomic = atomic;
        }
        if (th->nparam == LIT_MAXLOC)
            return ps_err(p, name, "too many parameters");
        th->param_loc[th->nparam++] = l;
        p->i++;
        /* this thread's own spelling (it may add volatile) for its prototype */
        snprintf(th->ptype[th->nparam - 1], sizeof th->ptype[0], "%s", type);
    }
    return 0;
}

int lit_parse_thread(struct ps *p, struct lit_tok *pk)
{
    struct lit_test *t = p->t;
    int n = atoi(pk->s + 1);
    if (n != t->nthr)
        return ps_err(p, pk, "expected thread P%d here, got %s", t->nthr, pk->s);
    if (t->nthr == LIT_MAXT)
        return ps_err(p, pk, "too many threads (at most %d)", LIT_MAXT);
    p->tid = t->nthr++;
    struct lit_thread *th = &t->thr[p->tid];
    p->i++;
    if (ps_expect(p, "(", "after the thread name") < 0)
        return -1;
    if (parse_params(p, th) < 0)
        return -1;
    p->i++;
    if (!is(p, "{"))
        return ps_err(p, cur(p), "expected '{' to open P%d's body, got '%s'", p->tid, shown(cur(p)));
    p->code = 0;
    p->clen = p->ccap = 0;
    p->i++;
    while (!is(p, "}")) {
        if (cur(p)->kind == TK_EOF)
            return ps_err(p, cur(p), "unterminated body of P%d: expected '}'", p->tid);
        if (stmt(p, 0) < 0) {
            free(p->code);
            p->code = 0;
            return -1;
        }
    }
    p->i++;
    ps_emit(p, "\n");
    if (p->oom)
        return ps_err(p, pk, "out of memory");
    th->code = p->code;
    p->code = 0;
    return 0;
}
