/* sim/runtime/det/det_wmm.h — the ARMv8 (other-multi-copy-atomic) and RISC-V
 * (RVWMO) models of the det engine, header-only and free of I/O: the
 * participant runtime uses it (det_wmm_rt.c) and tests/unit/test_det_wmm.c
 * explores it exhaustively on litmus shapes.
 *
 * A view-based operational model after Promising-ARM/RISC-V (Pulte, Pichon-
 * Pharabod, Kang, Lee, Hur, PLDI'19) WITHOUT PROMISES, plus store buffers
 * that may commit out of order:
 *
 *  - Memory is a list of committed writes (messages).  A message's timestamp
 *    is its position in that list, so co (per location) and the global
 *    order of commits agree; a commit appends: multi-copy atomicity, every
 *    other thread can read a write from the moment it is committed.
 *  - A store joins its thread's buffer (the thread itself reads it at once:
 *    forwarding, the "other" in other-MCA) and commits later; entries commit
 *    in any order except that an entry never passes an older one on the same
 *    location (coherence, po-loc) or an older one separated from it by a
 *    write-ordering barrier (dmb ishst/ish, stlr, fence w,w / rw,w).
 *  - A load of location x by thread t may read the newest message of x with
 *    timestamp <= V = max(vrnew(t), coh(t,x)), or any newer one: which one is
 *    a scheduling choice.  Its post-view max(vrnew, ts) raises coh(t,x) and
 *    vrold(t); acquire (ldar; ld;fence r,rw) and fences raise vrnew.
 *
 * Soundness (every outcome is allowed by ARMv8's axiomatic model / RVWMO):
 * key each write by its timestamp and each read by its post-view, reads
 * after writes at equal keys.  rfe, coe and fre increase the key (a read
 * skips no message of x at or below V, so a co-later write is above its
 * post-view); so does every ordering we keep inside a thread: R->W always
 * (a commit appends after everything read so far), W->W across a barrier,
 * W->R across a full fence (the buffer drains first), R->R after acquire.
 * So ob (obs | dob | aob | bob) is acyclic — EXCEPT for dependencies the
 * runtime cannot see: an address dependency from a load to a later LOAD
 * (dob's addr R->R) is not kept, so a shape like MP+dmb.sy+addr, which the
 * hardware forbids, is allowed here.  Dependencies into a WRITE (addr, data,
 * ctrl) are kept through program order (R->W is never reordered).  hv/ and
 * backend/ index the bridge with their own CPU number and ring positions,
 * never with a value just loaded from the bridge to load again, so no
 * address dependency of theirs is lost.
 *
 * Completeness: no promises, so load buffering (LB and anything needing a
 * write to become visible before a po-earlier read) is forbidden here and
 * allowed by herd7's aarch64/riscv models.  Stores that pass older stores
 * (2+2W, S, MP with an unfenced writer) and loads that pass older loads or
 * stores (MP, SB, WRC, ISA2, IRIW without fences) are found.  Locations are
 * 8-byte granules: two fields sharing one (req_front/req_rear) are coherent
 * together, which forbids a little more than the hardware (sound).
 *
 * C11 -> instructions (how the compilers map them; the model applies the
 * instruction's rule):
 *   aarch64: load acq/sc = ldar (RCsc: waits for earlier stlr), store rel/sc =
 *            stlr, fence acq = dmb ishld, rel/acq_rel/sc = dmb ish,
 *            RMW = ldaxr/stlxr or LSE *al (acquire: ordered before later
 *            accesses; release: after earlier ones).
 *   riscv (RISC-V ISA manual, Table A.6; clang): load acq = ld;fence r,rw,
 *            load sc = fence rw,rw;ld;fence r,rw, store rel/sc = fence rw,w;sd,
 *            fence acq = fence r,rw, rel = fence rw,w, acq_rel = fence.tso,
 *            sc = fence rw,rw, RMW = amo*.aq/.rl/.aqrl.
 *   riscv as gcc 12 maps it (strong = 1): every fence above is
 *            fence iorw,iorw (load acq = ld;fence iorw,iorw; store rel =
 *            fence iorw,ow;amoswap).
 */
#ifndef HVSIM_DET_WMM_H
#define HVSIM_DET_WMM_H

#include <string.h>
#include "det_shm.h"

/* C11 orders as the TSan ABI passes them */
enum { WMM_RLX = 0, WMM_CONSUME, WMM_ACQ, WMM_REL, WMM_ACQREL, WMM_SC, WMM_PLAIN = -1 };

/* What a fence orders, in RISC-V's terms (ARM's dmb map onto these). */
enum wmm_fence { WF_NONE = 0, WF_RR = 1, WF_WW = 2, WF_FULL = 4 };
#define WF_ACQ WF_RR            /* fence r,rw, dmb ishld: R->R and R->W (R->W is kept anyway) */
#define WF_REL WF_WW            /* fence rw,w: W->W (R->W is kept anyway) */
#define WF_TSO (WF_RR | WF_WW)  /* fence.tso */

#define WMM_BAR(e) ((e)->pad & 0x7fffffffu)
#define WMM_REL_ENT(e) ((e)->pad >> 31)

static inline uint32_t wmm_max(uint32_t a, uint32_t b) { return a > b ? a : b; }
static inline int wmm_on(const struct det_shm *S) { return S->model >= DM_ARM; }

static inline void wmm_reset(struct det_shm *S)
{
    struct det_wmm *W = &S->wmm;
    W->clock = W->nmsg = W->full = W->cut = 0;
    memset(W->last, 0, sizeof W->last);
    memset(W->v, 0, sizeof W->v);
}

/* ---- loads ------------------------------------------------------------------ */

/* Do t's own buffered entries cover bytes [off, off+n) (one granule)?  Then
 * the load reads them (forwarding) and there is nothing to choose. */
static inline int wmm_forwarded(const struct det_shm *S, int t, uint32_t off, uint32_t n)
{
    const struct det_thread *th = &S->t[t];
    uint8_t cov[WMM_GRAN] = {0};
    uint32_t base = off & ~(uint32_t)(WMM_GRAN - 1);
    for (uint32_t i = 0; i < th->sb_n; i++) {
        const struct det_sbent *e = &th->sb[(th->sb_head + i) % DET_SB_MAX];
        if (e->cell || (e->off & ~(uint32_t)(WMM_GRAN - 1)) != base)
            continue;
        for (uint32_t k = 0; k < e->size; k++)
            cov[e->off - base + k] = 1;
    }
    for (uint32_t k = off - base; k < off - base + n; k++)
        if (!cov[k])
            return 0;
    return 1;
}

/* The messages thread t may read at granule g, newest first (index+1 into
 * msg; 0 = the granule's current global bytes in G, when it was never
 * written or the history is full).  At most max; returns how many.  A
 * message with the bytes of the one before it (a silent commit) is left
 * out while that one may be read too: it reads the same with a higher
 * view, and so it takes no place among the max (DPOR's silent commits,
 * det_dpor_fp.c, rely on reads not telling it apart). */
static inline int wmm_cands(struct det_shm *S, int t, uint32_t g, uint32_t *c, int max)
{
    struct det_wmm *W = &S->wmm;
    uint32_t i = W->last[g];
    if (!i || W->full) {
        W->cut += i && W->full; /* written since the history filled: only the newest */
        c[0] = 0;
        return 1;
    }
    uint32_t V = wmm_max(W->v[t].vrnew, W->v[t].coh[g]);
    int n = 0;
    while (i && n < max) {
        const struct wmm_msg *m = &W->msg[i - 1];
        if (m->ts <= V) { /* the newest at or below the view: nothing older is allowed */
            c[n++] = i;
            break;
        }
        if (!m->prev || memcmp(m->val, W->msg[m->prev - 1].val, WMM_GRAN))
            c[n++] = i;
        i = m->prev;
    }
    /* stopped at max with an older message left that the view allows (at
     * least the newest at or below it): those are not offered */
    W->cut += n == max && i && W->msg[c[n - 1] - 1].ts > V;
    return n;
}

/* Thread t reads bytes [off, off+n) (one granule) from candidate c: M shows
 * the message with t's own buffered bytes laid over it (forwarding), and
 * t's views take the post-view.  Returns the post-view. */
static inline uint32_t wmm_take(struct det_shm *S, uint8_t *M, int t, uint32_t off, uint32_t n,
                                uint32_t c)
{
    struct det_wmm *W = &S->wmm;
    uint32_t g = off / WMM_GRAN, base = g * WMM_GRAN;
    const uint8_t *src = c ? W->msg[c - 1].val : S->G + base;
    uint32_t ts = c ? W->msg[c - 1].ts : (W->last[g] && !W->full ? W->msg[W->last[g] - 1].ts : 0);
    memcpy(M + off, src + (off - base), n);
    const struct det_thread *th = &S->t[t];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        const struct det_sbent *e = &th->sb[(th->sb_head + i) % DET_SB_MAX];
        if (e->cell)
            continue;
        for (uint32_t k = 0; k < e->size; k++)
            if (e->off + k >= off && e->off + k < off + n)
                M[e->off + k] = e->val[k];
    }
    struct wmm_view *v = &W->v[t];
    uint32_t post = wmm_max(v->vrnew, ts);
    v->coh[g] = wmm_max(v->coh[g], post);
    v->vrold = wmm_max(v->vrold, post);
    return post;
}

/* ---- commits ------------------------------------------------------------------ */

static inline struct det_sbent *wmm_ent(struct det_thread *th, uint32_t i)
{
    return &th->sb[(th->sb_head + i) % DET_SB_MAX];
}

/* May entry i of t's buffer commit now?  Not past an older entry on the
 * same granule (coherence) nor past one before a write barrier. */
static inline int wmm_can_commit(struct det_shm *S, int t, uint32_t i)
{
    struct det_thread *th = &S->t[t];
    struct det_sbent *e = wmm_ent(th, i);
    if (WMM_BAR(e) != WMM_BAR(wmm_ent(th, 0)))
        return 0;
    for (uint32_t j = 0; j < i; j++)
        if (wmm_ent(th, j)->off / WMM_GRAN == e->off / WMM_GRAN)
            return 0;
    return 1;
}

/* Bit i: entry i may commit now (entries 0..63). */
static inline uint64_t wmm_committable(struct det_shm *S, int t)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < S->t[t].sb_n && i < 64; i++)
        if (wmm_can_commit(S, t, i))
            m |= 1ull << i;
    return m;
}

/* Append a message for granule g with G's current bytes (a write just
 * landed there); the initial value becomes message 0 on the first write. */
static inline uint32_t wmm_append(struct det_shm *S, uint32_t g, const uint8_t *before, int t,
                                  uint32_t mark)
{
    struct det_wmm *W = &S->wmm;
    uint32_t ts = ++W->clock;
    if (W->full)
        return ts;
    if (W->nmsg + 2 > WMM_MSGS) {
        W->full = 1;
        return ts;
    }
    if (!W->last[g]) {
        struct wmm_msg *b = &W->msg[W->nmsg++];
        memset(b, 0, sizeof *b);
        b->g = (uint16_t)g;
        b->tid = 0xff;
        memcpy(b->val, before, WMM_GRAN);
        W->last[g] = W->nmsg;
    }
    struct wmm_msg *m = &W->msg[W->nmsg++];
    m->ts = ts;
    m->prev = W->last[g];
    m->g = (uint16_t)g;
    m->tid = (uint8_t)t;
    m->pad = 0;
    m->mark = mark;
    memcpy(m->val, S->G + g * WMM_GRAN, WMM_GRAN);
    W->last[g] = W->nmsg;
    return ts;
}

/* A write of t lands in memory now: G, a new message, t's views.  mark: a
 * buffered entry's barrier count + 1 (DPOR orders two commits of one buffer
 * only when their counts differ, as wmm_can_commit does), 0 for an RMW. */
static inline uint32_t wmm_land(struct det_shm *S, int t, uint32_t off, const uint8_t *v, uint32_t n,
                                int rel, uint32_t mark)
{
    uint32_t g = off / WMM_GRAN;
    uint8_t before[WMM_GRAN];
    memcpy(before, S->G + g * WMM_GRAN, WMM_GRAN);
    memcpy(S->G + off, v, n);
    uint32_t ts = wmm_append(S, g, before, t, mark);
    struct wmm_view *w = &S->wmm.v[t];
    w->coh[g] = ts;
    w->vwold = ts;
    if (rel)
        w->vrel = ts;
    return ts;
}

/* Commit entry i of t's buffer (it must be committable).  M is left alone:
 * the holder's next load of those bytes sets them (wmm_take). */
static inline void wmm_commit(struct det_shm *S, int t, uint32_t i)
{
    struct det_thread *th = &S->t[t];
    struct det_sbent e = *wmm_ent(th, i);
    for (uint32_t j = i; j + 1 < th->sb_n; j++)
        *wmm_ent(th, j) = *wmm_ent(th, j + 1);
    th->sb_n--;
    wmm_land(S, t, e.off, e.val, e.size, (int)WMM_REL_ENT(&e), WMM_BAR(&e) + 1);
}

/* Commit every entry, oldest first (always allowed). */
static inline void wmm_commit_all(struct det_shm *S, int t)
{
    while (S->t[t].sb_n)
        wmm_commit(S, t, 0);
}

/* ---- stores ------------------------------------------------------------------- */

/* Thread t (the holder) stored bytes v at off: one entry per granule it
 * touches, tagged with the current barrier count (rel: an ARM stlr, which a
 * later ldar waits for).  M already shows them (the store executed). */
static inline void wmm_store(struct det_shm *S, uint8_t *M, int t, uint32_t off, const uint8_t *v,
                             uint32_t n, int rel)
{
    struct det_thread *th = &S->t[t];
    if (off >= HVSIM_BRIDGE_PAGE)
        return;
    if (off + n > HVSIM_BRIDGE_PAGE)
        n = HVSIM_BRIDGE_PAGE - off;
    while (n) {
        uint32_t k = WMM_GRAN - off % WMM_GRAN;
        if (k > n)
            k = n;
        if (th->sb_n == DET_SB_MAX)
            wmm_commit(S, t, 0);
        struct det_sbent *e = wmm_ent(th, th->sb_n);
        e->off = off;
        e->size = k;
        e->cell = 0;
        e->pad = S->wmm.v[t].wbar | (rel ? 0x80000000u : 0);
        memcpy(e->val, v, k);
        th->sb_n++;
        memcpy(M + off, v, k);
        off += k;
        v += k;
        n -= k;
    }
}

/* ---- fences and C11 orders ---------------------------------------------------- */

/* A fence of thread t.  Full: the buffer drains (W->R), later reads see
 * everything t read or wrote.  RR: later reads see everything t read.  WW:
 * later stores commit after earlier ones. */
static inline void wmm_fence(struct det_shm *S, int t, int f)
{
    struct wmm_view *v = &S->wmm.v[t];
    if (f & WF_FULL) {
        wmm_commit_all(S, t);
        v->vrnew = wmm_max(v->vrnew, wmm_max(v->vrold, v->vwold));
        v->wbar++;
        return;
    }
    if (f & WF_RR)
        v->vrnew = wmm_max(v->vrnew, v->vrold);
    if (f & WF_WW)
        v->wbar++;
}

static inline int wmm_is_acq(int mo) { return mo == WMM_CONSUME || mo == WMM_ACQ || mo == WMM_ACQREL || mo == WMM_SC; }
static inline int wmm_is_rel(int mo) { return mo == WMM_REL || mo == WMM_ACQREL || mo == WMM_SC; }

/* The fence a C11 fence of order mo compiles to. */
static inline int wmm_c11_fence(const struct det_shm *S, int mo)
{
    if (mo == WMM_RLX || mo == WMM_PLAIN)
        return WF_NONE;
    if (S->model == DM_ARM) /* dmb ishld; otherwise dmb ish */
        return mo == WMM_ACQ || mo == WMM_CONSUME ? WF_ACQ : WF_FULL;
    if (S->wmm.strong)
        return WF_FULL;
    switch (mo) {
    case WMM_CONSUME:
    case WMM_ACQ: return WF_ACQ;
    case WMM_REL: return WF_REL;
    case WMM_ACQREL: return WF_TSO;
    default: return WF_FULL;
    }
}

/* Before a load of order mo by t: ARM's ldar waits for t's earlier stlr
 * (RCsc: commit up to the last release entry, read at or after it); a RISC-V
 * seq_cst load is fence rw,rw; ld. */
static inline void wmm_load_pre(struct det_shm *S, int t, int mo)
{
    if (!wmm_is_acq(mo))
        return;
    if (S->model == DM_ARM) {
        struct det_thread *th = &S->t[t];
        int last = -1;
        for (uint32_t i = 0; i < th->sb_n; i++)
            if (WMM_REL_ENT(wmm_ent(th, i)))
                last = (int)i;
        for (int i = 0; i <= last; i++)
            wmm_commit(S, t, 0);
        struct wmm_view *v = &S->wmm.v[t];
        v->vrnew = wmm_max(v->vrnew, v->vrel);
    } else if (mo == WMM_SC) {
        wmm_fence(S, t, WF_FULL);
    }
}

/* After a load of order mo by t with post-view post: acquire orders every
 * later access after it (ldar; ld;fence r,rw; ld;fence iorw,iorw). */
static inline void wmm_load_post(struct det_shm *S, int t, int mo, uint32_t post)
{
    if (!wmm_is_acq(mo))
        return;
    struct wmm_view *v = &S->wmm.v[t];
    if (S->model == DM_ARM)
        v->vrnew = wmm_max(v->vrnew, post);
    else
        wmm_fence(S, t, S->wmm.strong ? WF_FULL : WF_ACQ);
}

/* Before a store of order mo by t; returns 1 when the entry is an ARM stlr. */
static inline int wmm_store_pre(struct det_shm *S, int t, int mo)
{
    if (!wmm_is_rel(mo))
        return 0;
    if (S->model == DM_ARM) {
        S->wmm.v[t].wbar++; /* stlr: after every earlier store */
        return 1;
    }
    wmm_fence(S, t, S->wmm.strong ? WF_FULL : WF_REL); /* fence rw,w (iorw,ow); sd */
    return 0;
}

/* An RMW of order mo on [off, off+n) by t commits at once (ldaxr/stlxr,
 * LSE, amo*): before it, t's entries on those granules commit (coherence),
 * and all of them for a release RMW (its write after every earlier write);
 * an acquire RMW on ARM also waits for t's earlier stlr. */
static inline void wmm_rmw_pre(struct det_shm *S, int t, uint32_t off, uint32_t n, int mo)
{
    if (wmm_is_rel(mo) || (S->wmm.strong && mo == WMM_SC)) {
        wmm_commit_all(S, t);
    } else {
        struct det_thread *th = &S->t[t];
        int last = -1;
        for (uint32_t i = 0; i < th->sb_n; i++) {
            struct det_sbent *e = wmm_ent(th, i);
            if (e->off / WMM_GRAN <= (off + n - 1) / WMM_GRAN &&
                (e->off + e->size - 1) / WMM_GRAN >= off / WMM_GRAN)
                last = (int)i;
        }
        for (int i = 0; i <= last; i++)
            wmm_commit(S, t, 0);
    }
    if (S->model == DM_ARM && wmm_is_acq(mo))
        wmm_load_pre(S, t, WMM_ACQ);
}

/* The RMW reads the newest value (atomicity: nothing may come between its
 * read and its write in co): M shows G over [off, off+n), t's views take
 * the read.  Returns the read's post-view. */
static inline uint32_t wmm_rmw_read(struct det_shm *S, uint8_t *M, int t, uint32_t off, uint32_t n)
{
    uint32_t post = 0;
    while (n) {
        uint32_t k = WMM_GRAN - off % WMM_GRAN;
        if (k > n)
            k = n;
        post = wmm_max(post, wmm_take(S, M, t, off, k, 0));
        off += k;
        n -= k;
    }
    return post;
}

/* The RMW's write lands now; an acquire RMW orders every later access
 * after its write (RISC-V amo.aq, conservative for ARM's ldaxr). */
static inline void wmm_rmw_write(struct det_shm *S, uint8_t *M, int t, uint32_t off,
                                 const uint8_t *v, uint32_t n, int mo)
{
    uint32_t ts = 0;
    memcpy(M + off, v, n);
    while (n) {
        uint32_t k = WMM_GRAN - off % WMM_GRAN;
        if (k > n)
            k = n;
        ts = wmm_land(S, t, off, v, k, S->model == DM_ARM && wmm_is_rel(mo), 0);
        off += k;
        v += k;
        n -= k;
    }
    if (wmm_is_acq(mo)) {
        struct wmm_view *w = &S->wmm.v[t];
        w->vrnew = wmm_max(w->vrnew, ts);
        w->vrold = wmm_max(w->vrold, ts);
    }
}

/* A kernel entry, a private lock, a wakeup: t drains its buffer and sees
 * every write committed so far (more order than any real kernel path gives:
 * sound, it only removes behaviours). */
static inline void wmm_sync(struct det_shm *S, int t)
{
    wmm_commit_all(S, t);
    struct wmm_view *v = &S->wmm.v[t];
    v->vrnew = wmm_max(v->vrnew, S->wmm.clock);
    v->vrold = wmm_max(v->vrold, S->wmm.clock);
    v->wbar++;
}

#endif
