/* sim/config/device_model.c — the devices a run configures and what a guest
 * read of them must return before any driver writes (the value oracle the
 * default workload and scenario `read … expect` lines check against).  It
 * sits beside the parser, not in it, so the default configuration
 * (runcfg_defaults.c) can use it without depending on scenario parsing. */
#include <string.h>

#include "device_model.h"

void scenario_device_init(struct hvsim_device *d, unsigned idx, uint32_t device_id,
                          uint64_t base, uint32_t irq_id)
{
    memset(d, 0, sizeof *d);
    d->base = base;
    d->device_id = device_id;
    d->vendor_id = HVSIM_SCENARIO_VENDOR;
    d->queue_num_max = HVSIM_SCENARIO_QMAX;
    d->irq_id = irq_id;
    d->features = 1ull << 32; /* VIRTIO_F_VERSION_1 */
    for (unsigned i = 0; i < sizeof d->config; i++)
        d->config[i] = (uint8_t)(0x40u * (idx + 1) + i);
}

int scenario_device_at(const struct hvsim_runcfg *c, uint64_t addr)
{
    unsigned n = c->ndevices > HVSIM_DEVS ? HVSIM_DEVS : c->ndevices;
    for (unsigned i = 0; i < n; i++) {
        uint64_t b = c->devices[i].base;
        if (addr >= b && addr - b < VIRTIO_MMIO_WINDOW)
            return (int)i;
    }
    return -1;
}

int scenario_known_value(const struct hvsim_runcfg *c, uint64_t addr, uint32_t size,
                         uint64_t *val)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return 0;
    int d = scenario_device_at(c, addr);
    if (d < 0) {
        /* no device owns the first byte; unknown if the access runs into one */
        if (scenario_device_at(c, addr + size - 1) >= 0 || addr + size - 1 < addr)
            return 0;
        *val = 0;
        return 1;
    }
    const struct hvsim_device *dev = &c->devices[d];
    uint64_t off = addr - dev->base;
    if (off + size > VIRTIO_MMIO_WINDOW)
        return 0;
    if (off >= VIRTIO_MMIO_CONFIG) {
        uint64_t co = off - VIRTIO_MMIO_CONFIG;
        if (co + size > sizeof dev->config)
            return 0;
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)dev->config[co + i] << (8 * i);
        *val = v;
        return 1;
    }
    if (size != 4)
        return 0;
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: *val = VIRTIO_MMIO_MAGIC; return 1;
    case VIRTIO_MMIO_VERSION: *val = HVSIM_VIRTIO_VERSION; return 1;
    case VIRTIO_MMIO_DEVICE_ID: *val = dev->device_id; return 1;
    case VIRTIO_MMIO_VENDOR_ID: *val = dev->vendor_id; return 1;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: *val = dev->queue_num_max; return 1;
    default: return 0;
    }
}

