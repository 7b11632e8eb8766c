/* sim/runtime/det/det_platform.c — <hvsim/platform.h> for the deterministic
 * engine.  Every call is a scheduling point.  The kernel-module shim and the
 * FINISH_REQ hypercall are modelled as blocking: a blocked participant is no
 * candidate until the event it waits for happens (det_enable).  A system
 * call or a trap serialises, so the blocking calls and the IPI drain the
 * caller's store buffer first. */
#define _GNU_SOURCE
#include "det_rt.h"
#include "runtime/common/participant.h"
#include "runtime/common/oracle_count.h"
#include "runtime/common/fn_delay.h"
#include <stdio.h>
#include <stdlib.h>

struct virtio_bridge *hvsim_bridge(void) { return g_bridge; }
unsigned hvsim_this_cpu(void) { return g_cpu < 0 ? 0u : (unsigned)g_cpu; }
unsigned hvsim_ncpus(void) { return g_ctl->ncpus; }
uint64_t hvsim_poll_window(void) { return g_ctl->poll_window; }
unsigned hvsim_ndevices(void) { return g_ctl->ndevices; }
const struct hvsim_device *hvsim_device(unsigned i) { return &g_ctl->devices[i]; }

int hvsim_should_stop(void)
{
    return __atomic_load_n(&det_S->stop, __ATOMIC_ACQUIRE) != 0;
}

void hvsim_ipi_zone0(void)
{
    struct det_shm *S = det_S;
    if (det_point(EV_IPI, 0, 0) < 0)
        return;
    det_drain_self();
    uint32_t every = g_ctl->ipi_drop_every;
    if (every && (S->ipi_sent + g_ctl->ipi_dropped + 1) % every == 0) {
        g_ctl->ipi_dropped++;
        oracle_note_ipi(g_ctl, g_cpu, 1);
        det_event(EV_IPI, 1, g_ctl->ipi_dropped);
        return;
    }
    oracle_note_ipi(g_ctl, g_cpu, 0);
    S->ipi_sent++;
    g_ctl->ipi_sent = S->ipi_sent;
    det_enable_blocked(DB_SLEEP); /* the daemon, or a thread of its own asleep on the shim */
}

void hvsim_inject_irq(unsigned cpu, uint32_t irq_id)
{
    if (cpu >= HVSIM_CPUS)
        return;
    if (det_point(EV_WAKE, cpu, irq_id) < 0)
        return;
    oracle_note_inject(g_ctl, cpu, irq_id);
    g_ctl->cpu[cpu].irqs++;
    g_ctl->cpu[cpu].irq_batches++;
}

int hvsim_daemon_sleep(void)
{
    struct det_shm *S = det_S;
    if (det_point(EV_SLEEP, 0, S->ipi_sent - S->ipi_consumed) < 0)
        return -1;
    det_drain_self();
    /* what the oracle needs of the moment the daemon committed to sleep */
    g_ctl->sleep_front = g_bridge->req_front;
    g_ctl->sleep_rear = g_bridge->req_rear;
    g_ctl->sleep_need_wakeup = g_bridge->need_wakeup;
    g_ctl->sleep_ns = S->points ? S->points : 1;
    g_ctl->daemon_state = HVSIM_DAEMON_SLEEPING;
    g_ctl->daemon_sleeps++;
    for (uint32_t i = 0; i < S->ncpus; i++) /* 'boot daemon-first': the guests may start */
        if (S->t[i].state == DT_BLOCKED && S->t[i].block == DB_BOOT)
            det_enable((int)i);
    for (;;) {
        if (S->ipi_sent != S->ipi_consumed) {
            S->ipi_consumed = S->ipi_sent;
            g_ctl->ipi_consumed = S->ipi_consumed;
            break;
        }
        if (hvsim_should_stop() || det_block(DB_SLEEP) < 0)
            return -1;
    }
    g_ctl->daemon_state = HVSIM_DAEMON_RUNNING;
    g_ctl->daemon_wakes++;
    det_event(EV_WAKE, 0, S->ipi_consumed);
    return 0;
}

void hvsim_hypercall_finish_req(void)
{
    struct det_shm *S = det_S;
    if (det_point(EV_HCALL, 0, S->hc_sent) < 0)
        return;
    det_drain_self();
    uint32_t mine = ++S->hc_sent;
    g_ctl->hc_sent = mine;
    struct det_thread *hc = &S->t[S->hc_tid];
    if (hc->state == DT_BLOCKED && hc->block == DB_HC_WAIT)
        det_enable((int)S->hc_tid);
    while ((int32_t)(S->hc_done - mine) < 0)
        if (det_block(DB_HC_SERVE) < 0)
            return;
}

void hvsim_delay(enum hvsim_site site)
{
    if ((unsigned)site >= HVSIM_SITE__COUNT)
        return;
    if (det_point(EV_DELAY, (uint32_t)site, 0) < 0)
        return;
    g_ctl->site_hits[site]++;
}

/* Delay points at a function's entry or return (fn_delay.h): a scheduling
 * point like hvsim_delay(), traced as site HVSIM_FND_SITE0 + k. */
static void fnd_hook(void *fn, uint32_t at_return)
{
    int k = hvsim_fnd_find(fn, at_return);
    if (k < 0 || !hvsim_fnd_arrive((unsigned)k))
        return;
    det_point(EV_DELAY, HVSIM_FND_SITE0 + (uint32_t)k, 0);
}

void __cyg_profile_func_enter(void *fn, void *call_site)
{
    (void)call_site;
    fnd_hook(fn, 0);
}

void __cyg_profile_func_exit(void *fn, void *call_site)
{
    (void)call_site;
    fnd_hook(fn, 1);
}

/* HVSIM_ASSERT: end this execution with ASSERTION; the file:line, function
 * and message travel in the verdict's text (the supervisor prints it). */
void hvsim_assert_fail(const char *file, int line, const char *func, const char *msg)
{
    char why[256];
    snprintf(why, sizeof why, "HVSIM_ASSERT failed at %s:%d in %s(): %s", file ? file : "?", line,
             func ? func : "?", msg ? msg : "");
    det_end(V_ASSERTION, det_self, (uint64_t)line, 0, why);
    abort(); /* det_end returns only outside an execution: no verdict to give */
}
