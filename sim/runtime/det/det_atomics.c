/* sim/runtime/det/det_atomics.c — the atomic half of the ThreadSanitizer
 * ABI (__tsan_atomic*_load/store/RMW/CAS and the fences) on the det model.
 * Each hook reads RA itself, so the recorded pc is the access site. */
#include "det_rt_int.h"
#include <string.h>

/* ---- atomics ---------------------------------------------------------------
 * Bridge atomics operate on M/G through the model: loads read M (own buffer
 * first), relaxed/release/acquire stores are buffered under tso, seq_cst
 * stores and every RMW drain the buffer (x86: xchg / lock prefix).  Atomics
 * on private memory (hv's request lock) run for real, seq_cst, and are still
 * scheduling points so that a lock spinner yields. */
static int atomic_point(const volatile void *a, uint64_t pc)
{
    fast_capture();
    if (!active())
        return -1;
    (void)a;
    return det_rt_sched(pc);
}

/* Event i's view after what its hook did once it was traced (a fence, a
 * load's acquire): the view it raised, its commits traced after it. */
static void raise_view(uint32_t i)
{
    uint32_t v = det_wmm_ev_view(det_self);
    if (i != UINT32_MAX && det_S->ev[i].view != DET_VIEW_ALL && v != DET_VIEW_NONE)
        det_S->ev[i].view = v;
}

static uint64_t a_load(const volatile void *a, uint32_t n, int mo, uint64_t pc)
{
    uint64_t v = 0;
    int br = in_bridge(a);
    if (atomic_point(a, pc) == 0) {
        struct det_thread *me = &det_S->t[det_self];
        if (br) {
            uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
            if (wmm_on(det_S))
                det_wmm_load(off, n, mo & 0xff);
            v = det_peek(off, n);
            det_rt_note_read(off, n, v);
            me->last_off = off;
            me->last_val = v;
            me->last_kind = EV_ALOAD;
            uint32_t i = det_rt_ev_add(EV_ALOAD, off, n, v, mo, pc);
            if (wmm_on(det_S)) {
                det_wmm_load_done(mo & 0xff); /* its commits traced after it */
                raise_view(i);
            }
            return v;
        }
        if (wmm_on(det_S))
            det_wmm_sync(); /* private atomics (the request lock) stay SC and order everything */
        memcpy(&v, (const void *)a, n); /* the token holder is alone: a plain copy is atomic enough */
        det_rt_note_read(priv_key(a), n, v);
        det_rt_ev_add_priv(EV_ALOAD, a, n, v, mo, pc, det_self);
        return v;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    memcpy(&v, (const void *)a, n);
    return v;
}

static void a_store(volatile void *a, uint32_t n, uint64_t v, int mo, uint64_t pc)
{
    int br = in_bridge(a);
    if (atomic_point(a, pc) == 0) {
        struct det_shm *S = det_S;
        if (br) {
            uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
            det_rt_progress();
            memcpy((void *)a, &v, n);
            if (wmm_on(S)) {
                det_wmm_store(off, (const uint8_t *)&v, n, mo & 0xff);
                det_rt_ev_add(EV_ASTORE, off, n, v, mo | (int)DET_EV_BUFFERED, pc);
                return;
            }
            if (S->tso)
                det_rt_sb_room(1);
            det_store(S, det_M, det_self, det_self, off, (const uint8_t *)&v, n);
            if (!S->tso)
                det_rt_wake_readers(off, n);
            det_rt_ev_add(EV_ASTORE, off, n, v, mo | (S->tso ? (int)DET_EV_BUFFERED : 0), pc);
            if ((mo & 0xff) == MO_SEQ_CST)
                det_rt_drain_all(det_self);
            return;
        }
        /* x86-TSO has one FIFO buffer for all stores: this one (a spin-lock
         * release, say) joins it behind the bridge stores already there.  A
         * seq_cst store is an xchg (locked): the buffer drains first. */
        int buf = 0;
        if (wmm_on(S)) {
            det_wmm_sync(); /* private atomics stay SC and order everything */
            memcpy((void *)a, &v, n);
        } else if (!S->tso) {
            memcpy((void *)a, &v, n);
        } else {
            if ((mo & 0xff) != MO_SEQ_CST) {
                det_rt_sb_room(1);
                buf = det_pstore(S, det_M, det_self, a, (const uint8_t *)&v, n) == 0;
            }
            if (!buf) {
                det_rt_drain_all(det_self);
                det_pwrite_global(S, S->t[det_self].proc, a, (const uint8_t *)&v, n);
            }
        }
        det_rt_wake_readers(priv_key(a), n);
        det_rt_ev_add_priv(EV_ASTORE, a, n, v, mo | (buf ? (int)DET_EV_BUFFERED : 0), pc, det_self);
        return;
    }
    memcpy((void *)a, &v, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

enum rmw { R_XCHG, R_ADD, R_SUB, R_AND, R_OR, R_XOR, R_NAND, R_CAS };

static uint64_t trunc_n(uint64_t v, uint32_t n) { return n >= 8 ? v : v & ((1ull << (8 * n)) - 1); }

/* Returns the old value; for R_CAS 'v' is the desired and *cmp the expected. */
static uint64_t a_rmw(volatile void *a, uint32_t n, enum rmw op, uint64_t v, uint64_t cmp,
                      int *ok, int mo, uint64_t pc)
{
    int br = in_bridge(a);
    uint64_t old = 0, nv;
    int okl = 0;
    if (!ok)
        ok = &okl;
    int live = atomic_point(a, pc) == 0;
    int wmm = live && wmm_on(det_S);
    if (wmm && br)
        det_wmm_rmw_pre((uint32_t)((uintptr_t)a - (uintptr_t)det_M), n, mo & 0xff);
    else if (wmm)
        det_wmm_sync(); /* private atomics stay SC and order everything */
    else if (live)
        det_rt_drain_all(det_self); /* locked (x86 lock prefix / xchg): the buffer drains first */
    memcpy(&old, (const void *)a, n);
    switch (op) {
    case R_XCHG: nv = v; break;
    case R_ADD: nv = old + v; break;
    case R_SUB: nv = old - v; break;
    case R_AND: nv = old & v; break;
    case R_OR: nv = old | v; break;
    case R_XOR: nv = old ^ v; break;
    case R_NAND: nv = ~(old & v); break;
    default: nv = trunc_n(old, n) == trunc_n(cmp, n) ? v : old; break;
    }
    *ok = trunc_n(old, n) == trunc_n(cmp, n);
    if (op == R_CAS && !*ok) {
        uint32_t i = UINT32_MAX;
        if (live) {
            uint32_t key = br ? (uint32_t)((uintptr_t)a - (uintptr_t)det_M) : priv_key(a);
            det_rt_note_read(key, n, trunc_n(old, n));
            if (br)
                i = det_rt_ev_add(EV_RMW, key, n, old, mo, pc);
            else
                det_rt_ev_add_priv(EV_RMW, a, n, old, mo, pc, det_self);
        }
        if (wmm && br) { /* a failed CAS is a load: its acquire after its event (a_load) */
            det_wmm_rmw_fail(mo & 0xff);
            raise_view(i);
        }
        return old;
    }
    if (live && !br)
        det_pwrite_global(det_S, det_S->t[det_self].proc, a, (const uint8_t *)&nv, n);
    else
        memcpy((void *)a, &nv, n);
    if (live) {
        struct det_shm *S = det_S;
        uint32_t key = br ? (uint32_t)((uintptr_t)a - (uintptr_t)det_M) : priv_key(a);
        if (br && wmm)
            det_wmm_rmw_write(key, (const uint8_t *)&nv, n, mo & 0xff);
        else if (br)
            det_store_global(S, det_M, det_self, key, (const uint8_t *)&nv, n);
        /* a lock spinner re-reads what its own exchange wrote: no progress */
        if (trunc_n(old, n) == trunc_n(nv, n)) {
            det_rt_note_read(key, n, trunc_n(old, n));
        } else {
            if (br)
                det_rt_progress(); /* private writes are no progress of ours (see above) */
            det_rt_wake_readers(key, n);
        }
        if (br)
            det_rt_ev_add(EV_RMW, key, n, nv, mo, pc);
        else
            det_rt_ev_add_priv(EV_RMW, a, n, nv, mo, pc, det_self);
    } else {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    return old;
}

/* A weak CAS never fails spuriously here: both are one function body, each
 * still reading its own RA (the access site). */
#define CAS(bits, T, kind)                                                                      \
    int __tsan_atomic##bits##_compare_exchange_##kind(volatile T *a, T *c, T v, int mo, int f)  \
    {                                                                                           \
        int ok;                                                                                 \
        (void)f;                                                                                \
        T old = (T)a_rmw(a, sizeof(T), R_CAS, (uint64_t)v, (uint64_t)*c, &ok, mo, RA);          \
        if (!ok)                                                                                \
            *c = old;                                                                           \
        return ok;                                                                              \
    }

#define ATOMICS(bits, T)                                                                        \
    T __tsan_atomic##bits##_load(const volatile T *a, int mo)                                   \
    { return (T)a_load(a, sizeof(T), mo, RA); }                                                 \
    void __tsan_atomic##bits##_store(volatile T *a, T v, int mo)                                \
    { a_store(a, sizeof(T), (uint64_t)v, mo, RA); }                                             \
    T __tsan_atomic##bits##_exchange(volatile T *a, T v, int mo)                                \
    { return (T)a_rmw(a, sizeof(T), R_XCHG, (uint64_t)v, 0, 0, mo, RA); }                      \
    T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_ADD, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_sub(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_SUB, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_and(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_AND, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_or(volatile T *a, T v, int mo)                                \
    { return (T)a_rmw(a, sizeof(T), R_OR, (uint64_t)v, 0, 0, mo, RA); }                        \
    T __tsan_atomic##bits##_fetch_xor(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_XOR, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_nand(volatile T *a, T v, int mo)                              \
    { return (T)a_rmw(a, sizeof(T), R_NAND, (uint64_t)v, 0, 0, mo, RA); }                      \
    CAS(bits, T, strong)                                                                        \
    CAS(bits, T, weak)                                                                          \
    T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo, int f)        \
    {                                                                                           \
        (void)f;                                                                                \
        return (T)a_rmw(a, sizeof(T), R_CAS, (uint64_t)v, (uint64_t)c, 0, mo, RA);             \
    }

ATOMICS(8, uint8_t)
ATOMICS(16, uint16_t)
ATOMICS(32, uint32_t)
ATOMICS(64, uint64_t)

void __tsan_atomic_thread_fence(int mo)
{
    fast_capture();
    if (active() && wmm_on(det_S)) { /* arm/riscv: every fence orders something */
        if ((mo & 0xff) == MO_SEQ_CST && det_rt_sched(RA) < 0)
            return;
        uint32_t i = det_rt_ev_add(EV_FENCE, 0, 0, det_S->t[det_self].sb_n, mo, RA);
        det_wmm_fence(mo & 0xff);
        raise_view(i);
        return;
    }
    if ((mo & 0xff) != MO_SEQ_CST || !active())
        return; /* acquire/release fences order nothing TSO does not already order */
    if (det_rt_sched(RA) < 0)
        return;
    det_rt_ev_add(EV_FENCE, 0, 0, det_S->t[det_self].sb_n, mo, RA);
    det_rt_drain_all(det_self);
}

void __tsan_atomic_signal_fence(int mo) { (void)mo; }
