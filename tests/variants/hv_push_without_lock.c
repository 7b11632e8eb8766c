/* tests/variants/hv_push_without_lock.c — a user's MMIO handler (replaces
 * hv/handler.c; run with --hv THIS --hv hv/result.c).
 *
 * BUG: the request ring has no lock ("each CPU only ever pushes its own
 * request, and req_rear is an atomic").  Two CPUs that push at once read
 * the same req_rear, write the same req_list slot — the second overwrites the
 * first — and both store the same next req_rear: one request is gone before
 * the daemon could consume it, and its CPU waits forever for the answer.
 * The hv_publish delay point (slot written, req_rear not yet bumped) widens
 * the window.  Expected: PROTOCOL_VIOLATION, the request never reached the
 * daemon. */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

/* Wait for the daemon's answer: acquire loads, re-read every iteration (the
 * fixed seed loop; this handler's bug is elsewhere). */
__attribute__((noinline)) static uint64_t wait_answer(struct virtio_bridge *b, unsigned cpu,
                                                      hvsim_flag_t old)
{
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) == old)
        __builtin_ia32_pause();
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}


static void push(struct virtio_bridge *b, const struct device_req *r)
{
    uint32_t rear;
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        rear = __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE);
        if (!hvsim_ring_full(__atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE), rear))
            break;
        for (volatile int i = 0; i < 64; i++)
            ;
    }
    b->req_list[rear] = *r; /* BUG: another CPU may write this slot too */
    hvsim_delay(HVSIM_SITE_HV_PUBLISH);
    __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
}

static void kick(struct virtio_bridge *b)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
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
    push(b, &r);
    kick(b);
    return is_notify ? 0 : wait_answer(b, cpu, old);
}
