/* tests/data/real_settings/daemon_sleeps_first.c — a daemon that starts the
 * way hvisor-tool's does: need_wakeup = 1 and straight to sleep, without
 * looking at the ring first.  It answers a config read with an 8-byte value
 * whatever the access size (high bytes: 0xdead0000), as hvisor-tool's daemon
 * does with its 8-byte load.  Used by test_real_code_settings.sh. */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

static uint64_t answer(const struct device_req *r)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (r->address < d->base || r->address >= d->base + VIRTIO_MMIO_WINDOW)
            continue;
        uint64_t v = 0;
        switch (r->address - d->base) {
        case VIRTIO_MMIO_MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
        case VIRTIO_MMIO_DEVICE_ID: v = d->device_id; break;
        case VIRTIO_MMIO_VENDOR_ID: v = d->vendor_id; break;
        }
        return v | 0xdead000000000000ull; /* the neighbouring bytes of an 8-byte load */
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
        while (b->req_front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE)) {
            const struct device_req *r = &b->req_list[b->req_front];
            if (!r->is_write) {
                b->cfg_values[r->src_cpu] = answer(r);
                __atomic_thread_fence(__ATOMIC_RELEASE);
                __atomic_store_n(&b->cfg_flags[r->src_cpu], b->cfg_flags[r->src_cpu] + 1,
                                 __ATOMIC_RELEASE);
            }
            __atomic_store_n(&b->req_front, hvsim_ring_next(b->req_front), __ATOMIC_RELEASE);
        }
        __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (b->req_front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE))
            continue;
        if (hvsim_daemon_sleep() < 0)
            return;
    }
}
