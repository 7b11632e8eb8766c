/* sim/engine/det/det_dpor_rx.c — a spin loop's exit re-read in the
 * analysis: the turn that found a new value (det_fp_reread 2) is kept in
 * a footprint as a read for happens-before (DF_RX, its bytes or private
 * word in rx_*), but neither it nor the step it opens races with the write
 * it saw (dpor_rx_only, dpor_rx_cause, used by det_dpor_fp.c). */
#include "det_dpor_int.h"

/* The bytes (rounded to granules under arm/riscv, as det_fp_mark) of a
 * bridge access at off, size. */
static void rx_span(uint32_t off, uint32_t size, int wmm, uint32_t *b0, uint32_t *b1)
{
    *b0 = off;
    *b1 = off + (size ? size : 1);
    if (wmm) {
        *b0 = *b0 / WMM_GRAN * WMM_GRAN;
        *b1 = (*b1 + WMM_GRAN - 1) / WMM_GRAN * WMM_GRAN;
    }
    if (*b1 > HVSIM_BRIDGE_PAGE)
        *b1 = HVSIM_BRIDGE_PAGE;
}

/* Does f read (any of) what e reads?  priv: a private word by its key. */
static int reads_already(const struct det_fp *f, const struct det_event *e, uint32_t off, uint32_t size, int wmm)
{
    if (off == DET_FP_PRIV) {
        for (int k = 0; k < f->npk; k++)
            if (f->pk[k] == e->pkey)
                return 1;
        return 0;
    }
    uint32_t b0, b1;
    rx_span(off, size, wmm, &b0, &b1);
    for (uint32_t b = b0; b < b1; b++)
        if (f->rd[b / 64] >> (b % 64) & 1)
            return 1;
    return 0;
}

/* A loop's exit re-read (det_fp_reread 2: the turn found a new value): a
 * further turn still, so it is no race with the write it saw (the
 * spin-loop rule; a later write it races with like any read: it stands
 * for the loop's turns from there on), but it observed that write, and
 * what the thread does after the loop comes after it.  Its read is kept
 * for happens-before (rx_only: no race with the earlier write).  Without
 * it, a store that releases a spinner (the lock's release,
 * req_rear for the polling daemon) raced with the spinner's next steps
 * at a decision where the spinner was no option, and every option was
 * explored there.  One exit re-read per footprint; a second location, or
 * a plain read of the same, makes them plain reads. */
void dpor_rx_add(struct det_fp *f, const struct det_event *e, int wmm)
{
    uint32_t size = e->size == 255 ? HVSIM_BRIDGE_PAGE - e->off : e->size;
    int plain = reads_already(f, e, e->off, size, wmm) || (f->flags & DF_RX);
    int first = !f->rblk && !f->wblk && !f->npk && !f->bufs && !f->cbufs && !f->objs &&
                !(f->flags & ~(uint32_t)DF_OWNB);
    det_fp_access(f, e, 1, 0, wmm);
    if (plain) {
        f->flags &= ~(uint32_t)(DF_RX | DF_RXF);
        return;
    }
    f->flags |= DF_RX | (first ? DF_RXF : 0);
    f->rx_off = e->off;
    f->rx_key = e->off == DET_FP_PRIV ? e->pkey : 0;
    f->rx_size = size;
}

/* The exit re-read is no race with the write it saw because reversing
 * them gives one more turn of the loop, which then sees that write: the
 * read before the write sees what the turn before saw.  That holds only
 * when the write is the one change since that turn.  After two (CPU 0
 * pushes req_rear = 2, CPU 1 pushes 3, the polling daemon's next turn
 * sees 3), the read before the last write sees a value no turn saw (2):
 * a race like any read's.  Without this check, on 2 CPUs with 2 and 1
 * reads under sc the search reached 162 behaviours where plain dfs at
 * bound 1 shows 15 it did not; with it, 204 and none missing. */
int dpor_rx_one_change(const struct det_event *ev, uint32_t k)
{
    const struct det_event *r = &ev[k];
    uint32_t p = k;
    while (p-- > 0) /* the loop's turn before: r's instruction, same location */
        if ((ev[p].tid & 63) == (r->tid & 63) && ev[p].pc == r->pc && det_fp_is_read(&ev[p]) &&
            ev[p].off == r->off && ev[p].size == r->size && ev[p].pkey == r->pkey)
            break;
    if (p == UINT32_MAX)
        return 0;
    uint64_t cur = ev[p].val;
    int changes = 0;
    for (uint32_t q = p + 1; q < k; q++) {
        const struct det_event *w = &ev[q];
        int c = dpor_writes_memory(w) ? dpor_loc_cmp(w, r) : 0;
        if (!c)
            continue;
        if (c < 0)
            return 0; /* part of it: not followed */
        if (w->val != cur) {
            cur = w->val;
            changes++;
        }
    }
    return changes <= 1;
}

/* A plain read of f's exit re-read's bytes (any access of its private
 * word) makes it plain. */
void dpor_rx_unless_read(struct det_fp *f, const struct det_event *e, int wmm)
{
    if (!(f->flags & DF_RX) || e->kind == EV_SWITCH)
        return;
    if (f->rx_off == DET_FP_PRIV) {
        if (e->off == DET_FP_PRIV && (!e->pkey || e->pkey == f->rx_key))
            f->flags &= ~(uint32_t)(DF_RX | DF_RXF);
        return;
    }
    if (e->off == DET_FP_PRIV || e->off >= HVSIM_BRIDGE_PAGE || !(det_fp_is_read(e) || e->kind == EV_RMW))
        return;
    uint32_t a0, a1, b0, b1;
    rx_span(f->rx_off, f->rx_size, wmm, &a0, &a1);
    rx_span(e->off, e->size == 255 ? HVSIM_BRIDGE_PAGE - e->off : e->size, wmm, &b0, &b1);
    if (a0 < b1 && b0 < a1)
        f->flags &= ~(uint32_t)(DF_RX | DF_RXF);
}

/* Is r and w's dependence only r's exit re-read (DF_RX) against w, an
 * earlier write (dpor_tfp_race asks only in that order)?  Then it orders
 * them but is no race. */
int dpor_rx_only(const struct det_fp *r, const struct det_fp *w, int wmm)
{
    if (!(r->flags & DF_RX))
        return 0;
    static struct det_fp q; /* 1 KiB: the supervisor is single-threaded */
    q = *r;
    q.flags &= ~(uint32_t)DF_RX;
    if (q.rx_off == DET_FP_PRIV) {
        for (int k = 0; k < q.npk; k++)
            if (q.pk[k] == q.rx_key) {
                q.pk[k] = q.pk[q.npk - 1];
                q.pkw[k] = q.pkw[q.npk - 1];
                q.npk--;
                break;
            }
    } else {
        uint32_t b0, b1;
        rx_span(q.rx_off, q.rx_size, wmm, &b0, &b1);
        for (uint32_t b = b0; b < b1; b++)
            q.rd[b / 64] &= ~(1ull << (b % 64));
    }
    return !det_fp_dependent_in(&q, w, 1);
}

/* Does r's step begin with a loop's exit re-read of what w wrote (DF_RXF)?
 * Then the step is caused by that write (or by a later one, ordered after
 * w): the loop only left because it saw it, so no order of the two steps
 * is to be reversed, whatever else they share.  Without this, a spinner's
 * first step after the loop raced with the releasing step at a decision
 * where the spinner could not run, and every option was explored there. */
int dpor_rx_cause(const struct det_fp *w, const struct det_fp *r, int wmm)
{
    if ((r->flags & (DF_RX | DF_RXF)) != (DF_RX | DF_RXF))
        return 0;
    if (r->rx_off == DET_FP_PRIV) {
        if (w->flags & DF_PRIV_W)
            return 1;
        for (int k = 0; k < w->npk; k++)
            if (w->pk[k] == r->rx_key && w->pkw[k])
                return 1;
        return 0;
    }
    uint32_t b0, b1;
    rx_span(r->rx_off, r->rx_size, wmm, &b0, &b1);
    for (uint32_t b = b0; b < b1; b++)
        if (w->wr[b / 64] >> (b % 64) & 1)
            return 1;
    return 0;
}
