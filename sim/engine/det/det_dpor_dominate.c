/* sim/engine/det/det_dpor_dominate.c — arm/riscv: a read and a later
 * commit of its granule by another thread, whose message holds in the
 * read's bytes the value the read took, are no race.
 *
 * A granule (WMM_GRAN bytes) is one location of the model: req_front and
 * req_rear share one, so the CPU's commit of req_rear met every read of
 * req_front by the daemon, and each such read raced with it.  Reversed
 * (commit c first), read r is offered what it was offered before, which
 * commutes with c (read_of_older in det_dpor_fp.c), and c's message too.
 * Taking c's message r reads the same value as it did, with a view and a
 * coherence bound no lower than before: every later read of its thread
 * is offered a subset of what it is offered after r took the older
 * message (bounds only remove messages; the re-read filter only the
 * message read last).  So each execution with r taking c's message has
 * one with r taking the older message that reads the same values
 * everywhere after — the same behaviour — and that one is r before c,
 * explored.  The two are not ordered either (as read_of_older): kept in
 * happens-before, the order would hide races of what comes before r with
 * what comes after c.  HVSIM_DPOR_NO_DOMINATE=1 turns the rule off. */
#include "det_dpor_int.h"

/* Does commit c (later) leave the value read r (earlier) took in r's bytes? */
static int same_bytes_later(const struct det_event *r, const struct det_event *c)
{
    if (!det_fp_is_read(r) || !r->pkey || r->off >= HVSIM_BRIDGE_PAGE || !r->size || r->size > WMM_GRAN)
        return 0;
    if (c->kind != EV_DRAIN || (c->tid & 63) == (r->tid & 63) || !c->view || c->off >= HVSIM_BRIDGE_PAGE ||
        c->size != WMM_GRAN)
        return 0;
    uint32_t g = c->off / WMM_GRAN;
    if (r->off / WMM_GRAN != g || (r->off + r->size - 1) / WMM_GRAN != g || r->pkey - 1 >= c->view)
        return 0; /* another granule, or not an older message than c's */
    uint32_t sh = 8 * (r->off - g * WMM_GRAN);
    uint64_t mask = r->size >= 8 ? ~0ull : (1ull << (8 * r->size)) - 1;
    return ((c->val >> sh) & mask) == (r->val & mask);
}

int dpor_dominated_read(const struct evseg *es, uint32_t i, uint32_t j)
{
    const struct det_event *ev = es->ev;
    int any = 0;
    /* segment numbers never fall along the trace (-1: no segment) */
    for (uint32_t x = es->first[i]; x < es->end[i]; x++) {
        if (es->seg[x] != (int32_t)i)
            continue;
        for (uint32_t y = x + 1 > es->first[j] ? x + 1 : es->first[j]; y < es->end[j]; y++) {
            if (es->seg[y] != (int32_t)j || !det_dpor_dependent(&ev[x], &ev[y], 1))
                continue;
            if (!same_bytes_later(&ev[x], &ev[y]))
                return 0;
            any = 1;
        }
    }
    return any;
}
