/* tests/variants/hv_late_old_flag.c — a user's MMIO handler (replaces
 * hv/handler.c; run with --hv THIS --hv hv/result.c).
 *
 * BUG: it reads the "old" cfg_flags[cpu] only after pushing the request,
 * kicking the daemon and backing off a little "so as not to hammer the
 * flag's cache line while the daemon works".  A daemon that is awake
 * (polling) answers within that back-off: the handler then
 * samples the flag *after* the answer and waits for a second change that
 * never comes.  The wait loop itself is fine (acquire, re-reads memory).
 * Expected: MISSED_ANSWER, whose text says the flag changed before the
 * waiter sampled it (not a hoisted load). */
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

/* Slot, release, bump req_rear; back off while the ring is full. */
static void push(struct virtio_bridge *b, const struct device_req *r)
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
    hvsim_delay(HVSIM_SITE_HV_PUBLISH);
    __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
    unlock_req();
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
    struct device_req r = {
        .src_cpu = cpu, .address = addr, .size = size, .value = value,
        .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)(is_write != 0),
        .need_interrupt = (uint8_t)is_notify,
    };
    push(b, &r);
    kick(b);
    if (is_notify)
        return 0;
    /* let the daemon work before polling its flag (tens of microseconds) */
    for (volatile unsigned i = 0; i < 20000; i++)
        ;
    hvsim_flag_t old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE); /* BUG: too late */
    return wait_answer(b, cpu, old);
}
