/* sim/engine/det/det_dpor_own.c — tso: a thread and its own store buffer
 * in the analysis (det_dpor.c, det_dpor_fp.c): which store each drain
 * commits (its FIFO replayed), which of the thread's steps a drain
 * commutes with, and the drain alone tried before the step that forced
 * it.  Docs: docs/det-engine.md, "a thread and its own buffer". */
#include "det_dpor_int.h"
#include <stdlib.h>

/* tso: which store made the entry each drain commits (from[k], the
 * store's event; -1: not known, or not a drain).  A thread's FIFO holds
 * its buffered stores in order; a drain takes its bytes from the oldest
 * (a store of several entries drains in several).  Anything that does not
 * add up leaves the rest of that thread's drains not known. */
#define FIFO_MAX 64
struct fifo {
    uint32_t ev[FIFO_MAX], left[FIFO_MAX];
    uint32_t head, n;
    int lost;
};

static int buffered_store(const struct det_event *e)
{
    return (e->kind == EV_WRITE || e->kind == EV_VWRITE || e->kind == EV_ASTORE) && (e->mo & DET_EV_BUFFERED);
}

void dpor_fifo_origins(const struct det_event *ev, uint32_t nev, int32_t *from)
{
    struct fifo *fq = calloc(64, sizeof *fq);
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        struct fifo *q = fq ? &fq[e->tid & 63] : NULL;
        from[k] = -1;
        if (!q)
            continue;
        if (buffered_store(e)) {
            if (q->n == FIFO_MAX || e->size == 255 || !e->size)
                q->lost = 1;
            else {
                uint32_t i = (q->head + q->n++) % FIFO_MAX;
                q->ev[i] = k;
                q->left[i] = e->size;
            }
        } else if (e->kind == EV_DRAIN) {
            if (q->lost || !q->n || !e->size || e->size == 255 || e->size > q->left[q->head]) {
                q->lost = 1;
                continue;
            }
            from[k] = (int32_t)q->ev[q->head];
            if (!(q->left[q->head] -= e->size)) {
                q->head = (q->head + 1) % FIFO_MAX;
                q->n--;
            }
        }
    }
    free(fq);
}

/* A drain's origin as the transition or segment of its store (mk), and
 * what orders with a thread's drains other than loads and stores joining
 * its buffer (ownx). */
void dpor_own_buffer_note(const struct det_event *ev, uint32_t k, const int32_t *of, const int32_t *from,
                            struct tfp *fps)
{
    const struct det_event *e = &ev[k];
    if (of[k] < 0)
        return;
    if (e->kind == EV_DRAIN) {
        struct tfp *d = &fps[of[k]];
        int32_t c = from && from[k] >= 0 ? of[from[k]] : INT32_MAX;
        if (d->mk == -2 || c > d->mk)
            d->mk = c;
        return;
    }
    /* what orders with the drains: a fence, an RMW, an unbuffered store, a
     * platform or pthread call, the thread's end (bookkeeping does not) */
    int book = e->kind == EV_DELAY || e->kind == EV_BEGIN || e->kind == EV_ACCESS || e->kind == EV_RESULT ||
               e->kind == EV_SWITCH;
    if (!buffered_store(e) && !book && det_fp_orders_own_buffer(e, 0))
        fps[of[k]].ownx = 1;
}

/* Is l a step of one thread T only, and d only drains of T's buffer? */
static int thread_and_its_drains(const struct det_fp *l, const struct det_fp *d)
{
    return l->who && !(l->who & (l->who - 1)) && !l->bufs && !l->cbufs && !d->who && d->bufs == l->who &&
           !d->cbufs && !(d->flags & ~(uint32_t)DF_ANYW);
}

/* tso: is l only loads of one thread T and d only drains of T's buffer?
 * Next to each other they commute even on the same bytes: before the
 * drain the load forwards the newest entry of its bytes, after it memory
 * holds what the drain wrote (or an entry still buffered forwards again).
 * Without this the load of x in CoWR's P0 (x = 1; r0 = x) orders P0's
 * exit drain after it, and the drain's race with P1's store is never seen
 * (the litmus crosscheck). */
static int load_and_own_drain(const struct det_fp *l, const struct det_fp *d)
{
    return thread_and_its_drains(l, d) && !(l->flags & ~(uint32_t)DF_PRIV_R) && !l->wblk &&
           !det_fp_priv_writes(l) && !d->npk;
}

/* tso: is s only loads and buffered stores of one thread T, and d only
 * drains of T's buffer, of entries stored before s?  They commute: a store
 * joining the FIFO behind older entries changes neither what their drain
 * writes nor what T's loads see (they forward the newest entry of their
 * bytes).  The drain of an entry s stored stays ordered after s.  Without
 * this, a thread's later store ordered an older entry's drain after it,
 * and the chain hid that drain's race with another thread's read: the
 * daemon's req_front = 1 behind its req_front = 2 (verify_2x1). */
static int store_and_own_drain(const struct tfp *s, const struct tfp *d)
{
    const struct det_fp *l = &s->all, *c = &d->all;
    return !s->ownx && s->idx > d->mk && thread_and_its_drains(l, c) &&
           !(l->flags & ~(uint32_t)(DF_PRIV_R | DF_OWNB | DF_RX)) && !l->wblk && !det_fp_priv_writes(l) && !c->npk;
}

/* tso: is s a step of thread T and d, later, only drains of T's buffer,
 * of entries stored before s?  Then d is no step s's thread made after s:
 * a fence, an RMW's or a platform call's drains, the thread's end (traced
 * after the step that forced them) could have drained at any decision
 * since their stores, and happen-before through s would order them after
 * whatever s's thread did before s.  That hid races: the daemon's read
 * of req_rear before its sleep fence ordered the fence's drain of
 * cfg_flags after it, and through the CPU's wait for cfg_flags its next
 * push too, so the push was never tried before that read (verify_1x2:
 * 22 behaviours sc shows were missing under tso).  The step a drain's
 * entry came from stays ordered before it (mk), and pol orders d before
 * T's later steps. */
static int own_drain_after(const struct tfp *s, const struct tfp *d)
{
    const struct det_fp *l = &s->all, *c = &d->all;
    return s->idx < d->idx && s->idx > d->mk && thread_and_its_drains(l, c) && !(l->flags & DF_ALL);
}

/* tso: do transitions (or segments) a and b commute because they are a
 * thread and its own buffer's drains, as above? */
int dpor_own_commute(const struct tfp *a, const struct tfp *b)
{
    return load_and_own_drain(&a->all, &b->all) || load_and_own_drain(&b->all, &a->all) ||
           store_and_own_drain(a, b) || store_and_own_drain(b, a) || own_drain_after(a, b) ||
           own_drain_after(b, a);
}

/* Does segment j, event by event, depend on segment e no later than it
 * depends on segment i (it needs what e did for the part of it that meets
 * i)?  One event that meets both — a read of bytes e and i both drained —
 * reads e's value when it comes between them: the CPU's read of
 * need_wakeup between the daemon's drains of need_wakeup = 0 and = 1
 * (verify_1x2: the one behaviour sc shows that tso did not reach). */
static int needs_before(const struct evseg *es, uint32_t j, uint32_t e, uint32_t i)
{
    static struct det_fp f; /* 1 KiB: the supervisor is single-threaded */
    for (uint32_t x = 0; x < es->nev; x++) {
        if (es->seg[x] != (int32_t)j)
            continue;
        det_fp_clear(&f);
        det_fp_event(&f, &es->ev[x], 0);
        if (det_fp_dependent_in(&f, &es->fps[e].all, 1))
            return 1;
        if (det_fp_dependent_in(&f, &es->fps[i].all, 1))
            return 0;
    }
    return 0;
}

/* tso: segment i, a drain forced inside its decision's step (a fence's,
 * a thread's end), follows drains of the same buffer in that step.  The
 * reversal's prefix holds those drains but not the step; a branch at the
 * decision can only put something before the whole step, where the
 * earlier entries are not drained yet.  Draining the buffer's head alone
 * there is the step toward it (the next execution finds the race again, one
 * entry further): a CPU that reads the daemon's answer, drained by the
 * daemon's sleep fence, and then its need_wakeup before the same fence
 * drains need_wakeup = 1 (verify_1x2: behaviours sc shows). */
void dpor_drain_before_the_step(const struct evseg *es, const struct xact *xs, const uint32_t *node,
                                  uint32_t i, uint32_t j, const uint64_t *hb, size_t w,
                                  const struct det_logent *li, uint64_t *bt)
{
    int a = xs[i].act;
    if (a < DET_ACT_DRAIN || !i || node[i - 1] != node[i] || xs[i - 1].act != a || !(li->opts >> a & 1))
        return;
    /* only when the reversal needs one of those drains: a step of it (not
     * after i) comes after one of them, or j itself needs one before the
     * part of it that meets i (not the daemon's read of req_rear that then
     * reads the slot another of those drains wrote) */
    for (uint32_t e = i; e-- > 0 && node[e] == node[i] && xs[e].act == a;)
        for (uint32_t k = i + 1; k <= j; k++)
            if ((k == j ? needs_before(es, j, e, i) : !BS_GET(&hb[(size_t)k * w], i)) &&
                BS_GET(&hb[(size_t)k * w], e)) {
                *bt |= 1ull << a;
                return;
            }
}

/* arm/riscv: which store made the entry each commit lands (from[k]; -1
 * not known, or no commit of a buffered entry).  A store joins one FIFO
 * per granule it touches (wmm_store); a commit of granule g (its mark in
 * pkey, wmm_land) takes the oldest entry of g's.  A commit with nothing
 * there (an RMW's landing has mark 0 and is no commit of an entry) leaves
 * that granule's later commits not known. */
void dpor_wmm_origins(const struct det_event *ev, uint32_t nev, int32_t *from)
{
    size_t nq = 32 * (size_t)WMM_NG;
    int32_t *head = malloc(nq * sizeof *head), *tail = malloc(nq * sizeof *tail);
    int32_t *next = malloc(2 * (size_t)nev * sizeof *next); /* node 2k+p: part p of store k */
    uint8_t *lost = calloc(nq, 1);
    for (uint32_t k = 0; k < nev; k++)
        from[k] = -1;
    if (!head || !tail || !next || !lost)
        goto out;
    for (size_t q = 0; q < nq; q++)
        head[q] = tail[q] = -1;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        size_t t = (size_t)(e->tid & 31) * WMM_NG;
        if (e->off >= HVSIM_BRIDGE_PAGE || !e->size)
            continue;
        uint32_t g0 = e->off / WMM_GRAN, g1 = (e->off + (e->size == 255 ? 255u : e->size) - 1) / WMM_GRAN;
        if (buffered_store(e)) {
            for (uint32_t g = g0; g <= g1 && g < WMM_NG; g++) {
                if (g - g0 > 1) { /* more than two granules: not followed */
                    lost[t + g] = 1;
                    continue;
                }
                int32_t n = (int32_t)(2 * k + (g - g0));
                next[n] = -1;
                if (tail[t + g] >= 0)
                    next[tail[t + g]] = n;
                else
                    head[t + g] = n;
                tail[t + g] = n;
            }
        } else if (e->kind == EV_DRAIN && e->pkey) {
            size_t q = t + g0;
            if (lost[q] || head[q] < 0) {
                lost[q] = 1;
                continue;
            }
            from[k] = head[q] / 2;
            if ((head[q] = next[head[q]]) < 0)
                tail[q] = -1;
        }
    }
out:
    free(head);
    free(tail);
    free(next);
    free(lost);
}

/* arm/riscv: is l a step of thread s alone (nothing unclassified, no
 * commit or landing of its own), d only commits of s's buffer with one
 * barrier count, and l neither reads nor writes d's granule g (its bytes,
 * or its acquire re-reads)?  Both own-commit rules below start there. */
static int step_apart_from_own_commit(const struct det_fp *l, const struct det_fp *d, int s, int g)
{
    uint32_t lo = (uint32_t)g * WMM_GRAN;
    int meets_g = ((l->flags & DF_RR) && l->rr_g1 == (uint32_t)g + 1) ||
                  ((l->rd[lo / 64] | l->wr[lo / 64]) >> (lo % 64) & 0xffull);
    return !meets_g && !(l->flags & DF_ALL) && l->who == 1ull << s && !l->bufs && !l->cbufs && !d->who &&
           !d->bufs && d->cbufs == 1ull << s;
}

/* arm/riscv, the rule of own_drain_after for one granule's commits: the
 * commits of actor j of b (later in the trace), all of entries stored
 * before a, and actor i of a, steps of the same thread that do not read
 * that granule.  The commits could have landed at any decision since
 * their stores: a fence (or an RMW, a sync) of the thread is traced before
 * the commits it forces, and happens-before through it would order them
 * after whatever the thread did before it.  That hid races: the daemon's
 * read of req_rear before its sleep fence ordered the fence's commit of
 * its answer after that read, and the CPU's next push was never tried
 * before the read (verify_1x2: 26 behaviours sc shows were missing under
 * arm and riscv).  A step that reads or writes the granule sees its own entry or
 * the message (own_race reverses a load and a later commit of its
 * granule); the commits' stores stay ordered before them (smk), and pol
 * orders them before the thread's later steps. */
int dpor_own_commit_after(const struct tfp *a, int i, const struct tfp *b, int j)
{
    int s = a->actor[i], c = b->actor[j];
    if (s >= 32 || c < ACT_GRAN0 || actor_thread(c) != s || a->idx >= b->idx || a->idx <= b->smk[j])
        return 0;
    return step_apart_from_own_commit(&a->sub[i], &b->sub[j], s, (c - ACT_GRAN0) % ACT_NGRAN);
}

/* arm/riscv: a commit c of thread T's entry on granule g, and a later step
 * l of T that neither touches g nor commits or lands anything itself.
 * Next to each other they commute, or l takes c in: c sets T's coh(g),
 * vwold and (a stlr entry) vrel.  Of what l can do, only a full fence
 * (dmb ish, fence rw,rw, a riscv seq_cst load, gcc's riscv acquire), ldar
 * and a sync (a platform call, a pthread call, the thread's end) read
 * vwold or vrel, and each of them commits the entry itself first (a full
 * fence and a sync every entry, ldar every stlr entry): l before c is then
 * c at l, the same state.  The rest (a load of another granule, a store
 * joining the buffer behind the entry, a fence that only adds a barrier or
 * raises vrnew from vrold) neither reads nor moves what c sets.  l's
 * raised view does not depend on where c lands: T's own reads of g are
 * bounded by coh(g) = c's timestamp anyway, and c's order with other
 * threads' commits races with what observes it.  An RMW (its landing is a
 * commit of l's) and anything unclassified still race. */
int dpor_own_commit_before(const struct tfp *a, int i, const struct tfp *b, int j)
{
    int c = a->actor[i], s = b->actor[j];
    if (s >= 32 || c < ACT_GRAN0 || actor_thread(c) != s || a->idx >= b->idx ||
        !step_apart_from_own_commit(&b->sub[j], &a->sub[i], s, (c - ACT_GRAN0) % ACT_NGRAN))
        return 0;
    static struct det_fp q; /* 1 KiB: the supervisor is single-threaded */
    q = b->sub[j];
    q.flags &= ~(uint32_t)DF_OWNB;
    dpor_strip_views(&q);
    return !det_fp_dependent_in(&a->sub[i], &q, 1);
}
