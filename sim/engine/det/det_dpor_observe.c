/* sim/engine/det/det_dpor_observe.c — arm/riscv: a view raise and an
 * earlier commit that no later read of the raising thread observes.
 *
 * A step f of thread t that raises t's view (an acquire, a fence, an own
 * view) depends on every earlier commit c at or below the view it raised
 * to, though nothing else of them meets (find_races' view_only).  Placed
 * before c, f raises the view less; views bound reads only (det_wmm.h:
 * commits append at the clock whatever the views, fences and acquires only
 * move views), and moving c after f changes the bound of c's granules
 * alone (only c's message leaves the range below the view).  So if t
 * reads none of c's granules from f on, the two orders lead to the same
 * reads with the same choices: no race, and no happens-before edge either
 * (the optimal-DPOR-with-observers argument, Aronis, Jonsson, Lång,
 * Sagonas, CONCUR'18: a conflict no later read observes is reversed in the
 * execution that has that read, when one does).  The reads looked at are
 * those of this execution's trace; an execution whose reads differ after
 * f is one with races of its own. */
#include "det_dpor_int.h"
#include "runtime/det/det_wmm.h"
#include <stdlib.h>
#include <string.h>

#define GW ((int)(WMM_NG / 64)) /* words of a granule bitmap */

static void granules(uint64_t *g, uint32_t off, uint32_t size)
{
    if (off >= HVSIM_BRIDGE_PAGE || size == 255) {
        memset(g, 0xff, GW * sizeof *g);
        return;
    }
    uint32_t end = off + (size ? size : 1);
    for (uint32_t x = off / WMM_GRAN; x * WMM_GRAN < end && x < WMM_NG; x++)
        g[x / 64] |= 1ull << (x % 64);
}

/* Segment cur's row: the reads of its threads (who) from it on. */
static void flush(uint64_t *fut, int32_t cur, uint64_t who, uint64_t (*acc)[GW])
{
    for (uint64_t m = cur >= 0 ? who : 0; m; m &= m - 1)
        for (int q = 0; q < GW; q++)
            fut[(size_t)cur * GW + q] |= acc[__builtin_ctzll(m)][q];
}

static uint64_t *future_reads(const struct det_event *ev, uint32_t nev, const int32_t *seg, uint32_t ns)
{
    uint64_t *fut = calloc((size_t)(ns ? ns : 1) * GW, sizeof *fut);
    uint64_t (*acc)[GW] = calloc(64, sizeof *acc); /* per thread: reads from here on */
    uint64_t who = 0;
    if (!fut || !acc) {
        free(fut);
        free(acc);
        return NULL;
    }
    int32_t cur = -1;
    for (uint32_t k = nev; k-- > 0;) {
        const struct det_event *e = &ev[k];
        if (seg[k] != cur) {
            flush(fut, cur, who, acc); /* every event of segment cur seen */
            cur = seg[k];
            who = 0;
        }
        if (e->kind == EV_SWITCH || e->kind == EV_DRAIN)
            continue;
        int t = e->tid & 63;
        if (cur >= 0)
            who |= 1ull << t;
        if ((det_fp_is_read(e) || e->kind == EV_RMW) && e->off != DET_FP_PRIV)
            granules(acc[t], e->off, e->size);
    }
    flush(fut, cur, who, acc);
    free(acc);
    return fut;
}

/* The granules c touches (commits: their messages' granules).  Its
 * private accesses do not count: a view observes commits to the bridge
 * only, and view_only has said the view is all that joins the two. */
static int touched(const struct det_fp *c, uint64_t *g)
{
    if (c->flags & DF_ALL)
        return 0;
    memset(g, 0, GW * sizeof *g);
    for (uint64_t blk = c->rblk | c->wblk; blk; blk &= blk - 1) {
        int i = __builtin_ctzll(blk); /* bytes 64i..64i+63: granules 8i..8i+7 */
        uint64_t b = c->rd[i] | c->wr[i];
        for (int q = 0; q < 8; q++)
            if (b >> (8 * q) & 0xff)
                g[(8 * i + q) / 64] |= 1ull << ((8 * i + q) % 64);
    }
    return 1;
}

static int meets(const uint64_t *a, const uint64_t *b)
{
    for (int q = 0; q < GW; q++)
        if (a[q] & b[q])
            return 1;
    return 0;
}

/* The highest barrier mark (+ 1, as det_event.pkey) of a commit of
 * buffer u at or before commit event k on its granule; 0 none.  Commits
 * of one granule land in coherence order, so a load that took k's
 * message has its view at or above that commit in every execution where
 * it takes it. */
static uint32_t mark_behind(const struct det_event *ev, const int32_t *pg, int32_t k, int u)
{
    uint32_t m = 0;
    for (int n = 0; k >= 0 && n < 64; k = pg[k], n++)
        if ((ev[k].tid & 63) == u && ev[k].pkey > m)
            m = ev[k].pkey;
    return m;
}

/* Segment i's commits (of one buffer u: else 1), per granule the highest
 * barrier mark; then thread t's steps from event k0 on: does one read a
 * granule of theirs before an acquire load of t (ldar; ld;fence r,rw)
 * took a message behind a commit of u with a higher mark than that
 * granule's?  Such a commit lands after them in every execution, so
 * from that load on they are below t's view in both orders. */
#define CG_MAX 16
static int observed(const struct observe *o, uint32_t i, uint32_t k0, int t)
{
    const struct det_event *ev = o->ev;
    uint32_t gm[CG_MAX], gg[CG_MAX], ng = 0, cover = 0;
    int u = -1;
    for (uint32_t k = o->first[i]; k < o->nev && (o->seg[k] == (int32_t)i || o->seg[k] < 0); k++) {
        const struct det_event *e = &ev[k]; /* a segment is a run of the trace */
        if (o->seg[k] < 0 || e->kind != EV_DRAIN)
            continue;
        if ((u >= 0 && (e->tid & 63) != u) || !e->pkey || e->off >= HVSIM_BRIDGE_PAGE)
            return 1; /* several buffers, an RMW's landing, a key not placed */
        u = e->tid & 63;
        uint32_t q = 0;
        while (q < ng && gg[q] != e->off / WMM_GRAN)
            q++;
        if (q == ng && ng == CG_MAX)
            return 1;
        if (q == ng) {
            gg[ng] = e->off / WMM_GRAN;
            gm[ng++] = 0;
        }
        if (e->pkey > gm[q])
            gm[q] = e->pkey;
    }
    if (u < 0)
        return 1; /* no traced commit: the footprint's writes are something else */
    for (uint32_t k = k0; k < o->nev; k++) {
        const struct det_event *e = &ev[k];
        if ((e->tid & 63) != t || e->kind == EV_SWITCH || e->kind == EV_DRAIN)
            continue;
        if ((det_fp_is_read(e) || e->kind == EV_RMW) && e->off != DET_FP_PRIV) {
            uint64_t r[GW] = {0};
            granules(r, e->off, e->size);
            for (uint32_t q = 0; q < ng; q++)
                if ((r[gg[q] / 64] >> (gg[q] % 64) & 1) && gm[q] >= cover)
                    return 1;
        }
        uint32_t x = e->pkey - 1; /* pkey: the message's timestamp + 1 */
        if (e->kind == EV_ALOAD && wmm_is_acq(e->mo & 0x3f) && e->pkey && x < o->nts && o->tsk[x] >= 0) {
            uint32_t m = mark_behind(ev, o->pg, o->tsk[x], u);
            cover = m > cover ? m : cover;
        }
    }
    return 0;
}

int dpor_unobserved(const struct observe *o, uint32_t i, uint32_t j, const struct det_fp *c, uint64_t who)
{
    uint64_t g[GW];
    if (!touched(c, g))
        return 0;
    if (!meets(&o->fut[(size_t)j * GW], g))
        return 1;
    /* read later: only after an acquire that puts c below the view? */
    return !(who & (who - 1)) && !observed(o, i, o->first[j], __builtin_ctzll(who));
}

int dpor_observe_init(struct observe *o, const struct det_event *ev, uint32_t nev, const int32_t *seg, uint32_t ns)
{
    memset(o, 0, sizeof *o);
    o->ev = ev;
    o->nev = nev;
    o->nts = 2 * nev + 64;
    o->seg = seg;
    o->fut = future_reads(ev, nev, seg, ns);
    o->first = calloc(ns ? ns : 1, sizeof *o->first);
    o->tsk = malloc(o->nts * sizeof *o->tsk);
    o->pg = malloc((nev + 1) * sizeof *o->pg);
    int32_t *lastg = malloc(WMM_NG * sizeof *lastg);
    if (!o->fut || !o->first || !o->tsk || !o->pg || !lastg) {
        free(lastg);
        dpor_observe_free(o);
        return -1;
    }
    for (uint32_t k = nev; k-- > 0;)
        if (seg[k] >= 0)
            o->first[seg[k]] = k;
    memset(o->tsk, 0xff, o->nts * sizeof *o->tsk);
    memset(lastg, 0xff, WMM_NG * sizeof *lastg);
    for (uint32_t k = 0; k < nev; k++) { /* a commit's view is its timestamp, pkey its mark + 1 */
        const struct det_event *e = &ev[k];
        o->pg[k] = -1;
        if (e->kind != EV_DRAIN || e->off >= HVSIM_BRIDGE_PAGE)
            continue;
        if (e->view < o->nts)
            o->tsk[e->view] = (int32_t)k;
        o->pg[k] = lastg[e->off / WMM_GRAN];
        lastg[e->off / WMM_GRAN] = (int32_t)k;
    }
    free(lastg);
    return 0;
}

void dpor_observe_free(struct observe *o)
{
    free(o->fut);
    free(o->first);
    free(o->tsk);
    free(o->pg);
    o->fut = NULL;
    o->first = NULL;
    o->tsk = o->pg = NULL;
}
