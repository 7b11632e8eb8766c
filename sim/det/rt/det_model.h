/* sim/det/rt/det_model.h — the TSO store-buffer model (header-only: the
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
        if (!det_overlap(e->off, e->size, off, n))
            continue;
        for (uint32_t k = 0; k < e->size; k++)
            if (e->off + k >= off && e->off + k < off + n)
                M[e->off + k] = e->val[k];
    }
}

static inline void det_overlay_remove(struct det_shm *S, uint8_t *M, int t)
{
    struct det_thread *th = &S->t[t];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        struct det_sbent *e = det_sb_at(th, i);
        memcpy(M + e->off, S->G + e->off, e->size);
    }
}

static inline void det_overlay_apply(struct det_shm *S, uint8_t *M, int t)
{
    struct det_thread *th = &S->t[t];
    for (uint32_t i = 0; i < th->sb_n; i++) {
        struct det_sbent *e = det_sb_at(th, i);
        memcpy(M + e->off, e->val, e->size);
    }
}

/* Make the oldest buffered store of thread t global. */
static inline void det_sb_drain_head(struct det_shm *S, uint8_t *M, int t, int holder)
{
    struct det_thread *th = &S->t[t];
    if (!th->sb_n)
        return;
    struct det_sbent *e = det_sb_at(th, 0);
    memcpy(S->G + e->off, e->val, e->size);
    uint32_t off = e->off, n = e->size;
    th->sb_head = (th->sb_head + 1) % DET_SB_MAX;
    th->sb_n--;
    if (holder != t)
        det_recompute(S, M, holder, off, n);
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
        memcpy(e->val, v, k);
        th->sb_n++;
        if (holder == t)
            memcpy(M + off, v, k);
        off += k;
        v += k;
        n -= k;
    }
}

/* A locked RMW's write (after the holder's buffer was drained): global now. */
static inline void det_store_global(struct det_shm *S, uint8_t *M, int holder, uint32_t off,
                                    const uint8_t *v, uint32_t n)
{
    memcpy(S->G + off, v, n);
    det_recompute(S, M, holder, off, n);
}

#endif
