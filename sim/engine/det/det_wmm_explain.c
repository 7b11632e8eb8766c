/* sim/engine/det/det_wmm_explain.c — which reordering an arm/riscv failure
 * needed, read off the trace of the reported execution.
 *
 * The trace has every load with the value it returned, every store, and
 * every commit ("drain": a write landing in memory, i.e. its place in co).
 * Replaying the commits per 8-byte location tells, for each load, which
 * write it read from (rf) and whether a newer one had landed before it
 * (then the load read a co-earlier write: fr points to a write already
 * visible).  Two witnesses of a non-SC execution are looked for, the last
 * one of each kind wins:
 *  - load->load: thread T read location A from a write committed after the
 *    write that overwrote the value its po-later load of B returned (MP on
 *    the reader side: nothing in ppo orders the two loads);
 *  - store->store: thread W's store to B committed before its po-earlier
 *    store to A, and some T read the new B and then the old A (MP on the
 *    writer side).
 * The sentence names both accesses with their source lines and the fence or
 * order that would forbid the reordering. */
#include "det.h"
#include "runtime/det/det_wmm.h"
#include <stdlib.h>
#include <string.h>

#define NG WMM_NG

struct pend { uint32_t ev, g, tid; };            /* a store not yet committed */
struct ooo { uint32_t older, newer, g_older, g_newer, tid; int done; }; /* out-of-order commit */

struct ex {
    const struct det_shm *S;
    uint32_t *last_commit;     /* per granule: event index of its newest commit, UINT32_MAX none */
    uint8_t *mem;              /* per granule: bytes of its newest commit */
    uint8_t *prev;             /* per granule: bytes before its newest commit */
    uint32_t *store_of;        /* per commit event: the store event it committed, UINT32_MAX none */
    struct pend *pend;
    uint32_t npend, cap;
    uint32_t seen[DET_MAXT], seen_ev[DET_MAXT];   /* newest commit read so far by each thread, and the load */
    /* load->load witness */
    int rr;
    uint32_t rr_first, rr_second, rr_over;
    /* store->store: the last out-of-order commit, and who saw it */
    struct ooo w;
    /* per reader t and writer w: the po-latest store of w whose write t has
     * read (UINT32_MAX none), and t's load that read it */
    uint32_t seen_st[DET_MAXT][DET_MAXT], seen_ld[DET_MAXT][DET_MAXT];
    int ww;
    uint32_t ww_first, ww_second;
};

static int bridge_ev(const struct det_event *e) { return e->off < HVSIM_BRIDGE_PAGE; }

static void store_seen(struct ex *x, const struct det_event *e, uint32_t i)
{
    for (uint32_t g = e->off / WMM_GRAN; g <= (e->off + (e->size ? e->size : 1) - 1) / WMM_GRAN && g < NG; g++) {
        if (x->npend == x->cap) {
            x->cap = x->cap ? 2 * x->cap : 256;
            x->pend = realloc(x->pend, x->cap * sizeof *x->pend);
        }
        x->pend[x->npend++] = (struct pend){ i, g, e->tid };
    }
}

static void commit_seen(struct ex *x, const struct det_event *e, uint32_t i)
{
    uint32_t g = e->off / WMM_GRAN;
    if (g >= NG)
        return;
    /* the store it commits: the oldest pending one of this thread on this granule */
    int k = -1;
    for (uint32_t j = 0; j < x->npend; j++)
        if (x->pend[j].tid == e->tid && x->pend[j].g == g) {
            k = (int)j;
            break;
        }
    if (k >= 0) {
        uint32_t sev = x->pend[k].ev;
        x->store_of[i] = sev;
        memmove(&x->pend[k], &x->pend[k + 1], (x->npend - (uint32_t)k - 1) * sizeof *x->pend);
        x->npend--;
    }
    memcpy(x->prev + g * WMM_GRAN, x->mem + g * WMM_GRAN, WMM_GRAN);
    memcpy(x->mem + g * WMM_GRAN, &e->val, WMM_GRAN);
    x->last_commit[g] = i;
}

static int own_pending(const struct ex *x, uint32_t tid, uint32_t g)
{
    for (uint32_t j = 0; j < x->npend; j++)
        if (x->pend[j].tid == tid && x->pend[j].g == g)
            return 1;
    return 0;
}

static void load_seen(struct ex *x, const struct det_event *e, uint32_t i)
{
    uint32_t g = e->off / WMM_GRAN, t = e->tid;
    if (g >= NG || t >= DET_MAXT || own_pending(x, t, g))
        return; /* forwarded from its own store buffer */
    uint32_t lo = e->off % WMM_GRAN, n = e->size < WMM_GRAN - lo ? e->size : WMM_GRAN - lo;
    int newest = x->last_commit[g] == UINT32_MAX || !memcmp(x->mem + g * WMM_GRAN + lo, &e->val, n);
    if (newest) {
        uint32_t c = x->last_commit[g];
        /* it reads from that commit only if the commit changed these bytes */
        int changed = c != UINT32_MAX && memcmp(x->prev + g * WMM_GRAN + lo, x->mem + g * WMM_GRAN + lo, n);
        if (changed && (x->seen[t] == UINT32_MAX || c > x->seen[t])) {
            x->seen[t] = c;
            x->seen_ev[t] = i;
        }
        uint32_t sv = changed ? x->store_of[c] : UINT32_MAX;
        if (sv != UINT32_MAX) {
            uint32_t w = x->S->ev[sv].tid;
            if (w < DET_MAXT && (x->seen_st[t][w] == UINT32_MAX || sv > x->seen_st[t][w])) {
                x->seen_st[t][w] = sv;
                x->seen_ld[t][w] = i;
            }
        }
        /* a store of w to this location, po-before a store of w that t has
         * already read, has not landed yet: w's stores landed out of order */
        for (uint32_t j = 0; j < x->npend; j++) {
            const struct pend *p = &x->pend[j];
            if (p->g != g || p->tid == t || p->tid >= DET_MAXT || x->seen_st[t][p->tid] == UINT32_MAX ||
                x->seen_st[t][p->tid] < p->ev)
                continue;
            x->ww = 1;
            x->w = (struct ooo){ p->ev, x->seen_st[t][p->tid], g, 0, p->tid, 0 };
            x->ww_first = x->seen_ld[t][p->tid];
            x->ww_second = i;
            break;
        }
        return;
    }
    /* a stale value: which commit overwrote it?  the first after the one it matches */
    uint32_t over = x->last_commit[g];
    for (uint32_t j = i; j-- > 0;) {
        const struct det_event *d = &x->S->ev[j];
        if (d->kind != EV_DRAIN || d->off / WMM_GRAN != g)
            continue;
        if (!memcmp((const uint8_t *)&d->val + lo, &e->val, n))
            break;
        over = j;
    }
    uint32_t sn = x->seen[t];
    if (sn == UINT32_MAX)
        return;
    if (sn > over) { /* it had read a write committed after the one that overwrote this value */
        x->rr = 1;
        x->rr_first = x->seen_ev[t];
        x->rr_second = i;
        x->rr_over = over;
        return;
    }
    /* the overwriting write committed after the one t had read, yet it is
     * po-earlier in the same writer: the writer's stores landed out of order */
    uint32_t so = x->store_of[over], ss = x->store_of[sn];
    if (so != UINT32_MAX && ss != UINT32_MAX && x->S->ev[so].tid == x->S->ev[ss].tid && so < ss) {
        x->ww = 1;
        x->w = (struct ooo){ so, ss, g, x->S->ev[ss].off / WMM_GRAN, x->S->ev[so].tid, 1 };
        x->ww_first = x->seen_ev[t];
        x->ww_second = i;
    }
}

static const char *site(struct det_syms *sy, const struct det_shm *S, const struct det_event *e,
                        char *buf, size_t len)
{
    if (!e->pc || !sy)
        return "?";
    return det_syms_line(sy, S->t[e->tid].proc == 1, e->pc, buf, len);
}

static const char *what(const struct det_event *e)
{
    switch (e->kind) {
    case EV_VREAD: return "volatile load";
    case EV_READ: return "plain load";
    case EV_ALOAD: return (e->mo & 0xff) == WMM_RLX ? "relaxed load" : "atomic load";
    case EV_VWRITE: return "volatile store";
    case EV_WRITE: return "plain store";
    default: return (e->mo & 0xff & ~DET_EV_BUFFERED) == WMM_RLX ? "relaxed store" : "atomic store";
    }
}

int det_wmm_explain(const struct det_shm *S, struct det_syms *sy, char *buf, size_t len)
{
    if (!wmm_on(S) || !S->nev)
        return 0;
    struct ex x;
    memset(&x, 0, sizeof x);
    x.S = S;
    x.last_commit = malloc(NG * sizeof *x.last_commit);
    x.mem = calloc(NG, WMM_GRAN);
    x.prev = calloc(NG, WMM_GRAN);
    x.store_of = malloc((S->nev + 1) * sizeof *x.store_of);
    for (uint32_t i = 0; i <= S->nev; i++)
        x.store_of[i] = UINT32_MAX;
    for (uint32_t g = 0; g < NG; g++)
        x.last_commit[g] = UINT32_MAX;
    for (uint32_t t = 0; t < DET_MAXT; t++) {
        x.seen[t] = UINT32_MAX;
        for (uint32_t w = 0; w < DET_MAXT; w++)
            x.seen_st[t][w] = UINT32_MAX;
    }
    for (uint32_t i = 0; i < S->nev && i < DET_MAX_EV; i++) {
        const struct det_event *e = &S->ev[i];
        if (!bridge_ev(e))
            continue;
        switch (e->kind) {
        case EV_WRITE: case EV_VWRITE: case EV_ASTORE: store_seen(&x, e, i); break;
        case EV_DRAIN: commit_seen(&x, e, i); break;
        case EV_READ: case EV_VREAD: case EV_ALOAD: load_seen(&x, e, i); break;
        default: break;
        }
    }
    int rc = 0;
    char tn[32], f1[64], f2[64], s1[160], s2[160];
    const int arm = S->model == DM_ARM;
    /* the later witness is the one closer to the failure */
    if (x.rr && (!x.ww || x.rr_second > x.ww_second)) {
        const struct det_event *a = &S->ev[x.rr_first], *b = &S->ev[x.rr_second];
        det_field_name(a->off, f1, sizeof f1);
        det_field_name(b->off, f2, sizeof f2);
        snprintf(buf, len,
                 "Reordering (load->load on %s): its %s of %s at %s returned %llu, a value "
                 "already overwritten in memory before the write its po-earlier %s of %s at %s "
                 "read (%llu) was committed. %s keeps no order between two loads of different "
                 "locations (no ppo edge, no dependency the compiled code makes); an acquire load "
                 "of %s (%s) or an acquire fence between the two loads (%s) forbids it.",
                 det_thread_name(S, a->tid, tn, sizeof tn), what(b), f2, site(sy, S, b, s2, sizeof s2),
                 (unsigned long long)b->val, what(a), f1, site(sy, S, a, s1, sizeof s1),
                 (unsigned long long)a->val, arm ? "ARMv8" : "RVWMO", f1,
                 arm ? "ldar" : "ld; fence r,rw", arm ? "dmb ishld" : "fence r,rw");
        rc = 1;
    } else if (x.ww) {
        const struct det_event *o = &S->ev[x.w.older], *n = &S->ev[x.w.newer];
        const struct det_event *r1 = &S->ev[x.ww_first], *r2 = &S->ev[x.ww_second];
        char rn[32], s3[160], s4[160];
        det_field_name(o->off, f1, sizeof f1);
        det_field_name(n->off, f2, sizeof f2);
        snprintf(buf, len,
                 "Reordering (store->store on %s): its %s to %s at %s became visible (committed, "
                 "its place in co) before its po-earlier %s to %s at %s; %s read the new %s at %s "
                 "and then the old %s at %s. %s keeps no order between two stores to different "
                 "locations; a write barrier between them (%s: a C11 release fence) or a release "
                 "store of %s (%s) forbids it.",
                 det_thread_name(S, n->tid, tn, sizeof tn), what(n), f2, site(sy, S, n, s2, sizeof s2),
                 what(o), f1, site(sy, S, o, s1, sizeof s1), det_thread_name(S, r1->tid, rn, sizeof rn),
                 f2, site(sy, S, r1, s3, sizeof s3), f1, site(sy, S, r2, s4, sizeof s4),
                 arm ? "ARMv8" : "RVWMO", arm ? "dmb ish" : "fence rw,w", f2,
                 arm ? "stlr" : "fence rw,w; sd");
        rc = 1;
    }
    free(x.pend);
    free(x.last_commit);
    free(x.mem);
    free(x.prev);
    free(x.store_of);
    return rc;
}
