/* sim/engine/det/det_dpor.c — source-DPOR bookkeeping (Abdulla, Aronis,
 * Jonsson, Sagonas, POPL'14, as Nidhugg does it), without sleep sets.
 *
 * Pure functions over one execution's decision log and trace: which logged
 * decisions race, and which action each race adds to the backtrack set of
 * the earlier decision.  Unit-tested in tests/unit/test_det_dpor.c.
 *
 * A transition is what follows one logged run/drain decision up to the next
 * one: the events whose step lies after it (forced, unlogged switches and
 * the value choices of arm/riscv stay inside it; value choices themselves
 * are explored exhaustively by det_sched.c, never reduced).  Its footprint
 * is summarised once (granules read and written, platform calls, pthread
 * objects, the threads and buffers it touches); two transitions are
 * dependent when their footprints conflict.  Over-approximating dependence
 * only costs executions, so whatever is not classified is dependent.
 */
#include "det.h"
#include <stdlib.h>
#include <string.h>

#define PRIV_KEY 0xffffffffu /* an access to private memory (its address is not traced) */
#define NGW ((int)(WMM_NG / 64))   /* 64-bit words of a granule bitset */

struct fp {                  /* a transition's footprint */
    uint64_t rd[NGW], wr[NGW];
    uint64_t who, bufs;      /* threads whose events it holds; buffers it drains */
    uint64_t objs;           /* pthread objects (number mod 64) */
    uint32_t flags;
};
enum { F_PRIV_R = 1, F_PRIV_W = 2, F_PLAT = 4, F_ALL = 8, F_ORDER = 16, F_ANYW = 32 };

static void mark(uint64_t *bits, uint32_t off, uint32_t size)
{
    uint32_t g0 = off / WMM_GRAN, g1 = (off + (size ? size : 1) - 1) / WMM_GRAN;
    for (uint32_t g = g0; g <= g1 && g < WMM_NG; g++)
        bits[g / 64] |= 1ull << (g % 64);
}

static void access_fp(struct fp *f, const struct det_event *e, int rd, int wr)
{
    if (e->off == PRIV_KEY) {
        f->flags |= (rd ? F_PRIV_R : 0) | (wr ? F_PRIV_W : 0);
    } else if (e->off >= HVSIM_BRIDGE_PAGE) {
        f->flags |= F_ALL; /* a key det_dpor cannot place: dependent with everything */
    } else {
        if (rd)
            mark(f->rd, e->off, e->size);
        if (wr)
            mark(f->wr, e->off, e->size);
    }
    if (wr)
        f->flags |= F_ANYW;
}

static void event_fp(struct fp *f, const struct det_event *e, int wmm)
{
    if (e->kind == EV_DRAIN)
        f->bufs |= 1ull << (e->tid & 63);
    else
        f->who |= 1ull << (e->tid & 63);
    switch (e->kind) {
    case EV_READ: case EV_VREAD:
        access_fp(f, e, 1, 0);
        break;
    case EV_ALOAD:
        access_fp(f, e, 1, 0);
        if (wmm && e->mo) /* acquire: its view follows the global commit order */
            f->flags |= F_ORDER;
        break;
    case EV_WRITE: case EV_VWRITE: case EV_DRAIN:
        /* a buffered store is a write too: over-approximation, never missed */
        access_fp(f, e, 0, 1);
        break;
    case EV_ASTORE:
        access_fp(f, e, 0, 1);
        if (wmm && e->mo)
            f->flags |= F_ORDER;
        break;
    case EV_RMW:
        access_fp(f, e, 1, 1);
        if (wmm)
            f->flags |= F_ORDER;
        break;
    case EV_FENCE: /* sc/tso: its drains are traced; arm/riscv: it reads the commit clock */
        if (wmm)
            f->flags |= F_ORDER;
        break;
    case EV_SLEEP: case EV_WAKE: case EV_IPI: case EV_HCALL: case EV_HCDONE: case EV_DELAY:
        f->flags |= F_PLAT;
        break;
    case EV_BEGIN: case EV_DONE: case EV_SWITCH: case EV_ACCESS: case EV_RESULT:
        break; /* bookkeeping of the thread itself */
    case EV_SYNC:
        if (e->off == SY_CREATE || e->off == SY_JOIN || e->off == SY_EXIT)
            f->flags |= F_ALL;
        else
            f->objs |= 1ull << (e->val & 63);
        break;
    default:
        f->flags |= F_ALL;
        break;
    }
}

static int bits_meet(const uint64_t *a, const uint64_t *b)
{
    for (int i = 0; i < NGW; i++)
        if (a[i] & b[i])
            return 1;
    return 0;
}

static int fp_dependent(const struct fp *a, const struct fp *b)
{
    if ((a->flags | b->flags) & F_ALL)
        return 1;
    if (((a->who | a->bufs) & (b->who | b->bufs))) /* the same thread, or a thread and its own buffer */
        return 1;
    if ((a->flags & b->flags & F_PLAT) || (a->objs & b->objs))
        return 1;
    if (((a->flags & F_PRIV_W) && (b->flags & (F_PRIV_R | F_PRIV_W))) ||
        ((b->flags & F_PRIV_W) && (a->flags & F_PRIV_R)))
        return 1;
    /* arm/riscv: an ordered access or fence sees which writes committed before it */
    if (((a->flags & F_ORDER) && (b->flags & F_ANYW)) || ((b->flags & F_ORDER) && (a->flags & F_ANYW)))
        return 1;
    return bits_meet(a->wr, b->wr) || bits_meet(a->wr, b->rd) || bits_meet(a->rd, b->wr);
}

int det_dpor_dependent(const struct det_event *a, const struct det_event *b, int wmm)
{
    struct fp fa, fb;
    memset(&fa, 0, sizeof fa);
    memset(&fb, 0, sizeof fb);
    event_fp(&fa, a, wmm);
    event_fp(&fb, b, wmm);
    return fp_dependent(&fa, &fb);
}

static int same_actor(const struct fp *a, const struct fp *b)
{
    uint64_t x = a->who | a->bufs << 32, y = b->who | b->bufs << 32;
    return x == y && !(x & (x - 1));
}

/* The run/drain decisions of the log (value choices are not transitions). */
static uint32_t collect_nodes(const struct det_logent *log, uint32_t nlog, uint32_t *node)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < nlog; i++)
        if (!log[i].kind)
            node[k++] = i;
    return k;
}

/* Footprint of every transition: events with step s follow decision s-1,
 * and belong to the last run/drain decision at or before it. */
static void build_fps(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                      uint32_t nev, int wmm, const int32_t *of, struct fp *fps)
{
    (void)log;
    for (uint32_t k = 0; k < nev; k++) {
        uint32_t s = ev[k].step;
        if (!s || s > nlog)
            continue; /* before the first decision: the same in every execution */
        int32_t t = of[s - 1];
        if (t >= 0)
            event_fp(&fps[t], &ev[k], wmm);
    }
}

#define BS_WORDS(n) (((n) + 63) / 64)
#define BS_GET(b, i) ((b)[(i) / 64] >> ((i) % 64) & 1)
#define BS_SET(b, i) ((b)[(i) / 64] |= 1ull << ((i) % 64))

/* The action of decision log[i] as a bit of its opts. */
static uint64_t act_bit(const struct det_logent *l) { return 1ull << (l->chosen & 63); }

/* Source-DPOR's initials: the first transitions of notdep(i).j that no
 * earlier transition of that sequence happens before, as action bits. */
static uint64_t initials(const struct det_logent *log, const uint32_t *node, const uint64_t *hb,
                         size_t w, uint32_t i, uint32_t j)
{
    uint64_t I = 0;
    for (uint32_t k = i + 1; k <= j; k++) {
        if (k < j && BS_GET(&hb[(size_t)k * w], i))
            continue; /* after i: not in v */
        int first = 1;
        for (uint32_t q = i + 1; q < k && first; q++)
            if (!BS_GET(&hb[(size_t)q * w], i) && BS_GET(&hb[(size_t)k * w], q))
                first = 0;
        if (first)
            I |= act_bit(&log[node[k]]);
    }
    return I;
}

int det_dpor_races(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                   uint32_t nev, int wmm, uint64_t *bt)
{
    uint32_t *node = malloc((nlog + 1) * sizeof *node);
    int32_t *of = malloc((nlog + 1) * sizeof *of);
    if (!node || !of) {
        free(node);
        free(of);
        return -1;
    }
    uint32_t n = collect_nodes(log, nlog, node);
    size_t w = BS_WORDS(n ? n : 1);
    if (n > DET_DPOR_MAX_NODES) {
        free(node);
        free(of);
        return -1;
    }
    int32_t cur = -1;
    for (uint32_t i = 0, k = 0; i < nlog; i++) {
        if (k < n && node[k] == i)
            cur = (int32_t)k++;
        of[i] = cur;
    }
    struct fp *fps = calloc(n ? n : 1, sizeof *fps);
    uint64_t *hb = calloc((size_t)(n ? n : 1) * w, sizeof *hb); /* hb[j]: transitions before j */
    uint64_t *cov = calloc(w, sizeof *cov);
    int races = -1;
    if (!fps || !hb || !cov)
        goto out;
    build_fps(log, nlog, ev, nev, wmm, of, fps);
    races = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint64_t *hj = &hb[(size_t)j * w];
        memset(cov, 0, w * sizeof *cov);
        for (int64_t i = (int64_t)j - 1; i >= 0; i--) {
            if (!fp_dependent(&fps[i], &fps[j]))
                continue;
            uint64_t *hi = &hb[(size_t)i * w];
            int ordered = BS_GET(cov, (uint32_t)i); /* i -> k -> j for a later k */
            BS_SET(hj, (uint32_t)i);
            for (size_t q = 0; q < w; q++) {
                hj[q] |= hi[q];
                cov[q] |= hi[q];
            }
            /* both transitions are steps of one thread (or one buffer, FIFO)
             * alone: program order, no race.  A transition that holds
             * forced steps of other threads too may still race with them. */
            if (ordered || same_actor(&fps[i], &fps[j]))
                continue;
            races++;
            const struct det_logent *li = &log[node[i]];
            uint64_t I = initials(log, node, hb, w, (uint32_t)i, j);
            if (I & bt[node[i]])
                continue;
            uint64_t ok = I & li->opts;
            /* an initial the decision could not take (blocked, spinning,
             * not yet created): every option there, as classic DPOR does */
            bt[node[i]] |= ok ? ok & -ok : li->opts;
        }
    }
out:
    free(fps);
    free(hb);
    free(cov);
    free(node);
    free(of);
    return races;
}
