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
#include <stdio.h>

#define PRIV_KEY 0xffffffffu /* an access to private memory (its address is not traced) */
/* Locations are bytes of the bridge page under sc and tso (req_front and
 * req_rear share a granule but not a byte: their accesses commute), and
 * the model's 8-byte granules under arm/riscv, where a granule is one
 * location with one store history.  blk: 64-byte blocks touched, a quick
 * "certainly independent" before the byte bitsets are compared. */
#define NGW ((int)(HVSIM_BRIDGE_PAGE / 64))   /* 64-bit words of a byte bitset */

#define PK_MAX 8

struct fp {                  /* a transition's footprint */
    uint64_t rd[NGW], wr[NGW];
    uint64_t rblk, wblk;
    uint32_t pk[PK_MAX];     /* private words (det_pkey) accessed; pkw: written */
    uint8_t pkw[PK_MAX], npk;
    uint64_t who, bufs;      /* threads whose events it holds; buffers it drains */
    uint64_t objs;           /* pthread objects (number mod 64) */
    uint32_t flags;
};
/* F_PRIV_R/W: a private access to a word not known (det_pkey() 0, or more
 * than PK_MAX words): dependent with every private access of the other */
enum { F_PRIV_R = 1, F_PRIV_W = 2, F_PLAT = 4, F_ALL = 8, F_ORDER = 16, F_ANYW = 32 };

static void mark(uint64_t *bits, uint64_t *blk, uint32_t off, uint32_t size, int wmm)
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

static void access_fp(struct fp *f, const struct det_event *e, int rd, int wr, int wmm)
{
    if (e->off == PRIV_KEY) {
        int k = 0;
        while (k < f->npk && f->pk[k] != e->pkey)
            k++;
        if (e->pkey && k < PK_MAX) {
            if (k == f->npk) {
                f->pk[f->npk] = e->pkey;
                f->pkw[f->npk++] = 0;
            }
            f->pkw[k] |= (uint8_t)(wr != 0);
        } else {
            f->flags |= (rd ? F_PRIV_R : 0) | (wr ? F_PRIV_W : 0);
        }
    } else if (e->off >= HVSIM_BRIDGE_PAGE) {
        f->flags |= F_ALL; /* a key det_dpor cannot place: dependent with everything */
    } else {
        if (rd)
            mark(f->rd, &f->rblk, e->off, e->size, wmm);
        if (wr)
            mark(f->wr, &f->wblk, e->off, e->size, wmm);
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
        access_fp(f, e, 1, 0, wmm);
        break;
    case EV_ALOAD:
        access_fp(f, e, 1, 0, wmm);
        if (wmm && e->mo) /* acquire: its view follows the global commit order */
            f->flags |= F_ORDER;
        break;
    case EV_WRITE: case EV_VWRITE: case EV_DRAIN:
        /* a buffered store is a write too: over-approximation, never missed */
        access_fp(f, e, 0, 1, wmm);
        break;
    case EV_ASTORE:
        access_fp(f, e, 0, 1, wmm);
        if (wmm && e->mo)
            f->flags |= F_ORDER;
        break;
    case EV_RMW:
        access_fp(f, e, 1, 1, wmm);
        if (wmm)
            f->flags |= F_ORDER;
        break;
    case EV_FENCE: /* sc/tso: its drains are traced; arm/riscv: it reads the commit clock */
        if (wmm)
            f->flags |= F_ORDER;
        break;
    case EV_SLEEP: case EV_WAKE: case EV_IPI: case EV_HCALL: case EV_HCDONE:
        f->flags |= F_PLAT;
        break;
    case EV_DELAY: /* in det a delay point is only a scheduling point (det_platform.c;
                    * the simulated clock it advances is read by nobody) */
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

static int bits_meet(const uint64_t *a, const uint64_t *b, uint64_t blk)
{
    for (; blk; blk &= blk - 1) {
        int i = __builtin_ctzll(blk);
        if (a[i] & b[i])
            return 1;
    }
    return 0;
}

static int priv_writes(const struct fp *f)
{
    int w = (f->flags & F_PRIV_W) != 0;
    for (int k = 0; k < f->npk && !w; k++)
        w = f->pkw[k];
    return w;
}

/* Private memory: two accesses of one word, one a write; an unknown word
 * is every word. */
static int priv_dependent(const struct fp *a, const struct fp *b)
{
    int any_a = (a->flags & (F_PRIV_R | F_PRIV_W)) || a->npk, any_b = (b->flags & (F_PRIV_R | F_PRIV_W)) || b->npk;
    if (((a->flags & F_PRIV_W) && any_b) || ((b->flags & F_PRIV_W) && any_a) ||
        ((a->flags & F_PRIV_R) && priv_writes(b)) || ((b->flags & F_PRIV_R) && priv_writes(a)))
        return 1;
    for (int i = 0; i < a->npk; i++)
        for (int j = 0; j < b->npk; j++)
            if (a->pk[i] == b->pk[j] && (a->pkw[i] || b->pkw[j]))
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
    if (priv_dependent(a, b))
        return 1;
    /* arm/riscv: an ordered access or fence sees which writes committed before it */
    if (((a->flags & F_ORDER) && (b->flags & F_ANYW)) || ((b->flags & F_ORDER) && (a->flags & F_ANYW)))
        return 1;
    return bits_meet(a->wr, b->wr, a->wblk & b->wblk) || bits_meet(a->wr, b->rd, a->wblk & b->rblk) ||
           bits_meet(a->rd, b->wr, a->rblk & b->wblk);
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

/* Spin-loop reduction (Kokologiannakis, Ren, Vafeiadis, "Dynamic partial
 * order reductions for spinloops", FMCAD'21; the same assumption as det's
 * fair scheduler, det_runtime.c "progress"): a thread's re-read of a
 * location it already read since its last action of any other kind (a
 * write, a fence, a platform or pthread call, a new guest access) is a
 * further turn of a loop that only reads.  Reversing a write with such a
 * re-read gives an execution that differs from the reversal with the
 * loop's FIRST read of that location only in how often the loop turned,
 * so only first reads race.  The re-reads still order what follows them
 * (happens-before keeps them), they only start no race.  Under arm/riscv
 * an acquire re-read keeps its dependence on every write: its view, not
 * its value, is what changes. */
#define WIN_MAX 32
struct win {
    uint32_t off[WIN_MAX], pkey[WIN_MAX];
    uint64_t pc[WIN_MAX];
    uint8_t size[WIN_MAX], n, full;
};

static int is_read(const struct det_event *e)
{
    return e->kind == EV_READ || e->kind == EV_VREAD || e->kind == EV_ALOAD;
}

/* 1 when e re-reads a location of its thread's window; updates the window. */
static int rereads(struct win *w, const struct det_event *e)
{
    if (e->kind == EV_SWITCH || e->kind == EV_DRAIN)
        return 0; /* scheduling, the buffer's commit: nothing the thread did */
    int priv = e->off == PRIV_KEY;
    if (!is_read(e) || (priv && !e->pkey) || (!priv && e->off >= HVSIM_BRIDGE_PAGE)) {
        w->n = w->full = 0; /* any other action ends the loop turn */
        return 0;
    }
    /* a private word is known by 31 bits of its address: the same
     * instruction too, so two words that share them are never confused */
    for (unsigned k = 0; k < w->n; k++)
        if (w->off[k] == e->off && w->size[k] == e->size && w->pkey[k] == e->pkey &&
            (!priv || w->pc[k] == e->pc))
            return 1;
    if (w->n == WIN_MAX) {
        w->full = 1;
        return 0;
    }
    w->off[w->n] = e->off;
    w->pkey[w->n] = priv ? e->pkey : 0;
    w->pc[w->n] = e->pc;
    w->size[w->n++] = e->size;
    return 0;
}

/* Silent writes (sc only): a store (or RMW, or failed CAS) of the value
 * the bytes already hold changes nothing a read can see, so a read and a
 * silent write commute — either order reads the same value and leaves the
 * same memory (value-centric equivalence, Agarwal et al., CAV'21).  With a
 * write it still conflicts (the other order leaves the other value): it
 * counts as a load.  The daemon re-storing need_wakeup = 0 every turn of
 * its loop and a lock waiter's failing exchange are the cases that matter.  Memory is known only from what the trace read or wrote; under
 * tso a store's effect is its drain and under arm/riscv a load reads a
 * message, not memory, so there nothing is silent. */
#define PMEM_MAX 64
struct mem {
    uint8_t b[HVSIM_BRIDGE_PAGE];
    uint64_t known[NGW];
    uint32_t pkey[PMEM_MAX];  /* private words: last value seen, by det_pkey() */
    uint64_t pval[PMEM_MAX];
    uint8_t psize[PMEM_MAX], np;
};

/* A private word's known value: 1 when e stores what it already held. */
static int pmem_step(struct mem *m, const struct det_event *e, int rd, int wr)
{
    unsigned k = 0;
    while (k < m->np && m->pkey[k] != e->pkey)
        k++;
    int silent = wr && k < m->np && m->psize[k] == e->size && m->pval[k] == e->val;
    if (k == m->np) {
        if (m->np == PMEM_MAX)
            return 0;
        m->pkey[m->np++] = e->pkey;
    }
    m->psize[k] = (rd || wr) ? e->size : 0; /* size 0: not known */
    m->pval[k] = e->val;
    return silent;
}

static int mem_known(const struct mem *m, uint32_t off, uint32_t n)
{
    for (uint32_t i = off; i < off + n; i++)
        if (!(m->known[i / 64] >> (i % 64) & 1))
            return 0;
    return 1;
}

/* Returns 1 when e is a store of what [off, off+size) already holds. */
static int mem_step(struct mem *m, const struct det_event *e)
{
    int rd = is_read(e), wr = e->kind == EV_WRITE || e->kind == EV_VWRITE || e->kind == EV_ASTORE;
    if (e->kind == EV_RMW) /* its value is the new one: silent when the word held it already */
        wr = 1;
    if (!rd && !wr)
        return 0;
    if (e->off == PRIV_KEY)
        return e->pkey && e->size <= 8 ? pmem_step(m, e, rd, wr) : 0;
    if (e->off >= HVSIM_BRIDGE_PAGE)
        return 0;
    uint32_t n = e->size ? e->size : 1, off = e->off;
    if (off + n > HVSIM_BRIDGE_PAGE)
        n = HVSIM_BRIDGE_PAGE - off;
    int silent = 0;
    if (wr && n <= 8 && mem_known(m, off, n)) {
        silent = 1;
        for (uint32_t i = 0; i < n; i++)
            if (m->b[off + i] != (uint8_t)(e->val >> (8 * i)))
                silent = 0;
    }
    for (uint32_t i = off; i < off + n; i++) {
        /* a value known exactly: loads, stores and RMWs of up to 8 bytes */
        int keep = n <= 8;
        if (keep)
            m->b[i] = (uint8_t)(e->val >> (8 * (i - off)));
        if (keep)
            m->known[i / 64] |= 1ull << (i % 64);
        else
            m->known[i / 64] &= ~(1ull << (i % 64));
    }
    return silent;
}

/* A transition holds the logged step and the forced steps after it, which
 * may be other threads' (one became the only candidate).  Races are between
 * the steps of different actors, so each transition keeps its actors'
 * footprints apart too (an actor: a thread, or a thread's store buffer);
 * one with more than SUBMAX actors races as a whole. */
#define SUBMAX 4
struct tfp {
    struct fp all;           /* every step: happens-before */
    int nsub;                /* actors kept apart, -1: too many */
    uint8_t actor[SUBMAX];
    struct fp sub[SUBMAX];
};

static void add_event(struct fp *f, const struct det_event *e, int again, int silent, int wmm)
{
    if (again) {
        f->who |= 1ull << (e->tid & 63);
        if (wmm && e->kind == EV_ALOAD && e->mo) /* its view, not its value, changes */
            f->flags |= F_ORDER;
    } else if (silent) {
        /* it conflicts with writes only, as a load does (an RMW also read) */
        struct det_event r = *e;
        r.kind = EV_ALOAD;
        event_fp(f, &r, wmm);
    } else {
        event_fp(f, e, wmm);
    }
}

static struct fp *actor_fp(struct tfp *t, int actor)
{
    for (int i = 0; i < t->nsub; i++)
        if (t->actor[i] == actor)
            return &t->sub[i];
    if (t->nsub < 0 || t->nsub == SUBMAX) {
        t->nsub = -1;
        return NULL;
    }
    t->actor[t->nsub] = (uint8_t)actor;
    return &t->sub[t->nsub++];
}

/* Footprint of every transition: events with step s follow decision s-1,
 * and belong to the last run/drain decision at or before it.  Re-reads
 * add only their thread; silent stores conflict only with writes. */
static void build_fps(uint32_t nlog, const struct det_event *ev, uint32_t nev, int model,
                      const int32_t *of, struct tfp *fps)
{
    int wmm = model == DM_ARM || model == DM_RISCV;
    struct win *win = calloc(64, sizeof *win);
    struct mem *mem = model == DM_SC ? calloc(1, sizeof *mem) : NULL;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        uint32_t s = e->step;
        int silent = mem ? mem_step(mem, e) : 0;
        /* a silent store leaves memory as it was: the loop's turn goes on */
        int again = win && !silent ? rereads(&win[e->tid & 63], e) : 0;
        if (!s || s > nlog || e->kind == EV_SWITCH)
            continue; /* before the first decision: the same in every execution */
        int32_t t = of[s - 1];
        if (t < 0)
            continue;
        add_event(&fps[t].all, e, again, silent, wmm);
        struct fp *f = actor_fp(&fps[t], (e->tid & 31) + (e->kind == EV_DRAIN ? 32 : 0));
        if (f)
            add_event(f, e, again, silent, wmm);
    }
    free(win);
    free(mem);
}

/* Do steps of different actors in a and b conflict?  Returns the actor of
 * b's conflicting step (the action that must come first, as a bit of a
 * decision's opts), or 0. */
static uint64_t tfp_race(const struct tfp *a, const struct tfp *b, uint64_t b_chosen)
{
    if (a->nsub < 0 || b->nsub < 0)
        return same_actor(&a->all, &b->all) ? 0 : b_chosen;
    for (int j = 0; j < b->nsub; j++)
        for (int i = 0; i < a->nsub; i++)
            if (a->actor[i] != b->actor[j] && fp_dependent(&a->sub[i], &b->sub[j]))
                return 1ull << (b->actor[j] < 32 ? b->actor[j] : DET_ACT_DRAIN + b->actor[j] - 32);
    return 0;
}

#define BS_WORDS(n) (((n) + 63) / 64)
#define BS_GET(b, i) ((b)[(i) / 64] >> ((i) % 64) & 1)
#define BS_SET(b, i) ((b)[(i) / 64] |= 1ull << ((i) % 64))

/* The action of decision log[i] as a bit of its opts. */
static uint64_t act_bit(const struct det_logent *l) { return 1ull << (l->chosen & 63); }

/* Source-DPOR's initials: the first transitions of notdep(i).j that no
 * earlier transition of that sequence happens before, as action bits. */
static uint64_t initials(const struct det_logent *log, const uint32_t *node, const uint64_t *hb,
                         size_t w, uint32_t i, uint32_t j, uint64_t jact)
{
    uint64_t I = 0;
    for (uint32_t k = i + 1; k <= j; k++) {
        if (k < j && BS_GET(&hb[(size_t)k * w], i))
            continue; /* after i: not in v */
        int first = 1;
        for (uint32_t q = i + 1; q < k && first; q++)
            if (!BS_GET(&hb[(size_t)q * w], i) && BS_GET(&hb[(size_t)k * w], q))
                first = 0;
        if (first) /* j: the racing step's actor, which may be a forced step after the chosen one */
            I |= k == j ? jact : act_bit(&log[node[k]]);
    }
    return I;
}

/* ---- sleep sets -----------------------------------------------------------
 * An action explored at node i (done there) need not be explored again
 * after another action at i, as long as every step since commutes with its
 * step: it is asleep (Godefroid, "Partial-order methods", LNCS 1032; the
 * sleep sets of source-DPOR's Algorithm 1).  The runtime's continuation
 * after a replayed prefix knows nothing of them, so they are checked after
 * the execution: one that took an asleep step at node k is equivalent to
 * one already explored (its races were analysed there); what the sleep set
 * would have made the scheduler do instead — another option at k — joins
 * k's backtrack set.  Each node keeps the footprints of the steps taken or
 * asleep there, for the executions that backtrack to it. */
#define FOOT_MAX 8
struct det_foot {
    uint8_t n, act[FOOT_MAX];
    struct fp fp[FOOT_MAX];
};

void det_foot_free(struct det_foot *f) { free(f); }

static const struct fp *foot_get(const struct det_foot *f, int act)
{
    for (int i = 0; f && i < f->n; i++)
        if (f->act[i] == act)
            return &f->fp[i];
    return NULL;
}

/* A footprint that cannot be kept is simply not known later: that action
 * is then never put asleep from here (more executions, never fewer). */
static void foot_put(struct det_foot **pf, int act, const struct fp *fp)
{
    if (!*pf && !(*pf = calloc(1, sizeof **pf)))
        return;
    struct det_foot *f = *pf;
    int i = 0;
    while (i < f->n && f->act[i] != act)
        i++;
    if (i == FOOT_MAX)
        return;
    if (i == f->n)
        f->act[f->n++] = (uint8_t)act;
    f->fp[i] = *fp;
}

/* The step action a took in transition t: its own events (all of them when
 * the transition's actors were not kept apart; none: it commutes with all). */
static const struct fp *step_fp(const struct tfp *t, int a)
{
    static const struct fp none;
    if (t->nsub < 0)
        return &t->all;
    int actor = a < DET_ACT_DRAIN ? a : 32 + a - DET_ACT_DRAIN;
    for (int i = 0; i < t->nsub; i++)
        if (t->actor[i] == actor)
            return &t->sub[i];
    return &none;
}

/* Asleep at node k: what is asleep plus their footprints, stored there. */
static void sleep_store(struct det_dfs_node *x, uint64_t sleep, const struct det_foot *S)
{
    x->sleep = sleep;
    for (int i = 0; i < S->n; i++)
        foot_put(&x->foot, S->act[i], &S->fp[i]);
}

/* Walk the run/drain decisions from the prefix's last one; 1 when the
 * execution took an asleep step (bt gets the redirect). */
static int sleep_walk(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
                      uint32_t n, const struct tfp *fps, uint64_t *bt)
{
    struct det_foot *S = calloc(1, sizeof *S), *T = calloc(1, sizeof *T);
    uint64_t sleep = 0;
    uint32_t p = d->plen ? d->plen - 1 : 0;
    int blocked = 0;
    for (uint32_t t = 0; S && T && t < n && !blocked; t++) {
        uint32_t k = node[t];
        if (k < p)
            continue;
        struct det_dfs_node *x = &d->st[k];
        int a = log[k].chosen;
        if (k == p && d->plen) { /* asleep here before, and done here before a */
            uint64_t start = (x->sleep | x->tried) & ~(1ull << a);
            for (uint64_t m = start; m; m &= m - 1) {
                const struct fp *f = foot_get(x->foot, __builtin_ctzll(m));
                if (f) {
                    foot_put(&S, __builtin_ctzll(m), f);
                    sleep |= m & -m;
                }
            }
        } else if (sleep >> a & 1) {
            uint64_t alt = log[k].opts & ~sleep & ~(1ull << a);
            sleep_store(x, sleep, S);
            bt[k] |= alt & -alt;
            blocked = 1;
            break;
        } else {
            sleep_store(x, sleep, S);
        }
        foot_put(&x->foot, a, step_fp(&fps[t], a));
        /* wake what this transition does not commute with */
        T->n = 0;
        uint64_t still = 0;
        for (int i = 0; i < S->n; i++)
            if (!fp_dependent(&S->fp[i], &fps[t].all)) {
                foot_put(&T, S->act[i], &S->fp[i]);
                still |= 1ull << S->act[i];
            }
        struct det_foot *sw = S;
        S = T;
        T = sw;
        sleep = still;
    }
    free(S);
    free(T);
    return blocked;
}

/* Every race of the execution adds to bt (source sets). */
static int find_races(const struct det_logent *log, const uint32_t *node, uint32_t n,
                      const struct tfp *fps, uint64_t *hb, uint64_t *cov, size_t w, uint64_t *bt)
{
    int races = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint64_t *hj = &hb[(size_t)j * w];
        memset(cov, 0, w * sizeof *cov);
        for (int64_t i = (int64_t)j - 1; i >= 0; i--) {
            if (!fp_dependent(&fps[i].all, &fps[j].all))
                continue;
            uint64_t *hi = &hb[(size_t)i * w];
            int ordered = BS_GET(cov, (uint32_t)i); /* i -> k -> j for a later k */
            BS_SET(hj, (uint32_t)i);
            for (size_t q = 0; q < w; q++) {
                hj[q] |= hi[q];
                cov[q] |= hi[q];
            }
            /* steps of one thread (or one buffer, FIFO): program order, no race */
            uint64_t jact = ordered ? 0 : tfp_race(&fps[i], &fps[j], act_bit(&log[node[j]]));
            if (!jact)
                continue;
            races++;
            const struct det_logent *li = &log[node[i]];
            uint64_t I = initials(log, node, hb, w, (uint32_t)i, j, jact);
            if (I & bt[node[i]])
                continue;
            uint64_t ok = I & li->opts;
            /* an initial the decision could not take (blocked, spinning,
             * not yet created): every option there, as classic DPOR does */
            bt[node[i]] |= ok ? ok & -ok : li->opts;
        }
    }
    return races;
}

static int analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                   const struct det_event *ev, uint32_t nev, int model, uint64_t *bt)
{
    uint32_t *node = malloc((nlog + 1) * sizeof *node);
    int32_t *of = malloc((nlog + 1) * sizeof *of);
    uint32_t n = node ? collect_nodes(log, nlog, node) : 0;
    if (!node || !of || n > DET_DPOR_MAX_NODES) {
        free(node);
        free(of);
        return -1;
    }
    size_t w = BS_WORDS(n ? n : 1);
    int32_t cur = -1;
    for (uint32_t i = 0, k = 0; i < nlog; i++) {
        if (k < n && node[k] == i)
            cur = (int32_t)k++;
        of[i] = cur;
    }
    struct tfp *fps = calloc(n ? n : 1, sizeof *fps);
    uint64_t *hb = calloc((size_t)(n ? n : 1) * w, sizeof *hb); /* hb[j]: transitions before j */
    uint64_t *cov = calloc(w, sizeof *cov);
    int races = -1;
    if (fps && hb && cov) {
        build_fps(nlog, ev, nev, model, of, fps);
        if (d && sleep_walk(d, log, node, n, fps, bt))
            races = -2;
        else
            races = find_races(log, node, n, fps, hb, cov, w, bt);
    }
    free(fps);
    free(hb);
    free(cov);
    free(node);
    free(of);
    return races;
}

int det_dpor_races(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                   uint32_t nev, int model, uint64_t *bt)
{
    return analyse(NULL, log, nlog, ev, nev, model, bt);
}

int det_dpor_analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                     const struct det_event *ev, uint32_t nev, uint64_t *bt)
{
    return analyse(d, log, nlog, ev, nev, d->model, bt);
}
