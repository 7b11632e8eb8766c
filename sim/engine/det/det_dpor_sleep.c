/* sim/engine/det/det_dpor_sleep.c — source-DPOR's sleep sets: which
 * actions are asleep at a decision, with the footprints of their steps,
 * handed to the runtime (det_dfs_slp) and checked after each execution
 * (dpor_sleep_walk).  Split from det_dpor.c, which finds the races. */
#include "det_dpor_int.h"
#include <stdlib.h>
#include <string.h>

/* ---- sleep sets -----------------------------------------------------------
 * An action explored at node i (done there) need not be explored again
 * after another action at i, as long as every step since commutes with its
 * step: it is asleep (Godefroid, "Partial-order methods", LNCS 1032; the
 * sleep sets of source-DPOR's Algorithm 1).  The runtime's continuation
 * after a replayed prefix knows nothing of them, so they are checked after
 * the execution: one that took an asleep step at node k is equivalent to
 * one already explored (its races were analysed there); what the sleep set
 * would have made the scheduler do instead — another option at k — joins
 * k's backtrack set.  Each node keeps the footprints of the steps taken or
 * asleep there, for the executions that backtrack to it. */
#define FOOT_MAX 8
struct det_foot {
    uint8_t n, act[FOOT_MAX];
    struct det_fp fp[FOOT_MAX];
};

void det_foot_free(struct det_foot *f) { free(f); }

static int foot_find(const struct det_foot *f, int act)
{
    for (int i = 0; f && i < f->n; i++)
        if (f->act[i] == act)
            return i;
    return -1;
}

static const struct det_fp *foot_get(const struct det_foot *f, int act)
{
    int i = foot_find(f, act);
    return i < 0 ? NULL : &f->fp[i];
}

/* d gets what s touches too: the footprint of either step (an action's
 * step at one node differs between executions only in the value choices
 * inside it, and an asleep action must commute as every one of them). */
static void fp_union(struct det_fp *d, const struct det_fp *s)
{
    for (uint64_t b = s->rblk; b; b &= b - 1)
        d->rd[__builtin_ctzll(b)] |= s->rd[__builtin_ctzll(b)];
    for (uint64_t b = s->wblk; b; b &= b - 1)
        d->wr[__builtin_ctzll(b)] |= s->wr[__builtin_ctzll(b)];
    d->rblk |= s->rblk;
    d->wblk |= s->wblk;
    for (int k = 0; k < s->npk; k++) {
        int i = 0;
        while (i < d->npk && d->pk[i] != s->pk[k])
            i++;
        if (i == DET_FP_PK) {
            d->flags |= DF_PRIV_R | (s->pkw[k] ? DF_PRIV_W : 0);
            continue;
        }
        if (i == d->npk) {
            d->pk[d->npk] = s->pk[k];
            d->pkw[d->npk++] = 0;
        }
        d->pkw[i] |= s->pkw[k];
    }
    d->who |= s->who;
    d->bufs |= s->bufs;
    d->objs |= s->objs;
    if (s->cbufs && !d->cbufs && !(d->bufs & s->cbufs)) {
        d->cbufs = s->cbufs;
        d->cbar = s->cbar;
    } else if (s->cbufs && (d->cbufs != s->cbufs || d->cbar != s->cbar)) {
        d->bufs |= d->cbufs | s->cbufs;
        d->cbufs = 0;
        d->cbar = 0;
    }
    if ((s->flags & DF_RR) && (d->flags & DF_RR) && d->rr_g1 != s->rr_g1)
        d->flags |= DF_ORDER;
    else if ((s->flags & DF_RR) && !(d->flags & DF_RR))
        d->rr_g1 = s->rr_g1;
    d->flags |= s->flags;
    d->flags &= ~(uint32_t)(DF_RX | DF_RXF); /* a sleep set asks for dependence only, not races */
    d->ov = d->ov > s->ov ? d->ov : s->ov;
    d->rrv = d->rrv > s->rrv ? d->rrv : s->rrv;
    if (s->wts && (!d->wts || s->wts < d->wts))
        d->wts = s->wts;
}

/* A footprint that cannot be kept is simply not known later: that action
 * is then never put asleep from here (more executions, never fewer).  An
 * action kept already adds the new step's footprint to its own. */
static void foot_put(struct det_foot **pf, int act, const struct det_fp *fp)
{
    if (!*pf && !(*pf = calloc(1, sizeof **pf)))
        return;
    struct det_foot *f = *pf;
    int i = foot_find(f, act);
    if (i >= 0) {
        fp_union(&f->fp[i], fp);
        return;
    }
    if (f->n == FOOT_MAX)
        return;
    i = f->n++;
    f->act[i] = (uint8_t)act;
    f->fp[i] = *fp;
}

/* The step action a took in transition t: its own events (all of them when
 * the transition's actors were not kept apart; none: it commutes with all). */
static const struct det_fp *step_fp(const struct tfp *t, int a)
{
    static const struct det_fp none;
    if (t->nsub < 0)
        return &t->all;
    for (int i = 0; i < t->nsub; i++) {
        int b = t->actor[i];
        if (a < DET_ACT_DRAIN ? b == a : b >= 32 && actor_thread(b) == a - DET_ACT_DRAIN)
            return &t->sub[i];
    }
    return &none;
}

/* Asleep at node k: what is asleep plus their footprints, stored there. */
static void sleep_store(struct det_dfs_node *x, uint64_t sleep, const struct det_foot *S)
{
    x->sleep = sleep;
    for (int i = 0; i < S->n; i++)
        foot_put(&x->foot, S->act[i], &S->fp[i]);
}

/* Under arm/riscv a drain action commits one of several entries (its
 * granule is what the action is, det_gw): it is never put asleep.  Under
 * tso it is: kept awake there once hid a missing race (verify_1x2 missed 6
 * more of sc's behaviours with drains asleep) that needs_before in
 * det_dpor_own.c now finds; with it, all 113 in 27,645 executions, where
 * never asleep took 50,189 and still missed one. */
static uint64_t never_asleep(int model)
{
    return model >= DM_ARM ? ~((1ull << DET_ACT_DRAIN) - 1) : 0;
}

void det_dfs_slp(const struct det_dfs *d, struct det_slp *z)
{
    memset(z->win, 0, sizeof z->win);
    z->mask = 0;
    z->n = 0;
    z->next_ev = 0;
    z->gstep1 = d->dpor ? d->gstep1 : 0;
    z->g = d->g;
    z->gmiss = 0;
    if (!d->dpor || !d->plen)
        return;
    const struct det_dfs_node *x = &d->st[d->plen - 1];
    if (x->kind) /* a value choice: dpor_sleep_walk starts with nothing asleep */
        return;
    uint64_t start = (x->sleep | x->tried) & ~(1ull << (x->chosen & 63)) & ~never_asleep(d->model);
    for (uint64_t m = start; m && z->n < DET_SLP_MAX; m &= m - 1) {
        int a = __builtin_ctzll(m);
        const struct det_fp *f = foot_get(x->foot, a);
        if (!f)
            continue;
        z->act[z->n] = (uint8_t)a;
        z->fp[z->n++] = *f;
        z->mask |= 1ull << a;
    }
}

/* Walk the run/drain decisions from the prefix's last one; 1 when the
 * execution took an asleep step (bt gets the redirect). */
int dpor_sleep_walk(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
                      uint32_t n, const struct tfp *fps, uint64_t *bt)
{
    struct det_foot *S = calloc(1, sizeof *S), *T = calloc(1, sizeof *T);
    uint64_t sleep = 0;
    uint32_t p = d->plen ? d->plen - 1 : 0;
    int blocked = 0;
    for (uint32_t t = 0; S && T && t < n && !blocked; t++) {
        uint32_t k = node[t];
        if (k < p)
            continue;
        struct det_dfs_node *x = &d->st[k];
        int a = log[k].chosen;
        if (k == p && d->plen) { /* asleep here before, and done here before a */
            uint64_t start = (x->sleep | x->tried) & ~(1ull << a) & ~never_asleep(d->model);
            for (uint64_t m = start; m; m &= m - 1) {
                const struct det_fp *f = foot_get(x->foot, __builtin_ctzll(m));
                if (f) {
                    foot_put(&S, __builtin_ctzll(m), f);
                    sleep |= m & -m;
                }
            }
        } else if (sleep >> a & 1) {
            uint64_t alt = log[k].opts & ~sleep & ~(1ull << a);
            sleep_store(x, sleep, S);
            bt[k] |= alt & -alt;
            blocked = 1;
            break;
        } else {
            sleep_store(x, sleep, S);
        }
        foot_put(&x->foot, a, step_fp(&fps[t], a));
        /* wake what this transition does not commute with */
        T->n = 0;
        uint64_t still = 0;
        for (int i = 0; i < S->n; i++)
            if (!det_fp_dependent(&S->fp[i], &fps[t].all)) {
                foot_put(&T, S->act[i], &S->fp[i]);
                still |= 1ull << S->act[i];
            }
        struct det_foot *sw = S;
        S = T;
        T = sw;
        sleep = still;
    }
    free(S);
    free(T);
    return blocked;
}
