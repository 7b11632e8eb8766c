/* sim/engine/det/det_dpor_view.c — arm/riscv: a commit against a read
 * less its reads and views (dpor_dependent_beyond, for det_dpor_fp.c's
 * and det_dpor_vsleep.c's rules), and a read that comes after a commit in
 * every execution because the view bounding it rose from a message
 * committed behind that commit (docs/det-engine.md, "a read behind a
 * later barrier's message"). */
#include "det_dpor_int.h"

void dpor_strip_views(struct det_fp *q)
{
    q->ov = q->rrv = 0;
    q->flags &= ~(uint32_t)(DF_ORDER | DF_RR | DF_RRB | DF_OWNV);
}

/* Does c conflict with r but for (reads) r's reads of c's granules and
 * (views) r's raised views? */
int dpor_dependent_beyond(const struct det_fp *c, const struct det_fp *r, int reads, int views)
{
    static struct det_fp q; /* 1 KiB: the supervisor is single-threaded */
    q = *r;
    if (views && (q.flags & DF_OWNV)) /* a raise by its own commits stays (DET_VIEW_OWN) */
        q.flags |= DF_ORDER;
    else if (views)
        q.ov = q.rrv = 0;
    for (uint64_t m = reads ? c->wblk & r->rblk : 0; m; m &= m - 1) {
        int k = __builtin_ctzll(m);
        q.rd[k] &= ~c->wr[k];
        if (!q.rd[k])
            q.rblk &= ~(1ull << k);
    }
    return det_fp_dependent_in(c, &q, 1);
}

/* c, a commit of another thread's entries on granule g, and r, a later
 * step whose view was raised once, from a message that c's buffer
 * committed with a later barrier mark (m: it lands after c in every
 * execution), and that read g only after that raise.  Everything of r
 * that meets c comes after its read of m, so after c: no execution has it
 * before c, and there is nothing to reverse (happens-before stays).  The
 * CPU's wait for the daemon's flag and its read of the value behind it,
 * in one segment (clang's riscv acquire, ld; fence r,rw, raises the view
 * from the flag's message): each earlier commit of the value raced. */
int dpor_newer_after_a_later_view(const struct tfp *a, int i, const struct tfp *b, int j)
{
    int ca = a->actor[i], rb = b->actor[j];
    const struct det_fp *c = &a->sub[i], *r = &b->sub[j];
    if (ca < ACT_GRAN0 || rb >= 32 || actor_thread(ca) == rb || c->who || c->bufs || !c->cbar ||
        c->cbufs != 1ull << actor_thread(ca) || !c->wts || b->vtid[j] != actor_thread(ca) ||
        b->vmark[j] <= c->cbar || b->vts[j] <= c->wts)
        return 0;
    int g = (ca - ACT_GRAN0) % ACT_NGRAN;
    if (b->rpre[j][g / 64] >> (g % 64) & 1)
        return 0;
    return !dpor_dependent_beyond(c, r, 1, 1);
}

/* b's footprint less its raised views, for view_only against every
 * earlier a (made once per b: it copies 1 KiB); NULL when b raised no
 * view (the dependence is something else). */
const struct det_fp *dpor_views_stripped(const struct tfp *b)
{
    static struct det_fp q; /* the supervisor is single-threaded */
    if (!b->all.ov && !b->all.rrv && !(b->all.flags & (DF_ORDER | DF_RR | DF_RRB | DF_OWNV)))
        return NULL;
    q = b->all;
    dpor_strip_views(&q);
    return &q;
}
