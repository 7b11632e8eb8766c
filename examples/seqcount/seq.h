/* examples/seqcount/seq.h — what handler.c, handler_buggy.c and backend.c
 * share: the seqcount protocol on cfg_flags[cpu] and a small FINISH_REQ.
 *
 * Not hvsim's protocol but a plausible port of it: the backend makes
 * cfg_flags[cpu] ODD while it writes cfg_values[cpu] and EVEN again when the
 * answer is complete (a seqlock: two bumps per answer).  The hypervisor
 * waits for "even and different from when I pushed", then reads the value
 * and re-checks the sequence, retrying if an answer was being written. */
#ifndef SEQCOUNT_SEQ_H
#define SEQCOUNT_SEQ_H

#include <hvsim/platform.h>

HVSIM_REQUIRE_PLATFORM_VERSION(1); /* written against platform version 1 */

/* FINISH_REQ without coalescing: one injection per completion. */
static inline void seq_finish_req(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    uint32_t front = __atomic_load_n(&b->res_front, __ATOMIC_RELAXED);
    while (front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res r = b->res_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->res_front, front, __ATOMIC_RELEASE);
        unsigned cpu = hvsim_cpu_of_zone(r.target_zone);
        if (cpu < hvsim_ncpus())
            hvsim_inject_irq(cpu, r.irq_id);
    }
}

#endif
