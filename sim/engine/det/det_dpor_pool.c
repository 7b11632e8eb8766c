/* sim/engine/det/det_dpor_pool.c — the footprint arrays of one analysis,
 * reused by the next.
 *
 * Why: a transition's footprint (struct tfp) is some 11 KiB, nearly all of
 * it byte bitsets of the bridge page, and an analysis needs one per
 * transition and one per segment: zeroing them fresh (calloc) was 11% of
 * the supervisor's time on riscv verify_2x2.  A footprint used is mostly
 * empty, and its block masks (rblk, wblk) say which words of its bitsets
 * may be set — det_fp_clear relies on the same — so emptying it again
 * touches those words and the small fields only.  Arrays too large to keep
 * are allocated and freed as before. */
#include "det_dpor_int.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define POOL_KEEP 2048 /* footprints kept per array (some 23 MiB) */

static struct pool {
    struct tfp *v;
    uint32_t cap, used;
} pools[2];

/* det_fp_clear empties the bitsets through their blocks; the fields after
 * them are zeroed whole (it leaves some, which an analysis may have set) */
static void fp_reset(struct det_fp *f)
{
    det_fp_clear(f);
    memset(&f->rblk, 0, sizeof *f - offsetof(struct det_fp, rblk));
}

static void tfp_reset(struct tfp *t)
{
    fp_reset(&t->all);
    /* sub[k] is handed out for k < nsub only; -1: all of them were */
    for (int i = 0, n = t->nsub < 0 ? SUBMAX : t->nsub; i < n; i++)
        fp_reset(&t->sub[i]);
    char *p = (char *)t;
    size_t a = offsetof(struct tfp, nsub), b = offsetof(struct tfp, sub), c = b + sizeof t->sub;
    memset(p + a, 0, b - a);
    memset(p + c, 0, sizeof *t - c);
}

struct tfp *dpor_tfps_get(int which, uint32_t n)
{
    if (!n)
        n = 1;
    if (n > POOL_KEEP)
        return calloc(n, sizeof(struct tfp));
    struct pool *p = &pools[which];
    for (uint32_t i = 0; i < p->used; i++) {
        tfp_reset(&p->v[i]);
#ifdef POOL_CHECK
        static const struct tfp zero;
        if (memcmp(&p->v[i], &zero, sizeof zero)) abort();
#endif
    }
    p->used = 0;
    if (n > p->cap) {
        free(p->v);
        p->cap = 0;
        if (!(p->v = calloc(n, sizeof *p->v)))
            return NULL;
        p->cap = n;
    }
    p->used = n;
    return p->v;
}

void dpor_tfps_put(int which, struct tfp *v)
{
    if (v && v != pools[which].v)
        free(v);
}
