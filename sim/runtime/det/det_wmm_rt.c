/* sim/runtime/det/det_wmm_rt.c — the arm/riscv models (det_wmm.h) in the
 * participant runtime.
 *
 * The code under test loads from the bridge page M directly, so a load's
 * value must be in M before it executes: the load hook (a scheduling point)
 * chooses which message of each granule the load reads — a logged decision,
 * replayed like the others — and writes it into M with the holder's own
 * buffered bytes over it.  Stores join the holder's buffer (det_wmm.h) and
 * land in memory when a drain commits them: the scheduler's drain action
 * names a buffer, a second decision names which of its committable entries
 * (default: the oldest, as under tso).  Every landing goes back to
 * det_storebuf.c (det_rt_landed) so spinners reading it wake. */
#include "det_rt.h"
#include "det_model.h"
#include "det_wmm.h"
#include "det_wmm_rt.h"
#include "runtime/common/futex.h"

/* post-view of the read half of the running RMW (a failed CAS acquires it) */
static __thread uint32_t rmw_post;

/* The clock when this thread's current hook began (det_wmm_ev_view): a
 * commit after it is the hook's own. */
static __thread uint32_t hook_clock, hook_seq;
/* a sync since the thread's last event committed entries of its own */
static __thread int sync_own;

static void hook_begin(void)
{
    hook_clock = det_S->wmm.clock;
    hook_seq = det_S->exec_seq;
}

/* Bytes of M this thread set to a stale message for its last load.  Between
 * accesses M must be G with the holder's own stores over it (what the
 * uninstrumented runtime, the protocol oracle and the next holder see), so
 * they are put back at the thread's next scheduling point (det_wmm_settle). */
#define DIRTY_MAX 16
static __thread uint32_t dirty_off[DIRTY_MAX], dirty_n[DIRTY_MAX], ndirty, dirty_all;

void det_wmm_settle(void)
{
    /* A commit lands in G only (wmm_commit): an instrumented load takes its
     * bytes into M at its hook, but the uninstrumented runtime and the
     * protocol oracle read M as it is — without this, a write committed
     * while another thread held the token stayed invisible to them (the
     * FINISH_REQ snapshot saw res_list[k].target_zone 0 that hv_finish_req
     * read as 1: PROTOCOL_VIOLATION of hvsim's making under arm/riscv). */
    struct det_wmm *W = &det_S->wmm;
    if (W->settled != W->clock) {
        det_recompute(det_S, det_M, det_self, 0, HVSIM_BRIDGE_PAGE);
        W->settled = W->clock;
        ndirty = dirty_all = 0;
        return;
    }
    if (!ndirty && !dirty_all)
        return;
    if (dirty_all)
        det_recompute(det_S, det_M, det_self, 0, HVSIM_BRIDGE_PAGE);
    else
        for (uint32_t i = 0; i < ndirty; i++)
            det_recompute(det_S, det_M, det_self, dirty_off[i], dirty_n[i]);
    ndirty = dirty_all = 0;
}

static void dirty(uint32_t off, uint32_t n)
{
    if (ndirty == DIRTY_MAX) {
        dirty_all = 1;
        return;
    }
    dirty_off[ndirty] = off;
    dirty_n[ndirty++] = n;
}

/* A value choice among opts (logged when there are two or more); forced:
 * the option to take outside the prefix, -1 the strategy's. */
static int det_wmm_pick(uint64_t opts, int forced, int kind)
{
    struct det_shm *S = det_S;
    int n = __builtin_popcountll(opts), def = __builtin_ctzll(opts), a = def;
    if (n < 2 || S->step >= S->max_steps)
        return def;
    uint32_t step = S->step;
    if (step < S->prefix_len) {
        int p = S->prefix[step];
        if (p != DET_ACT_DEFAULT && p >= DET_ACT_CHOICE && p < DET_ACT_CHOICE + 64 &&
            (opts >> (p - DET_ACT_CHOICE) & 1))
            a = p - DET_ACT_CHOICE;
        else if (!S->prefix_soft && p != DET_ACT_DEFAULT)
            S->diverged = 1;
    } else if (forced >= 0) {
        a = forced;
    } else if (S->strategy == DET_RANDOM ||
               (S->strategy == DET_PCT && splitmix64(&S->rng) % 1000 < S->drain_permille)) {
        /* uniform among the options (pct: only at its drain rate, else the default) */
        uint64_t k = splitmix64(&S->rng) % (uint64_t)n;
        for (a = def; k; k--)
            a = __builtin_ctzll(opts & ~((2ull << a) - 1));
    }
    struct det_logent *l = &S->log[step];
    l->opts = opts;
    l->chosen = (uint8_t)(DET_ACT_CHOICE + a);
    l->cur = (uint8_t)det_self;
    l->cur_cand = 1;
    l->kind = (uint8_t)kind;
    S->step++;
    S->nlog = S->step;
    return a;
}

/* Tell the runtime about every write the model made land since the clock
 * read before_clock, oldest first. */
static void landed(uint32_t before_clock)
{
    struct det_shm *S = det_S;
    struct det_wmm *W = &S->wmm;
    if (W->clock == before_clock)
        return;
    if (W->full) {
        det_rt_landed(det_self, 0, HVSIM_BRIDGE_PAGE, 0, 0, 0, 0);
        return;
    }
    /* messages are appended in landing order; base messages (tid 0xff) are no writes */
    uint32_t i = W->nmsg;
    while (i > 0 && (W->msg[i - 1].tid == 0xff || W->msg[i - 1].ts > before_clock))
        i--;
    for (; i < W->nmsg; i++) {
        struct wmm_msg *m = &W->msg[i];
        if (m->tid == 0xff)
            continue;
        uint64_t v;
        memcpy(&v, m->val, 8);
        int silent = m->prev && !memcmp(m->val, W->msg[m->prev - 1].val, WMM_GRAN);
        det_rt_landed(m->tid, m->g * WMM_GRAN, WMM_GRAN, v, m->mark, m->ts, silent);
    }
}

/* dpor names the entry its new branch commits by granule (struct det_slp):
 * entry indices are the runtime's.  The index of that entry, or -1 (none
 * asked, or none committable on the granule: then gmiss). */
static int keyed(int t, uint64_t m)
{
    struct det_shm *S = det_S;
    struct det_slp *z = &S->slp;
    if (!z->gstep1 || S->step != z->gstep1) /* the drain decision was step gstep1-1 */
        return -1;
    for (uint64_t k = m; k; k &= k - 1) {
        int i = __builtin_ctzll(k);
        if (wmm_ent(&S->t[t], (uint32_t)i)->off / WMM_GRAN == z->g)
            return i;
    }
    z->gmiss = 1;
    return -1;
}

int det_wmm_choose(uint64_t opts) { return det_wmm_pick(opts, -1, DET_KIND_LOAD); }

void det_wmm_drain(int t, int choose)
{
    struct det_shm *S = det_S;
    if (!S->t[t].sb_n)
        return;
    uint32_t i = 0;
    if (choose) {
        uint64_t m = wmm_committable(S, t);
        /* a schedule letter names at most DET_CHOICE_MAX options */
        m &= DET_CHOICE_MAX >= 64 ? ~0ull : (1ull << DET_CHOICE_MAX) - 1;
        i = (uint32_t)det_wmm_pick(m, keyed(t, m), DET_KIND_COMMIT);
    }
    uint32_t c = S->wmm.clock;
    wmm_commit(S, t, i);
    landed(c);
}

/* The reads this thread made at its last consecutive scheduling points:
 * one turn of a loop that only reads (the window of the spin-loop rule in
 * det_dpor_fp.c; any other action, its own point, ends it). */
#define WIN_MAX 8
static __thread struct {
    uint32_t seq, n;
    uint64_t pts;
    uint32_t off[WIN_MAX], size[WIN_MAX];
    uint64_t pc[WIN_MAX];
} win;

/* Does this load re-read [off, off+n) within the window, by the same
 * instruction (det_fp_reread)?  Adds it. */
static int reread(uint32_t off, uint32_t n)
{
    struct det_shm *S = det_S;
    uint64_t pts = S->t[det_self].points; /* this load's point is counted already */
    uint64_t pc = S->t[det_self].last_pc;  /* set at the point (det_rt_sched) */
    if (win.seq != S->exec_seq || pts != win.pts + 1)
        win.n = 0;
    win.seq = S->exec_seq;
    win.pts = pts;
    for (uint32_t k = 0; k < win.n; k++)
        if (win.off[k] == off && win.size[k] == n && win.pc[k] == pc && pc)
            return 1;
    if (win.n < WIN_MAX) {
        win.off[win.n] = off;
        win.pc[win.n] = pc;
        win.size[win.n++] = n;
    }
    return 0;
}

/* The candidates a load of bytes [off, off+k) of one granule is offered
 * (cand: newest first, as wmm_cands gives them; returns how many remain).
 *  - Of candidates holding the same bytes there, only the oldest: the
 *    value read is the same and its post-view the lowest, and a lower view
 *    only leaves more to later reads (the model is monotone in views), so
 *    it reaches whatever a newer one would.
 *  - A re-read (again) under the assumption of the spin-loop rule
 *    (docs/det-engine.md): taking what the thread is coherent with there,
 *    the bytes it read last time, is a further turn of a loop that changes
 *    nothing, the same as the loop not having turned; while other bytes
 *    are there to read, it is not offered. */
static int offer(const struct det_shm *S, int t, uint32_t off, uint32_t k, uint32_t *cand, int nc, int again)
{
    const struct det_wmm *W = &S->wmm;
    uint32_t b = off % WMM_GRAN;
    int m = 0;
    for (int i = 0; i < nc; i++) {
        int dup = 0;
        for (int j = i + 1; j < nc && !dup; j++)
            dup = cand[i] && cand[j] && !memcmp(W->msg[cand[i] - 1].val + b, W->msg[cand[j] - 1].val + b, k);
        if (!dup)
            cand[m++] = cand[i];
    }
    if (again && m >= 2 && cand[m - 1] && W->msg[cand[m - 1] - 1].ts <= W->v[t].coh[off / WMM_GRAN])
        m--;
    return m;
}

/* Does t's buffer hold bytes of [off, off+n) (a load takes them over the message)? */
static int own_bytes(const struct det_shm *S, int t, uint32_t off, uint32_t n)
{
    const struct det_thread *th = &S->t[t];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        const struct det_sbent *e = &th->sb[(th->sb_head + i) % DET_SB_MAX];
        if (!e->cell && e->off < off + n && off < e->off + e->size)
            return 1;
    }
    return 0;
}

/* The message the last load read, as its timestamp + 1 (0: not one
 * message of one granule, or bytes of its own buffer over it). */
static __thread uint32_t read_key;
static __thread uint8_t read_flags;
/* the last load's post-view, for its acquire (det_wmm_load_done) */
static __thread uint32_t load_post;

uint32_t det_wmm_read_key(void) { return read_key; }
uint8_t det_wmm_read_flags(void) { return read_flags; }

void det_wmm_load(uint32_t off, uint32_t n, int mo)
{
    hook_begin();
    struct det_shm *S = det_S;
    int t = det_self;
    read_key = 0;
    read_flags = DET_RF_ALLC;
    uint32_t c0 = S->wmm.clock;
    wmm_load_pre(S, t, mo);
    landed(c0);
    uint32_t post = S->wmm.v[t].vrnew;
    /* a thread that keeps re-reading unchanged values (a spinner) reads the
     * newest: a stale value read forever is no fair execution */
    int fresh = S->t[t].spinning, again = reread(off, n);
    uint32_t n0 = n;
    det_wmm_settle();
    while (n) {
        uint32_t k = WMM_GRAN - off % WMM_GRAN;
        if (k > n)
            k = n;
        if (!wmm_forwarded(S, t, off, k)) {
            uint32_t cand[WMM_CANDS];
            int nc = wmm_cands(S, t, off / WMM_GRAN, cand, WMM_CANDS);
            if (nc == WMM_CANDS || fresh || again) /* maybe cut, newest only, filtered */
                read_flags = 0;
            nc = offer(S, t, off, k, cand, nc, again);
            if (nc >= 2 && S->step >= S->max_steps) /* no choice left: the default */
                read_flags = 0;
            if (!fresh && nc >= 2 && S->step < DET_MAX_STEPS) /* the decision det_wmm_choose logs */
                for (int i = 0; i < nc; i++)
                    S->vcts[S->step][i] = cand[i] ? S->wmm.msg[cand[i] - 1].ts : 0;
            int a = fresh || nc < 2 ? 0 : det_wmm_choose((1ull << nc) - 1);
            if (k == n0 && !S->wmm.full && !own_bytes(S, t, off, k)) /* one granule; the initial bytes: ts 0 */
                read_key = cand[a] ? S->wmm.msg[cand[a] - 1].ts + 1 : 1;
            post = wmm_max(post, wmm_take(S, det_M, t, off, k, cand[a]));
            if (a)
                dirty(off, k);
        }
        off += k;
        n -= k;
    }
    load_post = post;
}

/* The load's own acquire (ldar's view; RISC-V's fence r,rw or, strong,
 * fence iorw,iorw) after its event: the commits a full fence makes are
 * traced after the load, a segment of their own (det_dpor.c segments) that
 * dpor may move before it, as it does a fence's.  Traced before it, they
 * stayed part of the load's step and no race ever tried them without it
 * (riscv verify_1x2 ended short of 9 of sc's behaviours). */
static void acquire_after(int mo, uint32_t post)
{
    uint32_t c = det_S->wmm.clock;
    wmm_load_post(det_S, det_self, mo, post);
    landed(c);
}

void det_wmm_load_done(int mo) { acquire_after(mo, load_post); }

void det_wmm_store(uint32_t off, const uint8_t *v, uint32_t n, int mo)
{
    hook_begin();
    struct det_shm *S = det_S;
    uint32_t c = S->wmm.clock;
    int rel = wmm_store_pre(S, det_self, mo);
    wmm_store(S, det_M, det_self, off, v, n, rel);
    landed(c);
}

void det_wmm_fence(int mo)
{
    hook_begin();
    struct det_shm *S = det_S;
    uint32_t c = S->wmm.clock;
    wmm_fence(S, det_self, wmm_c11_fence(S, mo));
    landed(c);
}

/* Which commits an event observes (DPOR, det_dpor_fp.c).  Only a raise of
 * vrnew makes a thread's future depend on the order of commits to other
 * locations: a later read may not take a message older than its view.
 *  - A view raised to V from commits made before this hook began (an
 *    acquire load's post-view, even of the newest message; a fence's vrold
 *    or vwold; ldar after an stlr that had committed) observes the commits
 *    up to V only.  A commit after the event gets a timestamp above V
 *    wherever it moves, as long as it stays after those commits; moved
 *    before one of them (commits to other granules commute), it only
 *    raises the view further, and a higher view leaves later reads fewer
 *    messages, never more (the model is monotone in views): the explored
 *    order covers it.
 *    A sync (a kernel entry, a private lock) raises the view to the clock,
 *    the newest commit: the same.
 *  - A view raised by commits this very hook made (a fence or ldar
 *    committing its own entries first, an acquire RMW's write, a sync
 *    draining the thread's buffer) takes in a commit of another thread
 *    moved before the hook (it lands below the hook's own commits), which
 *    again only leaves later reads fewer messages.  It records V with
 *    DET_VIEW_OWN: a commit before it races with it, a later one does not,
 *    and DPOR's rules that judge a raise by the message it came from do
 *    not apply to it (det_fp_view: DF_OWNV).  Until 2026-12-03 it observed
 *    every commit: each later commit of another thread raced with it, a
 *    reversal that only narrows what the thread may read next, which the
 *    explored order offers too (docs/det-engine.md, "views").
 * A raise by a step without an event (wmm_sync) is charged to the thread's
 * next event. */
uint32_t det_wmm_ev_view(int t)
{
    struct det_wmm *W = &det_S->wmm;
    struct wmm_view *v = &W->v[t];
    uint32_t last = v->vrev & 0x7fffffffu, late = v->vrev >> 31;
    v->vrev = v->vrnew;
    if (v->vrnew == last && !late) {
        sync_own = 0;
        return DET_VIEW_NONE;
    }
    /* a raise with no hook of this execution before it: as a sync */
    uint32_t before = hook_seq == det_S->exec_seq ? hook_clock : 0;
    int own = (late && sync_own) || v->vrnew > before;
    sync_own = 0;
    if (W->full || v->vrnew >= 0x7ffffffdu)
        return DET_VIEW_ALL;
    return (v->vrnew + 2) | (own ? DET_VIEW_OWN : 0);
}

void det_wmm_rmw_pre(uint32_t off, uint32_t n, int mo)
{
    hook_begin();
    struct det_shm *S = det_S;
    uint32_t c = S->wmm.clock;
    wmm_rmw_pre(S, det_self, off, n, mo);
    landed(c);
    rmw_post = wmm_rmw_read(S, det_M, det_self, off, n);
}

void det_wmm_rmw_write(uint32_t off, const uint8_t *v, uint32_t n, int mo)
{
    struct det_shm *S = det_S;
    uint32_t c = S->wmm.clock;
    wmm_rmw_write(S, det_M, det_self, off, v, n, mo);
    landed(c);
}

/* A failed CAS is a load: its acquire after its event, as a load's. */
void det_wmm_rmw_fail(int mo) { acquire_after(mo, rmw_post); }

void det_wmm_sync(void)
{
    hook_begin();
    struct det_shm *S = det_S;
    uint32_t c = S->wmm.clock;
    wmm_sync(S, det_self);
    if (S->wmm.clock != c)
        sync_own = 1;
    S->wmm.v[det_self].vrev |= 0x80000000u; /* raised with no event of its own */
    landed(c);
}
