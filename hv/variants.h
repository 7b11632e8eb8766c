/* hv/variants.h — the compile-time variants of the hypervisor's wait loop.
 *
 * Chosen by -D flags (hvsim's build cache sets them):
 *   HV_WAIT_PLAIN      *p                  — the seed bug: nothing forces a reload
 *   HV_WAIT_VOLATILE   *(volatile *)p      — the upstream fix (read_volatile)
 *   HV_WAIT_ACQUIRE    __atomic_load_n(p, __ATOMIC_ACQUIRE) — C11 acquire
 *   HV_RELAX_NONE | _PAUSE | _YIELD | _ISB | _BARRIER | _ASM | _DEFAULT
 *   HVSIM_WAKE_NOFENCE  drop the seq_cst fences of the need_wakeup Dekker pair
 *
 * RELAX_DEFAULT mirrors what Rust's core::hint::spin_loop() emits on the
 * target: `pause` on x86, `isb` on aarch64, nothing on riscv64 without
 * Zihintpause and nothing on powerpc64.  Measured (DESIGN.md §2): whether a plain load is hoisted
 * depends on the hint — gcc keeps reloading with `pause`, clang with an
 * empty asm — so the hint is a real dimension of the matrix.
 */
#ifndef HV_VARIANTS_H
#define HV_VARIANTS_H

#if defined(HV_WAIT_VOLATILE)
#define HV_LOAD_FLAG(p) (*(volatile __typeof__(*(p)) *)(p))
#elif defined(HV_WAIT_ACQUIRE)
#define HV_LOAD_FLAG(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#else
#define HV_LOAD_FLAG(p) (*(p))
#endif

#if defined(HV_RELAX_DEFAULT)
#if defined(__x86_64__) || defined(__i386__)
#define HV_RELAX_PAUSE
#elif defined(__aarch64__)
#define HV_RELAX_ISB
#else
#define HV_RELAX_NONE
#endif
#endif

#if defined(HV_RELAX_PAUSE)
#define HV_RELAX() __asm__ __volatile__("pause")
#elif defined(HV_RELAX_YIELD)
#define HV_RELAX() __asm__ __volatile__("yield")
#elif defined(HV_RELAX_ISB)
#define HV_RELAX() __asm__ __volatile__("isb")
#elif defined(HV_RELAX_BARRIER)
#define HV_RELAX() __asm__ __volatile__("" ::: "memory")
#elif defined(HV_RELAX_ASM)
#define HV_RELAX() __asm__ __volatile__("")
#else
#define HV_RELAX() do { } while (0)
#endif

/* The hypervisor's half of the need_wakeup Dekker pair. */
#ifdef HVSIM_WAKE_NOFENCE
#define HV_FULL_FENCE() do { } while (0)
#else
#define HV_FULL_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#endif
