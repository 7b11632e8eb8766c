/* sim/engine/det/det_dpor.c — source-DPOR bookkeeping (Abdulla, Aronis,
 * Jonsson, Sagonas, POPL'14, as Nidhugg does it), with sleep sets.
 *
 * Pure functions over one execution's decision log and trace: which logged
 * decisions race, and which action each race adds to the backtrack set of
 * the earlier decision.  Unit-tested in tests/unit/test_det_dpor.c.
 *
 * A transition is what follows one logged run/drain decision up to the next
 * one: the events whose step lies after it (forced, unlogged switches and
 * the value choices of arm/riscv stay inside it; value choices themselves
 * are explored exhaustively by det_sched.c, never reduced).  Its footprint
 * (det_dpor_fp.c) is summarised once; two transitions are dependent when
 * their footprints conflict.  Over-approximating dependence
 * only costs executions, so whatever is not classified is dependent.
 */
#include "det_dpor_int.h"
#include <stdlib.h>
#include <string.h>

/* The run/drain decisions of the log (value choices are not transitions). */
static uint32_t collect_nodes(const struct det_logent *log, uint32_t nlog, uint32_t *node)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < nlog; i++)
        if (!log[i].kind)
            node[k++] = i;
    return k;
}

#define BS_WORDS(n) (((n) + 63) / 64)
#define BS_GET(b, i) ((b)[(i) / 64] >> ((i) % 64) & 1)
#define BS_SET(b, i) ((b)[(i) / 64] |= 1ull << ((i) % 64))

/* The action of decision log[i] as a bit of its opts. */
static uint64_t act_bit(const struct det_logent *l) { return 1ull << (l->chosen & 63); }

/* Source-DPOR's initials: the first transitions of notdep(i).j that no
 * earlier transition of that sequence happens before, as action bits. */
static uint64_t initials(const struct det_logent *log, const uint32_t *node, const uint64_t *hb,
                         size_t w, uint32_t i, uint32_t j, uint64_t jact)
{
    uint64_t I = 0;
    for (uint32_t k = i + 1; k <= j; k++) {
        if (k < j && BS_GET(&hb[(size_t)k * w], i))
            continue; /* after i: not in v */
        int first = 1;
        for (uint32_t q = i + 1; q < k && first; q++)
            if (!BS_GET(&hb[(size_t)q * w], i) && BS_GET(&hb[(size_t)k * w], q))
                first = 0;
        if (first) /* j: the racing step's actor, which may be a forced step after the chosen one */
            I |= k == j ? jact : act_bit(&log[node[k]]);
    }
    return I;
}

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

static const struct det_fp *foot_get(const struct det_foot *f, int act)
{
    for (int i = 0; f && i < f->n; i++)
        if (f->act[i] == act)
            return &f->fp[i];
    return NULL;
}

/* A footprint that cannot be kept is simply not known later: that action
 * is then never put asleep from here (more executions, never fewer). */
static void foot_put(struct det_foot **pf, int act, const struct det_fp *fp)
{
    if (!*pf && !(*pf = calloc(1, sizeof **pf)))
        return;
    struct det_foot *f = *pf;
    int i = 0;
    while (i < f->n && f->act[i] != act)
        i++;
    if (i == FOOT_MAX)
        return;
    if (i == f->n)
        f->act[f->n++] = (uint8_t)act;
    f->fp[i] = *fp;
}

/* The step action a took in transition t: its own events (all of them when
 * the transition's actors were not kept apart; none: it commutes with all). */
static const struct det_fp *step_fp(const struct tfp *t, int a)
{
    static const struct det_fp none;
    if (t->nsub < 0)
        return &t->all;
    int actor = a < DET_ACT_DRAIN ? a : 32 + a - DET_ACT_DRAIN;
    for (int i = 0; i < t->nsub; i++)
        if (t->actor[i] == actor)
            return &t->sub[i];
    return &none;
}

/* Asleep at node k: what is asleep plus their footprints, stored there. */
static void sleep_store(struct det_dfs_node *x, uint64_t sleep, const struct det_foot *S)
{
    x->sleep = sleep;
    for (int i = 0; i < S->n; i++)
        foot_put(&x->foot, S->act[i], &S->fp[i]);
}

void det_dfs_slp(const struct det_dfs *d, struct det_slp *z)
{
    z->mask = 0;
    z->n = 0;
    z->next_ev = 0;
    if (!d->dpor || !d->plen)
        return;
    const struct det_dfs_node *x = &d->st[d->plen - 1];
    if (x->kind) /* a value choice: sleep_walk starts with nothing asleep */
        return;
    uint64_t start = (x->sleep | x->tried) & ~(1ull << (x->chosen & 63));
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
static int sleep_walk(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
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
            uint64_t start = (x->sleep | x->tried) & ~(1ull << a);
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

/* Every race of the execution adds to bt (source sets). */
static int find_races(const struct det_logent *log, const uint32_t *node, uint32_t n,
                      const struct tfp *fps, uint64_t *hb, uint64_t *cov, size_t w, int model,
                      uint64_t *bt)
{
    int races = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint64_t *hj = &hb[(size_t)j * w];
        memset(cov, 0, w * sizeof *cov);
        for (int64_t i = (int64_t)j - 1; i >= 0; i--) {
            if (!det_fp_dependent(&fps[i].all, &fps[j].all))
                continue;
            uint64_t *hi = &hb[(size_t)i * w];
            int ordered = BS_GET(cov, (uint32_t)i); /* i -> k -> j for a later k */
            BS_SET(hj, (uint32_t)i);
            for (size_t q = 0; q < w; q++) {
                hj[q] |= hi[q];
                cov[q] |= hi[q];
            }
            /* steps of one thread (or one buffer, FIFO): program order, no race */
            uint64_t jact = ordered ? 0 : dpor_tfp_race(&fps[i], &fps[j], act_bit(&log[node[j]]), model);
            if (!jact)
                continue;
            races++;
            const struct det_logent *li = &log[node[i]];
            uint64_t I = initials(log, node, hb, w, (uint32_t)i, j, jact);
            if (I & bt[node[i]])
                continue;
            uint64_t ok = I & li->opts;
            /* an initial the decision could not take (blocked, spinning,
             * not yet created): every option there, as classic DPOR does */
            bt[node[i]] |= ok ? ok & -ok : li->opts;
        }
    }
    return races;
}

static int analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                   const struct det_event *ev, uint32_t nev, int model, uint64_t *bt)
{
    uint32_t *node = malloc((nlog + 1) * sizeof *node);
    int32_t *of = malloc((nlog + 1) * sizeof *of);
    uint32_t n = node ? collect_nodes(log, nlog, node) : 0;
    /* a full trace lost events (drains among them): nothing can be reduced */
    if (!node || !of || n > DET_DPOR_MAX_NODES || nev >= DET_MAX_EV) {
        free(node);
        free(of);
        return -1;
    }
    size_t w = BS_WORDS(n ? n : 1);
    int32_t cur = -1;
    for (uint32_t i = 0, k = 0; i < nlog; i++) {
        if (k < n && node[k] == i)
            cur = (int32_t)k++;
        of[i] = cur;
    }
    struct tfp *fps = calloc(n ? n : 1, sizeof *fps);
    uint64_t *hb = calloc((size_t)(n ? n : 1) * w, sizeof *hb); /* hb[j]: transitions before j */
    uint64_t *cov = calloc(w, sizeof *cov);
    int races = -1;
    if (fps && hb && cov) {
        dpor_build_fps(nlog, ev, nev, model, of, fps);
        if (d && sleep_walk(d, log, node, n, fps, bt))
            races = -2;
        else
            races = find_races(log, node, n, fps, hb, cov, w, model, bt);
    }
    free(fps);
    free(hb);
    free(cov);
    free(node);
    free(of);
    return races;
}

int det_dpor_races(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                   uint32_t nev, int model, uint64_t *bt)
{
    return analyse(NULL, log, nlog, ev, nev, model, bt);
}

int det_dpor_analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                     const struct det_event *ev, uint32_t nev, uint64_t *bt)
{
    return analyse(d, log, nlog, ev, nev, d->model, bt);
}
