/* sim/runtime/native/platform_native.c — <hvsim/platform.h> for the native engine:
 * real processes, real concurrency, futexes over the shared region.
 *
 * Nothing here is ever called from inside a wait loop of the code under test
 * (the platform header forbids it), so the binaries keep exactly the loads
 * the compiler chose.
 */
#define _GNU_SOURCE
#include "runtime/common/participant.h"
#include "runtime/common/futex.h"
#include "runtime/common/oracle_count.h"
#include <sched.h>

/* The two real synchronisations of the machine — the IPI (eventfd write →
 * read) and the FINISH_REQ trap and return — as happens-before edges.  No-ops
 * here; the threads engine compiles this same file with them defined as
 * annotations for ThreadSanitizer and Helgrind (sim/runtime/threads/rt.h). */
#ifndef PLATFORM_HB_SEND
#define PLATFORM_HB_SEND(a) ((void)(a))
#define PLATFORM_HB_RECV(a) ((void)(a))
#endif

/* accessors, hvsim_should_stop, hvsim_inject_irq: platform_common.c */

/* The IPI to zone0 is the kernel module's eventfd signal: a counter the
 * daemon sleeps on.  ipi_drop_every injects the "dropped IPI" fault. */
void hvsim_ipi_zone0(void)
{
    static uint32_t ipis;
    uint32_t every = g_ctl->ipi_drop_every;
    if (every && __atomic_add_fetch(&ipis, 1, __ATOMIC_RELAXED) % every == 0) {
        __atomic_add_fetch(&g_ctl->ipi_dropped, 1, __ATOMIC_RELAXED);
        oracle_note_ipi(g_ctl, g_cpu, 1);
        return;
    }
    oracle_note_ipi(g_ctl, g_cpu, 0);
    PLATFORM_HB_SEND(&g_ctl->ipi_sent);
    __atomic_add_fetch(&g_ctl->ipi_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->ipi_sent, 1);
}

/* The kernel-module shim's read(eventfd): consume pending IPIs or sleep. */
int hvsim_daemon_sleep(void)
{
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_SLEEPING, __ATOMIC_SEQ_CST);
    /* Lost-wakeup evidence: the ring and need_wakeup as they are when the
     * daemon commits to sleep (after its own re-check; the seq_cst store
     * above has made its need_wakeup store visible). */
    g_ctl->sleep_front = __atomic_load_n(&g_bridge->req_front, __ATOMIC_SEQ_CST);
    g_ctl->sleep_rear = __atomic_load_n(&g_bridge->req_rear, __ATOMIC_SEQ_CST);
    g_ctl->sleep_need_wakeup = __atomic_load_n(&g_bridge->need_wakeup, __ATOMIC_SEQ_CST);
    __atomic_store_n(&g_ctl->sleep_ns, now_ns(), __ATOMIC_RELEASE);
    __atomic_add_fetch(&g_ctl->daemon_sleeps, 1, __ATOMIC_RELEASE); /* boot gate: hv_main.c */
    int rc = 0;
    for (;;) {
        uint32_t sent = __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_ACQUIRE);
        if (sent != __atomic_load_n(&g_ctl->ipi_consumed, __ATOMIC_RELAXED)) {
            __atomic_store_n(&g_ctl->ipi_consumed, sent, __ATOMIC_RELEASE);
            PLATFORM_HB_RECV(&g_ctl->ipi_sent);
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

/* FINISH_REQ: hand the drain to the hypervisor's hypercall thread and wait
 * until it is done, as a trapping hypercall would. */
void hvsim_hypercall_finish_req(void)
{
    PLATFORM_HB_SEND(&g_ctl->hc_sent);
    uint32_t mine = __atomic_add_fetch(&g_ctl->hc_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->hc_sent, 1);
    while ((int32_t)(__atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE) - mine) < 0) {
        if (hvsim_should_stop())
            return;
        futex_wait(&g_ctl->hc_done, __atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE), 10000000L);
    }
    PLATFORM_HB_RECV(&g_ctl->hc_done);
}

/* Delay points (hvsim_delay) live in delay.c, shared with the threads engine. */
