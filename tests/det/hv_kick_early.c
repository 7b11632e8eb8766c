/* tests/det/hv_kick_early.c — hvsim's reference handler (hv/handler.c) with
 * one bug a user could write: it decides whether to kick the daemon BEFORE
 * it publishes the request (kick_daemon() moved above push_request()).
 * Both seq_cst fences are there; the lost wakeup is a program-order race,
 * found under sc as well as tso.  The explanation must say program order,
 * not store buffering.
 *
 * Runs on the physical CPU whose guest vCPU trapped.  A config access is
 * synchronous: push a request, kick the daemon if it sleeps, spin until the
 * daemon bumps cfg_flags[cpu], return cfg_values[cpu].  A QUEUE_NOTIFY write
 * is asynchronous: push and return.
 */
#include <hvsim/platform.h>
#include "../../hv/variants.h"

/* The request ring is written by every hv CPU; a spin lock serialises them
 * (hv-private memory, never shared with the daemon). */
static int req_lock;

static void lock_req(void)
{
    while (__atomic_exchange_n(&req_lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&req_lock, __ATOMIC_RELAXED))
            HV_RELAX();
}

static void unlock_req(void)
{
    __atomic_store_n(&req_lock, 0, __ATOMIC_RELEASE);
}

/* Push one request; when the ring is full, drop the lock and back off
 * exponentially (1, 2, 4 … 1024 spins) before retrying. */
static void push_request(struct virtio_bridge *b, const struct device_req *r)
{
    unsigned backoff = 1;
    uint32_t rear;
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        lock_req();
        rear = __atomic_load_n(&b->req_rear, __ATOMIC_RELAXED);
        uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE);
        if (!hvsim_ring_full(front, rear))
            break;
        unlock_req();
        for (volatile unsigned i = 0; i < backoff; i++)
            HV_RELAX();
        if (backoff < 1024)
            backoff *= 2;
    }
    b->req_list[rear] = *r;
    hvsim_delay(HVSIM_SITE_HV_PUBLISH);
    /* Release: the slot is visible before the new rear. */
    __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
    unlock_req();
}

/* Kick the daemon if it announced it is going to sleep.  The seq_cst fence
 * orders our req_rear store before the need_wakeup load (store→load: the one
 * reordering x86 does).  The daemon has the mirror-image fence; without
 * both, each side can miss the other's store — the lost wakeup. */
static void kick_daemon(struct virtio_bridge *b)
{
    HV_FULL_FENCE();
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
}

/* The wait of the seed bug.  noinline keeps it a separate function, as the
 * evidence and the loop oracle name it; the load inside is whatever the
 * variant says — with HV_WAIT_PLAIN nothing obliges the compiler to reload. */
__attribute__((noinline)) static uint64_t
wait_for_response(struct virtio_bridge *b, unsigned cpu, hvsim_flag_t old)
{
    while (HV_LOAD_FLAG(&b->cfg_flags[cpu]) == old)
        HV_RELAX();
    /* relaxed: ordered after the flag by the wait (acquire variant) — and
     * marked, so the access audit sees no unmarked read of a field the
     * daemon writes; only the flag load differs between the variants. */
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int is_notify = is_write && (addr % VIRTIO_MMIO_WINDOW) == VIRTIO_MMIO_QUEUE_NOTIFY;
    hvsim_flag_t old = 0;

    /* Read the old flag before pushing, so an answer that arrives before we
     * start waiting is still seen as a change. */
    if (!is_notify)
        old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);

    struct device_req r = {
        .src_cpu = cpu,
        .address = addr,
        .size = size,
        .value = value,
        .src_zone = hvsim_zone_of_cpu(cpu),
        .is_write = (uint8_t)(is_write != 0),
        .need_interrupt = (uint8_t)is_notify,
    };
    kick_daemon(b); /* BUG: decided before the request is visible */
    push_request(b, &r);

    if (is_notify)
        return 0;
    return wait_for_response(b, cpu, old);
}
