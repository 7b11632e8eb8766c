/* tests/data/port_hvisor/hvisor-tool/tools/virtio/virtio.c — hand-written for
 * hvsim's tests in the SHAPE of hvisor-tool's daemon: open /dev/hvisor, ioctl,
 * mmap the bridge, an eventfd handed to the module; need_wakeup = 1 and wait
 * (signalfd + eventfd in epoll) before looking at the ring; drain with the
 * Dekker re-check before the next wait; a config read answered with an
 * 8-byte load whatever its size; queue notifies completed through the result
 * ring under a mutex and the FINISH_REQ ioctl.  One device (virtio-blk at
 * 0xa003e00, irq 78).  Not hvisor-tool's code.  Written against the kernel
 * module only: hvsim runs it through <hvsim/compat/hvisor_tool.h>. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <fcntl.h>
#include <unistd.h>
#include "hvisor.h"

#define log_error(...) (fprintf(stderr, "[virtio] " __VA_ARGS__), fputc('\n', stderr))

#define VIRT_VENDOR 0x48564953
#define BLK_BASE 0xa003e00u
#define BLK_IRQ 78
#define WINDOW 0x200

static int ko_fd = -1, efd = -1;
static int epoll_fd = -1;
volatile struct virtio_bridge *virtio_bridge;
static pthread_mutex_t res_mutex = PTHREAD_MUTEX_INITIALIZER;
/* the device's registers as 32-bit words (magic, version, device, vendor, ...) */
static uint32_t blk_regs[WINDOW / 4 + 2];

static inline void write_barrier(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }

static void virtio_inject_irq(uint32_t zone)
{
    pthread_mutex_lock(&res_mutex);
    while ((virtio_bridge->res_rear + 1) % MAX_REQ == virtio_bridge->res_front)
        ; /* the hypervisor drains it */
    unsigned rear = virtio_bridge->res_rear;
    virtio_bridge->res_list[rear].target_zone = zone;
    virtio_bridge->res_list[rear].irq_id = BLK_IRQ;
    write_barrier();
    virtio_bridge->res_rear = (rear + 1) & (MAX_REQ - 1);
    pthread_mutex_unlock(&res_mutex);
    if (ioctl(ko_fd, HVISOR_FINISH_REQ) < 0)
        log_error("FINISH_REQ failed");
}

static void virtio_finish_cfg_req(uint32_t cpu, uint64_t value)
{
    virtio_bridge->cfg_values[cpu] = value;
    write_barrier();
    virtio_bridge->cfg_flags[cpu]++;
}

static void virtio_handle_req(volatile struct device_req *req)
{
    uint64_t off = req->address - BLK_BASE;
    if (req->address < BLK_BASE || off >= WINDOW) {
        virtio_finish_cfg_req((uint32_t)req->src_cpu, 0); /* no device: 0 */
        return;
    }
    if (req->is_write) {
        if (req->need_interrupt)
            virtio_inject_irq(req->src_zone);
        else
            virtio_finish_cfg_req((uint32_t)req->src_cpu, 0);
        return;
    }
    uint64_t v;
    memcpy(&v, (const char *)blk_regs + (off & ~3ull), sizeof v); /* 8 bytes, whatever size */
    virtio_finish_cfg_req((uint32_t)req->src_cpu, v);
}

static int consume_pending_requests(void)
{
    int n = 0;
    uint32_t front = __atomic_load_n(&virtio_bridge->req_front, __ATOMIC_RELAXED);
    __atomic_store_n(&virtio_bridge->need_wakeup, 0, __ATOMIC_RELAXED);
    for (unsigned poll = 0;;) {
        uint32_t rear = __atomic_load_n(&virtio_bridge->req_rear, __ATOMIC_RELAXED);
        if (front != rear) {
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            virtio_handle_req(&virtio_bridge->req_list[front]);
            front = (front + 1) & (MAX_REQ - 1);
            __atomic_store_n(&virtio_bridge->req_front, front, __ATOMIC_RELEASE);
            poll = 0;
            n++;
            continue;
        }
        if (++poll < 1000)
            continue;
        __atomic_store_n(&virtio_bridge->need_wakeup, 1, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (front == __atomic_load_n(&virtio_bridge->req_rear, __ATOMIC_RELAXED))
            return n;
        __atomic_store_n(&virtio_bridge->need_wakeup, 0, __ATOMIC_RELAXED);
    }
}

void handle_virtio_requests(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN };
    ev.data.fd = sfd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sfd, &ev);
    ev.data.fd = efd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, efd, &ev);
    __atomic_store_n(&virtio_bridge->need_wakeup, 1, __ATOMIC_RELAXED);
    struct epoll_event events[16];
    for (;;) {
        int nfds = epoll_wait(epoll_fd, events, 16, -1);
        if (nfds < 0) {
            if (errno == EINTR)
                continue;
            log_error("epoll_wait failed");
            return;
        }
        for (int i = 0; i < nfds; i++) {
            if (events[i].data.fd == sfd) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof si) == sizeof si)
                    return; /* terminated */
            } else if (events[i].data.fd == efd) {
                uint64_t u;
                if (read(efd, &u, sizeof u) == sizeof u)
                    consume_pending_requests();
            }
        }
    }
}

int virtio_init(void)
{
    blk_regs[0] = 0x74726976; /* "virt" */
    blk_regs[1] = 2;
    blk_regs[2] = 2;          /* virtio-blk */
    blk_regs[3] = VIRT_VENDOR;
    blk_regs[4] = 0x00000001; /* device features (low word) */
    ko_fd = open(HVISOR_DEVICE, O_RDWR);
    if (ko_fd < 0) {
        log_error("open %s failed", HVISOR_DEVICE);
        return -1;
    }
    if (ioctl(ko_fd, HVISOR_INIT_VIRTIO) < 0)
        return -1;
    virtio_bridge = mmap(NULL, MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ko_fd, 0);
    if (virtio_bridge == MAP_FAILED)
        return -1;
    efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0 || ioctl(ko_fd, HVISOR_SET_EVENTFD, efd) < 0)
        return -1;
    return 0;
}
