/* sim/runtime/threads/rt.h — the threads engine's participant runtime: the
 * hypervisor CPUs, the FINISH_REQ hypercall thread and the backend daemon as
 * pthreads of ONE process, for ThreadSanitizer (--engine tsan) and Valgrind
 * Helgrind (--engine helgrind).
 *
 * Rules this runtime keeps so that every report is about the code under test:
 *   - it never touches the bridge page through the address the code under
 *     test uses: the harness observes it through a second mapping of the same
 *     memfd pages (g_alias), so its reads are neither races nor
 *     synchronisation in the eyes of either detector;
 *   - its own words (the control area) carry no happens-before: atomics on
 *     them are invisible to Helgrind (which ignores atomics) and, under TSan,
 *     this runtime is compiled without instrumentation;  Helgrind is told not
 *     to check the control area at all;
 *   - the only happens-before edges it adds are the ones the real machine
 *     has: an IPI that wakes the daemon (eventfd in the kernel module), and
 *     the FINISH_REQ hypercall (a trap into the hypervisor and back).  They
 *     are annotated explicitly (RT_HB_SEND / RT_HB_RECV) for both tools.
 */
#ifndef HVSIM_THREADS_RT_H
#define HVSIM_THREADS_RT_H

#include "runtime/common/control.h"

#if defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define RT_HAVE_HELGRIND 1
#endif
#endif
#ifndef RT_HAVE_HELGRIND
#define ANNOTATE_HAPPENS_BEFORE(a) ((void)(a))
#define ANNOTATE_HAPPENS_AFTER(a) ((void)(a))
#define VALGRIND_HG_DISABLE_CHECKING(a, n) ((void)(a), (void)(n))
#endif

/* libtsan's dynamic-annotation entry points; weak, so the plain (helgrind)
 * build links without libtsan and they are null there. */
void AnnotateHappensBefore(const char *f, int l, const volatile void *addr) __attribute__((weak));
void AnnotateHappensAfter(const char *f, int l, const volatile void *addr) __attribute__((weak));

#define RT_HB_SEND(a)                                                   \
    do {                                                                \
        ANNOTATE_HAPPENS_BEFORE((void *)(a));                           \
        if (AnnotateHappensBefore)                                      \
            AnnotateHappensBefore(__FILE__, __LINE__, (a));             \
    } while (0)
#define RT_HB_RECV(a)                                                   \
    do {                                                                \
        ANNOTATE_HAPPENS_AFTER((void *)(a));                            \
        if (AnnotateHappensAfter)                                       \
            AnnotateHappensAfter(__FILE__, __LINE__, (a));              \
    } while (0)

extern struct virtio_bridge *g_bridge;      /* what the code under test sees */
extern struct virtio_bridge *g_alias_bridge;/* the same pages, harness-only view */
extern struct hvsim_ctl *g_ctl;
extern __thread int g_cpu;
extern __thread uint64_t g_rng;

/* Exit codes of the threads binary (the supervisor reads them). */
#define RT_EXIT_DONE   0   /* every CPU finished its accesses */
#define RT_EXIT_USAGE  3
#define RT_EXIT_HANG   20  /* no progress for the hang window: see the control area */
#define RT_EXIT_WRONG  21  /* a read returned a wrong value */
#define RT_EXIT_QUIESCENT 22 /* nobody can move and work is pending: see the control area */

#endif
