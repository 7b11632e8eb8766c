/* hvsim/bridge.h — the shared page between hypervisor and backend daemon
 * (struct virtio_bridge), written from the protocol description in
 * DESIGN.md §1. C layout, little-endian.
 *
 * Two layouts:
 *   default            current upstream: MAX_CPUS 32, MAX_DEVS 8, u64 cfg_flags
 *   HVSIM_LAYOUT_OLD   older releases:   MAX_CPUS 16, MAX_DEVS 4, u8 cfg_flags
 * Every offset is pinned by a static assertion so a layout change is a
 * compile error, not a silent protocol mismatch.
 */
#ifndef HVSIM_BRIDGE_H
#define HVSIM_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#define HVSIM_MAX_REQ 32u /* ring slots; a ring holds MAX_REQ-1 entries */

#ifdef HVSIM_LAYOUT_OLD
#define HVSIM_MAX_CPUS 16u
#define HVSIM_MAX_DEVS 4u
typedef uint8_t hvsim_flag_t;
#else
#define HVSIM_MAX_CPUS 32u
#define HVSIM_MAX_DEVS 8u
typedef uint64_t hvsim_flag_t; /* widened upstream to avoid false sharing */
#endif

struct device_req {
    uint64_t src_cpu;
    uint64_t address;
    uint64_t size;
    uint64_t value;
    uint32_t src_zone;
    uint8_t is_write;
    uint8_t need_interrupt;
    uint16_t pad;
};

struct device_res {
    uint32_t target_zone;
    uint32_t irq_id;
};

struct virtio_bridge {
    uint32_t req_front;
    uint32_t req_rear;
    uint32_t res_front;
    uint32_t res_rear;
    struct device_req req_list[HVSIM_MAX_REQ];
    struct device_res res_list[HVSIM_MAX_REQ];
    hvsim_flag_t cfg_flags[HVSIM_MAX_CPUS];
    uint64_t cfg_values[HVSIM_MAX_CPUS];
    uint64_t mmio_addrs[HVSIM_MAX_DEVS];
    uint8_t mmio_avail;
    uint8_t need_wakeup;
};

_Static_assert(sizeof(struct device_req) == 40, "device_req is 40 bytes");
_Static_assert(sizeof(struct device_res) == 8, "device_res is 8 bytes");
_Static_assert(offsetof(struct virtio_bridge, req_front) == 0, "req_front");
_Static_assert(offsetof(struct virtio_bridge, req_rear) == 4, "req_rear");
_Static_assert(offsetof(struct virtio_bridge, res_front) == 8, "res_front");
_Static_assert(offsetof(struct virtio_bridge, res_rear) == 12, "res_rear");
_Static_assert(offsetof(struct virtio_bridge, req_list) == 16, "req_list");
_Static_assert(offsetof(struct virtio_bridge, res_list) == 1296, "res_list");
_Static_assert(offsetof(struct virtio_bridge, cfg_flags) == 1552, "cfg_flags");
#ifdef HVSIM_LAYOUT_OLD
_Static_assert(offsetof(struct virtio_bridge, cfg_values) == 1568, "cfg_values (old)");
_Static_assert(offsetof(struct virtio_bridge, mmio_addrs) == 1696, "mmio_addrs (old)");
_Static_assert(offsetof(struct virtio_bridge, mmio_avail) == 1728, "mmio_avail (old)");
_Static_assert(offsetof(struct virtio_bridge, need_wakeup) == 1729, "need_wakeup (old)");
_Static_assert(sizeof(struct virtio_bridge) == 1736, "sizeof (old)");
#else
_Static_assert(offsetof(struct virtio_bridge, cfg_values) == 1808, "cfg_values");
_Static_assert(offsetof(struct virtio_bridge, mmio_addrs) == 2064, "mmio_addrs");
_Static_assert(offsetof(struct virtio_bridge, mmio_avail) == 2128, "mmio_avail");
_Static_assert(offsetof(struct virtio_bridge, need_wakeup) == 2129, "need_wakeup");
_Static_assert(sizeof(struct virtio_bridge) == 2136, "sizeof");
#endif

/* Ring arithmetic: indices wrap modulo MAX_REQ; one slot stays empty so
 * that full and empty differ. */
static inline uint32_t hvsim_ring_next(uint32_t i) { return (i + 1) % HVSIM_MAX_REQ; }
static inline int hvsim_ring_empty(uint32_t front, uint32_t rear) { return front == rear; }
static inline int hvsim_ring_full(uint32_t front, uint32_t rear) { return hvsim_ring_next(rear) == front; }
static inline uint32_t hvsim_ring_count(uint32_t front, uint32_t rear)
{
    return (rear + HVSIM_MAX_REQ - front) % HVSIM_MAX_REQ;
}

#endif
