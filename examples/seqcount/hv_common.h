/* examples/seqcount/hv_common.h — the hypervisor side both handlers share;
 * each defines SEQ_LOAD(p) (how the wait loop reads the sequence) first. */
#include "seq.h"

static int lock_word;

static void push(struct virtio_bridge *b, const struct device_req *r)
{
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
            ; /* the exchange re-reads the lock every time */
        uint32_t rear = __atomic_load_n(&b->req_rear, __ATOMIC_RELAXED);
        if (!hvsim_ring_full(__atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE), rear)) {
            b->req_list[rear] = *r;
            hvsim_delay(HVSIM_SITE_HV_PUBLISH);
            __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
            return;
        }
        __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
    }
}

/* Wait until the sequence is even and no longer 'start', then read the
 * value; retry if the sequence moved while reading (seqlock read side). */
__attribute__((noinline)) static uint64_t seq_wait(struct virtio_bridge *b, unsigned cpu,
                                                   hvsim_flag_t start)
{
    for (;;) {
        hvsim_flag_t s;
        while (((s = SEQ_LOAD(&b->cfg_flags[cpu])) & 1) || s == start)
            ;                                   /* no relax hint, nothing called */
        uint64_t v = __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_RELAXED) == s)
            return v;
    }
}

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int notify = is_write && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
    hvsim_flag_t start = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
    struct device_req r = { .src_cpu = cpu, .address = addr, .size = size, .value = value,
                            .src_zone = hvsim_zone_of_cpu(cpu), .is_write = (uint8_t)!!is_write,
                            .need_interrupt = (uint8_t)notify };
    push(b, &r);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);   /* Dekker half: rear before need_wakeup */
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
    return notify ? 0 : seq_wait(b, cpu, start);
}

void hv_finish_req(void) { seq_finish_req(); }
