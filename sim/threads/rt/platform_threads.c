/* sim/threads/rt/platform_threads.c — <hvsim/platform.h> for the threads
 * engine (tsan, helgrind).  The logic is the native engine's
 * (sim/runtime/platform_native.c) — same IPI counter, same daemon sleep, same
 * hypercall handoff, same seeded delays and rendezvous — but every party is a
 * thread of this one process, and the two real synchronisations of the
 * machine are annotated for the race detectors (see rt.h). */
#define _GNU_SOURCE
#include "rt.h"
#include "runtime/futex.h"
#include <sched.h>

/* accessors, hvsim_should_stop, hvsim_inject_irq: platform_common.c */

/* The IPI to zone0 → the kernel module signals the daemon's eventfd.  In the
 * real system that is a synchronisation (the eventfd write and read go
 * through the kernel), so it is one here: HB from every IPI sender to the
 * daemon that consumes it. */
void hvsim_ipi_zone0(void)
{
    static uint32_t ipis;
    uint32_t every = g_ctl->ipi_drop_every;
    if (every && __atomic_add_fetch(&ipis, 1, __ATOMIC_RELAXED) % every == 0) {
        __atomic_add_fetch(&g_ctl->ipi_dropped, 1, __ATOMIC_RELAXED);
        return;
    }
    RT_HB_SEND(&g_ctl->ipi_sent);
    __atomic_add_fetch(&g_ctl->ipi_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->ipi_sent, 1);
}

int hvsim_daemon_sleep(void)
{
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_SLEEPING, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&g_ctl->daemon_sleeps, 1, __ATOMIC_RELAXED);
    int rc = 0;
    for (;;) {
        uint32_t sent = __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_ACQUIRE);
        if (sent != __atomic_load_n(&g_ctl->ipi_consumed, __ATOMIC_RELAXED)) {
            __atomic_store_n(&g_ctl->ipi_consumed, sent, __ATOMIC_RELEASE);
            RT_HB_RECV(&g_ctl->ipi_sent);
            break;
        }
        if (hvsim_should_stop()) {
            rc = -1;
            break;
        }
        futex_wait(&g_ctl->ipi_sent, sent, 50000000L);
    }
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_RUNNING, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&g_ctl->daemon_wakes, 1, __ATOMIC_RELAXED);
    return rc;
}

/* FINISH_REQ: a trap into the hypervisor (HB daemon → hypercall thread) and
 * the return from it (HB hypercall thread → daemon). */
void hvsim_hypercall_finish_req(void)
{
    RT_HB_SEND(&g_ctl->hc_sent);
    uint32_t mine = __atomic_add_fetch(&g_ctl->hc_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->hc_sent, 1);
    while ((int32_t)(__atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE) - mine) < 0) {
        if (hvsim_should_stop())
            return;
        futex_wait(&g_ctl->hc_done, __atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE), 10000000L);
    }
    RT_HB_RECV(&g_ctl->hc_done);
}

/* Delay points (hvsim_delay) are sim/runtime/delay.c, as in the native engine. */
