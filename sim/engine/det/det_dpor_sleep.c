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
    /* arm/riscv: rok, every first read of the bridge in the step took a
     * known message and was offered every one (DET_RF_ALLC); rts, the
     * newest such message's timestamp.  vmin (walk only): asleep only
     * while reading messages older than vmin (value-refined sleep) */
    uint8_t rok[FOOT_MAX];
    uint32_t rts[FOOT_MAX], vmin[FOOT_MAX];
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
static int foot_put(struct det_foot **pf, int act, const struct det_fp *fp, int rok, uint32_t rts)
{
    if (!*pf && !(*pf = calloc(1, sizeof **pf)))
        return -1;
    struct det_foot *f = *pf;
    int i = foot_find(f, act);
    if (i >= 0) {
        fp_union(&f->fp[i], fp);
        f->rok[i] = f->rok[i] && rok;
        f->rts[i] = f->rts[i] > rts ? f->rts[i] : rts;
        return i;
    }
    if (f->n == FOOT_MAX)
        return -1;
    i = f->n++;
    f->act[i] = (uint8_t)act;
    f->fp[i] = *fp;
    f->rok[i] = (uint8_t)rok;
    f->rts[i] = rts;
    f->vmin[i] = 0;
    return i;
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
    for (int i = 0; i < S->n; i++) {
        if (S->act[i] == 0xff)
            continue;
        int j = foot_put(&x->foot, S->act[i], &S->fp[i], S->rok[i], S->rts[i]);
        if (S->vmin[i]) { /* asleep for some readings only: not for the branch */
            sleep &= ~(1ull << S->act[i]);
            if (j >= 0 && (!x->foot->vmin[j] || S->vmin[i] < x->foot->vmin[j]))
                x->foot->vmin[j] = S->vmin[i];
        }
    }
    x->sleep = sleep;
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

/* One execution as the walk reads it. */
struct walk {
    struct det_dfs *d;
    const struct det_logent *log;
    const struct det_event *ev;
    uint32_t nev;
    const int32_t *tr;
    int vs; /* value-refined sleep sets: arm/riscv, not turned off */
};

/* a, asleep for readings older than vmin, took transition t (footprint f
 * asleep): 1 when its one load read such a message (an asleep step,
 * unless branched: the branch was asked for there); else the older
 * options of that load's value choice are asleep there. */
static int vs_taken(const struct walk *w, uint32_t t, int a, const struct det_fp *f, uint32_t vmin, int branched)
{
    int64_t ld = dpor_vs_load(w->ev, w->nev, w->tr, t, a, dpor_vs_granule(f));
    if (ld >= 0 && w->ev[ld].pkey - 1 < vmin && !branched) /* a message offered where it fell asleep */
        return 1;
    if (ld >= 0)
        dpor_vs_mark(w->d, w->log, &w->ev[ld], vmin);
    return 0;
}

/* What is asleep at the prefix's last decision x (k), taking a: asleep or
 * done there before, and (arm/riscv) asleep there for older readings. */
static uint64_t walk_start(const struct walk *w, const struct det_dfs_node *x, int a, uint32_t t,
                           struct det_foot **S)
{
    uint64_t sleep = 0, start = (x->sleep | x->tried) & ~(1ull << a) & ~never_asleep(w->d->model);
    for (uint64_t m = start; m; m &= m - 1) {
        int i = foot_find(x->foot, __builtin_ctzll(m));
        if (i >= 0 && foot_put(S, __builtin_ctzll(m), &x->foot->fp[i], x->foot->rok[i], x->foot->rts[i]) >= 0)
            sleep |= m & -m;
    }
    for (int i = 0; w->vs && x->foot && i < x->foot->n; i++) {
        int b = x->foot->act[i], j;
        if (!x->foot->vmin[i])
            continue;
        if (b == a) /* branched here: its older readings were explored */
            vs_taken(w, t, a, &x->foot->fp[i], x->foot->vmin[i], 1);
        else if (!((x->sleep | x->tried) >> b & 1) &&
                 (j = foot_put(S, b, &x->foot->fp[i], x->foot->rok[i], x->foot->rts[i])) >= 0) {
            (*S)->vmin[j] = x->foot->vmin[i];
            sleep |= 1ull << b;
        }
    }
    return sleep;
}

/* Of S (asleep), what transition t leaves asleep, into T; returns the set. */
static uint64_t walk_wake(const struct walk *w, const struct tfp *t, uint64_t sleep, const struct det_foot *S,
                          struct det_foot **T)
{
    uint64_t still = 0;
    (*T)->n = 0;
    for (int i = 0; i < S->n; i++) {
        if (S->act[i] == 0xff || !(sleep >> S->act[i] & 1))
            continue;
        int64_t v = !det_fp_dependent(&S->fp[i], &t->all) ? 0
                    : w->vs                              ? dpor_vs_commute(t, &S->fp[i], S->act[i], S->rok[i], S->rts[i])
                                                          : -1;
        if (v < 0)
            continue;
        int j = foot_put(T, S->act[i], &S->fp[i], S->rok[i], S->rts[i]);
        if (j < 0)
            continue;
        /* v > 0: asleep for readings older than v only (and than before) */
        (*T)->vmin[j] = v && (!S->vmin[i] || (uint32_t)v < S->vmin[i]) ? (uint32_t)v : S->vmin[i];
        still |= 1ull << S->act[i];
    }
    return still;
}

/* Walk the run/drain decisions from the prefix's last one; 1 when the
 * execution took an asleep step (bt gets the redirect). */
int dpor_sleep_walk(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
                      uint32_t n, const struct tfp *fps, uint64_t *bt, const struct det_event *ev, uint32_t nev,
                      const int32_t *tr)
{
    struct walk w = { d, log, ev, nev, tr, d->model >= DM_ARM && d->vsleep };
    struct det_foot *S = calloc(1, sizeof *S), *T = calloc(1, sizeof *T);
    uint64_t sleep = 0;
    uint32_t p = d->plen ? d->plen - 1 : 0;
    int blocked = 0;
    for (uint32_t t = 0; S && T && t < n && !blocked; t++) {
        uint32_t k = node[t];
        if (k < p)
            continue;
        struct det_dfs_node *x = &d->st[k];
        int a = log[k].chosen, i = foot_find(S, a);
        if (k == p && d->plen) {
            sleep = walk_start(&w, x, a, t, &S);
        } else if ((sleep >> a & 1) && i >= 0 && S->vmin[i] && !vs_taken(&w, t, a, &S->fp[i], S->vmin[i], 0)) {
            /* asleep for older readings only, and it took a newer one */
            sleep &= ~(1ull << a);
            sleep_store(x, sleep, S);
            S->act[i] = 0xff; /* gone (foot_find no longer finds it) */
        } else if (sleep >> a & 1) {
            uint64_t alt = log[k].opts & ~sleep & ~(1ull << a);
            sleep_store(x, sleep, S);
            bt[k] |= alt & -alt;
            blocked = 1;
            break;
        } else {
            sleep_store(x, sleep, S);
        }
        uint32_t rts;
        int rok = dpor_vs_reads(&fps[t], a, &rts);
        foot_put(&x->foot, a, step_fp(&fps[t], a), rok, rts);
        sleep = walk_wake(&w, &fps[t], sleep, S, &T); /* wake what t does not commute with */
        struct det_foot *sw = S;
        S = T;
        T = sw;
    }
    free(S);
    free(T);
    return blocked;
}

size_t det_foot_size(void) { return sizeof(struct det_foot); }
