/* sim/engine/det/det_dpor_mp.c — arm/riscv: a later commit of one step's
 * run of commits tried alone before that step, when another thread takes
 * it and the older commit's granule is met after that.
 *
 * A fence (or a sync, a thread's end) commits its thread's buffer in one
 * step, oldest first: c, then c' on another granule.  With no barrier
 * between the two stores (the same mark), the model also lets c' commit
 * alone, at any decision after its store, and c later.  A thread that
 * reads c' and then reads c's granule sees the flag without the value in
 * that order (message passing without a write barrier) — on the daemon's
 * side of the handshake, need_wakeup = 1 before the answer's flag: the CPU
 * kicks and then finds the old flag.  No reversal of two transitions of
 * this execution is that order: c and c' are one step's commits, and the
 * reads come after both.  So the drain of c''s granule is tried at the
 * step's decision.  What meets c's granule after the read of c' may be any
 * thread's read or write but the committing thread's own (a chain through
 * a third thread, WRC's shape; a write that coherence then orders before
 * c): measured, the wider rule costs nothing over the reader's own reads
 * on the bundled workloads.  It is judged on events, not transitions, so
 * it does not rest on how the search cut a thread's steps into
 * transitions (the rule it replaced, commit_before_the_step, needed one
 * transition to hold both reads: docs/det-engine.md).
 * HVSIM_DPOR_NO_MP=1 turns it off. */
#include "det_dpor_int.h"

static int granule(const struct det_event *e)
{
    return e->off < HVSIM_BRIDGE_PAGE && e->size && e->size <= WMM_GRAN ? (int)(e->off / WMM_GRAN) : -1;
}

/* Was thread t's store of granule g (the entry commit c2 lands) made at a
 * decision before step s?  Then the buffer held it there. */
static int stored_before(const struct det_event *ev, uint32_t k, int t, int g, uint32_t s)
{
    while (k-- > 0)
        if ((ev[k].tid & 63) == t && ev[k].kind != EV_DRAIN && (ev[k].mo & DET_EV_BUFFERED) && granule(&ev[k]) == g)
            return ev[k].step < s;
    return 0;
}

/* From event k on, the first read of c2's message by a thread other than
 * t (nev: none). */
static uint32_t first_reader(const struct det_event *ev, uint32_t nev, uint32_t k, int t, const struct det_event *c2)
{
    int g2 = granule(c2);
    for (uint32_t y = k; y < nev; y++)
        if ((ev[y].tid & 63) != t && det_fp_is_read(&ev[y]) && granule(&ev[y]) == g2 && ev[y].pkey == c2->view + 1)
            return y;
    return nev;
}

/* After event y, does a thread other than t read or write granule g? */
static int touched_after(const struct det_event *ev, uint32_t nev, uint32_t y, int t, int g)
{
    for (uint32_t z = y + 1; z < nev; z++)
        if ((ev[z].tid & 63) != t && granule(&ev[z]) == g &&
            (det_fp_is_read(&ev[z]) || dpor_writes_memory(&ev[z]) || (ev[z].mo & DET_EV_BUFFERED)))
            return 1;
    return 0;
}

int dpor_commit_alone_for_a_reader(const struct evseg *es, uint32_t k0, int *gs, int max)
{
    const struct det_event *ev = es->ev;
    int32_t s = es->seg[k0];
    int t = ev[k0].tid & 63, n = 0;
    uint32_t end = k0;
    while (end < es->nev && (es->seg[end] == s || es->seg[end] < 0))
        end++;
    for (uint32_t b = k0; b < end && n < max; b++) {
        const struct det_event *c2 = &ev[b];
        int g2 = granule(c2);
        if (es->seg[b] != s || c2->kind != EV_DRAIN || g2 < 0 || !c2->pkey || !c2->view ||
            !stored_before(ev, k0, t, g2, ev[k0].step))
            continue;
        uint32_t y = first_reader(ev, es->nev, end, t, c2); /* a later read touches after it too */
        for (uint32_t a = k0; a < b && y < es->nev; a++) {
            const struct det_event *c = &ev[a];
            int g = granule(c);
            if (es->seg[a] == s && c->kind == EV_DRAIN && g >= 0 && g != g2 && c->pkey == c2->pkey &&
                touched_after(ev, es->nev, y, t, g)) {
                gs[n++] = g2;
                break;
            }
        }
    }
    return n;
}

/* arm/riscv: a later commit of a step's run tried alone before the step
 * for a reader of both (det_dpor_mp.c), at each segment of commits. */
void dpor_commits_alone(struct det_dfs *d, const struct det_logent *log, const uint32_t *node, uint32_t n,
                          const struct xact *xs, uint64_t *bt, const struct evseg *es)
{
    int gs[16];
    for (uint32_t k = 0, q = 0; k < es->nev && q < n; k++) {
        if (es->seg[k] != (int32_t)q)
            continue;
        int t = es->ev[k].tid & 31, ng = 0; /* the segment's first event */
        if (xs[q].act >= DET_ACT_DRAIN && es->ev[k].kind == EV_DRAIN &&
            (log[node[q]].opts >> (DET_ACT_DRAIN + t) & 1))
            ng = dpor_commit_alone_for_a_reader(es, k, gs, 16);
        for (int i = 0; i < ng; i++) {
            bt[node[q]] |= 1ull << (DET_ACT_DRAIN + t);
            if (d)
                det_gw_put(&d->st[node[q]], t, gs[i], 0);
        }
        q++;
    }
}

/* Each transition's action, with the granule an arm/riscv drain committed;
 * those of this execution's new decisions are explored there (det_gw). */
