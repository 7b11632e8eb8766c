/* sim/runtime/det/det_fp.h — footprints and dependence, header-only: the
 * supervisor's DPOR (sim/engine/det/det_dpor_fp.c) summarises a transition
 * with them, and the runtime (det_sleep.c) wakes the actions of its sleep
 * set with the same rule.  Pure: no I/O, no state.
 *
 * Two footprints are dependent (do not commute) when they touch the same
 * byte of the bridge page with at least one write (under arm/riscv the
 * model's 8-byte granule, one location there; a store that joined a tso
 * buffer is no write — its drain is), the same private word with a write,
 * the same pthread object, both call the platform, hold a step of the same
 * thread or of a thread and its own buffer, commit entries of one buffer
 * that the model orders, or (arm/riscv) one is ordered
 * (acquire, release, RMW, fence) and the other writes.  What cannot be
 * classified is dependent with everything. */
#ifndef HVSIM_DET_FP_H
#define HVSIM_DET_FP_H

#include "det_shm.h"

#define DET_FP_PRIV 0xffffffffu /* det_event.off of a private access (det_rt_int.h PRIV_OFF) */

/* DF_PRIV_R/W: a private access to a word not known (det_pkey() 0, or more
 * than DET_FP_PK words): dependent with every private access of the other */
enum { DF_PRIV_R = 1, DF_PRIV_W = 2, DF_PLAT = 4, DF_ALL = 8, DF_ORDER = 16, DF_ANYW = 32,
       DF_RR = 64, /* arm/riscv: acquire re-reads of granule rr_g1-1 (det_dpor_fp.c), ordered as DF_ORDER */
       DF_RRB = 128, /* ... that raised their view to rrv at most: within one trace, ordered with the
                      * commits up to rrv only (det_fp_view) */
       DF_OWNB = 256, /* a step of its thread(s) that does not commute with a commit of their
                       * own buffer: anything but a load that cannot touch the buffer
                       * (det_fp_orders_own_buffer) */
       DF_RX = 512, /* it holds a loop's exit re-read (rx_*, det_dpor_fp.c): a read for
                     * happens-before, no race */
       DF_RXF = 1024, /* ... and that read comes first: the step is caused by the write it saw */
       DF_OWNV = 2048 /* arm/riscv: ov came from commits of the step's own hook (DET_VIEW_OWN):
                       * ordered with the commits up to ov as any raise, but no rule that
                       * judges a raise by the message it read applies (dpor_dependent_beyond) */ };

static inline void det_fp_mark(uint64_t *bits, uint64_t *blk, uint32_t off, uint32_t size, int wmm)
{
    uint32_t b0 = off, b1 = off + (size ? size : 1);
    if (wmm) {
        b0 = b0 / WMM_GRAN * WMM_GRAN;
        b1 = (b1 + WMM_GRAN - 1) / WMM_GRAN * WMM_GRAN;
    }
    for (uint32_t b = b0; b < b1 && b < HVSIM_BRIDGE_PAGE; b++) {
        bits[b / 64] |= 1ull << (b % 64);
        *blk |= 1ull << (b / 64);
    }
}

static inline void det_fp_access(struct det_fp *f, const struct det_event *e, int rd, int wr, int wmm)
{
    if (e->off == DET_FP_PRIV) {
        int k = 0;
        while (k < f->npk && f->pk[k] != e->pkey)
            k++;
        if (e->pkey && k < DET_FP_PK) {
            if (k == f->npk) {
                f->pk[f->npk] = e->pkey;
                f->pkw[f->npk++] = 0;
            }
            f->pkw[k] |= (uint8_t)(wr != 0);
        } else {
            f->flags |= (rd ? DF_PRIV_R : 0) | (wr ? DF_PRIV_W : 0);
        }
    } else if (e->off >= HVSIM_BRIDGE_PAGE) {
        f->flags |= DF_ALL; /* a key det_dpor cannot place: dependent with everything */
    } else {
        /* a size of 255 is "255 bytes or more" (det_event): up to the page's end */
        uint32_t size = e->size == 255 ? HVSIM_BRIDGE_PAGE - e->off : e->size;
        if (rd)
            det_fp_mark(f->rd, &f->rblk, e->off, size, wmm);
        if (wr)
            det_fp_mark(f->wr, &f->wblk, e->off, size, wmm);
        if (wr && wmm && e->kind != EV_DRAIN)
            f->wts = 1; /* a write that is no traced commit: observed by every view */
    }
    if (wr)
        f->flags |= DF_ANYW;
}

/* The spin-loop rule's window (det_dpor_fp.c: a re-read starts no race):
 * the locations a thread read since its last action of another kind.
 * The runtime's sleep sets keep one per thread too (det_sleep.c), so
 * both sides agree on which reads are further turns of a loop. */
static inline int det_fp_is_read(const struct det_event *e)
{
    return e->kind == EV_READ || e->kind == EV_VREAD || e->kind == EV_ALOAD;
}

/* 1 when e re-reads a location of its thread's window by the same
 * instruction (pc), a further turn of a loop, 2 when that turn found
 * another value there than the turn before (the loop's exit, as a rule:
 * it observed a write); updates the window.  Two
 * reads of one location by different instructions are no loop: both
 * values count (CoRR, r0 = x; r1 = x: the litmus crosscheck,
 * test_litmus_dpor.sh). */
static inline int det_fp_reread(struct det_win *w, const struct det_event *e)
{
    if (e->kind == EV_SWITCH || e->kind == EV_DRAIN)
        return 0; /* scheduling, the buffer's commit: nothing the thread did */
    int priv = e->off == DET_FP_PRIV;
    if (!det_fp_is_read(e) || (priv && !e->pkey) || (!priv && e->off >= HVSIM_BRIDGE_PAGE)) {
        w->n = w->full = 0; /* any other action ends the loop turn */
        return 0;
    }
    /* a private word is known by 31 bits of its address: the same
     * instruction too, so two words that share them are never confused */
    for (unsigned k = 0; k < w->n; k++)
        if (w->off[k] == e->off && w->size[k] == e->size && w->pc[k] == e->pc && e->pc &&
            (!priv || w->pkey[k] == e->pkey)) {
            int changed = w->val[k] != e->val;
            w->val[k] = e->val;
            return changed ? 2 : 1;
        }
    if (w->n == DET_WIN_MAX) {
        w->full = 1;
        return 0;
    }
    w->off[w->n] = e->off;
    w->pkey[w->n] = priv ? e->pkey : 0;
    w->pc[w->n] = e->pc;
    w->val[w->n] = e->val;
    w->size[w->n++] = e->size;
    return 0;
}

/* Commits of one arm/riscv buffer are ordered only when their entries'
 * barrier counts differ (wmm_can_commit; same granule: one actor, FIFO):
 * a footprint keeps the commits of one buffer with one count apart
 * (cbufs), anything more joins bufs, ordered with every commit. */
static inline void det_fp_commit(struct det_fp *f, const struct det_event *e, int wmm)
{
    uint64_t b = 1ull << (e->tid & 63);
    if (!wmm || !e->pkey || (f->bufs & b)) {
        f->bufs |= b;
        return;
    }
    if (!f->cbufs || (f->cbufs == b && f->cbar == e->pkey)) {
        f->cbufs = b;
        f->cbar = e->pkey;
        return;
    }
    f->bufs |= f->cbufs | b;
    f->cbufs = 0;
}

/* arm/riscv: which commits e observes or is (det_event.view).  A step
 * whose view is not recorded (0) falls back to ordering by kind (ord). */
static inline int det_fp_view(struct det_fp *f, const struct det_event *e)
{
    uint32_t x = e->view;
    if (e->kind == EV_DRAIN) {
        uint32_t ts = x ? x : 1;
        f->wts = f->wts && f->wts < ts ? f->wts : ts;
        return 0;
    }
    if (x == DET_VIEW_ALL) {
        f->flags |= DF_ORDER;
    } else if (x > DET_VIEW_NONE) {
        if (x & DET_VIEW_OWN)
            f->flags |= DF_OWNV;
        x &= ~DET_VIEW_OWN;
        if (x - 2 > f->ov)
            f->ov = x - 2;
    }
    return !x;
}

/* 1 when e, a step of its thread, does not commute with a drain (commit)
 * of that thread's own buffer.  Only a load that leaves the buffer alone
 * commutes:
 *  - tso: a load forwards the newest entry of its bytes or reads memory;
 *    next to a drain of an older entry it reads the same value either way
 *    (it forwards what the drain writes), and the bytes a drain writes are
 *    in the footprint (a load of them still conflicts with other writers).
 *  - arm/riscv: a plain load's bound max(vrnew, coh(t,x)) and the messages
 *    it is offered do not change when the thread commits an entry on
 *    another granule (a commit sets coh, vwold and vrel only), nor does the
 *    commit's timestamp; the same granule conflicts by bytes.  An acquire
 *    load may commit release entries (ldar) and raises vrnew: ordered.
 * Everything else — a store joining the buffer, a fence, an RMW, a sync,
 * the thread's end — orders with its buffer's drains (docs/det-engine.md,
 * "a thread and its own buffer"; the litmus crosscheck's SB found it). */
static inline int det_fp_orders_own_buffer(const struct det_event *e, int wmm)
{
    if (e->kind == EV_READ || e->kind == EV_VREAD)
        return 0;
    return !(e->kind == EV_ALOAD && (!wmm || !e->mo));
}

static inline void det_fp_event(struct det_fp *f, const struct det_event *e, int wmm)
{
    int ord = wmm && det_fp_view(f, e); /* wmm, view not recorded: by kind below */
    if (e->kind == EV_DRAIN) {
        det_fp_commit(f, e, wmm);
    } else {
        f->who |= 1ull << (e->tid & 63);
        if (det_fp_orders_own_buffer(e, wmm))
            f->flags |= DF_OWNB;
    }
    switch (e->kind) {
    case EV_READ: case EV_VREAD:
        det_fp_access(f, e, 1, 0, wmm);
        break;
    case EV_ALOAD:
        det_fp_access(f, e, 1, 0, wmm);
        if (ord && e->mo) /* acquire: its view follows the global commit order */
            f->flags |= DF_ORDER;
        break;
    case EV_WRITE: case EV_VWRITE: case EV_DRAIN:
        /* tso: a store that joined its thread's buffer is seen by its own
         * thread only (program order) until its drain, which the trace has;
         * a drain of what memory holds already conflicts as a read does */
        if (e->kind == EV_DRAIN && !wmm && (e->mo & DET_EV_SILENT))
            det_fp_access(f, e, 1, 0, wmm);
        else if (!(e->mo & DET_EV_BUFFERED) || e->kind == EV_DRAIN)
            det_fp_access(f, e, 0, 1, wmm);
        break;
    case EV_ASTORE:
        if (!(e->mo & DET_EV_BUFFERED))
            det_fp_access(f, e, 0, 1, wmm);
        /* arm/riscv: a release store's barrier (or fence) orders it still */
        if (ord && (e->mo & ~DET_EV_BUFFERED))
            f->flags |= DF_ORDER;
        break;
    case EV_RMW:
        det_fp_access(f, e, 1, 1, wmm);
        if (ord)
            f->flags |= DF_ORDER;
        break;
    case EV_FENCE: /* sc/tso: its drains are traced; arm/riscv: it reads the commit clock */
        if (ord)
            f->flags |= DF_ORDER;
        break;
    case EV_SLEEP: case EV_WAKE: case EV_IPI: case EV_HCALL: case EV_HCDONE:
        f->flags |= DF_PLAT;
        break;
    case EV_DELAY: /* in det a delay point is only a scheduling point (det_platform.c;
                    * the simulated clock it advances is read by nobody) */
        break;
    case EV_BEGIN: case EV_DONE: case EV_SWITCH: case EV_ACCESS: case EV_RESULT:
        break; /* bookkeeping of the thread itself */
    case EV_SYNC:
        if (e->off == SY_CREATE || e->off == SY_JOIN || e->off == SY_EXIT)
            f->flags |= DF_ALL;
        else
            f->objs |= 1ull << (e->val & 63);
        break;
    default:
        f->flags |= DF_ALL;
        break;
    }
}

static inline int det_fp_bits_meet(const uint64_t *a, const uint64_t *b, uint64_t blk)
{
    for (; blk; blk &= blk - 1) {
        int i = __builtin_ctzll(blk);
        if (a[i] & b[i])
            return 1;
    }
    return 0;
}

static inline int det_fp_priv_writes(const struct det_fp *f)
{
    int w = (f->flags & DF_PRIV_W) != 0;
    for (int k = 0; k < f->npk && !w; k++)
        w = f->pkw[k];
    return w;
}

/* Private memory: two accesses of one word, one a write; an unknown word
 * is every word. */
static inline int det_fp_priv_dependent(const struct det_fp *a, const struct det_fp *b)
{
    int any_a = (a->flags & (DF_PRIV_R | DF_PRIV_W)) || a->npk, any_b = (b->flags & (DF_PRIV_R | DF_PRIV_W)) || b->npk;
    if (((a->flags & DF_PRIV_W) && any_b) || ((b->flags & DF_PRIV_W) && any_a) ||
        ((a->flags & DF_PRIV_R) && det_fp_priv_writes(b)) || ((b->flags & DF_PRIV_R) && det_fp_priv_writes(a)))
        return 1;
    for (int i = 0; i < a->npk; i++)
        for (int j = 0; j < b->npk; j++)
            if (a->pk[i] == b->pk[j] && (a->pkw[i] || b->pkw[j]))
                return 1;
    return 0;
}

/* The terms of det_fp_dependent_in that read no bitset and no private
 * word, as one expression over any two structs with det_fp's field names
 * (flags who bufs cbufs cbar objs wts ov rrv): the supervisor's dense
 * summary of a footprint (det_dpor.c, struct fpsum) asks the same terms.
 * - DF_ALL: not classified;
 * - the same thread, one buffer (commits ordered by the model), a
 *   thread's step that orders with its own buffer (DF_OWNB), two platform
 *   calls, one pthread object;
 * - arm/riscv: an ordered access or fence sees which writes committed
 *   before it.  one_trace: a and b come from one execution's trace, where
 *   only commits (wts) are what a view observes (a private write is
 *   outside the model's memory) and timestamps compare (det_fp_view);
 *   across executions (sleep sets) timestamps mean nothing, so a raised
 *   view (ov) observes every write, and bounded re-reads (DF_RRB) count
 *   as DF_RR. */
#define DET_FP_HEAD_MEETS(a, b, one_trace)                                                                  \
    ((((a)->flags | (b)->flags) & DF_ALL) || ((a)->who & (b)->who) ||                                      \
     ((a)->bufs & ((b)->bufs | (b)->cbufs)) || ((b)->bufs & ((a)->bufs | (a)->cbufs)) ||                   \
     (((a)->cbufs & (b)->cbufs) && (a)->cbar != (b)->cbar) ||                                              \
     (((a)->flags & DF_OWNB) && ((a)->who & ((b)->bufs | (b)->cbufs))) ||                                  \
     (((b)->flags & DF_OWNB) && ((b)->who & ((a)->bufs | (a)->cbufs))) ||                                  \
     ((a)->flags & (b)->flags & DF_PLAT) || ((a)->objs & (b)->objs) ||                                     \
     DET_FP_VIEW_MEETS(a, b, one_trace, (one_trace) ? (a)->wts != 0 : ((a)->flags & DF_ANYW) != 0,          \
                       (one_trace) ? (b)->wts != 0 : ((b)->flags & DF_ANYW) != 0,                           \
                       (one_trace) ? (uint32_t)DF_RRB : 0u))
#define DET_FP_VIEW_MEETS(a, b, one_trace, aw, bw, ab)                                                     \
    ((((a)->flags & DF_ORDER) && (bw)) || (((b)->flags & DF_ORDER) && (aw)) ||                             \
     (((a)->flags & (DF_RR | (ab))) == DF_RR && (bw)) || (((b)->flags & (DF_RR | (ab))) == DF_RR && (aw)) || \
     ((one_trace) ? ((a)->ov && (b)->wts && (b)->wts <= (a)->ov) || ((b)->ov && (a)->wts && (a)->wts <= (b)->ov) || \
                        (((a)->flags & DF_RRB) && (b)->wts && (b)->wts <= (a)->rrv) ||                      \
                        (((b)->flags & DF_RRB) && (a)->wts && (a)->wts <= (b)->rrv)                         \
                  : ((a)->ov && ((b)->flags & DF_ANYW)) || ((b)->ov && ((a)->flags & DF_ANYW))))

static inline int det_fp_dependent_in(const struct det_fp *a, const struct det_fp *b, int one_trace)
{
    if (DET_FP_HEAD_MEETS(a, b, one_trace) || det_fp_priv_dependent(a, b))
        return 1;
    return det_fp_bits_meet(a->wr, b->wr, a->wblk & b->wblk) || det_fp_bits_meet(a->wr, b->rd, a->wblk & b->rblk) ||
           det_fp_bits_meet(a->rd, b->wr, a->rblk & b->wblk);
}

static inline int det_fp_dependent(const struct det_fp *a, const struct det_fp *b)
{
    return det_fp_dependent_in(a, b, 0);
}

/* Empty f again, touching only the words its blocks say were set (a
 * footprint is 1 KiB: the runtime clears one per traced event). */
static inline void det_fp_clear(struct det_fp *f)
{
    for (uint64_t b = f->rblk; b; b &= b - 1)
        f->rd[__builtin_ctzll(b)] = 0;
    for (uint64_t b = f->wblk; b; b &= b - 1)
        f->wr[__builtin_ctzll(b)] = 0;
    f->rblk = f->wblk = 0;
    f->npk = 0;
    f->who = f->bufs = f->cbufs = f->objs = 0;
    f->cbar = 0;
    f->flags = 0;
    f->ov = f->wts = f->rrv = 0;
}

#endif
