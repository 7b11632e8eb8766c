/* sim/engine/det/det_dpor_stale.c — arm/riscv: a wait loop's turn that
 * read a stale message, then turned again.
 *
 * Under arm and riscv a load is offered every message it may read, and
 * the search tries each (a value choice, det_sched.c).  At a wait loop's
 * first read that includes the old value the loop waits on, although a
 * newer message is there: the loop turns, its next turn takes the newer
 * one (a re-read is not offered what its thread already read, `offer` in
 * det_wmm_rt.c), and the execution is the one in which the first read
 * took that message, less one turn that read and changed nothing.  Under
 * the assumption of the spin-loop rule (docs/det-engine.md, *spin loops*:
 * a loop that only reads behaves the same however often it turned) that
 * execution, and everything below it, is explored already as the other
 * option of the same value choice.  Kept, the search explored each wait
 * twice over, at every depth (verify_1x2 under arm: half of the branches
 * were value choices, most of them the CPU's wait for cfg_flags).
 *
 * Only when nothing is in doubt: the read was offered every message
 * (DET_RF_ALLC), it took an older one than the newest (not the default
 * option), its thread did nothing but read bridge or private words up to
 * the same instruction's next read of the same bytes, and that read took a
 * message of another value that was committed before the first read (so
 * it was an option there). */
#include "det_dpor_int.h"
#include <stdlib.h>

/* The commit of the message with timestamp ts (of r's granule) before
 * event k?  (A commit's view 0 is a timestamp not known: no match.) */
static int committed_before(const struct det_event *ev, uint32_t k, const struct det_event *r, uint32_t ts)
{
    for (uint32_t q = 0; ts && q < k; q++)
        if (ev[q].kind == EV_DRAIN && ev[q].view == ts && ev[q].off / WMM_GRAN == r->off / WMM_GRAN)
            return 1;
    return 0;
}

int det_stale_turn(const struct det_event *ev, uint32_t nev, uint32_t k)
{
    const struct det_event *r = &ev[k];
    uint32_t tid = r->tid & 63;
    for (uint32_t q = k + 1; q < nev; q++) {
        const struct det_event *e = &ev[q];
        if ((e->tid & 63) != tid || e->kind == EV_SWITCH || e->kind == EV_DRAIN)
            continue;
        if (!det_fp_is_read(e) || (e->off == DET_FP_PRIV ? !e->pkey : e->off >= HVSIM_BRIDGE_PAGE))
            return 0; /* the thread did something else: no loop's turn */
        if (e->off != r->off || e->size != r->size || e->pc != r->pc)
            continue; /* another read of the loop's body */
        if (e->val == r->val)
            continue; /* a further failed turn */
        return e->pkey && committed_before(ev, k, r, e->pkey - 1);
    }
    return 0;
}

int dpor_stale_turn(const struct det_logent *log, uint32_t nlog, const struct det_event *ev, uint32_t nev)
{
    if (getenv("HVSIM_DPOR_NO_STALE"))
        return -1;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *r = &ev[k];
        uint32_t c = r->step - 1; /* the value choice logged just before it */
        if (!r->step || c >= nlog || !log[c].kind || !det_fp_is_read(r) || r->off >= HVSIM_BRIDGE_PAGE ||
            !r->pkey || !(r->rflags & DET_RF_ALLC) || !log[c].opts ||
            log[c].chosen == DET_ACT_CHOICE + __builtin_ctzll(log[c].opts)) /* the newest: the default */
            continue;
        if (det_stale_turn(ev, nev, k))
            return (int)c;
    }
    return -1;
}
