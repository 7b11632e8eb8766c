/* tests/data/boot_threads/daemon.c — a daemon that starts as hvisor-tool's
 * does (need_wakeup = 1 and straight to sleep, without looking at the ring),
 * with every shared access atomic so the race detectors have nothing of its
 * own to report: what the tsan and helgrind engines then show is the start
 * order alone (test_threads_boot_order.sh). */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

static uint64_t answer(uint64_t addr)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (addr == d->base + VIRTIO_MMIO_VENDOR_ID)
            return d->vendor_id;
        if (addr == d->base + VIRTIO_MMIO_DEVICE_ID)
            return d->device_id;
    }
    return 0;
}

void backend_run(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    hvsim_delay(HVSIM_SITE_BE_BEFORE_SLEEP); /* the daemon's start-up takes a while */
    __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_SEQ_CST);
    if (hvsim_daemon_sleep() < 0)
        return;
    for (;;) {
        __atomic_store_n(&b->need_wakeup, 0, __ATOMIC_SEQ_CST);
        uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_RELAXED);
        while (front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE)) {
            uint64_t addr = __atomic_load_n(&b->req_list[front].address, __ATOMIC_RELAXED);
            uint32_t cpu = __atomic_load_n(&b->req_list[front].src_cpu, __ATOMIC_RELAXED);
            __atomic_store_n(&b->cfg_values[cpu], answer(addr), __ATOMIC_RELAXED);
            hvsim_flag_t f = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_RELAXED);
            __atomic_store_n(&b->cfg_flags[cpu], (hvsim_flag_t)(f + 1), __ATOMIC_RELEASE);
            front = hvsim_ring_next(front);
            __atomic_store_n(&b->req_front, front, __ATOMIC_RELEASE);
        }
        __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_SEQ_CST);
        if (front != __atomic_load_n(&b->req_rear, __ATOMIC_SEQ_CST))
            continue;
        if (hvsim_daemon_sleep() < 0)
            return;
    }
}
