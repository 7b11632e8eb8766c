/* sim/runtime/det/det_model.h — the TSO store-buffer model (header-only: the
 * participant runtime uses it, and the supervisor's unit tests check it).
 *
 * Chosen representation: an overlay.  G (in det_shm) is global memory —
 * what every participant would see with all store buffers drained.  M (the
 * bridge page the code under test really loads from) is G with the token
 * holder's own buffered stores laid over it, oldest first.  Because only the
 * token holder runs, that is exactly TSO's view for it: its own loads see its
 * own buffer first (store forwarding), everybody else's buffered stores are
 * invisible.  __tsan_read* cannot change the value a plain load returns, so
 * the model must be in memory before the load executes — hence the overlay:
 *   - the holder yields:        overlay_remove  (its buffered bytes ← G)
 *   - a thread gets the token:  overlay_apply   (its entries, FIFO order)
 *   - a buffer head drains:     G ← entry; M re-derived for those bytes
 * Under sc there are no buffers: a store goes to G at once (M == G).
 *
 * Private memory (x86-TSO has ONE FIFO per thread for all its stores): an
 * atomic store to a private word joins the same FIFO as a private entry on
 * a cell (det_shm.h, struct det_pcell), whose g is that word's global value.
 * The owning process's memory is g with the holder's own entries laid over
 * it, exactly like M over G.  Only a thread of the owning process writes
 * that memory: a drain by anyone else updates g and marks the cell dirty,
 * and det_overlay_apply() of the next owning-process holder writes it back.
 */
#ifndef HVSIM_DET_MODEL_H
#define HVSIM_DET_MODEL_H

#include <string.h>
#include "det_shm.h"

static inline struct det_sbent *det_sb_at(struct det_thread *t, uint32_t i)
{
    return &t->sb[(t->sb_head + i) % DET_SB_MAX];
}

static inline int det_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
    return a < b + bn && b < a + an;
}

/* M[off, off+n) = G ⊕ holder's buffer over that range. */
static inline void det_recompute(struct det_shm *S, uint8_t *M, int holder, uint32_t off, uint32_t n)
{
    memcpy(M + off, S->G + off, n);
    if (holder < 0)
        return;
    struct det_thread *h = &S->t[holder];
    for (uint32_t i = 0; i < h->sb_n; i++) {
        struct det_sbent *e = det_sb_at(h, i);
        if (e->cell || !det_overlap(e->off, e->size, off, n))
            continue;
        for (uint32_t k = 0; k < e->size; k++)
            if (e->off + k >= off && e->off + k < off + n)
                M[e->off + k] = e->val[k];
    }
}

static inline uint8_t *det_pc_mem(const struct det_pcell *c) { return (uint8_t *)(uintptr_t)c->word; }

/* Bytes of cell c as thread h sees them: g, then h's entries on c in FIFO order. */
static inline void det_pc_recompute(struct det_shm *S, uint32_t ci, int h)
{
    struct det_pcell *c = &S->pcell[ci];
    uint8_t *m = det_pc_mem(c);
    for (int k = 0; k < 8; k++)
        if (c->mask >> k & 1)
            m[k] = c->g[k];
    if (h < 0)
        return;
    struct det_thread *th = &S->t[h];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        struct det_sbent *e = det_sb_at(th, i);
        if (e->cell == ci + 1)
            memcpy(m + e->off, e->val, e->size);
    }
}

static inline void det_pc_release(struct det_pcell *c)
{
    if (!c->refs && !c->dirty)
        c->used = 0;
}

/* Thread t (the holder) takes the token: write back the cells of its process
 * that changed meanwhile, then lay its own buffered stores over M and over
 * its process's private memory. */
static inline void det_overlay_apply(struct det_shm *S, uint8_t *M, int t)
{
    struct det_thread *th = &S->t[t];
    for (uint32_t ci = 0; ci < DET_PCELLS; ci++) {
        struct det_pcell *c = &S->pcell[ci];
        if (c->used && c->dirty && c->proc == th->proc) {
            c->dirty = 0;
            det_pc_recompute(S, ci, -1);
            det_pc_release(c);
        }
    }
    for (uint32_t i = 0; i < th->sb_n; i++) {
        struct det_sbent *e = det_sb_at(th, i);
        if (e->cell)
            memcpy(det_pc_mem(&S->pcell[e->cell - 1]) + e->off, e->val, e->size);
        else
            memcpy(M + e->off, e->val, e->size);
    }
}

/* Thread t (the holder) gives the token away: its buffered bytes show the
 * global values again, in M and in its process's private memory. */
static inline void det_overlay_remove(struct det_shm *S, uint8_t *M, int t)
{
    struct det_thread *th = &S->t[t];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        struct det_sbent *e = det_sb_at(th, i);
        if (e->cell) {
            struct det_pcell *c = &S->pcell[e->cell - 1];
            memcpy(det_pc_mem(c) + e->off, c->g + e->off, e->size);
        } else {
            memcpy(M + e->off, S->G + e->off, e->size);
        }
    }
}

/* Make the oldest buffered store of thread t global; 'holder' runs this. */
static inline void det_sb_drain_head(struct det_shm *S, uint8_t *M, int t, int holder)
{
    struct det_thread *th = &S->t[t];
    if (!th->sb_n)
        return;
    struct det_sbent *e = det_sb_at(th, 0);
    uint32_t off = e->off, n = e->size, cell = e->cell;
    if (cell)
        memcpy(S->pcell[cell - 1].g + off, e->val, n);
    else
        memcpy(S->G + off, e->val, n);
    th->sb_head = (th->sb_head + 1) % DET_SB_MAX;
    th->sb_n--;
    if (!cell) {
        if (holder != t)
            det_recompute(S, M, holder, off, n);
        return;
    }
    struct det_pcell *c = &S->pcell[cell - 1];
    c->refs--;
    if (holder >= 0 && S->t[holder].proc == c->proc)
        det_pc_recompute(S, cell - 1, holder); /* we are in the owning process */
    else
        c->dirty = 1;
    det_pc_release(c);
}

static inline void det_sb_drain_all(struct det_shm *S, uint8_t *M, int t, int holder)
{
    while (S->t[t].sb_n)
        det_sb_drain_head(S, M, t, holder);
}

/* Thread t (the holder) stored bytes v at off: under tso they join its
 * buffer (M already holds them when t is the holder); under sc they are
 * global at once.  Wider stores are split; a full buffer drains its head. */
static inline void det_store(struct det_shm *S, uint8_t *M, int t, int holder, uint32_t off,
                             const uint8_t *v, uint32_t n)
{
    if (off >= HVSIM_BRIDGE_PAGE)
        return;
    if (off + n > HVSIM_BRIDGE_PAGE)
        n = HVSIM_BRIDGE_PAGE - off;
    if (!S->tso) {
        memcpy(S->G + off, v, n);
        memcpy(M + off, v, n);
        return;
    }
    struct det_thread *th = &S->t[t];
    while (n) {
        uint32_t k = n > DET_SB_BYTES ? DET_SB_BYTES : n;
        if (th->sb_n == DET_SB_MAX)
            det_sb_drain_head(S, M, t, holder);
        struct det_sbent *e = &th->sb[(th->sb_head + th->sb_n) % DET_SB_MAX];
        e->off = off;
        e->size = k;
        e->cell = 0;
        memcpy(e->val, v, k);
        th->sb_n++;
        if (holder == t)
            memcpy(M + off, v, k);
        off += k;
        v += k;
        n -= k;
    }
}

/* The cell of the private word holding [a, a+n) in process proc, created
 * (its global bytes read from memory, which shows them: no entry covers a
 * byte outside the mask) if need be.  -1: the table is full. */
static inline int det_pc_get(struct det_shm *S, uint32_t proc, uintptr_t a, uint32_t n, int create)
{
    uint64_t word = (uint64_t)(a & ~(uintptr_t)7);
    uint32_t bo = (uint32_t)(a & 7);
    if (bo + n > 8)
        return -1;
    int freec = -1;
    for (uint32_t ci = 0; ci < DET_PCELLS; ci++) {
        struct det_pcell *c = &S->pcell[ci];
        if (c->used && c->word == word && c->proc == proc) {
            for (uint32_t k = bo; k < bo + n; k++)
                if (!(c->mask >> k & 1)) {
                    c->g[k] = det_pc_mem(c)[k];
                    c->mask |= (uint8_t)(1u << k);
                }
            return (int)ci;
        }
        if (!c->used && freec < 0)
            freec = (int)ci;
    }
    if (!create || freec < 0)
        return -1;
    struct det_pcell *c = &S->pcell[freec];
    memset(c, 0, sizeof *c);
    c->used = 1;
    c->word = word;
    c->proc = proc;
    for (uint32_t k = bo; k < bo + n; k++) {
        c->g[k] = det_pc_mem(c)[k];
        c->mask |= (uint8_t)(1u << k);
    }
    return freec;
}

/* Thread t (the holder, under tso) makes a non-locked store to private
 * memory: it joins t's FIFO.  Returns 0, or -1 when it cannot be buffered
 * (no cell free, or it crosses a word): the caller drains t's buffer and
 * stores directly — an order TSO allows. */
static inline int det_pstore(struct det_shm *S, uint8_t *M, int t, volatile void *a,
                             const uint8_t *v, uint32_t n)
{
    struct det_thread *th = &S->t[t];
    int ci = det_pc_get(S, th->proc, (uintptr_t)a, n, 1);
    if (ci < 0)
        return -1;
    if (th->sb_n == DET_SB_MAX)
        det_sb_drain_head(S, M, t, t);
    struct det_sbent *e = &th->sb[(th->sb_head + th->sb_n) % DET_SB_MAX];
    e->off = (uint32_t)((uintptr_t)a & 7);
    e->size = n;
    e->cell = (uint32_t)ci + 1;
    memcpy(e->val, v, n);
    th->sb_n++;
    S->pcell[ci].refs++;
    memcpy((void *)a, v, n); /* the holder's overlay: its own loads see it */
    return 0;
}

/* A private store that is global at once (a locked RMW, xchg, a store after
 * the drain): memory, and the cell's global value when others buffer there.
 * Only the holder in the owning process calls this; its buffer is empty. */
static inline void det_pwrite_global(struct det_shm *S, uint32_t proc, volatile void *a,
                                     const uint8_t *v, uint32_t n)
{
    memcpy((void *)a, v, n);
    int ci = det_pc_get(S, proc, (uintptr_t)a, n, 0);
    if (ci >= 0)
        memcpy(S->pcell[ci].g + ((uintptr_t)a & 7), v, n);
}

/* A locked RMW's write (after the holder's buffer was drained): global now. */
static inline void det_store_global(struct det_shm *S, uint8_t *M, int holder, uint32_t off,
                                    const uint8_t *v, uint32_t n)
{
    memcpy(S->G + off, v, n);
    det_recompute(S, M, holder, off, n);
}

#endif
