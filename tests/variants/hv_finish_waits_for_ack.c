/* tests/variants/hv_finish_waits_for_ack.c — a user's FINISH_REQ handler
 * (replaces hv/result.c; run with --hv hv/handler.c --hv THIS).
 *
 * BUG: after injecting an interrupt it waits for the guest to acknowledge
 * it ("so that no IRQ is ever injected twice"), but the ack comes from the
 * guest's interrupt handler, which runs on that CPU only after this
 * hypercall returns.  The first FINISH_REQ never returns: the daemon waits in
 * the hypercall, stops draining, the request ring fills up and every CPU
 * backs off in its push.  Expected: DAEMON_STALLED naming hv_finish_req (the
 * hypervisor's FINISH_REQ thread), with the full ring. */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

/* set by the guest's interrupt handler (which cannot run meanwhile) */
static volatile int irq_acked[HVSIM_MAX_CPUS];

void hv_finish_req(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    uint32_t front = __atomic_load_n(&b->res_front, __ATOMIC_RELAXED);
    while (front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res res = b->res_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->res_front, front, __ATOMIC_RELEASE);
        unsigned cpu = hvsim_cpu_of_zone(res.target_zone);
        if (cpu >= hvsim_ncpus())
            continue;
        hvsim_inject_irq(cpu, res.irq_id);
        while (!irq_acked[cpu]) /* BUG: the ack cannot come while we wait */
            __builtin_ia32_pause();
        irq_acked[cpu] = 0;
    }
}
