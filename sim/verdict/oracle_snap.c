/* sim/verdict/oracle_snap.c — fill a struct oracle_snap from the control
 * area and the bridge (memory reads only).  Counters are read with atomic
 * loads: the participants are still running when the watchdog takes one.
 * A CPU's completions are read before its notifies: every completion's
 * notify was counted before it (release/acquire through the ring), so the
 * notifies read after are at least as many.  The other way round, a notify
 * counted, completed and consumed between the two loads showed one
 * completion too many, "pushed more than once" on correct code (check-tsan;
 * test_snapshot_never_shows_a_completion_early). */
#include "oracle.h"
#include "runtime/common/oracle_count.h"
#include <string.h>

#define LD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

/* The FINISH_REQ counters and the first completion consumed without its
 * interrupt; the device windows (which notifies owe a completion). */
static void snap_finish_req(struct oracle_snap *s, const struct hvsim_ctl *ctl)
{
    s->fin_calls = LD(&ctl->fin.calls);
    s->fin_consumed = LD(&ctl->fin.consumed);
    s->fin_foreign = LD(&ctl->fin.foreign);
    s->fin_overread = LD(&ctl->fin.overread);
    s->fin_missing = LD(&ctl->fin.missing);
    s->miss_call = ctl->fin.miss_call;
    s->miss_slot = ctl->fin.miss_slot;
    s->miss_zone = ctl->fin.miss_zone;
    s->miss_irq = ctl->fin.miss_irq;
    s->miss_to = oracle_irq_target(ctl, hvsim_cpu_of_zone(ctl->fin.miss_zone), ctl->fin.miss_irq);
    s->miss_ninj = ctl->fin.miss_ninj;
    s->ndevices = ctl->ndevices > HVSIM_DEVS ? HVSIM_DEVS : ctl->ndevices;
    memcpy(s->dev, ctl->devices, sizeof s->dev);
}

void oracle_snap_take(struct oracle_snap *s, const struct hvsim_ctl *ctl,
                      const struct virtio_bridge *b, uint64_t now_ns)
{
    memset(s, 0, sizeof *s);
    s->now_ns = now_ns;
    s->ncpus = ctl->ncpus > HVSIM_CPUS ? HVSIM_CPUS : ctl->ncpus;
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct hvsim_cpu_ctl *c = &ctl->cpu[i];
        struct oracle_cpu *o = &s->cpu[i];
        o->state = LD(&c->state);
        o->done = LD(&c->done);
        for (uint32_t k = 0; k < c->naccess && k < HVSIM_MAX_ACCESS; k++)
            o->total += (uint64_t)c->acc[k].repeat + 1u;
        o->cur = LD(&c->cur);
        if (o->cur < c->naccess && o->cur < HVSIM_MAX_ACCESS) {
            const struct hvsim_access *a = &c->acc[o->cur];
            o->cur_write = a->is_write;
            o->cur_addr = a->addr;
            o->cur_sync = oracle_is_sync(a);
        }
        o->flag_before = LD(&c->flag_before);
        o->flag_now = (uint64_t)LD(&b->cfg_flags[i]);
        /* completions first: their notifies were counted before them (see the file's head) */
        o->completions = LD(&c->completions);
        o->notifies = LD(&c->notifies);
        o->syncs = LD(&c->syncs);
        o->irq_missing = LD(&c->irq_missing);
        o->irqs = LD(&c->irqs);
        o->stray_answers = LD(&c->stray_answers);
        o->stray_from = c->stray_from;
        o->stray_to = c->stray_to;
        o->stray_access = c->stray_access;
        o->enter_ns = LD(&c->enter_ns);
        o->ret_ns = LD(&c->ret_ns);
        o->last_ipi = LD(&c->last_ipi);
    }
    s->req_front = LD(&b->req_front);
    s->req_rear = LD(&b->req_rear);
    s->res_front = LD(&b->res_front);
    s->res_rear = LD(&b->res_rear);
    s->need_wakeup = LD(&b->need_wakeup);
    memcpy(s->req, (const void *)b->req_list, sizeof s->req);
    memcpy(s->res, (const void *)b->res_list, sizeof s->res);
    s->daemon_state = LD(&ctl->daemon_state);
    s->daemon_sleeps = LD(&ctl->daemon_sleeps);
    s->daemon_wakes = LD(&ctl->daemon_wakes);
    s->ipi_sent = LD(&ctl->ipi_sent);
    s->ipi_consumed = LD(&ctl->ipi_consumed);
    s->ipi_dropped = LD(&ctl->ipi_dropped);
    s->ipi_drop_every = ctl->ipi_drop_every;
    s->hc_sent = LD(&ctl->hc_sent);
    s->hc_done = LD(&ctl->hc_done);
    snap_finish_req(s, ctl);
    s->sleep_ns = LD(&ctl->sleep_ns);
    s->sleep_front = ctl->sleep_front;
    s->sleep_rear = ctl->sleep_rear;
    s->sleep_need_wakeup = ctl->sleep_need_wakeup;
    if (LD(&ctl->assert_fail.set) == 1) {
        s->assert_set = 1;
        s->assert_line = ctl->assert_fail.line;
        s->assert_who = (int)ctl->assert_fail.who;
        s->assert_cpu = ctl->assert_fail.cpu;
        memcpy(s->assert_file, ctl->assert_fail.file, sizeof s->assert_file);
        memcpy(s->assert_func, ctl->assert_fail.func, sizeof s->assert_func);
        memcpy(s->assert_msg, ctl->assert_fail.msg, sizeof s->assert_msg);
        s->assert_file[sizeof s->assert_file - 1] = 0;
        s->assert_func[sizeof s->assert_func - 1] = 0;
        s->assert_msg[sizeof s->assert_msg - 1] = 0;
    }
}
