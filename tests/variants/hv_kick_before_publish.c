/* tests/variants/hv_kick_before_publish.c — a user's MMIO handler (replaces
 * hv/handler.c; run with --hv THIS --hv hv/result.c).
 *
 * BUG (program order, no reordering needed): to keep the IPI decision
 * "inside the lock" it reads need_wakeup *before* it bumps req_rear, then
 * sends the IPI after publishing if it had seen the daemon asleep.  If the
 * daemon announces sleep (need_wakeup = 1), re-checks the still-empty ring
 * and sleeps between that read and the req_rear store, nobody wakes it: a
 * lost wakeup even under sequential consistency, with every fence present.
 * Expected: LOST_WAKEUP (native with the hv_publish/be_before_sleep
 * rendezvous; det under --memory-model sc as well). */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

/* hv-private spin lock over the request ring (as hvisor's mutex) */
static int req_lock;
static void lock_req(void)
{
    while (__atomic_exchange_n(&req_lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&req_lock, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
}
static void unlock_req(void) { __atomic_store_n(&req_lock, 0, __ATOMIC_RELEASE); }

/* Wait for the daemon's answer: acquire loads, re-read every iteration (the
 * fixed seed loop; this handler's bug is elsewhere). */
__attribute__((noinline)) static uint64_t wait_answer(struct virtio_bridge *b, unsigned cpu,
                                                      hvsim_flag_t old)
{
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) == old)
        __builtin_ia32_pause();
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}

static int push_and_decide(struct virtio_bridge *b, const struct device_req *r)
{
    uint32_t rear;
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        lock_req();
        rear = __atomic_load_n(&b->req_rear, __ATOMIC_RELAXED);
        if (!hvsim_ring_full(__atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE), rear))
            break;
        unlock_req();
        for (volatile int i = 0; i < 64; i++)
            ;
    }
    b->req_list[rear] = *r;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    int asleep = __atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED); /* BUG: decided too early */
    hvsim_delay(HVSIM_SITE_HV_PUBLISH);
    __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_SEQ_CST);
    unlock_req();
    return asleep;
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int is_notify = is_write && (addr % VIRTIO_MMIO_WINDOW) == VIRTIO_MMIO_QUEUE_NOTIFY;
    hvsim_flag_t old = is_notify ? 0 : __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
    struct device_req r = {
        .src_cpu = cpu, .address = addr, .size = size, .value = value,
        .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)(is_write != 0),
        .need_interrupt = (uint8_t)is_notify,
    };
    if (push_and_decide(b, &r)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
    return is_notify ? 0 : wait_answer(b, cpu, old);
}
