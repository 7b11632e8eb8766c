/* sim/runtime/common/hypercall.c — the hypervisor serving FINISH_REQ: the daemon
 * bumps hc_sent and sleeps on hc_done; this thread runs hv_finish_req() and
 * bumps hc_done.  Linked into the native hypervisor process; the threads
 * engine includes it from platform_threads.c with the happens-before hooks
 * defined, as it does platform_native.c. */
#define _GNU_SOURCE
#include "participant.h"
#include "futex.h"
#include "hypercall.h"
#include "oracle_count.h"
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PLATFORM_HB_SEND
#define PLATFORM_HB_SEND(a) ((void)(a))
#define PLATFORM_HB_RECV(a) ((void)(a))
#endif

void *hypercall_serve(void *arg)
{
    (void)arg;
    g_rng = g_ctl->seed ^ 0x5a5a5a5aull;
    uint32_t done = 0;
    __atomic_store_n(&g_ctl->hc_tid, (int32_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
    struct oracle_fin_snap fs;
    while (!hvsim_should_stop()) {
        uint32_t sent = __atomic_load_n(&g_ctl->hc_sent, __ATOMIC_ACQUIRE);
        if (sent == done) {
            futex_wait(&g_ctl->hc_sent, sent, 20000000L);
            continue;
        }
        PLATFORM_HB_RECV(&g_ctl->hc_sent);
        /* The oracle's FINISH_REQ boundary: the result ring before the call,
         * the entries consumed and the IRQs injected after it. */
        oracle_fin_begin(g_ctl, g_bridge, &fs);
        hv_finish_req();
        oracle_fin_end(g_ctl, g_bridge, &fs);
        done = sent;
        PLATFORM_HB_SEND(&g_ctl->hc_done);
        __atomic_store_n(&g_ctl->hc_done, done, __ATOMIC_RELEASE);
        futex_wake(&g_ctl->hc_done, 8);
    }
    return 0;
}
