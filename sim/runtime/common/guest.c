/* sim/runtime/common/guest.c — a guest CPU's workload: its access sequence, each
 * access a trap into the handler, published in the control area so the
 * watchdog knows what the CPU waits for.  Shared by the native hypervisor
 * process (hv_main.c) and the threads engine (sim/runtime/threads). */
#define _GNU_SOURCE
#include "guest.h"
#include "futex.h"
#include "oracle_count.h"

extern struct hvsim_ctl *g_ctl;

/* Trap latency for `hvsim bench` (same bucket formula as sim/runtime/bench/bench_hist.h).
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

void guest_run(unsigned cpu, const struct virtio_bridge *view)
{
    struct hvsim_cpu_ctl *c = &g_ctl->cpu[cpu];
    __atomic_store_n(&c->state, HVSIM_CPU_GUEST, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < c->naccess && !hvsim_should_stop(); i++) {
        const struct hvsim_access *a = &c->acc[i];
        for (uint32_t r = 0; r <= a->repeat && !hvsim_should_stop(); r++) {
            uint64_t gap = __atomic_load_n(&g_ctl->bench_gap_ns, __ATOMIC_RELAXED);
            if (gap)
                for (uint64_t end = now_ns() + gap; now_ns() < end;)
                    ;
            __atomic_store_n(&c->cur, i, __ATOMIC_RELAXED);
            uint64_t f0 = (uint64_t)__atomic_load_n(&view->cfg_flags[cpu], __ATOMIC_ACQUIRE);
            __atomic_store_n(&c->flag_before, f0, __ATOMIC_RELAXED);
            oracle_count_trap(g_ctl, cpu, a, f0);
            __atomic_store_n(&c->enter_ns, now_ns(), __ATOMIC_RELAXED);
            __atomic_store_n(&c->state, HVSIM_CPU_IN_HANDLER, __ATOMIC_RELEASE);
            uint32_t ipi0 = __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_RELAXED);
            uint64_t t0 = now_ns();
            uint64_t v = hv_mmio_access(a->addr, a->size, a->is_write, a->value);
            uint64_t t1 = now_ns();
            oracle_count_return(g_ctl, cpu,
                                (uint64_t)__atomic_load_n(&view->cfg_flags[cpu], __ATOMIC_ACQUIRE), t1);
            if (g_ctl->mask_by_size && !a->is_write)
                v = hvsim_mask_to_size(v, a->size);
            lat_record(c, t1 - t0, __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_RELAXED) != ipi0);
            __atomic_store_n(&c->state, HVSIM_CPU_GUEST, __ATOMIC_RELEASE);
            __atomic_add_fetch(&c->done, 1, __ATOMIC_RELEASE);
            if (a->check && !a->is_write && v != a->expect) {
                c->got = v;
                c->want = a->expect;
                c->wrong_addr = a->addr;
                __atomic_store_n(&c->state, HVSIM_CPU_WRONG, __ATOMIC_RELEASE);
                return;
            }
        }
    }
    __atomic_store_n(&c->state, HVSIM_CPU_DONE, __ATOMIC_RELEASE);
}
