/* tests/variants/hv_finish_skips_last_cpu.c — a user's FINISH_REQ handler
 * (replaces hv/result.c; run with --hv hv/handler.c --hv THIS).
 *
 * BUG: the injection loop stops one CPU short ("cpu + 1 < ncpus", written
 * while thinking of zone ids, which start at 1).  The result ring is drained
 * correctly, so nothing hangs and every access completes: the last CPU's
 * queue completions are consumed without their interrupt, and its guest
 * never hears that its I/O finished.  Expected: MISSING_IRQ naming that CPU. */
#include <hvsim/platform.h>
#include <string.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

#define IRQ_SLOTS 8

void hv_finish_req(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    uint32_t pending[HVSIM_MAX_CPUS][IRQ_SLOTS];
    unsigned npending[HVSIM_MAX_CPUS];
    memset(npending, 0, sizeof npending);

    uint32_t front = __atomic_load_n(&b->res_front, __ATOMIC_RELAXED);
    while (front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res res = b->res_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->res_front, front, __ATOMIC_RELEASE);
        unsigned cpu = hvsim_cpu_of_zone(res.target_zone);
        if (cpu >= hvsim_ncpus())
            continue;
        unsigned i;
        for (i = 0; i < npending[cpu]; i++)
            if (pending[cpu][i] == res.irq_id)
                break;
        if (i == npending[cpu] && i < IRQ_SLOTS)
            pending[cpu][npending[cpu]++] = res.irq_id;
    }
    for (unsigned cpu = 0; cpu + 1 < hvsim_ncpus(); cpu++) /* BUG: skips the last CPU */
        for (unsigned i = 0; i < npending[cpu]; i++)
            hvsim_inject_irq(cpu, pending[cpu][i]);
}
