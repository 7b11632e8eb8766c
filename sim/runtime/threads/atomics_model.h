/* sim/runtime/threads/atomics_model.h — make the code under test's C11/GNU atomics
 * visible to a race detector that does not model them by itself.
 *
 * Force-included (-include) into the code under test ONLY, never into hvsim's
 * runtime, and only in the threads engine's builds:
 *   hg_atomics.h   (--engine helgrind): Helgrind knows pthreads, not atomics.
 *                  Every __atomic_* / __sync_* builtin becomes an always-inline
 *                  function hvsim_am_<op>_<size>() that
 *                    - does the very same builtin with the same memory order;
 *                    - tells Helgrind the synchronisation C11 gives it:
 *                      release (or stronger) store/RMW → ANNOTATE_HAPPENS_BEFORE(addr)
 *                      before it; acquire (or stronger) load/RMW →
 *                      ANNOTATE_HAPPENS_AFTER(addr) after it;
 *                    - leaves a named frame (hvsim_am_*) in the stack of the
 *                      access, so hvsim can tell an atomic access from a plain
 *                      one in Helgrind's report: two atomic accesses never race
 *                      in C11, a plain one and an atomic one do.
 *   tsan_atomics.h (--engine tsan): ThreadSanitizer models atomic accesses
 *                  and their orders itself, but not standalone fences
 *                  (__atomic_thread_fence is a no-op to it; gcc says so with
 *                  -Wtsan).  Only the fence part below is active there.
 *
 * Fences (both tools), a conservative reading of C11 7.17.4:
 *   - after a release (acq_rel, seq_cst) fence, every later atomic store or
 *     RMW of the thread is announced as a release on its address (HB from the
 *     store's position — which includes what happened between fence and
 *     store: an over-approximation that can hide a race in that gap);
 *   - an acquire (acq_rel, seq_cst) fence turns the thread's last relaxed
 *     atomic loads (up to 8 since the previous fence) into acquires.
 * Limits, said in docs/race-detectors.md: the annotations are themselves
 * compiler barriers (inline asm with a memory clobber) around annotated
 * atomics; _Atomic objects used without builtins (x++ on an _Atomic int) and
 * clang's __c11_atomic_* are not wrapped; the generic forms (__atomic_load
 * etc.) are supported for objects of 1, 2, 4 or 8 bytes only.
 */
#ifndef HVSIM_ATOMICS_MODEL_H
#define HVSIM_ATOMICS_MODEL_H

#include <stdint.h>

#if defined(HVSIM_AM_HELGRIND)
#include <valgrind/helgrind.h>
#define HVSIM_AM_SEND(p) ANNOTATE_HAPPENS_BEFORE((void *)(uintptr_t)(p))
#define HVSIM_AM_RECV(p) ANNOTATE_HAPPENS_AFTER((void *)(uintptr_t)(p))
#define HVSIM_AM_ORDERS 1 /* annotate acquire/release accesses too */
#elif defined(HVSIM_AM_TSAN)
void AnnotateHappensBefore(const char *f, int l, const volatile void *addr);
void AnnotateHappensAfter(const char *f, int l, const volatile void *addr);
#define HVSIM_AM_SEND(p) AnnotateHappensBefore(__FILE__, __LINE__, (p))
#define HVSIM_AM_RECV(p) AnnotateHappensAfter(__FILE__, __LINE__, (p))
#define HVSIM_AM_ORDERS 0 /* TSan handles access orders itself */
#else
#error "include hg_atomics.h or tsan_atomics.h, not atomics_model.h"
#endif

#define HVSIM_AM_MO(mo) ((mo) & 0xffff)
#define HVSIM_AM_IS_ACQ(mo) (HVSIM_AM_MO(mo) == __ATOMIC_ACQUIRE || HVSIM_AM_MO(mo) == __ATOMIC_ACQ_REL || \
                             HVSIM_AM_MO(mo) == __ATOMIC_SEQ_CST || HVSIM_AM_MO(mo) == __ATOMIC_CONSUME)
#define HVSIM_AM_IS_REL(mo) (HVSIM_AM_MO(mo) == __ATOMIC_RELEASE || HVSIM_AM_MO(mo) == __ATOMIC_ACQ_REL || \
                             HVSIM_AM_MO(mo) == __ATOMIC_SEQ_CST)

/* Per-thread fence state, shared by every translation unit (weak TLS). */
__attribute__((weak)) __thread int hvsim_am_rel_armed;
__attribute__((weak)) __thread const volatile void *hvsim_am_rlx[8];
__attribute__((weak)) __thread unsigned hvsim_am_nrlx;

#define HVSIM_AM_INLINE static inline __attribute__((always_inline, unused))

HVSIM_AM_INLINE void hvsim_am_before(const volatile void *p, int mo)
{
    if ((HVSIM_AM_ORDERS && HVSIM_AM_IS_REL(mo)) || hvsim_am_rel_armed)
        HVSIM_AM_SEND(p);
}

HVSIM_AM_INLINE void hvsim_am_after_read(const volatile void *p, int mo)
{
    if (HVSIM_AM_IS_ACQ(mo)) {
        if (HVSIM_AM_ORDERS)
            HVSIM_AM_RECV(p);
    } else {
        hvsim_am_rlx[hvsim_am_nrlx++ & 7u] = p;
    }
}

HVSIM_AM_INLINE void hvsim_am_fence(int mo)
{
    /* a constant order, for the reason given at HVSIM_AM_ST_ORDERS below */
    switch (HVSIM_AM_MO(mo)) {
    case __ATOMIC_RELAXED: break;
    case __ATOMIC_CONSUME: __atomic_thread_fence(__ATOMIC_CONSUME); break;
    case __ATOMIC_ACQUIRE: __atomic_thread_fence(__ATOMIC_ACQUIRE); break;
    case __ATOMIC_RELEASE: __atomic_thread_fence(__ATOMIC_RELEASE); break;
    case __ATOMIC_ACQ_REL: __atomic_thread_fence(__ATOMIC_ACQ_REL); break;
    default: __atomic_thread_fence(__ATOMIC_SEQ_CST); break;
    }
    if (HVSIM_AM_IS_REL(mo))
        hvsim_am_rel_armed = 1;
    if (HVSIM_AM_IS_ACQ(mo)) {
        unsigned n = hvsim_am_nrlx > 8 ? 8 : hvsim_am_nrlx;
        for (unsigned i = 0; i < n; i++)
            HVSIM_AM_RECV(hvsim_am_rlx[i]);
        hvsim_am_nrlx = 0;
    }
}

/* The memory order reaches a wrapper as a parameter.  Passed on as a
 * variable, gcc treats it as seq_cst when it is not folded to a constant —
 * always at -O0: a relaxed store became `xchg` (a locked RMW, which Helgrind
 * instruments as a read only, so the daemon's flag store vanished as a write
 * and the race with a plain wait was never reported), and the code under
 * test got full barriers it does not have.  (TSan's pass forwards a variable
 * order at run time, so only the plain build was wrong.)
 * So each wrapper switches on the order and issues the builtin with that
 * order as a constant; the switch folds away once inlined at -O1 and above.
 * Only the orders valid for the operation are spelt (gcc warns on others);
 * anything else takes seq_cst, as the builtin itself would. */
#define HVSIM_AM_ST_ORDERS(OP, T, mo)                                                        \
    switch (HVSIM_AM_MO(mo)) {                                                                \
    case __ATOMIC_RELAXED: OP(T, __ATOMIC_RELAXED); break;                                    \
    case __ATOMIC_RELEASE: OP(T, __ATOMIC_RELEASE); break;                                    \
    default: OP(T, __ATOMIC_SEQ_CST); break;                                                  \
    }
#define HVSIM_AM_LD_ORDERS(OP, T, mo)                                                        \
    switch (HVSIM_AM_MO(mo)) {                                                                \
    case __ATOMIC_RELAXED: OP(T, __ATOMIC_RELAXED); break;                                    \
    case __ATOMIC_CONSUME: OP(T, __ATOMIC_CONSUME); break;                                    \
    case __ATOMIC_ACQUIRE: OP(T, __ATOMIC_ACQUIRE); break;                                    \
    default: OP(T, __ATOMIC_SEQ_CST); break;                                                  \
    }
#define HVSIM_AM_RMW_ORDERS(OP, T, mo)                                                       \
    switch (HVSIM_AM_MO(mo)) {                                                                \
    case __ATOMIC_RELAXED: OP(T, __ATOMIC_RELAXED); break;                                    \
    case __ATOMIC_CONSUME: OP(T, __ATOMIC_CONSUME); break;                                    \
    case __ATOMIC_ACQUIRE: OP(T, __ATOMIC_ACQUIRE); break;                                    \
    case __ATOMIC_RELEASE: OP(T, __ATOMIC_RELEASE); break;                                    \
    case __ATOMIC_ACQ_REL: OP(T, __ATOMIC_ACQ_REL); break;                                    \
    default: OP(T, __ATOMIC_SEQ_CST); break;                                                  \
    }
/* compare-exchange: the failure order may be no stronger than the success
 * order and neither release nor acq_rel; it is clamped to that (what the
 * builtin's definition allows) and then spelt as a constant too. */
#define HVSIM_AM_CAS_F(T, S, fmo)                                                             \
    switch ((S) == __ATOMIC_SEQ_CST ? HVSIM_AM_MO(fmo)                                        \
            : (S) == __ATOMIC_ACQUIRE || (S) == __ATOMIC_ACQ_REL                              \
                ? (HVSIM_AM_MO(fmo) == __ATOMIC_SEQ_CST ? __ATOMIC_ACQUIRE : HVSIM_AM_MO(fmo)) \
            : (S) == __ATOMIC_CONSUME                                                         \
                ? (HVSIM_AM_MO(fmo) == __ATOMIC_RELAXED ? __ATOMIC_RELAXED : __ATOMIC_CONSUME) \
                : __ATOMIC_RELAXED) {                                                         \
    case __ATOMIC_RELAXED: HVSIM_AM_CAS_DO(T, S, __ATOMIC_RELAXED); break;                    \
    case __ATOMIC_CONSUME: HVSIM_AM_CAS_DO(T, S, HVSIM_AM_MIN_F(S, __ATOMIC_CONSUME)); break; \
    case __ATOMIC_ACQUIRE: HVSIM_AM_CAS_DO(T, S, HVSIM_AM_MIN_F(S, __ATOMIC_ACQUIRE)); break; \
    default: HVSIM_AM_CAS_DO(T, S, HVSIM_AM_MIN_F(S, __ATOMIC_SEQ_CST)); break;               \
    }
/* the strongest failure order S allows, at most F — a constant expression,
 * so the dead combinations of the switch above are still valid ones */
#define HVSIM_AM_MIN_F(S, F)                                                                  \
    ((S) == __ATOMIC_SEQ_CST ? (F)                                                            \
     : (S) == __ATOMIC_ACQUIRE || (S) == __ATOMIC_ACQ_REL                                     \
         ? ((F) == __ATOMIC_SEQ_CST ? __ATOMIC_ACQUIRE : (F))                                 \
     : (S) == __ATOMIC_CONSUME ? ((F) == __ATOMIC_RELAXED ? __ATOMIC_RELAXED : __ATOMIC_CONSUME) \
                               : __ATOMIC_RELAXED)
#define HVSIM_AM_CAS_DO(T, S, F)                                                              \
    (ok = __atomic_compare_exchange_n((volatile T *)(uintptr_t)p, (T *)exp, des, weak, S, F))
#define HVSIM_AM_CAS_S(T, S) HVSIM_AM_CAS_F(T, S, f)
#define HVSIM_AM_LD_OP(T, o) (v = __atomic_load_n((const volatile T *)p, o))
#define HVSIM_AM_ST_OP(T, o) __atomic_store_n((volatile T *)(uintptr_t)p, v, o)

#define HVSIM_AM_DEFS(N, T)                                                                   \
    HVSIM_AM_INLINE T hvsim_am_load_##N(const volatile void *p, int mo)                      \
    {                                                                                         \
        T v;                                                                                  \
        HVSIM_AM_LD_ORDERS(HVSIM_AM_LD_OP, T, mo)                                             \
        hvsim_am_after_read(p, mo);                                                           \
        return v;                                                                             \
    }                                                                                         \
    HVSIM_AM_INLINE void hvsim_am_store_##N(const volatile void *p, T v, int mo)             \
    {                                                                                         \
        hvsim_am_before(p, mo);                                                               \
        HVSIM_AM_ST_ORDERS(HVSIM_AM_ST_OP, T, mo)                                             \
    }                                                                                         \
    HVSIM_AM_INLINE _Bool hvsim_am_cas_##N(const volatile void *p, void *exp, T des, int weak, \
                                           int s, int f)                                      \
    {                                                                                         \
        _Bool ok;                                                                             \
        hvsim_am_before(p, s);                                                                \
        HVSIM_AM_RMW_ORDERS(HVSIM_AM_CAS_S, T, s)                                             \
        hvsim_am_after_read(p, ok ? s : f);                                                   \
        return ok;                                                                            \
    }                                                                                         \
    HVSIM_AM_RMW(N, T, exchange_n)                                                            \
    HVSIM_AM_RMW(N, T, add_fetch) HVSIM_AM_RMW(N, T, fetch_add)                               \
    HVSIM_AM_RMW(N, T, sub_fetch) HVSIM_AM_RMW(N, T, fetch_sub)                               \
    HVSIM_AM_RMW(N, T, and_fetch) HVSIM_AM_RMW(N, T, fetch_and)                               \
    HVSIM_AM_RMW(N, T, or_fetch) HVSIM_AM_RMW(N, T, fetch_or)                                 \
    HVSIM_AM_RMW(N, T, xor_fetch) HVSIM_AM_RMW(N, T, fetch_xor)                               \
    HVSIM_AM_RMW(N, T, nand_fetch) HVSIM_AM_RMW(N, T, fetch_nand)

#define HVSIM_AM_RMW(N, T, op)                                                                \
    HVSIM_AM_INLINE T hvsim_am_##op##_##N(const volatile void *p, T v, int mo)               \
    {                                                                                         \
        T r;                                                                                  \
        hvsim_am_before(p, mo);                                                               \
        switch (HVSIM_AM_MO(mo)) {                                                            \
        case __ATOMIC_RELAXED: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_RELAXED); break; \
        case __ATOMIC_CONSUME: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_CONSUME); break; \
        case __ATOMIC_ACQUIRE: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_ACQUIRE); break; \
        case __ATOMIC_RELEASE: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_RELEASE); break; \
        case __ATOMIC_ACQ_REL: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_ACQ_REL); break; \
        default: r = __atomic_##op((volatile T *)(uintptr_t)p, v, __ATOMIC_SEQ_CST); break;  \
        }                                                                                     \
        hvsim_am_after_read(p, mo);                                                           \
        return r;                                                                             \
    }

HVSIM_AM_DEFS(1, uint8_t)
HVSIM_AM_DEFS(2, uint16_t)
HVSIM_AM_DEFS(4, uint32_t)
HVSIM_AM_DEFS(8, uint64_t)

/* ---- from here on the builtins' names mean the wrappers ------------------ */
#define HVSIM_AM_SZ(p, f1, f2, f4, f8) \
    (sizeof(*(p)) == 1 ? (f1) : sizeof(*(p)) == 2 ? (f2) : sizeof(*(p)) == 4 ? (f4) : (f8))
#define HVSIM_AM_VAL(p, fn, v, mo)                                                            \
    ((__typeof__(*(p)))HVSIM_AM_SZ(p,                                                         \
        hvsim_am_##fn##_1((p), (uint8_t)(uintptr_t)(v), (mo)),                                \
        hvsim_am_##fn##_2((p), (uint16_t)(uintptr_t)(v), (mo)),                               \
        hvsim_am_##fn##_4((p), (uint32_t)(uintptr_t)(v), (mo)),                               \
        hvsim_am_##fn##_8((p), (uint64_t)(uintptr_t)(v), (mo))))

#define __atomic_load_n(p, mo)                                                                \
    ((__typeof__(*(p)))HVSIM_AM_SZ(p, hvsim_am_load_1((p), (mo)), hvsim_am_load_2((p), (mo)),  \
                                   hvsim_am_load_4((p), (mo)), hvsim_am_load_8((p), (mo))))
#define __atomic_store_n(p, v, mo)                                                            \
    HVSIM_AM_SZ(p, hvsim_am_store_1((p), (uint8_t)(uintptr_t)(v), (mo)),                      \
                hvsim_am_store_2((p), (uint16_t)(uintptr_t)(v), (mo)),                        \
                hvsim_am_store_4((p), (uint32_t)(uintptr_t)(v), (mo)),                        \
                hvsim_am_store_8((p), (uint64_t)(uintptr_t)(v), (mo)))
#define __atomic_compare_exchange_n(p, exp, des, weak, s, f)                                  \
    HVSIM_AM_SZ(p, hvsim_am_cas_1((p), (exp), (uint8_t)(uintptr_t)(des), (weak), (s), (f)),   \
                hvsim_am_cas_2((p), (exp), (uint16_t)(uintptr_t)(des), (weak), (s), (f)),     \
                hvsim_am_cas_4((p), (exp), (uint32_t)(uintptr_t)(des), (weak), (s), (f)),     \
                hvsim_am_cas_8((p), (exp), (uint64_t)(uintptr_t)(des), (weak), (s), (f)))
#define __atomic_exchange_n(p, v, mo) HVSIM_AM_VAL(p, exchange_n, v, mo)
#define __atomic_add_fetch(p, v, mo) HVSIM_AM_VAL(p, add_fetch, v, mo)
#define __atomic_fetch_add(p, v, mo) HVSIM_AM_VAL(p, fetch_add, v, mo)
#define __atomic_sub_fetch(p, v, mo) HVSIM_AM_VAL(p, sub_fetch, v, mo)
#define __atomic_fetch_sub(p, v, mo) HVSIM_AM_VAL(p, fetch_sub, v, mo)
#define __atomic_and_fetch(p, v, mo) HVSIM_AM_VAL(p, and_fetch, v, mo)
#define __atomic_fetch_and(p, v, mo) HVSIM_AM_VAL(p, fetch_and, v, mo)
#define __atomic_or_fetch(p, v, mo) HVSIM_AM_VAL(p, or_fetch, v, mo)
#define __atomic_fetch_or(p, v, mo) HVSIM_AM_VAL(p, fetch_or, v, mo)
#define __atomic_xor_fetch(p, v, mo) HVSIM_AM_VAL(p, xor_fetch, v, mo)
#define __atomic_fetch_xor(p, v, mo) HVSIM_AM_VAL(p, fetch_xor, v, mo)
#define __atomic_nand_fetch(p, v, mo) HVSIM_AM_VAL(p, nand_fetch, v, mo)
#define __atomic_fetch_nand(p, v, mo) HVSIM_AM_VAL(p, fetch_nand, v, mo)
#define __atomic_thread_fence(mo) hvsim_am_fence(mo)
/* generic forms (gcc's <stdatomic.h> uses them) — 1/2/4/8-byte objects */
#define __atomic_load(p, ret, mo) ((void)(*(ret) = __atomic_load_n((p), (mo))))
#define __atomic_store(p, val, mo) __atomic_store_n((p), *(val), (mo))
#define __atomic_exchange(p, val, ret, mo) ((void)(*(ret) = __atomic_exchange_n((p), *(val), (mo))))
#define __atomic_compare_exchange(p, exp, des, weak, s, f) \
    __atomic_compare_exchange_n((p), (exp), *(des), (weak), (s), (f))
/* legacy __sync builtins: full barriers */
#define __sync_synchronize() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define __sync_fetch_and_add(p, v, ...) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define __sync_fetch_and_sub(p, v, ...) __atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST)
#define __sync_fetch_and_or(p, v, ...) __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define __sync_fetch_and_and(p, v, ...) __atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST)
#define __sync_add_and_fetch(p, v, ...) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define __sync_sub_and_fetch(p, v, ...) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define __sync_lock_test_and_set(p, v, ...) __atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)
#define __sync_lock_release(p, ...) __atomic_store_n((p), 0, __ATOMIC_RELEASE)
#define __sync_bool_compare_and_swap(p, o, n, ...)                                            \
    __extension__({ __typeof__(*(p)) hvsim_am_e_ = (o);                                       \
                    __atomic_compare_exchange_n((p), &hvsim_am_e_, (n), 0, __ATOMIC_SEQ_CST,  \
                                                __ATOMIC_SEQ_CST); })
#define __sync_val_compare_and_swap(p, o, n, ...)                                             \
    __extension__({ __typeof__(*(p)) hvsim_am_e_ = (o);                                       \
                    __atomic_compare_exchange_n((p), &hvsim_am_e_, (n), 0, __ATOMIC_SEQ_CST,  \
                                                __ATOMIC_SEQ_CST);                            \
                    hvsim_am_e_; })

#endif
