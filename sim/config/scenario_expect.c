/* sim/config/scenario_expect.c — expect lines:
 *   expect VERDICT[|VERDICT...] [when COND...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

enum { F_CC, F_ARCH, F_WAIT, F_RELAX, F_WAKE, F_ENGINE, F__N };
/* after the string fields: "opt" (masks[F__N]), "lib-opt" (masks[F__N + 1],
 * the opt-level a --hv-lib was built at, libinfo.h; issue 18) and "model"
 * (masks[F__N + 2], det's memory model; issue 17) */
enum { M_OPT = F__N, M_LIBOPT, M_MODEL, M__N };
static const char *const cond_keys[] = {"cc", "arch", "wait", "relax", "wake", "engine", "opt",
                                        "lib-opt", "model", NULL};
static const char *const libopt_vals[] = {"0", "1", "2", "3", "s", "z", NULL};
static const char *const *const cond_vals_tab[F__N] = {
    sc_cc_vals, sc_arch_vals, sc_wait_vals, sc_relax_vals, sc_wake_vals, variant_engine,
};
#define cond_vals(f) cond_vals_tab[f]

static unsigned all_mask(const char *const *vals)
{
    unsigned m = 0;
    for (int i = 0; vals[i]; i++)
        m |= 1u << i;
    return m;
}

static int parse_cond(struct ps *p, const struct tok *t, unsigned masks[M__N])
{
    int k = 0;
    while (k < t->len && t->s[k] != '=' && t->s[k] != '!' && t->s[k] != '<' && t->s[k] != '>')
        k++;
    if (k == t->len)
        return sc_perr(p, t->col, "expected a condition KEY=VALUE (e.g. wait=plain or opt>=O1), "
                    "got '%.*s'", QL(*t));
    struct tok key = sc_sub(t, 0, k);
    int f;
    if (key.len == 0)
        return sc_perr(p, t->col, "expected a key before '%c'", t->s[k]);
    if (sc_parse_enum(p, &key, cond_keys, "condition key", &f))
        return -1;
    char op0 = t->s[k], op1 = k + 1 < t->len ? t->s[k + 1] : 0;
    int oplen = 1;
    char op[3] = {op0, 0, 0};
    if (op1 == '=' && op0 != '=') {
        op[1] = '=';
        oplen = 2;
    } else if (op0 == '!') {
        return sc_perr(p, t->col + k, "expected '!=' ('!' alone is not an operator)");
    }
    struct tok vals = sc_sub(t, k + oplen, t->len);
    if (vals.len == 0)
        return sc_perr(p, vals.col, "expected a value after '%s'", op);
    if (masks[f])
        return sc_perr(p, t->col, "condition on '%s' given twice in one rule", cond_keys[f]);
    const char *const *set = f == M_OPT ? sc_opt_vals : f == M_LIBOPT ? libopt_vals
                             : f == M_MODEL ? sc_mm_vals : cond_vals(f);
    const char *what = f == M_OPT ? "optimisation level" : f == M_LIBOPT ? "library opt-level"
                       : f == M_MODEL ? "memory model" : cond_keys[f];
    unsigned m = 0;
    if (op0 == '<' || op0 == '>') {
        if (f != F__N)
            return sc_perr(p, t->col + k, "'%s' only applies to opt (its levels are ordered); "
                        "list the values instead: %s=a,b", op, cond_keys[f]);
        int lv;
        if (sc_find_char(&vals, ',') >= 0)
            return sc_perr(p, vals.col + sc_find_char(&vals, ','), "'%s' takes one level; for a "
                        "list write opt=O1,O2", op);
        if (sc_parse_enum(p, &vals, sc_opt_vals, what, &lv))
            return -1;
        if (sc_opt_rank[lv] < 0)
            return sc_perr(p, vals.col, "-Og is never part of a range: name it explicitly "
                        "(opt=Og, or opt=O1,Og)");
        int r = sc_opt_rank[lv];
        for (int i = 0; sc_opt_vals[i]; i++) {
            int ri = sc_opt_rank[i];
            if (ri < 0)
                continue;
            int in = op[0] == '>' ? (oplen == 2 ? ri >= r : ri > r)
                                  : (oplen == 2 ? ri <= r : ri < r);
            if (in)
                m |= 1u << i;
        }
    } else {
        int start = 0;
        for (int i = 0; i <= vals.len; i++) {
            if (i < vals.len && vals.s[i] != ',')
                continue;
            struct tok one = sc_sub(&vals, start, i);
            int idx;
            if (one.len == 0)
                return sc_perr(p, one.col, "expected a value (lists are a,b,c)");
            if (sc_parse_enum(p, &one, set, what, &idx))
                return -1;
            m |= 1u << idx;
            start = i + 1;
        }
        if (op0 == '!')
            m = all_mask(set) & ~m;
    }
    if (m == 0)
        return sc_perr(p, t->col, "condition '%.*s' matches no value", QL(*t));
    masks[f] = m;
    return 0;
}

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

static int nth_bit(unsigned m, int n)
{
    for (int i = 0; i < 32; i++)
        if (m & (1u << i)) {
            if (n == 0)
                return i;
            n--;
        }
    return -1;
}

int sc_parse_expect(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    if (p->nt < 2)
        return sc_perr(p, sc_eol_col(p), "expected a verdict after 'expect' (e.g. expect "
                    "HANG_STALE_READ|WRONG_VALUE when wait=plain)");
    const struct tok *vt = &p->t[1];
    unsigned verdicts = 0;
    int start = 0;
    for (int i = 0; i <= vt->len; i++) {
        if (i < vt->len && vt->s[i] != '|')
            continue;
        struct tok one = sc_sub(vt, start, i);
        int idx;
        if (one.len == 0)
            return sc_perr(p, one.col, "expected a verdict%s", start ? " after '|'" : "");
        if (sc_parse_enum(p, &one, sc_verdict_vals, "verdict", &idx))
            return -1;
        verdicts |= 1u << idx;
        start = i + 1;
    }
    unsigned masks[M__N] = {0};
    if (p->nt > 2) {
        if (!sc_tok_is(&p->t[2], "when"))
            return sc_perr(p, p->t[2].col, "expected 'when' after the verdicts, got '%.*s' "
                        "(write several verdicts as A|B, without blanks)", QL(p->t[2]));
        if (p->nt == 3)
            return sc_perr(p, sc_eol_col(p), "expected a condition after 'when' (e.g. wait=plain)");
        for (int i = 3; i < p->nt; i++)
            if (parse_cond(p, &p->t[i], masks))
                return -1;
    }
    unsigned total = 1;
    for (int f = 0; f < F__N; f++)
        if (masks[f])
            total *= (unsigned)popcount(masks[f]);
    for (unsigned n = 0; n < total; n++) {
        struct hvsim_expect one, *e = &one;
        memset(e, 0, sizeof *e);
        char *dst[F__N] = {e->cc, e->arch, e->wait, e->relax, e->wake, e->engine};
        unsigned rest = n;
        for (int f = 0; f < F__N; f++) {
            if (!masks[f])
                continue;
            unsigned cnt = (unsigned)popcount(masks[f]);
            int bit = nth_bit(masks[f], (int)(rest % cnt));
            rest /= cnt;
            sc_setstr(dst[f], sizeof e->cc, cond_vals(f)[bit]);
        }
        e->opt_mask = masks[M_OPT];
        e->libopt_mask = masks[M_LIBOPT];
        e->model_mask = masks[M_MODEL];
        e->verdicts = verdicts;
        e->line = p->lineno;
        if (runcfg_add_expect(c, e) < 0)
            return sc_perr(p, p->t[0].col, "out of memory");
    }
    return 0;
}
