/* tests/variants/hv_finish_ignores_route.c — BUG: FINISH_REQ injects each
 * completion's interrupt on the CPU that requested it, ignoring where the
 * guest routed the device's interrupt (hvsim_irq_target, scenario irq-cpu):
 * right as long as every IRQ goes to its requester, MISSING_IRQ as soon as
 * the guest routes it to another CPU (irq_route.hvs).  Otherwise hv/result.c. */
#include <hvsim/platform.h>
#include <string.h>

#define IRQ_SLOTS 8 /* distinct IRQ ids remembered per CPU per drain */

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
            continue; /* not a guest zone of this run: nothing to inject */
        /* Coalesce: one injection per (cpu, irq) per drain. */
        unsigned i;
        for (i = 0; i < npending[cpu]; i++)
            if (pending[cpu][i] == res.irq_id)
                break;
        if (i == npending[cpu] && i < IRQ_SLOTS)
            pending[cpu][npending[cpu]++] = res.irq_id;
    }
    for (unsigned cpu = 0; cpu < hvsim_ncpus() && cpu < HVSIM_MAX_CPUS; cpu++)
        for (unsigned i = 0; i < npending[cpu]; i++)
            hvsim_inject_irq(cpu, pending[cpu][i]);
}
