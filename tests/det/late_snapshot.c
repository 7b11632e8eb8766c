/* tests/det/late_snapshot.c — a hypervisor handler with a real bug that the
 * deterministic engine must judge LIVELOCK (tests/integration/test_det_livelock.sh).
 *
 * It is hv/handler.c's protocol with every load marked (acquire), so the wait
 * loop re-reads memory and is a scheduling point on every iteration — no
 * compiler hoisting, no HANG_STALE_READ.  The one bug: it snapshots
 * cfg_flags[cpu] AFTER publishing the request and kicking the daemon, not
 * before (compare hv/handler.c, "Read the old flag before pushing").  When
 * the daemon answers in between, the snapshot already holds the new value and
 * the loop waits for a change that has happened: the CPU re-reads an
 * unchanged location forever while nothing else can run.  Which interleaving
 * does it is a scheduling question, so the native engine rarely sees it and
 * det finds it.  Used with hv/result.c (hv_finish_req) as the second --hv.
 * -DSNAPSHOT_FIRST builds the fixed order (the test's control case).
 * Since the det engine reads from the trace when the CPU took its snapshot,
 * this bug is MISSED_ANSWER.  -DSNAPSHOT_FIRST -DWAIT_FOR_TWO is a second
 * bug: the snapshot is right but the loop waits for two answers where the
 * protocol gives one — the CPU saw the answer and keeps waiting, nothing
 * can change: LIVELOCK. */
#include <hvsim/platform.h>

static int req_lock;

static void push_request(struct virtio_bridge *b, const struct device_req *r)
{
    for (;;) {
        while (__atomic_exchange_n(&req_lock, 1, __ATOMIC_ACQUIRE))
            ;
        uint32_t rear = __atomic_load_n(&b->req_rear, __ATOMIC_RELAXED);
        if (!hvsim_ring_full(__atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE), rear)) {
            b->req_list[rear] = *r;
            hvsim_delay(HVSIM_SITE_HV_PUBLISH);
            __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            __atomic_store_n(&req_lock, 0, __ATOMIC_RELEASE);
            return;
        }
        __atomic_store_n(&req_lock, 0, __ATOMIC_RELEASE);
    }
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int is_notify = is_write && (addr % VIRTIO_MMIO_WINDOW) == VIRTIO_MMIO_QUEUE_NOTIFY;
    struct device_req r = {
        .src_cpu = cpu, .address = addr, .size = size, .value = value,
        .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)(is_write != 0),
        .need_interrupt = (uint8_t)is_notify,
    };
#ifdef SNAPSHOT_FIRST /* the fix, as in hv/handler.c: the control case of the test */
    hvsim_flag_t old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
#endif
    push_request(b, &r);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED))
        hvsim_ipi_zone0();
    if (is_notify)
        return 0;
#ifndef SNAPSHOT_FIRST
    /* BUG: too late, the answer may already be here */
    hvsim_flag_t old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
#endif
#ifdef WAIT_FOR_TWO /* BUG: the daemon bumps the flag once per answer */
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) != (hvsim_flag_t)(old + 2))
        ;
#else
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) == old)
        ;
#endif
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}
