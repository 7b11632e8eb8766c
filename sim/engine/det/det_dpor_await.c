/* sim/engine/det/det_dpor_await.c — a race between a write and the
 * first access of an await loop's failed turn is no race (the spin-loop
 * reduction of Kokologiannakis, Ren, Vafeiadis, FMCAD'21, for the turns
 * that end when that write lands).
 *
 * A thread T that waits for location L (`while (xchg(&l, 1)) while (l)
 * relax();`) makes accesses of L that change nothing — reads, and
 * exchanges that write what L holds — until one, by the same instruction
 * as the first, sees the value a write W of another thread left there.
 * Reversing W with that first access r gives the execution with r seeing
 * W's value, which is this one less the turns from r up to that access:
 * a thread that did not look while it had to wait.  Those turns change
 * nothing anybody reads, so the two are one execution up to the turns of
 * loops that only wait (det's fair scheduler assumes the same,
 * docs/det-engine.md).  Without it, every lock handoff on verify_2x2 was
 * explored as a failed exchange and spin, a failed exchange alone, and no
 * contention.
 * Under arm/riscv the write is a commit, and the turns must be reads of
 * one order that took messages older than its own, the end exactly that
 * message (wmm_turns_ok): then r taking it leaves the thread's views where
 * the end did.  Without it verify_1x2 under arm did not end (4,000,000
 * executions); with it, 232,755. */
#include "det_dpor_int.h"
#include <stdlib.h>
#include <string.h>

static int accesses(const struct det_event *e) { return det_fp_is_read(e) || dpor_writes_memory(e); }

/* The last write of l before event k (its index), -1 none or not known. */
static int32_t last_write(const struct det_event *ev, uint32_t k, const struct det_event *l)
{
    while (k-- > 0) {
        if (!dpor_writes_memory(&ev[k]))
            continue;
        int c = dpor_loc_cmp(&ev[k], l);
        if (c)
            return c > 0 ? (int32_t)k : -1;
    }
    return -1;
}

/* The value access e of l saw: a read's own, an RMW's from the write
 * before it; 0 when not known. */
static int seen(const struct det_event *ev, uint32_t k, uint64_t *v)
{
    if (det_fp_is_read(&ev[k])) {
        *v = ev[k].val;
        return 1;
    }
    int32_t w = last_write(ev, k, &ev[k]);
    if (w < 0)
        return 0;
    *v = ev[w].val;
    return 1;
}

/* The one event of segment s that meets segment o, or -1 (none, more,
 * or a segment too long to look at). */
#define SEG_EV_MAX 64
static int32_t only_meeting(const struct evseg *es, uint32_t s, uint32_t o)
{
    uint32_t in_o[SEG_EV_MAX], no = 0;
    for (uint32_t y = es->first[o]; y < es->end[o]; y++)
        if (es->seg[y] == (int32_t)o) {
            if (no == SEG_EV_MAX)
                return -1;
            in_o[no++] = y;
        }
    int32_t at = -1;
    for (uint32_t x = es->first[s]; x < es->end[s]; x++) {
        if (es->seg[x] != (int32_t)s)
            continue;
        for (uint32_t q = 0; q < no; q++)
            if (det_dpor_dependent(&es->ev[x], &es->ev[in_o[q]], 0)) {
                if (at >= 0 && at != (int32_t)x)
                    return -1;
                at = (int32_t)x;
            }
    }
    return at;
}

/* Is access r of thread T the first of an await loop's failed turns?
 * Then the access that ends them: T's next access by r's instruction
 * that sees the value one write of another thread left in L, with only
 * accesses of L that change nothing between (or reads of the new value by
 * other instructions: the inner test of a test-and-test-and-set lock);
 * -1 when not. */
static int32_t turn_end(const struct det_event *ev, uint32_t nev, uint32_t r)
{
    uint64_t old, v;
    if (!accesses(&ev[r]) || !ev[r].pc || !seen(ev, r, &old) || (dpor_writes_memory(&ev[r]) && ev[r].val != old))
        return -1; /* an exchange that changed L is no failed turn */
    int t = ev[r].tid & 63;
    int32_t w = -1; /* the write that ends the wait */
    for (uint32_t k = r + 1; k < nev; k++) {
        const struct det_event *e = &ev[k];
        int c = accesses(e) ? dpor_loc_cmp(e, &ev[r]) : 0;
        if (c < 0)
            return -1;
        if ((e->tid & 63) != t) {
            if (c && dpor_writes_memory(e) && (!seen(ev, k, &v) || v != e->val)) { /* it changes L */
                if (w >= 0 || e->val == old)
                    return -1;
                w = (int32_t)k;
            }
            continue;
        }
        if (e->kind == EV_DELAY || e->kind == EV_SWITCH)
            continue;
        if (!c || !seen(ev, k, &v))
            return -1;
        if (v == old && (!dpor_writes_memory(e) || e->val == old))
            continue; /* a further turn: it saw L unchanged and left it so */
        if (w < 0 || v != ev[w].val || last_write(ev, k, e) != w)
            return -1;
        if (e->pc == ev[r].pc)
            return (int32_t)k; /* r's instruction again, seeing W's value: the wait is over */
        if (dpor_writes_memory(e))
            return -1;
    }
    return -1;
}

/* arm/riscv: is x a read like a, the wait's first: of the same kind and
 * order (so the same view raise), naming the message it took? */
static int like_first(const struct det_event *x, const struct det_event *a)
{
    return det_fp_is_read(x) && x->kind == a->kind && x->mo == a->mo && x->pkey;
}

/* arm/riscv: are T's accesses r..e of L plain reads of one order that
 * took known messages, the turns' older than w's commit and e exactly
 * w's message, with no commit of T's own buffer between?  Then r taking
 * w's message (w before r) leaves T where e did: a read's post-view and
 * coh(L) are the maximum of the timestamps taken, and w's is the largest.
 * An RMW, a fence or a commit of T's own inside the turns: not a turn
 * (the value-choice proof covers reads only). */
static int wmm_turns_ok(const struct det_event *ev, uint32_t r, uint32_t e, const struct det_event *w)
{
    int t = ev[r].tid & 63;
    if (w->kind != EV_DRAIN || !w->view || ev[e].pkey != w->view + 1)
        return 0;
    for (uint32_t k = r; k <= e; k++) {
        const struct det_event *x = &ev[k];
        if ((x->tid & 63) != t || x->kind == EV_DELAY || x->kind == EV_SWITCH)
            continue;
        if (!like_first(x, &ev[r]) || (k < e && x->pkey > w->view))
            return 0;
    }
    return 1;
}

/* arm/riscv, a wait on a private word (the request lock): private atomics
 * stay SC in the model, as under sc, but each is a sync that raises its
 * thread's view to the commit clock and commits its buffer first.  The
 * turns' raises are below the end's (the clock only grows) and nothing of
 * the thread reads the bridge between (turn_end: only accesses of L), so
 * the end leaves the views where the turns would; a commit of the
 * thread's own buffer in r's step would land later without the turns, so
 * there the rule does not hold. */
static int priv_turns_ok(const struct det_event *ev, uint32_t r)
{
    int t = ev[r].tid & 63;
    if (ev[r].off != DET_FP_PRIV)
        return 0;
    for (uint32_t k = r; k-- > 0 && ev[k].step == ev[r].step;)
        if (ev[k].kind == EV_DRAIN && (ev[k].tid & 63) == t)
            return 0;
    return 1;
}

/* arm/riscv, a wait on a granule (ring_pending's req_rear and req_front,
 * one location of the model): segment j's one meeting with segment i is
 * commit w of granule g by another thread; i's meetings with it are loads
 * of g by one thread T, the first r.  From r on T only loads g, each a
 * known message older than w's, until e, by r's instruction, sees another
 * value than r did.
 *  1: e took w's message, and no other commit of g lands between r and e
 *     (with end: none of T's own).  Then r taking w's message (w before
 *     r) leaves T where e did: the loads' post-views are at most w's
 *     timestamp, e's at least that, and an acquire at r's pc is one at
 *     e's; another thread's commit of g before e lands before e without
 *     the turns too, and one after w's commutes with e, which took an
 *     older message (read_of_older).  The turns from r to e are a loop
 *     that only waited.
 *  1 (only with end): e took an older message than w's, another value
 *     than r's, and w's was among its options (offered): the value choice
 *     at e explores e taking w's message, the execution above.
 *  2 (only with end): e, a spinner's read offered the newest message
 *     only, took a newer one than w's, committed at *took.  This
 *     execution less the turns has T's first read at e; T reading w's
 *     message is the reversal of e with that commit and so on down
 *     (det_dpor.c moved_races).  *end: e.
 *  3 (only with end): w lands after e.  This execution less the turns
 *  has T's first read at e, before w: r's race with w moves to e's
 *  (moved_races).  *end: e, *took: w. */
/* Was commit w (of a granule, landed before read e) among e's options,
 * though e took an older message?  It was, unless a filter left it out:
 * a re-read is not offered the bytes the loop read last (val at off,
 * size), a silent commit gives way to the one before it, and of several
 * messages with the same bytes only the oldest is offered (det_wmm.h). */
static int offered(const struct det_event *ev, uint32_t e, int32_t w, uint32_t off, uint32_t size, uint64_t val)
{
    const struct det_event *W = &ev[w];
    uint64_t m = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    if ((W->mo & DET_EV_SILENT) || (W->val >> (8 * (off - W->off)) & m) == (val & m))
        return 0;
    for (int32_t c = w; c-- > 0;) { /* back to the message e took */
        if (ev[c].kind != EV_DRAIN || ev[c].off != W->off)
            continue;
        if (ev[c].view + 1 == ev[e].pkey)
            return 1;
        if (ev[c].val == W->val)
            return 0;
    }
    return 0;
}

/* Is e a read by a's instruction again, with a's kind and order, seeing
 * another value than a did (the wait's exit, or a sign it is over)? */
static int again_by(const struct det_event *e, const struct det_event *a)
{
    return e->pc == a->pc && e->kind == a->kind && e->mo == a->mo && e->val != a->val;
}

static int granule_turns(const struct evseg *es, uint32_t i, uint32_t j, int32_t *end, int32_t *took)
{
    const struct det_event *ev = es->ev;
    int32_t w = only_meeting(es, j, i), r = -1;
    if (w < 0)
        return 0;
    const struct det_event *W = &ev[w];
    if (W->kind != EV_DRAIN || !W->view || !W->pkey || W->off >= HVSIM_BRIDGE_PAGE || W->size != WMM_GRAN ||
        W->off % WMM_GRAN)
        return 0;
    uint32_t g = W->off / WMM_GRAN;
    int t = -1;
    for (uint32_t x = es->first[i]; x < es->end[i]; x++) {
        const struct det_event *e = &ev[x];
        if (es->seg[x] != (int32_t)i || !det_dpor_dependent(e, W, 0))
            continue;
        if (!det_fp_is_read(e) || !e->pkey || e->off >= HVSIM_BRIDGE_PAGE || e->off / WMM_GRAN != g ||
            (e->off + e->size - 1) / WMM_GRAN != g)
            return 0;
        if (r < 0) {
            r = (int32_t)x;
            t = e->tid & 63;
        } else if ((e->tid & 63) != t) {
            return 0;
        }
    }
    if (r < 0 || t == (W->tid & 63) || w < r || !ev[r].pc)
        return 0;
    for (uint32_t k = (uint32_t)r; k < es->nev; k++) {
        const struct det_event *e = &ev[k];
        int mine = (e->tid & 63) == t;
        if (e->kind == EV_DRAIN && e->off < HVSIM_BRIDGE_PAGE && e->off / WMM_GRAN == g && k != (uint32_t)w &&
            (mine || !end))
            return 0; /* another commit of g (with end: of T's own) */
        if (!mine || e->kind == EV_DELAY || e->kind == EV_SWITCH)
            continue;
        if (!det_fp_is_read(e) || !e->pkey || e->off >= HVSIM_BRIDGE_PAGE || e->off / WMM_GRAN != g ||
            (e->off + e->size - 1) / WMM_GRAN != g)
            return 0;
        if (end && k < (uint32_t)w && again_by(e, &ev[r])) {
            *end = (int32_t)k;
            *took = w;
            return 3;
        }
        if (again_by(e, &ev[r]) && e->pkey == W->view + 1)
            return k > (uint32_t)w;
        if (end && again_by(e, &ev[r]) && e->pkey > W->view + 1 && !(e->rflags & DET_RF_ALLC) && k > (uint32_t)w) {
            for (uint32_t c = (uint32_t)w + 1; c < k; c++)
                if (ev[c].kind == EV_DRAIN && ev[c].off == W->off && ev[c].view + 1 == e->pkey) {
                    *end = (int32_t)k;
                    *took = (int32_t)c;
                    return 2;
                }
            return 0;
        }
        if (end && again_by(e, &ev[r]) && e->pkey <= W->view && k > (uint32_t)w &&
            offered(ev, k, w, ev[r].off, ev[r].size, ev[r].val))
            return 1;
        if (e->pkey > W->view || (e->pc == ev[r].pc && e->val != ev[r].val))
            return 0;
    }
    return 0;
}

int dpor_await_turn(const struct evseg *es, uint32_t i, uint32_t j, int wmm, int32_t *end, int32_t *took)
{
    const struct det_event *ev = es->ev;
    int gt = wmm && !getenv("HVSIM_DPOR_NO_GTURN") ? granule_turns(es, i, j, end, took) : 0;
    if (gt)
        return gt;
    int32_t r = only_meeting(es, i, j), w = only_meeting(es, j, i);
    if (r < 0 || w < 0 || !dpor_writes_memory(&ev[w]) || dpor_loc_cmp(&ev[r], &ev[w]) != 1 || (ev[r].tid & 63) == (ev[w].tid & 63))
        return 0;
    int32_t e = turn_end(ev, es->nev, (uint32_t)r);
    return e >= 0 && last_write(ev, (uint32_t)e, &ev[e]) == w &&
           (!wmm || priv_turns_ok(ev, (uint32_t)r) || wmm_turns_ok(ev, (uint32_t)r, (uint32_t)e, &ev[w]));
}

/* arm/riscv (a read knows the message it took, det_event.pkey): the end
 * of a wait whose turns took older messages than its end did, wherever
 * the write of that message lies in the trace.  A stale turn after the
 * commit commutes with it (read_of_older in det_dpor_fp.c), so the
 * trace's order of the two is no behaviour.  T's accesses from r on: r's
 * instruction reading L with one order, a buffer commit of T's elsewhere;
 * the turns see r's value, the end another, and no message of L between
 * the turns' newest and the end's holds a third value (a wait that
 * skipped one is not the wait sc shows); -1 when not. */
static int32_t turn_end_rf(const struct det_event *ev, uint32_t nev, uint32_t r)
{
    const struct det_event *a = &ev[r];
    if (!like_first(a, a) || !a->pc || a->off == DET_FP_PRIV)
        return -1;
    int t = a->tid & 63;
    uint32_t kmax = a->pkey;
    int32_t end = -1;
    for (uint32_t k = r + 1; k < nev && end < 0; k++) {
        const struct det_event *e = &ev[k];
        int c = accesses(e) ? dpor_loc_cmp(e, a) : 0;
        if ((e->tid & 63) != t || e->kind == EV_DELAY || e->kind == EV_SWITCH || (e->kind == EV_DRAIN && !c))
            continue;
        if (c != 1 || !like_first(e, a) || e->pc != a->pc)
            return -1;
        if (e->val != a->val)
            end = e->pkey > kmax ? (int32_t)k : -2;
        else if (e->pkey > kmax)
            kmax = e->pkey;
    }
    for (uint32_t k = 0; end >= 0 && k < nev; k++) { /* the messages between */
        const struct det_event *d = &ev[k];
        int c = d->kind == EV_DRAIN ? dpor_loc_cmp(d, a) : 0;
        if (c && (!d->view || (d->view + 1 > kmax && d->view + 1 < ev[end].pkey && (c < 0 || d->val != a->val))))
            return -1;
    }
    return end < 0 ? -1 : end;
}

void det_await_turns(const struct det_event *ev, uint32_t nev, uint8_t *skip)
{
    memset(skip, 0, nev);
    for (uint32_t r = 0; r < nev; r++) {
        if (skip[r] || !accesses(&ev[r]))
            continue;
        int32_t e = turn_end(ev, nev, r);
        if (e < 0)
            e = turn_end_rf(ev, nev, r);
        for (int32_t k = (int32_t)r; e >= 0 && k < e; k++)
            if ((ev[k].tid & 63) == (ev[r].tid & 63))
                skip[k] = 1;
    }
}
