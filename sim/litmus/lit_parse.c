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
#include "lit_lex.h"
#include "util/sbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct lit_tok *cur(struct ps *p) { return &p->tk.v[p->i]; }
static struct lit_tok *peek(struct ps *p, int k)
{
    int j = p->i + k < p->tk.n ? p->i + k : p->tk.n - 1;
    return &p->tk.v[j];
}
static int is(struct ps *p, const char *s)
{
    struct lit_tok *k = cur(p);
    return (k->kind == TK_PUNCT || k->kind == TK_ID) && !strcmp(k->s, s);
}

static int errat(struct ps *p, const struct lit_tok *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copy token K's text into DST (N bytes); too long is an error at K. */
#define COPY_TOK(dst, n, k, what)                                                         \
    do {                                                                                  \
        if (fmt_fit((dst), (n), "%s", (k)->s) < 0)                                        \
            return errat(p, (k), "%s '%.40s' is too long (at most %zu characters)", (what), \
                         (k)->s, (size_t)(n) - 1);                                        \
    } while (0)
static int errat(struct ps *p, const struct lit_tok *k, const char *fmt, ...)
{
    char m[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->path, k->line, k->col, m);
    return -1;
}

static const char *shown(const struct lit_tok *k)
{
    return k->kind == TK_EOF ? "end of file" : k->s;
}

static int expect(struct ps *p, const char *s, const char *what)
{
    if (!is(p, s))
        return errat(p, cur(p), "expected '%s' %s, got '%s'", s, what, shown(cur(p)));
    p->i++;
    return 0;
}

static void emit(struct ps *p, const char *fmt, ...)
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
static int loc_find(const struct lit_test *t, const char *name)
{
    for (int i = 0; i < t->nloc; i++)
        if (!strcmp(t->loc[i].name, name))
            return i;
    return -1;
}

static int loc_add(struct ps *p, const struct lit_tok *k)
{
    int i = loc_find(p->t, k->s);
    if (i >= 0)
        return i;
    if (p->t->nloc == LIT_MAXLOC)
        return errat(p, k, "too many shared locations (at most %d)", LIT_MAXLOC);
    struct lit_loc *l = &p->t->loc[p->t->nloc];
    COPY_TOK(l->name, sizeof l->name, k, "location name");
    return p->t->nloc++;
}

static int reg_find(const struct lit_thread *th, const char *name)
{
    for (int i = 0; i < th->nregs; i++)
        if (!strcmp(th->reg[i], name))
            return i;
    return -1;
}

static int thread_has_loc(const struct lit_thread *th, int loc)
{
    for (int i = 0; i < th->nparam; i++)
        if (th->param_loc[i] == loc)
            return 1;
    return 0;
}

static int value(struct ps *p, int64_t *v)
{
    int neg = 0;
    if (is(p, "-")) {
        neg = 1;
        p->i++;
    }
    if (cur(p)->kind != TK_NUM)
        return errat(p, cur(p), "expected an integer, got '%s'", shown(cur(p)));
    *v = neg ? -cur(p)->num : cur(p)->num;
    p->i++;
    return 0;
}

/* ---- init ---------------------------------------------------------------- */
static int is_type_word(const char *s)
{
    static const char *const w[] = { "int", "long", "unsigned", "signed", "short", "char", "volatile",
                                     "const", "atomic_int", "atomic_long", "atomic_uint", "atomic_ulong",
                                     "_Atomic", "intptr_t", "int32_t", "int64_t", "uint32_t", "uint64_t" };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (!strcmp(s, w[i]))
            return 1;
    return 0;
}

static int parse_init(struct ps *p)
{
    p->i++; /* { */
    while (!is(p, "}")) {
        if (cur(p)->kind == TK_EOF)
            return errat(p, cur(p), "unterminated initial state: expected '}'");
        if (is(p, ";")) {
            p->i++;
            continue;
        }
        struct lit_tok *name;
        if (cur(p)->kind == TK_NUM && peek(p, 1)->s[0] == ':')
            return errat(p, cur(p), "initial register values are not supported (registers start at 0)");
        if (is(p, "[")) {
            p->i++;
            name = cur(p);
            if (name->kind != TK_ID)
                return errat(p, name, "expected a location name, got '%s'", shown(name));
            p->i++;
            if (expect(p, "]", "after the location") < 0)
                return -1;
        } else {
            while (cur(p)->kind == TK_ID && is_type_word(cur(p)->s))
                p->i++;
            if (is(p, "*"))
                return errat(p, cur(p), "pointer locations are not supported");
            name = cur(p);
            if (name->kind != TK_ID)
                return errat(p, name, "expected a location name, got '%s'", shown(name));
            p->i++;
        }
        int l = loc_add(p, name);
        if (l < 0)
            return -1;
        if (expect(p, "=", "after the location") < 0)
            return -1;
        if (is(p, "&"))
            return errat(p, cur(p), "pointer values are not supported");
        if (value(p, &p->t->loc[l].init) < 0)
            return -1;
        if (!is(p, "}") && expect(p, ";", "between initial values") < 0)
            return -1;
    }
    p->i++;
    return 0;
}

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
        emit(p, "%s", k->s);
        p->i++;
        return 0;
    }
    if (is(p, "(")) {
        p->i++;
        emit(p, "(");
        if (expr(p) < 0 || expect(p, ")", "to close '('") < 0)
            return -1;
        emit(p, ")");
        return 0;
    }
    if (k->kind != TK_ID)
        return errat(p, k, "expected an expression, got '%s'", shown(k));
    p->i++;
    if (is_call(k->s)) {
        if (!is(p, "("))
            return errat(p, cur(p), "expected '(' after %s", k->s);
        p->i++;
        emit(p, "%s(", k->s);
        int n = 0;
        while (!is(p, ")")) {
            if (n++)
                if (expect(p, ",", "between arguments") < 0)
                    return -1;
            if (n > 1)
                emit(p, ", ");
            if (expr(p) < 0)
                return -1;
        }
        p->i++;
        emit(p, ")");
        return 0;
    }
    if (is(p, "("))
        return errat(p, k, "unknown function '%s' (atomic_load_explicit, atomic_store_explicit, "
                           "atomic_exchange_explicit, atomic_fetch_add_explicit, atomic_thread_fence, …)",
                     k->s);
    if (is_order(k->s) || reg_find(th, k->s) >= 0) {
        emit(p, "%s", k->s);
        return 0;
    }
    int l = loc_find(p->t, k->s);
    if (l >= 0 && thread_has_loc(th, l)) {
        emit(p, "%s", k->s);
        return 0;
    }
    if (l >= 0)
        return errat(p, k, "P%d uses location '%s' without a parameter for it", p->tid, k->s);
    return errat(p, k, "unknown identifier '%s' (not a parameter or a declared register of P%d)", k->s,
                 p->tid);
}

static int unary(struct ps *p)
{
    static const char *const ops[] = { "*", "-", "!", "~", "&" };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (is(p, ops[i]) && cur(p)->kind == TK_PUNCT) {
            p->i++;
            emit(p, "%s", ops[i]);
            return unary(p);
        }
    if (is(p, "++") || is(p, "--"))
        return errat(p, cur(p), "'%s' is not supported", cur(p)->s);
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
            emit(p, " = ");
            return expr(p);
        }
        if (k->kind == TK_PUNCT && binop(k->s)) {
            p->i++;
            emit(p, " %s ", k->s);
            if (unary(p) < 0)
                return -1;
            continue;
        }
        if (k->kind == TK_PUNCT && !strcmp(k->s, "?"))
            return errat(p, k, "'?:' is not supported");
        return 0;
    }
}

static int stmt(struct ps *p, int depth);

static int reg_decl(struct ps *p)
{
    struct lit_thread *th = &p->t->thr[p->tid];
    char type[24] = "";
    while (cur(p)->kind == TK_ID && is_type_word(cur(p)->s)) {
        if (strstr(cur(p)->s, "atomic") || !strcmp(cur(p)->s, "volatile"))
            return errat(p, cur(p), "a register is a plain local: '%s' is not supported here", cur(p)->s);
        size_t l = strlen(type);
        if (fmt_fit(type + l, sizeof type - l, "%s%s", l ? " " : "", cur(p)->s) < 0)
            return errat(p, cur(p), "type too long (at most %zu characters)", sizeof type - 1);
        p->i++;
    }
    if (is(p, "*"))
        return errat(p, cur(p), "pointer registers are not supported");
    struct lit_tok *name = cur(p);
    if (name->kind != TK_ID)
        return errat(p, name, "expected a register name, got '%s'", shown(name));
    if (reg_find(th, name->s) >= 0)
        return errat(p, name, "register '%s' declared twice in P%d", name->s, p->tid);
    if (loc_find(p->t, name->s) >= 0 && thread_has_loc(th, loc_find(p->t, name->s)))
        return errat(p, name, "'%s' is a location of P%d", name->s, p->tid);
    if (th->nregs == LIT_MAXREG)
        return errat(p, name, "too many registers in P%d (at most %d)", p->tid, LIT_MAXREG);
    int r = th->nregs++;
    COPY_TOK(th->reg[r], sizeof th->reg[r], name, "register name");
    if (fmt_fit(th->regtype[r], sizeof th->regtype[r], "%s", type) < 0)
        return errat(p, name, "the type of '%s' is too long", name->s);
    p->i++;
    if (is(p, "=")) {
        p->i++;
        emit(p, "%s = ", name->s);
        if (expr(p) < 0)
            return -1;
        emit(p, ";");
    }
    return expect(p, ";", "after the declaration");
}

static int stmt(struct ps *p, int depth)
{
    struct lit_tok *k = cur(p);
    if (depth > 32)
        return errat(p, k, "statements nested too deeply");
    emit(p, "\n#line %d \"%s\"\n", k->line, p->path);
    if (is(p, "{")) {
        p->i++;
        emit(p, "{");
        while (!is(p, "}")) {
            if (cur(p)->kind == TK_EOF)
                return errat(p, cur(p), "unterminated block: expected '}'");
            if (stmt(p, depth + 1) < 0)
                return -1;
        }
        p->i++;
        emit(p, "}");
        return 0;
    }
    if (is(p, ";")) {
        p->i++;
        return 0;
    }
    if (k->kind == TK_ID && (!strcmp(k->s, "while") || !strcmp(k->s, "for") || !strcmp(k->s, "do") ||
                             !strcmp(k->s, "goto")))
        return errat(p, k, "loops are not supported (every execution must end to be explored)");
    if (k->kind == TK_ID && !strcmp(k->s, "return"))
        return errat(p, k, "'return' is not supported");
    if (k->kind == TK_ID && !strcmp(k->s, "if")) {
        p->i++;
        if (expect(p, "(", "after 'if'") < 0)
            return -1;
        emit(p, "if (");
        if (expr(p) < 0 || expect(p, ")", "to close 'if ('") < 0)
            return -1;
        emit(p, ") {");
        if (stmt(p, depth + 1) < 0)
            return -1;
        emit(p, "}");
        if (is(p, "else")) {
            p->i++;
            emit(p, " else {");
            if (stmt(p, depth + 1) < 0)
                return -1;
            emit(p, "}");
        }
        return 0;
    }
    if (k->kind == TK_ID && is_type_word(k->s))
        return reg_decl(p);
    if (expr(p) < 0)
        return -1;
    emit(p, ";");
    return expect(p, ";", "after the statement");
}

static int parse_thread(struct ps *p, struct lit_tok *pk)
{
    struct lit_test *t = p->t;
    int n = atoi(pk->s + 1);
    if (n != t->nthr)
        return errat(p, pk, "expected thread P%d here, got %s", t->nthr, pk->s);
    if (t->nthr == LIT_MAXT)
        return errat(p, pk, "too many threads (at most %d)", LIT_MAXT);
    p->tid = t->nthr++;
    struct lit_thread *th = &t->thr[p->tid];
    p->i++;
    if (expect(p, "(", "after the thread name") < 0)
        return -1;
    /* parameters: [volatile] type *name */
    while (!is(p, ")")) {
        if (th->nparam && expect(p, ",", "between parameters") < 0)
            return -1;
        char type[40] = "";
        while (cur(p)->kind == TK_ID && is_type_word(cur(p)->s)) {
            size_t l = strlen(type);
            if (fmt_fit(type + l, sizeof type - l, "%s%s", l ? " " : "", cur(p)->s) < 0)
                return errat(p, cur(p), "type too long (at most %zu characters)", sizeof type - 1);
            p->i++;
        }
        if (!type[0])
            return errat(p, cur(p), "expected a parameter type (atomic_int, int, …), got '%s'", shown(cur(p)));
        if (expect(p, "*", "(a parameter is a pointer to a shared location)") < 0)
            return -1;
        struct lit_tok *name = cur(p);
        if (name->kind != TK_ID)
            return errat(p, name, "expected a parameter name, got '%s'", shown(name));
        int l = loc_add(p, name);
        if (l < 0)
            return -1;
        if (thread_has_loc(th, l))
            return errat(p, name, "parameter '%s' given twice", name->s);
        struct lit_loc *lc = &t->loc[l];
        int atomic = strstr(type, "atomic") || strstr(type, "_Atomic");
        if (lc->ctype[0] && lc->atomic != atomic)
            return errat(p, name, "'%s' is %s here and %s in an earlier thread", name->s, type, lc->ctype);
        if (!lc->ctype[0]) {
            snprintf(lc->ctype, sizeof lc->ctype, "%s", type);
            lc->atomic = atomic;
        }
        if (th->nparam == LIT_MAXLOC)
            return errat(p, name, "too many parameters");
        th->param_loc[th->nparam++] = l;
        p->i++;
        /* this thread's own spelling (it may add volatile) for its prototype */
        snprintf(th->ptype[th->nparam - 1], sizeof th->ptype[0], "%s", type);
    }
    p->i++;
    if (!is(p, "{"))
        return errat(p, cur(p), "expected '{' to open P%d's body, got '%s'", p->tid, shown(cur(p)));
    p->code = 0;
    p->clen = p->ccap = 0;
    p->i++;
    while (!is(p, "}")) {
        if (cur(p)->kind == TK_EOF)
            return errat(p, cur(p), "unterminated body of P%d: expected '}'", p->tid);
        if (stmt(p, 0) < 0) {
            free(p->code);
            p->code = 0;
            return -1;
        }
    }
    p->i++;
    emit(p, "\n");
    if (p->oom)
        return errat(p, pk, "out of memory");
    th->code = p->code;
    p->code = 0;
    return 0;
}

/* ---- the condition --------------------------------------------------------- */
static int newnode(struct ps *p, int op)
{
    if (p->t->nprop == (int)(sizeof p->t->prop / sizeof p->t->prop[0]))
        return errat(p, cur(p), "condition too long");
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
            return errat(p, k, "no thread P%lld", (long long)k->num);
        tid = (int)k->num;
        p->i += 2;
        struct lit_tok *r = cur(p);
        if (r->kind != TK_ID)
            return errat(p, r, "expected a register name after '%d:', got '%s'", tid, shown(r));
        idx = reg_find(&t->thr[tid], r->s);
        if (idx < 0)
            return errat(p, r, "P%d has no register '%s'", tid, r->s);
        p->i++;
    } else {
        int br = is(p, "[");
        if (br)
            p->i++;
        struct lit_tok *r = cur(p);
        if (r->kind != TK_ID)
            return errat(p, r, "expected 'T:reg=value' or 'location=value', got '%s'", shown(r));
        idx = loc_find(t, r->s);
        if (idx < 0)
            return errat(p, r, "unknown location '%s'", r->s);
        p->i++;
        if (br && expect(p, "]", "after the location") < 0)
            return -1;
    }
    if (expect(p, "=", "in the condition's 'X=value'") < 0)
        return -1;
    int n = newnode(p, LP_ATOM);
    if (n < 0)
        return -1;
    t->prop[n].tid = tid;
    t->prop[n].idx = idx;
    if (value(p, &t->prop[n].val) < 0)
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
        if (a < 0 || expect(p, ")", "to close '('") < 0)
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
            return errat(p, k, "this is a %s litmus test; hvsim litmus reads herd7's C format ('C name')", k->s);
    if (k->kind != TK_ID || strcmp(k->s, "C"))
        return errat(p, k, "expected 'C name' (herd7's C litmus format), got '%s'", shown(k));
    p->i++;
    if (cur(p)->kind != TK_NAME || !cur(p)->s[0])
        return errat(p, cur(p), "expected the test's name after 'C'");
    COPY_TOK(t->name, sizeof t->name, cur(p), "test name");
    p->i++;
    if (cur(p)->kind == TK_STR)
        p->i++;
    if (is(p, "{") && parse_init(p) < 0)
        return -1;
    while (cur(p)->kind == TK_ID && cur(p)->s[0] == 'P' && cur(p)->s[1] >= '0' && cur(p)->s[1] <= '9') {
        if (parse_thread(p, cur(p)) < 0)
            return -1;
    }
    if (!t->nthr)
        return errat(p, cur(p), "expected a thread 'P0(...) { ... }', got '%s'", shown(cur(p)));
    if (is(p, "locations") || is(p, "filter"))
        return errat(p, cur(p), "'%s' is not supported", cur(p)->s);
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
        return errat(p, k, "expected the final condition (exists, ~exists or forall), got '%s'", shown(k));
    }
    t->root = prop_or(p);
    if (t->root < 0)
        return -1;
    if (cur(p)->kind != TK_EOF)
        return errat(p, cur(p), "unexpected '%s' after the condition", shown(cur(p)));
    qsort(t->obs, (size_t)t->nobs, sizeof t->obs[0], cmp_obs);
    for (int i = 0; i < t->nthr; i++)
        if (!t->thr[i].nparam && !t->thr[i].code)
            return errat(p, k, "P%d is empty", i);
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
