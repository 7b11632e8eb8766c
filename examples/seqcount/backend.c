/* examples/seqcount/backend.c — a daemon of its own (not hvsim's backend/):
 * answers config reads from hvsim_device() descriptions and completes queue
 * notifies; publishes each answer as a seqcount (odd while writing, even when
 * done).  The sleep/wake handshake is hvisor-tool's: need_wakeup = 1, full
 * fence, re-check the ring, then sleep. */
#include "seq.h"

static uint64_t reg_read(const struct hvsim_device *d, uint64_t off, uint32_t size)
{
    if (off >= VIRTIO_MMIO_CONFIG && off - VIRTIO_MMIO_CONFIG + size <= sizeof d->config) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)d->config[off - VIRTIO_MMIO_CONFIG + i] << (8 * i);
        return v;
    }
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return 2;
    case VIRTIO_MMIO_DEVICE_ID: return d->device_id;
    case VIRTIO_MMIO_VENDOR_ID: return d->vendor_id;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return d->queue_num_max;
    default: return 0;
    }
}

static const struct hvsim_device *dev_at(uint64_t addr)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (addr >= d->base && addr - d->base < VIRTIO_MMIO_WINDOW)
            return d;
    }
    return 0;
}

static void publish(struct virtio_bridge *b, unsigned cpu, uint64_t value)
{
    hvsim_flag_t s = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_RELAXED);
    __atomic_store_n(&b->cfg_flags[cpu], (hvsim_flag_t)(s + 1), __ATOMIC_RELAXED); /* odd */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&b->cfg_values[cpu], value, __ATOMIC_RELAXED);
    __atomic_store_n(&b->cfg_flags[cpu], (hvsim_flag_t)(s + 2), __ATOMIC_RELEASE); /* even */
}

static void complete(struct virtio_bridge *b, const struct device_req *r, uint32_t irq)
{
    hvsim_delay(HVSIM_SITE_BE_BEFORE_COMPLETE);
    for (;;) {   /* only this thread writes res_rear */
        uint32_t rear = __atomic_load_n(&b->res_rear, __ATOMIC_RELAXED);
        if (!hvsim_ring_full(__atomic_load_n(&b->res_front, __ATOMIC_ACQUIRE), rear)) {
            b->res_list[rear].target_zone = r->src_zone;
            b->res_list[rear].irq_id = irq;
            __atomic_store_n(&b->res_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            break;
        }
        hvsim_hypercall_finish_req();
    }
    hvsim_hypercall_finish_req();
}

static void handle(struct virtio_bridge *b, const struct device_req *r)
{
    const struct hvsim_device *d = dev_at(r->address);
    uint64_t off = d ? r->address - d->base : r->address % VIRTIO_MMIO_WINDOW;
    if (r->is_write && off == VIRTIO_MMIO_QUEUE_NOTIFY) {
        if (d)
            complete(b, r, d->irq_id);
        return;
    }
    uint64_t v = d && !r->is_write ? reg_read(d, off, (uint32_t)r->size) : 0;
    hvsim_delay(HVSIM_SITE_BE_BEFORE_ANSWER);
    if (r->src_cpu < HVSIM_MAX_CPUS)
        publish(b, (unsigned)r->src_cpu, v);
}

void backend_run(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    for (unsigned i = 0; i < hvsim_ndevices() && i < HVSIM_MAX_DEVS; i++)
        b->mmio_addrs[i] = hvsim_device(i)->base;
    __atomic_store_n(&b->mmio_avail, 1, __ATOMIC_RELEASE);
    while (!hvsim_should_stop()) {
        __atomic_store_n(&b->need_wakeup, 0, __ATOMIC_RELAXED);
        uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_RELAXED);
        while (front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE)) {
            struct device_req r = b->req_list[front];
            front = hvsim_ring_next(front);
            __atomic_store_n(&b->req_front, front, __ATOMIC_RELEASE);
            handle(b, &r);
        }
        hvsim_delay(HVSIM_SITE_BE_BEFORE_SLEEP);
        __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&b->req_rear, __ATOMIC_RELAXED) != front)
            continue;
        if (hvsim_daemon_sleep() < 0)
            break;
        hvsim_delay(HVSIM_SITE_BE_AFTER_WAKE);
    }
}
