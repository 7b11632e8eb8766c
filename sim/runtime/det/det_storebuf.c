/* sim/runtime/det/det_storebuf.c — the store buffers in the runtime: a
 * plain store reported before it executes is captured into the model at
 * the next point (x86-TSO: the thread's FIFO; arm/riscv: det_wmm_rt.c),
 * and buffered stores drain (commit to global memory) one at a time, each
 * drain waking the spinners that read the bytes. */
#include "det_rt_int.h"
#include <string.h>

void det_rt_capture(void)
{
    if (!det_rt_pend_on)
        return;
    det_rt_pend_on = 0;
    struct det_shm *S = det_S;
    uint8_t v[256];
    uint32_t n = det_rt_pend_size > sizeof v ? (uint32_t)sizeof v : det_rt_pend_size;
    memcpy(v, det_M + det_rt_pend_off, n);
    int buffered = S->tso; /* it joins the FIFO (tso) or the buffer (arm/riscv) */
    if (wmm_on(S)) {
        det_wmm_store(det_rt_pend_off, v, n, WMM_PLAIN);
    } else {
        if (buffered)
            det_rt_sb_room((n + DET_SB_BYTES - 1) / DET_SB_BYTES);
        det_store(S, det_M, det_self, det_self, det_rt_pend_off, v, n);
    }
    det_rt_progress();
    if (!S->tso)
        det_rt_wake_readers(det_rt_pend_off, n);
    if (det_rt_pend_ev != UINT32_MAX && det_rt_pend_ev < S->nev) {
        uint64_t x = 0;
        memcpy(&x, v, n > 8 ? 8 : n);
        S->ev[det_rt_pend_ev].val = x;
        if (buffered)
            S->ev[det_rt_pend_ev].mo |= DET_EV_BUFFERED;
    }
}

/* Under tso, before entries join the holder's FIFO: drain its oldest ones,
 * traced, until they fit (det_store would otherwise drain the head itself,
 * and DPOR would not see that write). */
void det_rt_sb_room(uint32_t entries)
{
    struct det_thread *me = &det_S->t[det_self];
    while (me->sb_n && me->sb_n + entries > DET_SB_MAX)
        det_rt_drain_head(det_self);
}

/* A drain of t's buffer in the trace (the buffer's actor, not the holder);
 * mark in pkey (a bridge event has no private word): see wmm_land. */
static void ev_drain(int t, uint32_t off, uint32_t n, uint64_t val, uint32_t mark, uint32_t ts, int silent)
{
    uint32_t i = det_rt_ev_add(EV_DRAIN, off, n, val, silent ? (int)DET_EV_SILENT : 0, 0);
    if (i != UINT32_MAX) {
        det_S->ev[i].tid = (uint8_t)t;
        det_S->ev[i].pkey = mark;
        det_S->ev[i].view = ts;
    }
}

void det_rt_drain_head(int t)
{
    struct det_shm *S = det_S;
    struct det_thread *th = &S->t[t];
    if (!th->sb_n)
        return;
    if (wmm_on(S)) {
        det_wmm_drain(t, 0);
        return;
    }
    struct det_sbent *e = det_sb_at(th, 0);
    uint32_t off = e->off, n = e->size, cell = e->cell, e_off = e->off;
    uint64_t x = 0;
    memcpy(&x, e->val, n > 8 ? 8 : n);
    /* silent: memory holds those bytes already (DPOR: it commutes with reads) */
    int silent = !memcmp(cell ? S->pcell[cell - 1].g + e_off : S->G + e_off, e->val, n);
    if (cell) /* a private word: readers know it by its address */
        off = priv_key((const void *)(uintptr_t)(S->pcell[cell - 1].word + off));
    det_sb_drain_head(S, det_M, t, S->holder);
    det_rt_wake_readers(off, n);
    S->drains++;
    if (cell)
        det_rt_ev_add_priv(EV_DRAIN, (const void *)(uintptr_t)(S->pcell[cell - 1].word + e_off), n, x,
                           silent ? (int)DET_EV_SILENT : 0, 0, t);
    else
        ev_drain(t, off, n, x, 0, 0, silent);
}

void det_rt_drain_all(int t)
{
    while (det_S->t[t].sb_n)
        det_rt_drain_head(t);
}

/* arm/riscv: a write of t landed (det_wmm_rt.c commits it). */
void det_rt_landed(int t, uint32_t off, uint32_t n, uint64_t val, uint32_t mark, uint32_t ts, int silent)
{
    struct det_shm *S = det_S;
    det_rt_wake_readers(off, n);
    S->drains++;
    ev_drain(t, off, n, val, mark, ts, silent);
}

void det_drain_self(void)
{
    if (active()) {
        det_rt_capture();
        det_rt_drain_all(det_self);
        if (wmm_on(det_S))
            det_wmm_sync();
    }
}
