/* sim/litmus/lit_cond.c — the final condition: evaluation on a final state,
 * herd7's reading of it, and its text. */
#include "litmus.h"
#include <stdio.h>
#include <string.h>

int lit_prop_eval(const struct lit_test *t, int node, const int64_t *obsval)
{
    const struct lit_prop *n = &t->prop[node];
    switch (n->op) {
    case LP_TRUE: return 1;
    case LP_FALSE: return 0;
    case LP_NOT: return !lit_prop_eval(t, n->a, obsval);
    case LP_AND: return lit_prop_eval(t, n->a, obsval) && lit_prop_eval(t, n->b, obsval);
    case LP_OR: return lit_prop_eval(t, n->a, obsval) || lit_prop_eval(t, n->b, obsval);
    default:
        for (int i = 0; i < t->nobs; i++)
            if (t->obs[i].tid == n->tid && t->obs[i].idx == n->idx)
                return obsval[i] == n->val;
        return 0;
    }
}

void lit_obs_name(const struct lit_test *t, int i, char *buf, size_t len)
{
    const struct lit_obs *o = &t->obs[i];
    if (o->tid >= 0)
        snprintf(buf, len, "%d:%s", o->tid, t->thr[o->tid].reg[o->idx]);
    else
        snprintf(buf, len, "%s", t->loc[o->idx].name);
}

static void prop_text(const struct lit_test *t, int node, int top, char *buf, size_t len)
{
    const struct lit_prop *n = &t->prop[node];
    size_t l = strlen(buf);
    if (l + 1 >= len)
        return;
    switch (n->op) {
    case LP_TRUE: snprintf(buf + l, len - l, "true"); return;
    case LP_FALSE: snprintf(buf + l, len - l, "false"); return;
    case LP_NOT:
        snprintf(buf + l, len - l, "~");
        prop_text(t, n->a, 0, buf, len);
        return;
    case LP_AND:
    case LP_OR:
        if (!top)
            snprintf(buf + l, len - l, "(");
        prop_text(t, n->a, 0, buf, len);
        l = strlen(buf);
        snprintf(buf + l, len - l, n->op == LP_AND ? " /\\ " : " \\/ ");
        prop_text(t, n->b, 0, buf, len);
        if (!top) {
            l = strlen(buf);
            snprintf(buf + l, len - l, ")");
        }
        return;
    default:
        if (n->tid >= 0)
            snprintf(buf + l, len - l, "%d:%s=%lld", n->tid, t->thr[n->tid].reg[n->idx], (long long)n->val);
        else
            snprintf(buf + l, len - l, "%s=%lld", t->loc[n->idx].name, (long long)n->val);
    }
}

void lit_cond_text(const struct lit_test *t, char *buf, size_t len)
{
    static const char *const q[] = { "exists", "~exists", "forall" };
    snprintf(buf, len, "%s (", q[t->quant]);
    prop_text(t, t->root, 1, buf, len);
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, ")");
}

int lit_allowed(const struct lit_test *t, uint64_t pos, uint64_t neg)
{
    return t->quant == LQ_FORALL ? neg > 0 : pos > 0;
}

int lit_ok(const struct lit_test *t, uint64_t pos, uint64_t neg)
{
    switch (t->quant) {
    case LQ_EXISTS: return pos > 0;
    case LQ_NOT_EXISTS: return pos == 0;
    default: return neg == 0;
    }
}
