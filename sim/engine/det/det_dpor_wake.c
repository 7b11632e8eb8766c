/* sim/engine/det/det_dpor_wake.c — the IPI that wakes a sleeping thread
 * causes its wake (dpor_wake_causes): a happens-before edge without a
 * race, as the analysis in det_dpor.c needs it. */
#include "det_dpor_int.h"

/* An IPI wakes a sleeper: the first IPI sent after a thread's EV_SLEEP
 * unblocks it (det_platform.c), and every later step of that thread,
 * beginning with its EV_WAKE, comes after it — a cause, not a race: the
 * sleeper could not run at the IPI's decision, so no order of the two is
 * to be reversed, and classic DPOR's fallback put every option there (under
 * arm every entry of every drain, verify_1x1: most of its executions).
 * What the two orders of IPI and sleep give is the race of EV_IPI and
 * EV_SLEEP (two platform calls), which stays.  A later IPI before the wake
 * is no cause (the sleeper was runnable then): it still races the wake. */
/* A dropped IPI (--drop-ipi) is its scheduling point's event, then one
 * with off 1 (det_platform.c): it wakes nobody. */
static int ipi_dropped(const struct det_event *ev, uint32_t nev, uint32_t k)
{
    for (uint32_t q = k + 1; q < nev; q++)
        if (ev[q].tid == ev[k].tid && ev[q].kind != EV_SWITCH)
            return ev[q].kind == EV_IPI && ev[q].off == 1;
    return 0;
}

void dpor_wake_causes(const struct det_event *ev, uint32_t nev, const int32_t *seg, uint64_t *pol)
{
    uint64_t asleep = 0, woken = 0; /* slept and not yet woken; of those, sent an IPI since */
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        uint64_t me = 1ull << (e->tid & 63);
        if (e->kind == EV_SLEEP) {
            asleep |= me;
            woken &= ~me;
        } else if (e->kind == EV_WAKE && (asleep & me)) {
            asleep &= ~me;
            woken &= ~me;
        } else if (e->kind == EV_IPI && e->off == 0 && (asleep & ~woken & ~me) && !ipi_dropped(ev, nev, k)) {
            if (seg[k] >= 0)
                pol[seg[k]] |= asleep & ~woken & ~me;
            woken |= asleep & ~me;
        }
    }
}
