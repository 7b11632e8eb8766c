/* sim/engine/det/det_dpor_vsleep.c — dpor's sleep sets refined by the value
 * a load took (arm/riscv).  A load's value choice is a decision of its own
 * (det_wmm_rt.c), so the same thread step can read an old message or one a
 * commit since made available.  Plain sleep sets (det_dpor_sleep.c) wake an
 * asleep load at the first commit to its granule, and every stale option
 * of its value choice after that commit is explored again, though reading
 * an old message there commutes with the commit (read_of_older in
 * det_dpor_fp.c: the same offer but the new message, the same post-view,
 * and the commit keeps its timestamp): it was explored where the action
 * fell asleep.  Here such an action stays asleep for the readings older
 * than the commit; when it next runs, the options of its load that name
 * older messages are asleep at that value choice, and an execution that
 * took one is equivalent to one explored (the walk redirects it).
 *
 * EXPERIMENTAL, OFF BY DEFAULT (HVSIM_DPOR_VSLEEP=1, det_dfs.vsleep turns it
 * on).  The argument above is one of states, not a Mazurkiewicz equivalence
 * under the dependence the race analysis uses (a read before a newer
 * commit races there; after it, it does not): a pruned execution can hold
 * a race that puts the action earlier, whose branch then reads the new
 * message, and the explored equivalent does not hold that race.  With the
 * same rule applied to a step that ran forced, verify_1x1 under arm lost a
 * behaviour that way (docs/det-engine.md); and for chosen steps too, arm
 * verify_2x1 (gcc -O2, --wait acquire) ends in 67 executions with 22 of
 * the 30 behaviours the plain search shows (2026-12-04), clang's arm
 * verify_2x1 with 88 of 120, and clang's arm verify_1x2 misses 14 of its
 * execution graphs: NOT SOUND, a verified claim does not rest on it.
 * make bench and test_det_behaviours measure it.
 */
#include "det_dpor_int.h"
#include <stdlib.h>

int dpor_vs_reads(const struct tfp *t, int a, uint32_t *rts)
{
    *rts = 0;
    if (t->nsub < 0 || a >= DET_ACT_DRAIN)
        return 0;
    for (int i = 0; i < t->nsub; i++)
        if (t->actor[i] == a) {
            *rts = t->rts[i];
            /* a read of the initial bytes (timestamp 0) is left out: since
             * those are known for a granule never written too, taking them
             * in cost arm verify_1x1 3,589 executions instead of 304 (why
             * is not known; the refinement is experimental) */
            return !t->runk[i] && !t->rpart[i] && t->rts[i];
        }
    return 1; /* no step of a in t: it read nothing */
}

/* Timestamps compare: f is the step of an action at a node on this
 * execution's path (the prefix up to there is shared), so its views and
 * the messages it read are below every commit that follows that node —
 * the reasoning DPOR applies within one trace (det_fp_dependent_in's
 * one_trace). */
int64_t dpor_vs_commute(const struct tfp *t, const struct det_fp *f, int a, int rok, uint32_t rts)
{
    uint32_t vmin = 0;
    if (t->nsub < 0 || a >= DET_ACT_DRAIN)
        return -1;
    for (int j = 0; j < t->nsub; j++) {
        const struct det_fp *c = &t->sub[j];
        if (!det_fp_dependent(f, c))
            continue;
        /* only commits of other threads' entries (no step, not a's buffer) */
        if (t->actor[j] < ACT_GRAN0 || actor_thread(t->actor[j]) == a || c->who || !c->wts ||
            ((c->bufs | c->cbufs) >> a & 1))
            return -1;
        if (dpor_dependent_beyond(c, f, 1, 0)) /* f less its reads of c's granules */
            return -1;
        if (!(c->wblk & f->rblk))
            continue; /* a view that does not hold c's timestamp: no conflict */
        if (!rok || c->wts <= rts || !dpor_vs_granule(f)) /* one reading, judged by its message */
            return -1;
        if (!vmin || c->wts < vmin)
            vmin = c->wts;
    }
    return vmin;
}

/* The granule + 1 every read of f is on (0: none, or several). */
uint32_t dpor_vs_granule(const struct det_fp *f)
{
    uint32_t g1 = 0;
    for (uint64_t m = f->rblk; m; m &= m - 1) {
        int k = __builtin_ctzll(m);
        for (uint64_t b = f->rd[k]; b; b &= b - 1) {
            uint32_t g = ((uint32_t)k * 64 + (uint32_t)__builtin_ctzll(b)) / WMM_GRAN + 1;
            if (g1 && g1 != g)
                return 0;
            g1 = g;
        }
    }
    return (f->flags & (DF_PRIV_R | DF_PRIV_W | DF_ALL)) || f->npk ? 0 : g1;
}

int64_t dpor_vs_load(const struct det_event *ev, uint32_t nev, const int32_t *tr, uint32_t t, int a, uint32_t g1)
{
    int64_t ld = -1;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        if (tr[k] != (int32_t)t || (e->tid & 31) != a || !det_fp_is_read(e) || e->off >= HVSIM_BRIDGE_PAGE)
            continue;
        if (ld >= 0 || e->off / WMM_GRAN + 1 != g1 || (e->off + e->size - 1) / WMM_GRAN + 1 != g1 || !e->pkey)
            return -1;
        ld = k;
    }
    return ld;
}

void dpor_vs_mark(struct det_dfs *d, const struct det_logent *log, const struct det_event *e, uint32_t vmin)
{
    uint32_t v = e->step - 1; /* a load's event follows its value choice */
    if (!d->vcts || !e->step || v < d->plen || v >= d->n || log[v].kind != DET_KIND_LOAD || log[v].cur != (e->tid & 31))
        return;
    int o = log[v].chosen - DET_ACT_CHOICE;
    /* the row the runtime wrote for this load names the message it took */
    if (o < 0 || o >= WMM_CANDS || d->vcts[(size_t)v * WMM_CANDS + o] + 1 != e->pkey)
        return;
    for (uint64_t m = log[v].opts; m; m &= m - 1) {
        o = __builtin_ctzll(m);
        if (o < WMM_CANDS && d->vcts[(size_t)v * WMM_CANDS + o] < vmin)
            d->st[v].sleep |= 1ull << o;
    }
}
