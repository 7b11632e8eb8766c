/* sim/config/device_model.h — the virtio-mmio devices of a run: how a device
 * is filled, which one owns an address, and the known right answer of a read
 * (the oracle that WRONG_VALUE is judged against).  Used by the default
 * configuration (runcfg_defaults.c) and the scenario parser (scenario.c). */
#ifndef HVSIM_DEVICE_MODEL_H
#define HVSIM_DEVICE_MODEL_H

#include <stdint.h>
#include "runcfg.h"

/* Fill a device: given ids and addresses, the default vendor id
 * (HVSIM_SCENARIO_VENDOR), queue_num_max 256, features VIRTIO_F_VERSION_1 and
 * the recognizable config pattern config[i] = 0x40 * (idx + 1) + i (mod 256),
 * which is different for every device index 0..3 and every byte offset. */
#define HVSIM_SCENARIO_VENDOR 0x48565349u /* "HVSI" read as a big-endian word */
#define HVSIM_SCENARIO_QMAX   256u
#define HVSIM_VIRTIO_VERSION  2u          /* virtio-mmio version register */
void scenario_device_init(struct hvsim_device *d, unsigned idx, uint32_t device_id,
                          uint64_t base, uint32_t irq_id);

/* Index of the device whose MMIO window contains addr, or -1. */
int scenario_device_at(const struct hvsim_runcfg *c, uint64_t addr);

/* The known right answer of a guest read of 'size' bytes at 'addr' with the
 * devices of c, before any driver writes: MAGIC_VALUE, VERSION, DEVICE_ID,
 * VENDOR_ID, QUEUE_NUM_MAX (4-byte reads), config space (any size inside
 * the 64 config bytes, little-endian), and 0 for an address no device owns
 * (the daemon's quirk: it still answers, with 0).  Returns 1 and sets *val
 * when known, 0 when the value depends on device state. */
int scenario_known_value(const struct hvsim_runcfg *c, uint64_t addr, uint32_t size,
                         uint64_t *val);

#endif
