/* backend/daemon.c — the backend daemon loop (hvisor-tool's virtio daemon),
 * written from DESIGN.md §1.
 *
 * Loop: clear need_wakeup; drain the request ring (acquire req_rear, release
 * req_front); busy-poll for a while; then announce sleep (need_wakeup = 1),
 * full fence, re-check the ring, and only then sleep.  The fence is the
 * daemon's half of the Dekker pair with the hypervisor's kick_daemon();
 * HVSIM_WAKE_NOFENCE removes it (the historical lost-wakeup bug, visible only
 * when the CPU lets the re-check load pass the need_wakeup store — "SB").
 */
#include <hvsim/platform.h>
#include <pthread.h>
#include "regs.h"

#ifdef HVSIM_WAKE_NOFENCE
#define BE_FULL_FENCE() do { } while (0)
#else
#define BE_FULL_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
/* hvisor-tool's write_barrier(): a store-store barrier.  tests/wmm/ builds
 * this file with it (or the acquire of req_rear) taken away, to show what a
 * weak memory model makes of that (the #ifndef is for them). */
#ifndef BE_WRITE_BARRIER
#define BE_WRITE_BARRIER() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#ifndef BE_REAR_ORDER
#define BE_REAR_ORDER __ATOMIC_ACQUIRE
#endif

static struct regs_dev devs[HVSIM_MAX_DEVS];
static unsigned ndevs;
static pthread_mutex_t res_mutex = PTHREAD_MUTEX_INITIALIZER;
static int finish_pending; /* completions pushed since the last FINISH_REQ */

static struct regs_dev *find_dev(uint64_t addr)
{
    for (unsigned i = 0; i < ndevs; i++) {
        uint64_t base = devs[i].desc->base;
        if (addr >= base && addr < base + VIRTIO_MMIO_WINDOW)
            return &devs[i];
    }
    return 0;
}

/* A queue completion: push to res_list under the mutex.  FINISH_REQ follows
 * once per drained batch (drain()), so the hypervisor can coalesce the IRQs
 * of several completions per target CPU; a full result ring forces it early. */
static void complete(struct virtio_bridge *b, const struct device_req *r, struct regs_dev *d)
{
    hvsim_delay(HVSIM_SITE_BE_BEFORE_COMPLETE);
    for (;;) {
        pthread_mutex_lock(&res_mutex);
        uint32_t rear = __atomic_load_n(&b->res_rear, __ATOMIC_RELAXED);
        uint32_t front = __atomic_load_n(&b->res_front, __ATOMIC_ACQUIRE);
        if (!hvsim_ring_full(front, rear)) {
            b->res_list[rear].target_zone = r->src_zone;
            b->res_list[rear].irq_id = d->desc->irq_id;
            __atomic_store_n(&b->res_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            pthread_mutex_unlock(&res_mutex);
            break;
        }
        pthread_mutex_unlock(&res_mutex);
        hvsim_hypercall_finish_req(); /* ring full: let the hypervisor drain it */
    }
    finish_pending = 1;
}

/* A config access: answer in cfg_values[cpu], write barrier, bump the flag.
 * Quirk kept from upstream: with no device at the address the flag is still
 * bumped and the guest reads 0. */
static void answer(struct virtio_bridge *b, const struct device_req *r, struct regs_dev *d)
{
    uint64_t off = d ? r->address - d->desc->base : 0, value = 0;
    if (d && r->is_write)
        regs_write(d, off, (uint32_t)r->size, r->value);
    else if (d)
        value = regs_read(d, off, (uint32_t)r->size);
    hvsim_delay(HVSIM_SITE_BE_BEFORE_ANSWER);
    unsigned cpu = (unsigned)r->src_cpu;
    if (cpu >= HVSIM_MAX_CPUS)
        return;
    if (!r->is_write)
        __atomic_store_n(&b->cfg_values[cpu], value, __ATOMIC_RELAXED);
    BE_WRITE_BARRIER();
    hvsim_flag_t f = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_RELAXED);
    __atomic_store_n(&b->cfg_flags[cpu], (hvsim_flag_t)(f + 1), __ATOMIC_RELAXED);
}

static void handle(struct virtio_bridge *b, const struct device_req *r)
{
    struct regs_dev *d = find_dev(r->address);
    int notify = r->is_write && d && r->address - d->desc->base == VIRTIO_MMIO_QUEUE_NOTIFY;
    if (notify) {
        regs_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, (uint32_t)r->size, r->value);
        complete(b, r, d);
    } else if (r->is_write && !d && r->address % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY) {
        /* a notify nobody owns: asynchronous, nothing to answer */
    } else {
        answer(b, r, d);
    }
}

/* Drain every pending request.  Only the daemon writes req_front. */
static void drain(struct virtio_bridge *b)
{
    uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_RELAXED);
    while (front != __atomic_load_n(&b->req_rear, BE_REAR_ORDER)) {
        struct device_req r = b->req_list[front];
        front = hvsim_ring_next(front);
        __atomic_store_n(&b->req_front, front, __ATOMIC_RELEASE);
        handle(b, &r);
    }
    if (finish_pending) {
        finish_pending = 0;
        hvsim_hypercall_finish_req();
    }
}

static int ring_pending(struct virtio_bridge *b)
{
    return __atomic_load_n(&b->req_rear, BE_REAR_ORDER) !=
           __atomic_load_n(&b->req_front, __ATOMIC_RELAXED);
}

void backend_run(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    /* det reuses the process for the next execution: start with nothing
     * pushed, whatever an execution stopped mid-drain left behind */
    finish_pending = 0;
    ndevs = hvsim_ndevices();
    if (ndevs > HVSIM_MAX_DEVS)
        ndevs = HVSIM_MAX_DEVS;
    for (unsigned i = 0; i < ndevs; i++) {
        regs_init(&devs[i], hvsim_device(i));
        b->mmio_addrs[i] = devs[i].desc->base;
    }
    __atomic_store_n(&b->mmio_avail, 1, __ATOMIC_RELEASE);

    uint64_t window = hvsim_poll_window();
    while (!hvsim_should_stop()) {
        __atomic_store_n(&b->need_wakeup, 0, __ATOMIC_RELAXED);
        drain(b);
        int more = 0;
        for (uint64_t i = 0; i < window && !more; i++)
            more = ring_pending(b);
        if (more)
            continue;
        hvsim_delay(HVSIM_SITE_BE_BEFORE_SLEEP);
        __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_RELAXED);
        BE_FULL_FENCE();
        if (__atomic_load_n(&b->req_rear, __ATOMIC_RELAXED) !=
            __atomic_load_n(&b->req_front, __ATOMIC_RELAXED))
            continue;
        if (hvsim_daemon_sleep() < 0)
            break;
        hvsim_delay(HVSIM_SITE_BE_AFTER_WAKE);
    }
}
