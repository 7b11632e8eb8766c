/* tests/data/port_hvisor/hvisor-tool/include/hvisor.h — hand-written for
 * hvsim's tests in the SHAPE of hvisor-tool's header: the bridge types under
 * the same names as <hvsim/platform.h> uses (which is why the daemon must
 * never see both), the kernel module's device and ioctl numbers.  Not
 * hvisor-tool's code. */
#ifndef TEST_HVISOR_H
#define TEST_HVISOR_H
#include <stdint.h>
#include <sys/ioctl.h>

#define HVISOR_DEVICE "/dev/hvisor"
#define MMAP_SIZE 4096
#define MAX_REQ 32
#define MAX_DEVS 8
#define MAX_CPUS 32
#define SIGHVI 10

struct device_req {
    uint64_t src_cpu, address, size, value;
    uint32_t src_zone;
    uint8_t is_write, need_interrupt;
    uint16_t padding;
};
struct device_res {
    uint32_t target_zone, irq_id;
};
struct virtio_bridge {
    uint32_t req_front, req_rear, res_front, res_rear;
    struct device_req req_list[MAX_REQ];
    struct device_res res_list[MAX_REQ];
    uint64_t cfg_flags[MAX_CPUS];
    uint64_t cfg_values[MAX_CPUS];
    uint64_t mmio_addrs[MAX_DEVS];
    uint8_t mmio_avail, need_wakeup;
};

#define HVISOR_INIT_VIRTIO _IO(1, 0)
#define HVISOR_FINISH_REQ _IO(1, 2)
#define HVISOR_SET_EVENTFD _IOW(1, 7, int)
#endif
