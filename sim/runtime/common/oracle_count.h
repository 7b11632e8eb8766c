/* sim/runtime/common/oracle_count.h — the counters the protocol oracle
 * (sim/verdict/oracle.h) judges, kept by harness code around the code under
 * test: the guest side of an access (guest.c), the FINISH_REQ boundary
 * (hypercall.c) and guest IRQ injection (platform_common.c).  Header-only so
 * every engine's runtime can call the same code (the deterministic engine's
 * cpu_body and hc_body may too).  Nothing here is ever called from inside the
 * code under test.
 *
 * Cross-process fields are written with __atomic builtins; each counter has
 * one writer (a CPU's own thread, or the one thread serving FINISH_REQ). */
#ifndef HVSIM_ORACLE_COUNT_H
#define HVSIM_ORACLE_COUNT_H

#include <string.h>
#include "control.h"

/* A QUEUE_NOTIFY write: asynchronous, no answer owed. */
static inline int oracle_addr_is_notify(int is_write, uint64_t addr)
{
    return is_write && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
}

/* A QUEUE_NOTIFY write to one of devs[0..n): only those owe a completion
 * (a notify nobody owns is dropped by the daemon, rightly). */
static inline int oracle_notify_to_device(const struct hvsim_device *devs, uint32_t n, int is_write,
                                          uint64_t addr)
{
    if (!oracle_addr_is_notify(is_write, addr))
        return 0;
    for (uint32_t d = 0; d < n && d < HVSIM_DEVS; d++)
        if (addr - devs[d].base < VIRTIO_MMIO_WINDOW)
            return 1;
    return 0;
}

/* Is this access a QUEUE_NOTIFY write to a device of the run? */
static inline int oracle_is_device_notify(const struct hvsim_ctl *ctl, const struct hvsim_access *a)
{
    return oracle_notify_to_device(ctl->devices, ctl->ndevices, a->is_write, a->addr);
}

static inline int oracle_is_sync(const struct hvsim_access *a)
{
    return !oracle_addr_is_notify(a->is_write, a->addr);
}

/* Before the trap: count what the access owes, and check that the flag did
 * not move since the previous access returned (an answer nobody waited for).
 * flag_now is cfg_flags[cpu] as the harness just read it. */
static inline void oracle_count_trap(struct hvsim_ctl *ctl, unsigned cpu,
                                     const struct hvsim_access *a, uint64_t flag_now)
{
    struct hvsim_cpu_ctl *c = &ctl->cpu[cpu];
    uint64_t after = __atomic_load_n(&c->flag_after, __ATOMIC_RELAXED);
    if (flag_now != after) {
        if (!c->stray_answers) {
            c->stray_from = after;
            c->stray_to = flag_now;
            c->stray_access = __atomic_load_n(&c->done, __ATOMIC_RELAXED);
        }
        __atomic_add_fetch(&c->stray_answers, 1, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&c->last_ipi, 0, __ATOMIC_RELAXED);
    if (oracle_is_device_notify(ctl, a))
        __atomic_add_fetch(&c->notifies, 1, __ATOMIC_RELEASE);
    else if (oracle_is_sync(a))
        __atomic_add_fetch(&c->syncs, 1, __ATOMIC_RELEASE);
}

/* After the trap returned: the flag the next trap must still find. */
static inline void oracle_count_return(struct hvsim_ctl *ctl, unsigned cpu, uint64_t flag_now,
                                       uint64_t t_ns)
{
    struct hvsim_cpu_ctl *c = &ctl->cpu[cpu];
    __atomic_store_n(&c->flag_after, flag_now, __ATOMIC_RELAXED);
    __atomic_store_n(&c->ret_ns, t_ns, __ATOMIC_RELEASE);
}

/* hvsim_ipi_zone0() on a CPU thread: this access sent an IPI (1), or tried
 * and the fault injection dropped it (2).  Cleared at each trap. */
static inline void oracle_note_ipi(struct hvsim_ctl *ctl, int cpu, int dropped)
{
    if (cpu >= 0 && (unsigned)cpu < HVSIM_CPUS)
        __atomic_store_n(&ctl->cpu[cpu].last_ipi, dropped ? 2u : 1u, __ATOMIC_RELEASE);
}

/* The CPU that must receive irq for a completion requested by cpu (the
 * scenario's `irq-cpu`, hvsim_irq_target in <hvsim/platform.h>). */
static inline unsigned oracle_irq_target(const struct hvsim_ctl *ctl, unsigned cpu, uint32_t irq)
{
    for (uint32_t d = 0; d < ctl->ndevices && d < HVSIM_DEVS; d++)
        if (ctl->devices[d].irq_id == irq && ctl->devices[d].irq_cpu != HVSIM_IRQ_TO_REQUESTER)
            return ctl->devices[d].irq_cpu;
    return cpu;
}

/* ---- the FINISH_REQ boundary ------------------------------------------- */
struct oracle_fin_snap {
    uint32_t front, rear;
    struct device_res res[HVSIM_MAX_REQ];
};

/* Before hv_finish_req(): the result ring as the daemon left it (the daemon
 * is blocked in the hypercall, so it is stable). */
static inline void oracle_fin_begin(struct hvsim_ctl *ctl, const struct virtio_bridge *b,
                                    struct oracle_fin_snap *s)
{
    s->front = __atomic_load_n(&b->res_front, __ATOMIC_ACQUIRE) % HVSIM_MAX_REQ;
    s->rear = __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE) % HVSIM_MAX_REQ;
    memcpy(s->res, (const void *)b->res_list, sizeof s->res);
    ctl->fin.ninj = 0;
    ctl->fin.inj_over = 0;
    __atomic_store_n(&ctl->fin.in_call, 1, __ATOMIC_RELEASE);
}

/* hvsim_inject_irq(): remember (cpu, irq) while a FINISH_REQ call runs. */
static inline void oracle_note_inject(struct hvsim_ctl *ctl, unsigned cpu, uint32_t irq)
{
    if (!__atomic_load_n(&ctl->fin.in_call, __ATOMIC_ACQUIRE))
        return;
    uint32_t k = ctl->fin.ninj;
    if (k < sizeof ctl->fin.inj_cpu / sizeof ctl->fin.inj_cpu[0]) {
        ctl->fin.inj_cpu[k] = cpu;
        ctl->fin.inj_irq[k] = irq;
        ctl->fin.ninj = k + 1;
    } else {
        ctl->fin.inj_over = 1;
    }
}

/* After hv_finish_req() returned: the entries it consumed (old front → new
 * front), counted per target CPU, each checked for its injection. */
static inline void oracle_fin_end(struct hvsim_ctl *ctl, const struct virtio_bridge *b,
                                  const struct oracle_fin_snap *s)
{
    __atomic_store_n(&ctl->fin.in_call, 0, __ATOMIC_RELEASE);
    uint32_t after = __atomic_load_n(&b->res_front, __ATOMIC_ACQUIRE) % HVSIM_MAX_REQ;
    uint32_t held = hvsim_ring_count(s->front, s->rear);
    uint32_t took = hvsim_ring_count(s->front, after);
    uint64_t call = __atomic_add_fetch(&ctl->fin.calls, 1, __ATOMIC_RELEASE);
    ctl->fin.front_before = s->front;
    ctl->fin.rear_before = s->rear;
    ctl->fin.front_after = after;
    /* A daemon with worker threads may push more completions while one of
     * them waits in FINISH_REQ: entries the handler took beyond the snapshot
     * were pushed meanwhile if res_rear covers them now (read live); only a
     * front past the current rear was never pushed. */
    uint32_t held_now = hvsim_ring_count(s->front, __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE) %
                                                       HVSIM_MAX_REQ);
    if (held_now < held)
        held_now = held;
    if (took > held_now) {
        __atomic_add_fetch(&ctl->fin.overread, took - held_now, __ATOMIC_RELEASE);
        took = held_now;
    }
    for (uint32_t i = 0, slot = s->front; i < took; i++, slot = hvsim_ring_next(slot)) {
        const struct device_res *e = i < held ? &s->res[slot] : (const struct device_res *)&b->res_list[slot];
        unsigned cpu = hvsim_cpu_of_zone(e->target_zone);
        __atomic_add_fetch(&ctl->fin.consumed, 1, __ATOMIC_RELEASE);
        if (e->target_zone == 0 || cpu >= ctl->ncpus || cpu >= HVSIM_CPUS) {
            __atomic_add_fetch(&ctl->fin.foreign, 1, __ATOMIC_RELEASE);
            continue;
        }
        __atomic_add_fetch(&ctl->cpu[cpu].completions, 1, __ATOMIC_RELEASE);
        int hit = ctl->fin.inj_over;
        unsigned to = oracle_irq_target(ctl, cpu, e->irq_id);
        for (uint32_t k = 0; k < ctl->fin.ninj && !hit; k++)
            hit = ctl->fin.inj_cpu[k] == to && ctl->fin.inj_irq[k] == e->irq_id;
        if (hit)
            continue;
        if (!ctl->fin.missing) {
            ctl->fin.miss_call = call;
            ctl->fin.miss_slot = slot;
            ctl->fin.miss_zone = e->target_zone;
            ctl->fin.miss_irq = e->irq_id;
            ctl->fin.miss_ninj = ctl->fin.ninj;
        }
        __atomic_add_fetch(&ctl->fin.missing, 1, __ATOMIC_RELEASE);
        __atomic_add_fetch(&ctl->cpu[cpu].irq_missing, 1, __ATOMIC_RELEASE);
    }
}

#endif
