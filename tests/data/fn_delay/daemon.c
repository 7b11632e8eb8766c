/* tests/data/fn_delay/daemon.c — a daemon with a check-then-sleep race, for
 * the scenario's `delay at entry|return of F` / `delay at FILE:LINE`
 * (test_fn_delay.sh).  It looks at the ring, finds it empty, and only then
 * announces that it will sleep (need_wakeup = 1) and sleeps, without looking
 * again: a request pushed in between sees need_wakeup == 0, sends no IPI, and
 * is never served (LOST_WAKEUP).  The window is a few instructions wide, so a
 * plain run rarely shows it; a delay at go_to_sleep's entry (or at
 * ring_empty's return) opens it without touching this file.  -DRECHECK is
 * the fix: look at the ring again after the announcement. */
#include <hvsim/platform.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

static int ring_empty(struct virtio_bridge *b)
{
    return b->req_front == __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE);
}

static int go_to_sleep(struct virtio_bridge *b)
{
    __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_SEQ_CST);
#ifdef RECHECK
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!ring_empty(b))
        return 0;
#endif
    return hvsim_daemon_sleep();
}

static uint64_t answer(uint64_t addr)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (addr == d->base + VIRTIO_MMIO_VENDOR_ID)
            return d->vendor_id;
    }
    return 0;
}

void backend_run(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    for (;;) {
        __atomic_store_n(&b->need_wakeup, 0, __ATOMIC_SEQ_CST);
        while (b->req_front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE)) {
            const struct device_req *r = &b->req_list[b->req_front];
            b->cfg_values[r->src_cpu] = answer(r->address);
            __atomic_store_n(&b->cfg_flags[r->src_cpu], b->cfg_flags[r->src_cpu] + 1,
                             __ATOMIC_RELEASE);
            __atomic_store_n(&b->req_front, hvsim_ring_next(b->req_front), __ATOMIC_RELEASE);
        }
        if (hvsim_should_stop())
            return;
        if (ring_empty(b) && go_to_sleep(b) < 0)
            return;
    }
}
