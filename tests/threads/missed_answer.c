/* tests/threads/missed_answer.c — BUGGY handler, written as a user would:
 * C11 acquire/release throughout, the seq_cst fence in the kick — and the
 * old flag sampled AFTER the request is pushed and the daemon kicked.
 *
 * The bug: if the daemon answers before the handler reads cfg_flags[cpu]
 * (here: a delay at a protocol site between the kick and the read, standing
 * in for an interrupt or a preemption), "old" already is the answered value
 * and the loop waits for a second change that never comes.  The loop itself
 * is fine — an acquire load, re-done every iteration — so this hang is NOT a
 * hoisted load, and hvsim must not call it one (issue 16). */
#include <hvsim/platform.h>

static int lock_word;

static void push(struct virtio_bridge *b, const struct device_req *r)
{
    for (;;) {
        while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
            ;
        uint32_t rear = __atomic_load_n(&b->req_rear, __ATOMIC_RELAXED);
        uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE);
        if (!hvsim_ring_full(front, rear)) {
            b->req_list[rear] = *r;
            __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
            return;
        }
        __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
    }
}

__attribute__((noinline)) static uint64_t wait_flag(struct virtio_bridge *b, unsigned cpu, hvsim_flag_t old)
{
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) == old)
        ;
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int notify = is_write && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
    struct device_req r = { .src_cpu = cpu, .address = addr, .size = size, .value = value,
                            .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)!!is_write,
                            .need_interrupt = (uint8_t)notify };
    push(b, &r);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED))
        hvsim_ipi_zone0();
    if (notify)
        return 0;
    hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
    /* BUG: the old value is read only now — after the answer may have come. */
    hvsim_flag_t old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
    return wait_flag(b, cpu, old);
}

void hv_finish_req(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    uint32_t front = __atomic_load_n(&b->res_front, __ATOMIC_RELAXED);
    while (front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res res = b->res_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->res_front, front, __ATOMIC_RELEASE);
        unsigned cpu = hvsim_cpu_of_zone(res.target_zone);
        if (cpu < hvsim_ncpus())
            hvsim_inject_irq(cpu, res.irq_id);
    }
}
