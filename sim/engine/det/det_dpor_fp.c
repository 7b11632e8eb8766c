/* sim/engine/det/det_dpor_fp.c — what a transition of one execution's trace
 * touches (its footprint) and when two transitions do not commute: bytes
 * (granules under arm/riscv) read and written, private words, platform
 * calls, pthread objects; spin-loop re-reads and silent stores left out
 * (the two equivalences of docs/det-engine.md).  Pure; det_dpor.c uses it. */
#include "det_dpor_int.h"
#include <string.h>

int det_dpor_dependent(const struct det_event *a, const struct det_event *b, int wmm)
{
    struct det_fp fa, fb;
    memset(&fa, 0, sizeof fa);
    memset(&fb, 0, sizeof fb);
    det_fp_event(&fa, a, wmm);
    det_fp_event(&fb, b, wmm);
    return det_fp_dependent(&fa, &fb);
}

static int same_actor(const struct det_fp *a, const struct det_fp *b)
{
    uint64_t x = a->who | (a->bufs | a->cbufs) << 32, y = b->who | (b->bufs | b->cbufs) << 32;
    return x == y && !(x & (x - 1));
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
/* Silent writes (sc and tso): a write (store, RMW, failed CAS; under tso
 * a drain) of the value the bytes already hold changes nothing a read can
 * see, so a read and a silent write commute — either order reads the same
 * value and leaves the same memory (value-centric equivalence, Agarwal et
 * al., CAV'21).  With a write it still conflicts (the other order leaves
 * the other value): it counts as a load.  The daemon re-storing
 * need_wakeup = 0 and a lock waiter's failing exchange are the cases that
 * matter.  Memory is known only from what the trace read or wrote.  Under
 * tso memory changes at a drain or an unbuffered write, a buffered store
 * only makes its bytes unknown until its drain, and a thread's read teaches
 * memory only while its buffer is empty (it might have forwarded).  Under
 * arm/riscv a load reads a message, not memory: nothing is silent there. */
#define PMEM_MAX 64
struct mem {
    uint8_t b[HVSIM_BRIDGE_PAGE];
    uint64_t known[DET_FP_NGW];
    uint32_t pkey[PMEM_MAX];  /* private words: last value seen, by det_pkey() */
    uint64_t pval[PMEM_MAX];
    uint8_t psize[PMEM_MAX], np;
    int tso;
    int64_t pend[64]; /* tso: bytes a thread stored that its buffer still holds; <0: lost count */
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

/* tso: what e does to memory (*rd: a read of it, *wr: a write to it);
 * 0 when e leaves memory alone, as a buffered store does until its drain
 * (traced: det_storebuf.c). */
static int tso_mem_role(struct mem *m, const struct det_event *e, int *rd, int *wr)
{
    int64_t *p = &m->pend[e->tid & 63];
    uint32_t n = e->size == 255 ? HVSIM_BRIDGE_PAGE : e->size;
    if (*wr && (e->mo & DET_EV_BUFFERED)) {
        if (*p >= 0)
            *p += n;
        return 0;
    } else if (e->kind == EV_DRAIN) {
        *p = *p >= (int64_t)n ? *p - n : -1;
        *wr = 1;
    } else if (*rd && *p) {
        *rd = 0; /* maybe forwarded from its own buffer: says nothing of memory */
    }
    return *rd || *wr;
}

/* Returns 1 when e is a write of what [off, off+size) already holds. */
static int mem_step(struct mem *m, const struct det_event *e)
{
    int rd = det_fp_is_read(e), wr = e->kind == EV_WRITE || e->kind == EV_VWRITE || e->kind == EV_ASTORE;
    if (e->kind == EV_RMW) /* its value is the new one: silent when the word held it already */
        wr = 1;
    if (m->tso && (e->kind == EV_DRAIN || rd || wr) && !tso_mem_role(m, e, &rd, &wr))
        return 0;
    if (!rd && !wr)
        return 0;
    if (e->off == DET_FP_PRIV)
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

static void add_event(struct det_fp *f, const struct det_event *e, int again, int silent, int wmm)
{
    dpor_rx_unless_read(f, e, wmm);
    if (again == 2 && !(wmm && e->kind == EV_ALOAD && e->mo && e->view != DET_VIEW_NONE) &&
        (e->off == DET_FP_PRIV ? e->pkey != 0 : e->off < HVSIM_BRIDGE_PAGE)) {
        f->who |= 1ull << (e->tid & 63);
        if (det_fp_orders_own_buffer(e, wmm))
            f->flags |= DF_OWNB;
        dpor_rx_add(f, e, wmm);
    } else if (again) {
        f->who |= 1ull << (e->tid & 63);
        if (det_fp_orders_own_buffer(e, wmm))
            f->flags |= DF_OWNB;
        if (wmm && e->view == DET_VIEW_NONE) {
            /* it raised no view: a further turn that observes nothing */
        } else if (wmm && e->kind == EV_ALOAD && e->mo && e->off < HVSIM_BRIDGE_PAGE) {
            /* its view, not its value, changes: ordered with every write,
             * reversed with none on its own granule (rr_race) */
            uint32_t g1 = e->off / WMM_GRAN + 1;
            int bounded = e->view > DET_VIEW_NONE && !(e->view & DET_VIEW_OWN); /* det_fp_view; ALL too */
            if (!(f->flags & DF_RR)) {
                f->flags |= DF_RR | (bounded ? DF_RRB : 0);
                f->rr_g1 = g1;
            } else if (f->rr_g1 != g1) {
                f->flags |= DF_ORDER; /* two granules: every write races */
            } else if (!bounded) {
                f->flags &= ~(uint32_t)DF_RRB;
            }
            if (bounded && e->view - 2 > f->rrv)
                f->rrv = e->view - 2;
        } else if (wmm && e->kind == EV_ALOAD && e->mo) {
            f->flags |= DF_ORDER;
        }
    } else if (silent == 2) {
        /* an arm/riscv silent commit (wsil_commit): still a commit, with
         * the timestamp views observe, but to other reads a read */
        det_fp_view(f, e);
        det_fp_commit(f, e, wmm);
        det_fp_access(f, e, 1, 0, wmm);
        f->flags |= DF_ANYW;
    } else if (silent && e->kind == EV_DRAIN) {
        struct det_event d = *e; /* a drain: its buffer's step, a read (det_fp_event) */
        d.mo |= DET_EV_SILENT;
        det_fp_event(f, &d, wmm);
    } else if (silent) {
        /* it conflicts with writes only, as a load does (an RMW also read) */
        struct det_event r = *e;
        r.kind = EV_ALOAD;
        det_fp_event(f, &r, wmm);
        f->flags |= DF_OWNB; /* still a write of its thread (det_fp_orders_own_buffer) */
    } else {
        det_fp_event(f, e, wmm);
    }
}

static struct det_fp *actor_fp(struct tfp *t, int actor)
{
    for (int i = 0; i < t->nsub; i++)
        if (t->actor[i] == actor)
            return &t->sub[i];
    if (t->nsub < 0 || t->nsub == SUBMAX) {
        t->nsub = -1;
        return NULL;
    }
    t->actor[t->nsub] = (uint16_t)actor;
    t->vmark[t->nsub] = t->vts[t->nsub] = 0;
    t->vtid[t->nsub] = 0xff;
    t->rts[t->nsub] = 0;
    t->runk[t->nsub] = t->rpart[t->nsub] = 0;
    memset(t->rpre[t->nsub], 0, sizeof t->rpre[t->nsub]);
    t->smk[t->nsub] = -2;
    return &t->sub[t->nsub++];
}

/* Whose step e is (det_dpor_int.h: actors).  An arm/riscv commit of a
 * buffered entry (its mark in pkey, wmm_land) is its granule's own actor. */
static int actor_of(const struct det_event *e, int wmm)
{
    int t = e->tid & 31;
    if (e->kind != EV_DRAIN)
        return t;
    if (wmm && e->pkey && e->off < HVSIM_BRIDGE_PAGE)
        return ACT_GRAN0 + t * ACT_NGRAN + (int)(e->off / WMM_GRAN);
    return 32 + t;
}

/* Silent commits (arm/riscv): a commit of the same granule bytes as the
 * granule's message before it (DET_EV_SILENT) adds a message no read can
 * tell from the one before it — offer() keeps only the older of two candidates
 * with the same bytes, so a read takes the same value with the same
 * post-view whether the commit came before or after it.  It commutes with
 * reads that did not take it (det_event.pkey of a load: the message's
 * timestamp + 1, det_wmm_read_key); a read that took it, or whose message
 * is not known, makes it the write it is again.  It still conflicts with
 * writes, and with a view that holds its timestamp. */
#define SIL_MAX 256
struct wsil {
    uint32_t n, k[SIL_MAX]; /* silent commits so far: their events */
};

/* 1 when e is a silent commit that can be kept as one. */
static int wsil_commit(const struct wsil *w, const struct det_event *e)
{
    return e->kind == EV_DRAIN && (e->mo & DET_EV_SILENT) && e->view && e->off < HVSIM_BRIDGE_PAGE &&
           e->size == WMM_GRAN && w->n < SIL_MAX;
}

/* Read e took the silent commits it names (or, not known, any on its granules): writes again. */
static void wsil_read(struct wsil *w, const struct det_event *e, const struct det_event *ev,
                      const int32_t *of, struct tfp *fps)
{
    uint32_t g0 = e->off / WMM_GRAN, g1 = (e->off + (e->size ? e->size : 1) - 1) / WMM_GRAN;
    for (uint32_t i = 0; i < w->n;) {
        const struct det_event *c = &ev[w->k[i]];
        uint32_t g = c->off / WMM_GRAN;
        if (e->pkey ? e->pkey != c->view + 1 : g < g0 || g > g1) {
            i++;
            continue;
        }
        struct tfp *t = &fps[of[w->k[i]]];
        det_fp_access(&t->all, c, 0, 1, 1);
        struct det_fp *f = actor_fp(t, actor_of(c, 1));
        if (f)
            det_fp_access(f, c, 0, 1, 1);
        w->k[i] = w->k[--w->n];
    }
}

/* arm/riscv: which commit each timestamp was (tfp.vmark): its buffer and
 * barrier mark; mark 0: not a traced commit. */
struct ts_map {
    struct { uint32_t mark; uint8_t tid; } *at;
    uint32_t n;
};

static void ts_commit(struct ts_map *m, const struct det_event *e)
{
    if (m->at && e->kind == EV_DRAIN && e->view < m->n) {
        m->at[e->view].mark = e->pkey;
        m->at[e->view].tid = (uint8_t)(e->tid & 63);
    }
}

/* e, a step of the actor whose footprint is sub k of t: a raise of its
 * view to the timestamp of the one message it read names that message's
 * commit; any other raise, or a second one, leaves it unknown. */
static void ts_raise(const struct ts_map *m, const struct det_event *e, struct tfp *t, int k)
{
    if (k < 0 || e->kind == EV_DRAIN || e->view == DET_VIEW_NONE)
        return;
    uint32_t ts = e->pkey - 1, mark = 0;
    if (m->at && det_fp_is_read(e) && e->pkey && e->view != DET_VIEW_ALL && e->view == e->pkey + 1 &&
        ts < m->n && t->vtid[k] == 0xff)
        mark = m->at[ts].mark;
    t->vmark[k] = mark;
    t->vts[k] = mark ? ts : 0;
    t->vtid[k] = mark ? m->at[ts].tid : 0xfe; /* 0xff: no raise yet */
}

/* A read of the bridge by actor sub k of t: the granules it took, before
 * its first view raise (tfp.rpre) or after a raise (tfp.rpost). */
static void note_pre(struct tfp *t, int k, const struct det_event *e)
{
    /* rpost: a raise before it, of its actor or inside its own step */
    int post = t->vtid[k] != 0xff || (e->rflags & DET_RF_PRE);
    for (uint32_t g = e->off / WMM_GRAN; g <= (e->off + (e->size ? e->size : 1) - 1) / WMM_GRAN && g < WMM_NG; g++) {
        if (t->vtid[k] == 0xff) /* before its first view raise */
            t->rpre[k][g / 64] |= 1ull << (g % 64);
        if (post)
            t->rpost[k][g / 64] |= 1ull << (g % 64);
    }
}

/* Did actor j of b read a granule c writes after a view raise (note_pre)? */
static int read_after_a_raise(const struct tfp *b, int j, const struct det_fp *c)
{
    for (uint64_t blk = c->wblk; blk; blk &= blk - 1) {
        int i = __builtin_ctzll(blk); /* bytes 64i..64i+63: granules 8i..8i+7 */
        for (int q = 0; q < 8; q++)
            if ((c->wr[i] >> (8 * q) & 0xff) && (b->rpost[j][(8 * i + q) / 64] >> ((8 * i + q) % 64) & 1))
                return 1;
    }
    return 0;
}

/* A first read of the bridge by actor sub k of t: which message it took
 * (det_wmm_read_key: timestamp + 1, 0 not known). */
static void note_read(struct tfp *t, int k, const struct det_event *e)
{
    note_pre(t, k, e);
    if (!(e->rflags & DET_RF_ALLC))
        t->rpart[k] = 1;
    if (!e->pkey)
        t->runk[k] = 1;
    else if (e->pkey - 1 > t->rts[k])
        t->rts[k] = e->pkey - 1;
}

/* Footprint of every transition or segment: of[k] for event k (-1: none,
 * det_dpor.c).  Re-reads add only their thread; silent stores conflict
 * only with writes. */
void dpor_build_fps(const struct det_event *ev, uint32_t nev, int model, const int32_t *of, const int32_t *from,
                    struct tfp *fps)
{
    for (uint32_t k = 0; k < nev; k++) /* every fps[] an event names */
        if (of[k] >= 0) {
            fps[of[k]].idx = of[k];
            fps[of[k]].mk = -2;
        }
    int wmm = model == DM_ARM || model == DM_RISCV;
    struct det_win *win = calloc(64, sizeof *win);
    struct mem *mem = model <= DM_TSO ? calloc(1, sizeof *mem) : NULL;
    struct wsil *ws = wmm ? calloc(1, sizeof *ws) : NULL;
    struct ts_map tm = { NULL, 0 };
    if (wmm && (tm.at = calloc(2 * (size_t)nev + 64, sizeof *tm.at)))
        tm.n = 2 * nev + 64;
    if (mem)
        mem->tso = model == DM_TSO;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        if (model == DM_TSO)
            dpor_own_buffer_note(ev, k, of, from, fps);
        int silent = mem ? mem_step(mem, e) : 0;
        if (mem && mem->tso && e->kind == EV_DRAIN && (e->mo & DET_EV_SILENT))
            silent = 1; /* the runtime saw memory hold it: det_fp_event says so too */
        if (ws && det_fp_is_read(e) && e->off < HVSIM_BRIDGE_PAGE)
            wsil_read(ws, e, ev, of, fps);
        if (ws && wsil_commit(ws, e) && of[k] >= 0) {
            silent = 2;
            ws->k[ws->n++] = k;
        }
        /* a silent store ends the loop's turn as any write does: the
         * runtime's sleep sets (det_sleep.c) do not know it is silent, and
         * when the two windows differ the runtime wakes what this keeps
         * asleep (verify_2x1/sc: 59 of 273 executions ended asleep, now 40
         * of 224) */
        int again = win ? det_fp_reread(&win[e->tid & 63], e) : 0;
        if (again == 2 && !wmm && !dpor_rx_one_change(ev, k))
            again = 0; /* it saw a second change since its last turn: a read as any */
        int32_t t = of[k];
        if (t < 0)
            continue;
        add_event(&fps[t].all, e, again, silent, wmm);
        int actor = actor_of(e, wmm);
        if (actor >= ACT_GRAN0 && !fps[t].cg1) { /* the granule a drain decision committed */
            fps[t].cg1 = (int16_t)((actor - ACT_GRAN0) % ACT_NGRAN + 1);
            fps[t].ct = (uint8_t)(e->tid & 31);
        }
        struct det_fp *f = actor_fp(&fps[t], actor);
        if (f)
            add_event(f, e, again, silent, wmm);
        if (wmm) {
            int k2 = f ? (int)(f - fps[t].sub) : -1; /* -1: actors not kept apart */
            if (k2 >= 0 && from && actor >= ACT_GRAN0) { /* the commit's store (own_commit_after) */
                int32_t c = from[k] >= 0 ? of[from[k]] : INT32_MAX; /* -1: before every decision */
                if (c > fps[t].smk[k2])
                    fps[t].smk[k2] = c;
            }
            if (k2 >= 0 && !again && det_fp_is_read(e) && e->off < HVSIM_BRIDGE_PAGE)
                note_read(&fps[t], k2, e);
            else if (k2 >= 0 && again == 2) {
                fps[t].runk[k2] = 1; /* an exit re-read: what it took is not judged (read_of_older) */
                note_pre(&fps[t], k2, e); /* but it is a read of its granule */
            }
            ts_commit(&tm, e);
            ts_raise(&tm, e, &fps[t], k2);
        }
    }
    free(tm.at);
    free(win);
    free(mem);
    free(ws);
}

/* Need a (earlier) and b (later), steps of one thread or its buffer, be
 * tried the other way round?  Steps of one thread, or of one buffer (FIFO,
 * or arm/riscv's commit rules), never: program order.  Under sc/tso a
 * thread and its own buffer never either: a store comes before its drain
 * (happens-before keeps that), and otherwise either order of a drain and a
 * step of its thread leaves the same state (its loads forward what the
 * drain would write; a store that needs room, a fence or an RMW drains
 * inside the thread's own step, det_dpor.c pol).  Under arm/riscv a commit
 * raises its thread's views (coh, vwold, vrel), so a commit before a step
 * of its thread is reversed (the step first may read older messages), and
 * so is a load of the thread before a commit of the granule it read
 * (det_fp_orders_own_buffer: they meet on bytes only): committed first, another
 * thread's newer message may come between them and the load may read it
 * (CoWR, x = 1; r0 = x reading the other thread's x = 2: the litmus
 * crosscheck).  A store or a fence before a commit is never reversed. */
static int own_race(int ea, int eb, const struct det_fp *fa, int wmm)
{
    if (ea == eb || actor_thread(ea) != actor_thread(eb))
        return ea != eb;
    /* two commits of one buffer: dependent only when the model orders them */
    if (wmm && ea < 32 && eb >= 32)
        return !(fa->flags & DF_OWNB);
    return wmm && ea >= 32 && eb < 32;
}

/* Does w write anything outside granule g1-1 (or privately, or call the
 * platform)? */
static int writes_elsewhere(const struct det_fp *w, uint32_t g1)
{
    if (w->flags & (DF_PRIV_W | DF_ALL | DF_PLAT) || det_fp_priv_writes(w))
        return 1;
    uint32_t lo = (g1 - 1) * WMM_GRAN;
    for (uint64_t m = w->wblk; m; m &= m - 1) {
        int i = __builtin_ctzll(m);
        uint64_t bits = w->wr[i];
        if ((uint32_t)i == lo / 64)
            bits &= ~(0xffull << (lo % 64));
        if (bits)
            return 1;
    }
    return 0;
}

/* Is r and w's dependence only r's acquire re-reads against w's write to
 * the granule they re-read?  Then it orders them (happens-before keeps
 * it) but is no race: either order is one more or one fewer turn of a loop
 * that only reads, and re-reading the message it read before changes no
 * view — the spin-loop assumption (docs/det-engine.md). */
static int rr_only(const struct det_fp *r, const struct det_fp *w)
{
    if (!(r->flags & DF_RR) || (r->flags & (DF_ORDER | DF_OWNV)) || writes_elsewhere(w, r->rr_g1))
        return 0;
    struct det_fp q = *r;
    q.flags &= ~(uint32_t)(DF_RR | DF_RRB);
    return !det_fp_dependent_in(&q, w, 1);
}

/* Is commit c before read r no race though they are dependent: does r's
 * view hold c's timestamp and nothing else join them, and did the message
 * r read (which raised its view) come from c's buffer with a later barrier
 * mark than all of c's entries?  Then the model commits c first: r before
 * c cannot read that message, only an older one of its granule — a
 * further turn of a spin loop (a re-read), or, for a first read, what
 * reversing that message's commit with r explores (they race on the
 * granule) with a view below c's timestamp, commuting with c.  (The same
 * mark, as two stores with no barrier between them, is a race: the
 * message may commit first.) */
static int view_from_later(const struct det_fp *c, const struct det_fp *r, uint32_t mark, int tid)
{
    if (!mark || c->who || c->bufs || c->cbufs != 1ull << tid || !c->cbar || c->cbar >= mark ||
        (!r->ov && !(r->flags & DF_RRB)))
        return 0;
    return !dpor_dependent_beyond(c, r, 0, 1);
}

/* arm/riscv: may commit actor i of a (earlier) and thread actor j of b be
 * judged by what r read of c's granules?  c commits entries of another
 * thread's buffer only, and r's first reads of the bridge were offered
 * every message they could read (DET_RF_ALLC: no spinner's newest-only
 * read, no cut candidate list, no re-read filter) and are known. */
static int commit_then_reads(const struct tfp *a, int i, const struct tfp *b, int j)
{
    int ca = a->actor[i], rb = b->actor[j];
    const struct det_fp *c = &a->sub[i], *r = &b->sub[j];
    return ca >= ACT_GRAN0 && rb < 32 && actor_thread(ca) != rb && !c->who && c->wts && c->wblk &&
           !b->runk[j] && !b->rpart[j] && (c->wblk & r->rblk);
}

/* Do c and r commute exactly?  When r took only messages older than c's
 * and nothing but those reads joins them: r before c is offered the same
 * messages but c's, so it reads the same with the same views, and c
 * commits the same message with the same timestamp (r commits nothing).
 * Either order leaves the same state: no race, and no happens-before. */
static int read_of_older(const struct tfp *a, int i, const struct tfp *b, int j)
{
    return commit_then_reads(a, i, b, j) && b->rts[j] < a->sub[i].wts &&
           !dpor_dependent_beyond(&a->sub[i], &b->sub[j], 1, 0);
}

/* r took c's message or a newer one: no race either.  r after c is
 * offered everything r before c would be, and each of those readings
 * commutes with c (read_of_older): the value choices at r, explored
 * exhaustively, hold every execution the reversal would give.  An acquire
 * read whose view rose from exactly c's message is the same; any other
 * view (or an acquire re-read) keeps the race.  So does a read of c's
 * granule after a raise of r's view (a sync charged to it: the CPU's
 * kick; a private lock): that raise may have observed c, and r after c
 * is offered only c's message where r before c reads the older one —
 * the raise's own timestamp can equal c's by chance (c the newest commit
 * when the sync read the clock), so vts alone does not tell.
 * Happens-before stays. */
static int read_of_newer(const struct tfp *a, int i, const struct tfp *b, int j)
{
    const struct det_fp *c = &a->sub[i], *r = &b->sub[j];
    return commit_then_reads(a, i, b, j) && !(r->flags & (DF_RR | DF_RRB | DF_ORDER | DF_OWNV)) &&
           !read_after_a_raise(b, j, c) && (!r->ov || b->vts[j] == c->wts) && !dpor_dependent_beyond(c, r, 1, 1);
}

int dpor_tfp_dep(const struct tfp *a, const struct tfp *b, int model)
{
    if (!det_fp_dependent_in(&a->all, &b->all, 1))
        return 0;
    if (model == DM_TSO && dpor_own_commute(a, b))
        return 0;
    if ((model != DM_ARM && model != DM_RISCV) || a->nsub < 0 || b->nsub < 0)
        return 1;
    for (int i = 0; i < a->nsub; i++)
        for (int j = 0; j < b->nsub; j++)
            if (det_fp_dependent_in(&a->sub[i], &b->sub[j], 1) && !read_of_older(a, i, b, j) &&
                !dpor_own_commit_after(a, i, b, j) && !dpor_own_commit_before(a, i, b, j))
                return 1;
    return 0;
}

/* Do steps of different actors in a and b conflict?  Returns the action
 * that must come first (b's conflicting actor as a decision's action, with
 * the granule it commits, or b_chosen when b's actors were not kept
 * apart); act -1: none. */
struct xact dpor_tfp_race(const struct tfp *a, const struct tfp *b, struct xact b_chosen, int model)
{
    static const struct xact none = { -1, -1 };
    int wmm = model == DM_ARM || model == DM_RISCV;
    if (dpor_rx_cause(&a->all, &b->all, wmm))
        return none;
    if (a->nsub < 0 || b->nsub < 0)
        return same_actor(&a->all, &b->all) || dpor_rx_only(&b->all, &a->all, wmm)
                   ? none
                   : b_chosen;
    for (int j = 0; j < b->nsub; j++)
        for (int i = 0; i < a->nsub; i++)
            if (own_race(a->actor[i], b->actor[j], &a->sub[i], wmm) && det_fp_dependent_in(&a->sub[i], &b->sub[j], 1) &&
                !rr_only(&a->sub[i], &b->sub[j]) && !rr_only(&b->sub[j], &a->sub[i]) &&
                !dpor_rx_only(&b->sub[j], &a->sub[i], wmm) && !dpor_own_commit_before(a, i, b, j) &&
                !(wmm && (read_of_older(a, i, b, j) || read_of_newer(a, i, b, j) ||
                          dpor_newer_after_a_later_view(a, i, b, j) ||
                          view_from_later(&a->sub[i], &b->sub[j], b->vmark[j], b->vtid[j])))) {
                /* a commit inside the transition its own thread chose (a
                 * fence, an RMW, a full buffer): that thread's step is what
                 * can come first — the entry may not be stored before it */
                int bj = b->actor[j];
                if (bj >= 32 && b_chosen.act == actor_thread(bj))
                    return b_chosen;
                return actor_xact(bj);
            }
    return none;
}
