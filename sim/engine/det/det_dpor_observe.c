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
            if (cur >= 0) /* every event of segment cur seen: its threads' reads from it on */
                for (uint64_t m = who; m; m &= m - 1)
                    for (int q = 0; q < GW; q++)
                        fut[(size_t)cur * GW + q] |= acc[__builtin_ctzll(m)][q];
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
    if (cur >= 0)
        for (uint64_t m = who; m; m &= m - 1)
            for (int q = 0; q < GW; q++)
                fut[(size_t)cur * GW + q] |= acc[__builtin_ctzll(m)][q];
    free(acc);
    return fut;
}

/* The granules c touches (commits: their messages' granules). */
static int touched(const struct det_fp *c, uint64_t *g)
{
    if (c->flags & (DF_ALL | DF_PRIV_R | DF_PRIV_W) || c->npk)
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

/* Is commit event k (the message a load took) at or after, on its
 * granule, a commit of buffer u with a barrier mark above mark (pg: each
 * commit's previous commit of its granule, -1 none)?  Commits of one
 * granule land in coherence order, so that message is at or after it in
 * every execution where the load takes it. */
static int behind(const struct det_event *ev, const int32_t *pg, int32_t k, int u, uint32_t mark)
{
    for (int n = 0; k >= 0 && n < 64; k = pg[k], n++)
        if ((ev[k].tid & 63) == u && ev[k].pkey > mark)
            return 1;
    return 0;
}

/* Thread t's steps from event k0 on: does one read a granule of g before
 * an acquire load of t took a message at or after a commit of buffer u
 * with a barrier mark above mark (that commit lands after c in every
 * execution: from that load on c is below t's view in both orders)? */
static int read_before_cover(const struct observe *o, uint32_t k0, int t, const uint64_t *g, int u, uint32_t mark)
{
    const struct det_event *ev = o->ev;
    for (uint32_t k = k0; k < o->nev; k++) {
        const struct det_event *e = &ev[k];
        if ((e->tid & 63) != t || e->kind == EV_SWITCH || e->kind == EV_DRAIN)
            continue;
        if ((det_fp_is_read(e) || e->kind == EV_RMW) && e->off != DET_FP_PRIV) {
            uint64_t r[GW] = {0};
            granules(r, e->off, e->size);
            if (meets(r, g))
                return 1;
        }
        /* ldar; ld;fence r,rw: t's view is at or above that commit from
         * then on, whatever it was before */
        uint32_t x = e->pkey - 1, mo = (uint32_t)e->mo & 0x3f; /* pkey: the message's timestamp + 1 */
        if (e->kind != EV_ALOAD || !(mo == 1 || mo == 2 || mo == 4 || mo == 5) || !e->pkey || x >= o->nts ||
            o->tsk[x] < 0)
            continue;
        if (behind(ev, o->pg, o->tsk[x], u, mark))
            return 0;
    }
    return 0;
}

int dpor_unobserved(const struct observe *o, uint32_t j, const struct det_fp *c, uint64_t who)
{
    uint64_t g[GW];
    if (!touched(c, g))
        return 0;
    if (!meets(&o->fut[(size_t)j * GW], g))
        return 1;
    /* read later: before a raise from a message c's buffer commits after c? */
    if (who & (who - 1) || !c->cbar || c->bufs || c->who || !c->cbufs || (c->cbufs & (c->cbufs - 1)))
        return 0;
    return !read_before_cover(o, o->first[j], __builtin_ctzll(who), g, __builtin_ctzll(c->cbufs), c->cbar);
}

int dpor_observe_init(struct observe *o, const struct det_event *ev, uint32_t nev, const int32_t *seg, uint32_t ns)
{
    memset(o, 0, sizeof *o);
    o->ev = ev;
    o->nev = nev;
    o->nts = 2 * nev + 64;
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
