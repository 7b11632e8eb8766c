/* examples/relaxed_atomic/hv_common.h — a handler written "with atomics
 * everywhere, relaxed because x86 is strongly ordered anyway": every access
 * to the shared page is __atomic_load_n / __atomic_store_n(__ATOMIC_RELAXED).
 *
 * The wait loop is fine: a relaxed atomic load is re-done every iteration at
 * every -O level (the compiler may not merge it away; C11 7.17.3p18).  Then
 * an acquire fence orders the value read after the flag read.
 *
 * The kick is where "relaxed is enough on x86" is wrong: publishing req_rear
 * and then loading need_wakeup is a store followed by a load of another
 * location — the one reordering x86 (TSO) does.  Without a seq_cst fence
 * between them (KICK_FENCE), the daemon can announce sleep, see an empty
 * ring and sleep while we read need_wakeup == 0: a LOST_WAKEUP.  Each
 * handler file defines KICK_FENCE() first. */
#include <hvsim/platform.h>

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static int lock_word;

static void push(struct virtio_bridge *b, const struct device_req *r)
{
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
            ;
        uint32_t rear = LOAD(&b->req_rear);
        uint32_t front = LOAD(&b->req_front);
        if (!hvsim_ring_full(front, rear)) {
            b->req_list[rear] = *r;
            __atomic_thread_fence(__ATOMIC_RELEASE);   /* slot before rear */
            hvsim_delay(HVSIM_SITE_HV_PUBLISH);
            STORE(&b->req_rear, hvsim_ring_next(rear));
            __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
            return;
        }
        __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
    }
}

__attribute__((noinline)) static uint64_t wait_flag(struct virtio_bridge *b, unsigned cpu,
                                                    hvsim_flag_t old)
{
    while (LOAD(&b->cfg_flags[cpu]) == old)
        ;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return LOAD(&b->cfg_values[cpu]);
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int notify = is_write && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
    hvsim_flag_t old = LOAD(&b->cfg_flags[cpu]);
    struct device_req r = { .src_cpu = cpu, .address = addr, .size = size, .value = value,
                            .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)!!is_write,
                            .need_interrupt = (uint8_t)notify };
    push(b, &r);
    KICK_FENCE();
    if (LOAD(&b->need_wakeup)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
    return notify ? 0 : wait_flag(b, cpu, old);
}

void hv_finish_req(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    uint32_t front = LOAD(&b->res_front);
    while (front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res res = b->res_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->res_front, front, __ATOMIC_RELEASE);
        unsigned cpu = hvsim_cpu_of_zone(res.target_zone);
        if (cpu < hvsim_ncpus())
            hvsim_inject_irq(cpu, res.irq_id);
    }
}
