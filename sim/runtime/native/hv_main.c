/* sim/runtime/native/hv_main.c — the hypervisor process: one thread per physical
 * CPU, each running its guest's access sequence and trapping into the
 * handler (hv_mmio_access), plus the thread that serves FINISH_REQ
 * hypercalls.  Each CPU publishes what it is doing in the control area so the
 * supervisor's watchdog knows what it waits for. */
#define _GNU_SOURCE
#include "runtime/common/participant.h"
#include "runtime/common/futex.h"
#include "runtime/common/guest.h"
#include "runtime/common/hypercall.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Scenario 'boot daemon-first': on the real system hvisor-tool's daemon is
 * started (and has set need_wakeup and gone to sleep) before any guest runs;
 * a trap before that would find need_wakeup 0, send no IPI, and be served
 * only by a later one — a lost wakeup of hvsim's making.  So the CPU threads
 * hold until the daemon's first hvsim_daemon_sleep() (or its exit, or stop).
 * Polled: the gate is outside the code under test, latency does not matter. */
static void wait_daemon_asleep(void)
{
    struct timespec ts = {0, 50000};
    while (!__atomic_load_n(&g_ctl->daemon_sleeps, __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&g_ctl->daemon_state, __ATOMIC_ACQUIRE) != HVSIM_DAEMON_EXITED &&
           !hvsim_should_stop())
        nanosleep(&ts, 0);
}

static void *cpu_thread(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    struct hvsim_cpu_ctl *c = &g_ctl->cpu[cpu];
    g_cpu = (int)cpu;
    g_rng = g_ctl->seed * 0x100000001b3ull + cpu + 1;
    __atomic_store_n(&c->tid, participant_tid(), __ATOMIC_RELEASE);
    participant_wait_go();
    if (g_ctl->boot_daemon_first)
        wait_daemon_asleep();
    guest_run(cpu, g_bridge);
    return 0;
}

int main(int argc, char **argv)
{
    participant_attach(argc, argv, "hv");
    pthread_t t[HVSIM_CPUS + 1];
    unsigned n = g_ctl->ncpus > HVSIM_CPUS ? HVSIM_CPUS : g_ctl->ncpus;
    for (unsigned i = 0; i < n; i++)
        if (pthread_create(&t[i], 0, cpu_thread, (void *)(uintptr_t)i))
            return 3;
    if (pthread_create(&t[n], 0, hypercall_serve, 0))
        return 3;
    __atomic_store_n(&g_ctl->hv_ready, 1, __ATOMIC_RELEASE);
    /* The CPU threads may spin forever (that is the bug under test); the
     * process ends when the supervisor says stop, or by its SIGKILL. */
    while (!hvsim_should_stop())
        futex_wait(&g_ctl->stop, 0, 100000000L);
    _exit(0);
}
