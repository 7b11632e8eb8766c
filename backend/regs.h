/* backend/regs.h — a minimal virtio-mmio (version 2) register file, so that
 * every guest read has a known right answer. */
#ifndef BACKEND_REGS_H
#define BACKEND_REGS_H

#include <hvsim/platform.h>

#define REGS_MAX_QUEUES 4

struct regs_dev {
    const struct hvsim_device *desc;
    uint32_t status;
    uint32_t dev_features_sel, drv_features_sel;
    uint64_t drv_features;
    uint32_t queue_sel;
    uint32_t queue_num[REGS_MAX_QUEUES];
    uint32_t queue_ready[REGS_MAX_QUEUES];
    uint32_t int_status;
    uint64_t notifies;
};

void regs_init(struct regs_dev *d, const struct hvsim_device *desc);
/* Read 'size' bytes (1, 2, 4 or 8) at register offset 'off'. */
uint64_t regs_read(const struct regs_dev *d, uint64_t off, uint32_t size);
void regs_write(struct regs_dev *d, uint64_t off, uint32_t size, uint64_t value);

#endif
