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
 * HVSIM_DPOR_NO_VSLEEP=1 turns this off, to measure it and to check that it
 * loses nothing (tests/integration/test_det_behaviours.sh). */
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
            return !t->runk[i] && !t->rpart[i];
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
    static struct det_fp q; /* 1 KiB: the supervisor is single-threaded */
    uint32_t vmin = 0;
    static int off = -1;
    if (off < 0)
        off = getenv("HVSIM_DPOR_NO_VSLEEP") != NULL;
    if (off || t->nsub < 0 || a >= DET_ACT_DRAIN)
        return -1;
    for (int j = 0; j < t->nsub; j++) {
        const struct det_fp *c = &t->sub[j];
        if (!det_fp_dependent(f, c))
            continue;
        /* only commits of other threads' entries (no step, not a's buffer) */
        if (t->actor[j] < ACT_GRAN0 || actor_thread(t->actor[j]) == a || c->who || !c->wts ||
            ((c->bufs | c->cbufs) >> a & 1))
            return -1;
        q = *f; /* f less its reads of c's granules: must commute with c */
        for (uint64_t m = c->wblk & f->rblk; m; m &= m - 1) {
            int k = __builtin_ctzll(m);
            q.rd[k] &= ~c->wr[k];
            if (!q.rd[k])
                q.rblk &= ~(1ull << k);
        }
        if (det_fp_dependent_in(c, &q, 1))
            return -1;
        if (!(c->wblk & f->rblk))
            continue; /* a view that does not hold c's timestamp: no conflict */
        if (!rok || c->wts <= rts)
            return -1;
        if (!vmin || c->wts < vmin)
            vmin = c->wts;
    }
    return vmin;
}

void dpor_vs_mark(struct det_dfs *d, const struct det_logent *log, const struct det_event *ev, uint32_t nev,
                  const int32_t *tr, uint32_t t, int a, uint32_t vmin)
{
    int64_t node = -1;
    int loads = 0;
    for (uint32_t k = 0; d->vcts && k < nev; k++) {
        const struct det_event *e = &ev[k];
        if (tr[k] != (int32_t)t || (e->tid & 31) != a || !det_fp_is_read(e) || e->off >= HVSIM_BRIDGE_PAGE)
            continue;
        loads++;
        uint32_t v = e->step - 1; /* a load's event follows its value choice */
        if (!e->step || v < d->plen || v >= d->n || !log[v].kind || log[v].cur != a)
            continue;
        int o = log[v].chosen - DET_ACT_CHOICE;
        /* the row the runtime wrote for this load names the message it took */
        if (o >= 0 && o < WMM_CANDS && e->pkey && d->vcts[(size_t)v * WMM_CANDS + o] + 1 == e->pkey)
            node = v;
    }
    if (loads != 1 || node < 0) /* the step's one reading decides it; several are not judged */
        return;
    for (uint64_t m = log[node].opts; m; m &= m - 1) {
        int o = __builtin_ctzll(m);
        if (o < WMM_CANDS && d->vcts[(size_t)node * WMM_CANDS + o] < vmin)
            d->st[node].sleep |= 1ull << o;
    }
}
