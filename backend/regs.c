/* backend/regs.c — the virtio-mmio register file of one simulated device.
 * Pure: no shared memory, no platform calls; the supervisor and the unit
 * tests use it to know the right answer of a read. */
#include "regs.h"
#include <string.h>

void regs_init(struct regs_dev *d, const struct hvsim_device *desc)
{
    memset(d, 0, sizeof *d);
    d->desc = desc;
}

static uint64_t cut(uint64_t v, uint32_t size)
{
    return size >= 8 ? v : (v & ((1ull << (size * 8)) - 1));
}

uint64_t regs_read(const struct regs_dev *d, uint64_t off, uint32_t size)
{
    const struct hvsim_device *s = d->desc;
    if (off >= VIRTIO_MMIO_CONFIG) {
        uint64_t o = off - VIRTIO_MMIO_CONFIG, v = 0;
        for (uint32_t i = 0; i < size && i < 8; i++)
            if (o + i < sizeof s->config)
                v |= (uint64_t)s->config[o + i] << (8 * i);
        return v;
    }
    uint32_t q = d->queue_sel < REGS_MAX_QUEUES ? d->queue_sel : 0;
    uint64_t v;
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
    case VIRTIO_MMIO_VERSION: v = 2; break;
    case VIRTIO_MMIO_DEVICE_ID: v = s->device_id; break;
    case VIRTIO_MMIO_VENDOR_ID: v = s->vendor_id; break;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        v = d->dev_features_sel == 0 ? (uint32_t)s->features
          : d->dev_features_sel == 1 ? (uint32_t)(s->features >> 32) : 0;
        break;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: v = d->queue_sel < REGS_MAX_QUEUES ? s->queue_num_max : 0; break;
    case VIRTIO_MMIO_QUEUE_READY: v = d->queue_ready[q]; break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: v = d->int_status; break;
    case VIRTIO_MMIO_STATUS: v = d->status; break;
    case VIRTIO_MMIO_CONFIG_GENERATION: v = 0; break;
    default: v = 0; break; /* write-only or reserved: reads as zero */
    }
    return cut(v, size);
}

void regs_write(struct regs_dev *d, uint64_t off, uint32_t size, uint64_t value)
{
    uint32_t v = (uint32_t)cut(value, size);
    uint32_t q = d->queue_sel < REGS_MAX_QUEUES ? d->queue_sel : 0;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->dev_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->drv_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (d->drv_features_sel == 0)
            d->drv_features = (d->drv_features & ~0xffffffffull) | v;
        else if (d->drv_features_sel == 1)
            d->drv_features = (d->drv_features & 0xffffffffull) | ((uint64_t)v << 32);
        break;
    case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = v; break;
    case VIRTIO_MMIO_QUEUE_NUM: d->queue_num[q] = v; break;
    case VIRTIO_MMIO_QUEUE_READY: d->queue_ready[q] = v & 1; break;
    case VIRTIO_MMIO_INTERRUPT_ACK: d->int_status &= ~v; break;
    case VIRTIO_MMIO_STATUS: d->status = v; if (v == 0) regs_init(d, d->desc); break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: d->notifies++; d->int_status |= 1; break;
    default: break; /* read-only or reserved: ignored */
    }
}
