/* sim/runtime/hv_main.c — the hypervisor process: one thread per physical
 * CPU, each running its guest's access sequence and trapping into the
 * handler (hv_mmio_access), plus the thread that serves FINISH_REQ
 * hypercalls.  Each CPU publishes what it is doing in the control area so the
 * supervisor's watchdog knows what it waits for. */
#define _GNU_SOURCE
#include "participant.h"
#include "futex.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* Trap latency for `hvsim bench` (same bucket formula as tools/bench/bench_hist.h).
 * Timed around hv_mmio_access, never inside it: the code under test is unchanged. */
static unsigned lat_bucket(uint64_t ns)
{
    if (ns < 4)
        return (unsigned)ns;
    unsigned o = 63u - (unsigned)__builtin_clzll(ns);
    unsigned b = o * 4u + (unsigned)((ns >> (o - 2u)) & 3u);
    return b < HVSIM_LAT_BUCKETS ? b : HVSIM_LAT_BUCKETS - 1u;
}

static void lat_record(struct hvsim_cpu_ctl *c, uint64_t ns, int ipi)
{
    unsigned b = lat_bucket(ns);
    c->lat_sum_ns += ns;
    if (!c->lat_count || ns < c->lat_min_ns)
        c->lat_min_ns = ns;
    if (ns > c->lat_max_ns)
        c->lat_max_ns = ns;
    c->lat_count++;
    c->lat_hist[0][b]++;
    if (ipi) {
        c->lat_ipi_count++;
        c->lat_hist[1][b]++;
    }
}

static void *cpu_thread(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    struct hvsim_cpu_ctl *c = &g_ctl->cpu[cpu];
    g_cpu = (int)cpu;
    g_rng = g_ctl->seed * 0x100000001b3ull + cpu + 1;
    __atomic_store_n(&c->tid, participant_tid(), __ATOMIC_RELEASE);
    participant_wait_go();
    __atomic_store_n(&c->state, HVSIM_CPU_GUEST, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < c->naccess && !hvsim_should_stop(); i++) {
        const struct hvsim_access *a = &c->acc[i];
        for (uint32_t r = 0; r <= a->repeat && !hvsim_should_stop(); r++) {
            uint64_t gap = __atomic_load_n(&g_ctl->bench_gap_ns, __ATOMIC_RELAXED);
            if (gap)
                for (uint64_t end = now_ns() + gap; now_ns() < end;)
                    ;
            __atomic_store_n(&c->cur, i, __ATOMIC_RELAXED);
            __atomic_store_n(&c->flag_before,
                             (uint64_t)__atomic_load_n(&g_bridge->cfg_flags[cpu], __ATOMIC_ACQUIRE),
                             __ATOMIC_RELAXED);
            __atomic_store_n(&c->enter_ns, now_ns(), __ATOMIC_RELAXED);
            __atomic_store_n(&c->state, HVSIM_CPU_IN_HANDLER, __ATOMIC_RELEASE);
            uint32_t ipi0 = __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_RELAXED);
            uint64_t t0 = now_ns();
            uint64_t v = hv_mmio_access(a->addr, a->size, a->is_write, a->value);
            uint64_t t1 = now_ns();
            lat_record(c, t1 - t0, __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_RELAXED) != ipi0);
            __atomic_store_n(&c->state, HVSIM_CPU_GUEST, __ATOMIC_RELEASE);
            __atomic_add_fetch(&c->done, 1, __ATOMIC_RELEASE);
            if (a->check && !a->is_write && v != a->expect) {
                c->got = v;
                c->want = a->expect;
                c->wrong_addr = a->addr;
                __atomic_store_n(&c->state, HVSIM_CPU_WRONG, __ATOMIC_RELEASE);
                return 0;
            }
        }
    }
    __atomic_store_n(&c->state, HVSIM_CPU_DONE, __ATOMIC_RELEASE);
    return 0;
}

/* FINISH_REQ hypercalls from the daemon are served here, one at a time. */
static void *hypercall_thread(void *arg)
{
    (void)arg;
    g_rng = g_ctl->seed ^ 0x5a5a5a5aull;
    uint32_t done = 0;
    while (!hvsim_should_stop()) {
        uint32_t sent = __atomic_load_n(&g_ctl->hc_sent, __ATOMIC_ACQUIRE);
        if (sent == done) {
            futex_wait(&g_ctl->hc_sent, sent, 20000000L);
            continue;
        }
        hv_finish_req();
        done = sent;
        __atomic_store_n(&g_ctl->hc_done, done, __ATOMIC_RELEASE);
        futex_wake(&g_ctl->hc_done, 8);
    }
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
    if (pthread_create(&t[n], 0, hypercall_thread, 0))
        return 3;
    __atomic_store_n(&g_ctl->hv_ready, 1, __ATOMIC_RELEASE);
    /* The CPU threads may spin forever (that is the bug under test); the
     * process ends when the supervisor says stop, or by its SIGKILL. */
    while (!hvsim_should_stop())
        futex_wait(&g_ctl->stop, 0, 100000000L);
    _exit(0);
}
