/* sim/engine/det/det_dpor_stale.c — arm/riscv: a stale failed turn of a loop.
 *
 * An execution leaves the one before at its deepest decision with an
 * option left (det_dfs_next).  When that decision is a load's value choice
 * and the option is a stale message (older than the newest offered), and
 * the load is a failed turn of a wait (det_await_turns: the wait's
 * instruction reads its location again with nothing done between, and a
 * later turn sees the value a write left), the execution and everything
 * under that decision are explored already, up to the spin-loop
 * equivalence the search assumes (det_dpor_await.c; Kokologiannakis, Ren,
 * Vafeiadis, FMCAD'21):
 *  - the turn's thread is deterministic: given the stale value it comes
 *    back to the same instruction with nothing done, in every execution
 *    under the decision, so each of them holds the turn;
 *  - a read changes nothing another thread sees, and without it the
 *    thread's views are no higher than with it (a lower view leaves later
 *    reads more messages, never fewer: the model is monotone in views),
 *    so each is an execution with one failed turn more than one the
 *    search reaches, where the wait's next turn takes what this one's
 *    next took.
 * det_dfs_dpor then neither analyses its races nor explores the decisions
 * under it (dpor_stale_turn: 1).  A turn of several reads of one granule
 * prunes less (reads_turn; dpor_stale_turn: 2).  The turn-less execution
 * holds the loop's counter one turn lower: the await rule's assumption
 * too (a wait's turns only wait; det's fair scheduler never lets the
 * daemon's poll window run out while a CPU can run).  Measured:
 * docs/det-engine.md, *a stale failed turn*.  HVSIM_DPOR_NO_STALE=1 turns
 * it off. */
#include "det.h"
#include "runtime/det/det_fp.h"
#include <stdlib.h>

/* A turn of reads of one granule by several instructions (the daemon's
 * poll window: ring_pending reads req_rear, then req_front, one granule of
 * the model): from r on, the thread only reads r's granule until it reads
 * it again by r's instruction, with r's kind, order and bytes (event e).
 * Unlike a wait's turn its other reads may take other messages in the
 * executions that differ inside it, and leave the loop there: so only the
 * executions that keep every decision up to e are ones explored already
 * (each holds the same turn), and this one's races are analysed as any
 * execution's.  Returns e's step (the decisions from it on), 0 when not. */
static uint32_t reads_turn(const struct det_event *ev, uint32_t n, uint32_t r)
{
    const struct det_event *a = &ev[r];
    if (a->off >= HVSIM_BRIDGE_PAGE || !a->pc)
        return 0;
    uint32_t g = a->off / WMM_GRAN;
    int t = a->tid & 63;
    for (uint32_t k = r + 1; k < n; k++) {
        const struct det_event *e = &ev[k];
        if ((e->tid & 63) != t || e->kind == EV_DELAY || e->kind == EV_SWITCH)
            continue;
        if (!det_fp_is_read(e) || e->off >= HVSIM_BRIDGE_PAGE || e->off / WMM_GRAN != g ||
            (e->off + e->size - 1) / WMM_GRAN != g)
            return 0; /* it did something else: no turn */
        if (e->pc == a->pc)
            return e->kind == a->kind && e->mo == a->mo && e->off == a->off && e->size == a->size ? e->step : 0;
    }
    return 0;
}

int32_t det_choice_read(const struct det_event *ev, uint32_t nev, const struct det_logent *log, uint32_t v)
{
    for (uint32_t k = 0; k < nev; k++) /* a load's event follows its value choice */
        if (ev[k].step == v + 1 && det_fp_is_read(&ev[k]) && (ev[k].tid & 31) == log[v].cur)
            return (int32_t)k;
    return -1;
}

int dpor_stale_turn(const struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                    const struct det_event *ev, uint32_t nev, uint32_t *from)
{
    if (getenv("HVSIM_DPOR_NO_STALE") || !d->plen || d->plen > nlog || d->model < DM_ARM)
        return 0;
    uint32_t v = d->plen - 1;
    const struct det_logent *l = &log[v];
    if (l->kind != DET_KIND_LOAD || !l->opts || l->chosen - DET_ACT_CHOICE == __builtin_ctzll(l->opts))
        return 0; /* not a value choice, or the newest message */
    uint32_t n = nev < DET_MAX_EV ? nev : DET_MAX_EV;
    int32_t r = det_choice_read(ev, n, log, v);
    if (r < 0)
        return 0;
    static uint8_t skip[DET_MAX_EV]; /* 1 MiB: the supervisor is single-threaded */
    det_await_turns(ev, n, skip);
    if (skip[r])
        return 1;
    *from = reads_turn(ev, n, (uint32_t)r);
    return *from ? 2 : 0;
}
