/* sim/verdict/oracle.c — the handshake invariants (see oracle.h).  Each
 * check names its invariant, the CPU and the entry, and says only what the
 * counters show. */
#include "oracle.h"
#include "bridge_names.h"
#include "runtime/common/oracle_count.h"
#include <stdio.h>
#include <string.h>

static enum hvsim_verdict found(struct oracle_finding *f, enum hvsim_verdict v, int cpu,
                                const char *invariant)
{
    f->verdict = v;
    f->cpu = cpu;
    snprintf(f->invariant, sizeof f->invariant, "%s", invariant);
    return v;
}

static void finding_init(struct oracle_finding *f)
{
    memset(f, 0, sizeof *f);
    f->verdict = V_PASS;
    f->cpu = -1;
}

/* completions still in res_list for cpu (pushed, not yet consumed) */
static unsigned pending_for(const struct oracle_snap *s, unsigned cpu)
{
    unsigned n = 0;
    if (s->res_front >= HVSIM_MAX_REQ || s->res_rear >= HVSIM_MAX_REQ)
        return 0;
    for (uint32_t i = s->res_front; i != s->res_rear; i = hvsim_ring_next(i))
        n += s->res[i].target_zone == hvsim_zone_of_cpu(cpu);
    return n;
}

enum hvsim_verdict oracle_check_step(const struct oracle_snap *s, struct oracle_finding *f)
{
    finding_init(f);
    if (s->assert_set) {
        snprintf(f->file, sizeof f->file, "%s", s->assert_file);
        snprintf(f->func, sizeof f->func, "%s", s->assert_func);
        f->line = s->assert_line;
        snprintf(f->summary, sizeof f->summary, "HVSIM_ASSERT failed at %s:%d in %s(): %s",
                 s->assert_file, s->assert_line, s->assert_func, s->assert_msg);
        char who[64];
        if (s->assert_who == 2)
            snprintf(who, sizeof who, "the backend daemon");
        else if (s->assert_cpu >= 0)
            snprintf(who, sizeof who, "hypervisor cpu%d", s->assert_cpu);
        else
            snprintf(who, sizeof who, "the hypervisor's FINISH_REQ thread");
        snprintf(f->text, sizeof f->text, "%s. The assertion is the code under test's own "
                 "invariant; it failed on %s, which waits there until the run ends.", f->summary, who);
        return found(f, V_ASSERTION, s->assert_who == 2 ? -1 : s->assert_cpu, "the code's own HVSIM_ASSERT");
    }
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        if (!c->stray_answers)
            continue;
        snprintf(f->summary, sizeof f->summary,
                 "cfg_flags[%u] changed from %llu to %llu while cpu%u had no access in the handler "
                 "(after its access #%llu returned): an answer nobody waited for", i,
                 (unsigned long long)c->stray_from, (unsigned long long)c->stray_to, i,
                 (unsigned long long)c->stray_access);
        snprintf(f->text, sizeof f->text,
                 "%s. Every guest access must get exactly one answer: the flag moved %llu time(s) "
                 "between accesses, so either the daemon answered one request twice, or the "
                 "handler returned before the answer it was owed arrived (a wait that did not "
                 "wait) and the answer came late.", f->summary,
                 (unsigned long long)c->stray_answers);
        return found(f, V_PROTOCOL_VIOLATION, (int)i, "every guest access gets exactly one answer");
    }
    if (s->fin_missing) {
        unsigned cpu = hvsim_cpu_of_zone(s->miss_zone), to = s->miss_to;
        char routed[96] = "";
        if (to != cpu)
            snprintf(routed, sizeof routed, ", an interrupt the guest routed to cpu%u (irq-cpu %u)",
                     to, to);
        snprintf(f->summary, sizeof f->summary,
                 "FINISH_REQ call #%llu consumed res_list[%u] (completion for cpu%u, irq %u%s) but "
                 "injected no irq %u on cpu%u in that call (%u injection(s) in the call)",
                 (unsigned long long)s->miss_call, s->miss_slot, cpu, s->miss_irq, routed,
                 s->miss_irq, to, s->miss_ninj);
        snprintf(f->text, sizeof f->text,
                 "%s. Every queue notification's completion must raise its interrupt in the "
                 "FINISH_REQ call that consumes it (several completions for one (cpu, irq) may share "
                 "one injection). %llu of %llu consumed completion(s) had none.", f->summary,
                 (unsigned long long)s->fin_missing, (unsigned long long)s->fin_consumed);
        snprintf(f->func, sizeof f->func, "hv_finish_req");
        return found(f, V_MISSING_IRQ, (int)cpu, "every completion's interrupt is injected");
    }
    if (s->fin_overread || s->fin_foreign) {
        snprintf(f->summary, sizeof f->summary, "FINISH_REQ consumed %llu res_list entr%s that "
                 "were never pushed (res_front moved past res_rear) and %llu naming no CPU of this run",
                 (unsigned long long)s->fin_overread, s->fin_overread == 1 ? "y" : "ies",
                 (unsigned long long)s->fin_foreign);
        snprintf(f->text, sizeof f->text, "%s. No result entry may be consumed that was not "
                 "pushed, and each names its guest's zone (cpu + 1).", f->summary);
        return found(f, V_PROTOCOL_VIOLATION, -1, "only pushed result entries are consumed");
    }
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        if (c->completions <= c->notifies)
            continue;
        snprintf(f->summary, sizeof f->summary,
                 "cpu%u issued %llu queue notification(s) but FINISH_REQ consumed %llu completions "
                 "for it: a completion was pushed more than once", i,
                 (unsigned long long)c->notifies, (unsigned long long)c->completions);
        snprintf(f->text, sizeof f->text, "%s.", f->summary);
        return found(f, V_PROTOCOL_VIOLATION, (int)i, "every notify gets exactly one completion");
    }
    return V_PASS;
}

int oracle_quiescent(const struct oracle_snap *s)
{
    for (unsigned i = 0; i < s->ncpus; i++)
        if (s->cpu[i].state != HVSIM_CPU_DONE)
            return 0;
    /* an IPI still in flight does not count: it can only wake the daemon
     * to an empty ring (and a daemon that never sleeps never consumes it) */
    return s->req_front == s->req_rear && s->hc_sent == s->hc_done;
}

int oracle_sleeps_with_work(const struct oracle_snap *s)
{
    return s->daemon_state == HVSIM_DAEMON_SLEEPING && s->req_front != s->req_rear &&
           s->ipi_sent == s->ipi_consumed;
}

int oracle_request_lost(const struct oracle_snap *s)
{
    if (s->daemon_state != HVSIM_DAEMON_SLEEPING || s->req_front != s->req_rear ||
        s->ipi_sent != s->ipi_consumed || s->hc_sent != s->hc_done)
        return -1;
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        if (c->state == HVSIM_CPU_IN_HANDLER && c->cur_sync && c->flag_now == c->flag_before)
            return (int)i;
    }
    return -1;
}

int oracle_daemon_holds(const struct oracle_snap *s)
{
    if (s->req_front >= HVSIM_MAX_REQ || s->req_rear >= HVSIM_MAX_REQ)
        return 0; /* a torn or broken ring: claim nothing is safe */
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        unsigned sync_queued = 0, notify_queued = 0;
        for (uint32_t k = s->req_front; k != s->req_rear; k = hvsim_ring_next(k)) {
            const struct device_req *e = &s->req[k];
            if (e->src_cpu != i)
                continue;
            if (oracle_notify_to_device(s->dev, s->ndevices, e->is_write, e->address))
                notify_queued++;
            else if (!oracle_addr_is_notify(e->is_write, e->address))
                sync_queued++;
        }
        if (c->state == HVSIM_CPU_IN_HANDLER && c->cur_sync && c->flag_now == c->flag_before &&
            !sync_queued)
            return (int)i;
        if (c->notifies > c->completions + pending_for(s, i) + notify_queued)
            return (int)i;
    }
    return -1;
}

void oracle_explain_request_lost(const struct oracle_snap *s, int cpu, struct oracle_finding *f)
{
    finding_init(f);
    const struct oracle_cpu *c = &s->cpu[cpu];
    char ring[96];
    ring_words("request", s->req_front, s->req_rear, ring, sizeof ring);
    snprintf(f->summary, sizeof f->summary,
             "cpu%d waits for the answer to its %s 0x%llx (access #%llu), but the request ring %s "
             "and the daemon sleeps with no wakeup in flight: the request never reached the daemon",
             cpu, c->cur_write ? "write to" : "read of", (unsigned long long)c->cur_addr,
             (unsigned long long)c->cur, ring);
    snprintf(f->text, sizeof f->text,
             "%s. cfg_flags[%d] is still %llu, as before the trap; IPIs sent %u = consumed %u; "
             "FINISH_REQ calls made %u = served %u. No request entry may be lost before the "
             "daemon consumes it: this one was overwritten in req_list before it was consumed "
             "(two pushes into one slot, e.g. without the ring lock), or the handler never "
             "published it (req_rear not advanced past it).", f->summary, cpu,
             (unsigned long long)c->flag_now, s->ipi_sent, s->ipi_consumed, s->hc_sent, s->hc_done);
    found(f, V_PROTOCOL_VIOLATION, cpu, "no request is lost before the daemon consumes it");
}

enum hvsim_verdict oracle_check_final(const struct oracle_snap *s, struct oracle_finding *f)
{
    if (oracle_check_step(s, f) != V_PASS)
        return f->verdict;
    if (oracle_sleeps_with_work(s)) {
        oracle_explain_lost_wakeup(s, f);
        return f->verdict;
    }
    char ring[96];
    ring_words("completion", s->res_front % HVSIM_MAX_REQ, s->res_rear % HVSIM_MAX_REQ, ring, sizeof ring);
    uint64_t notifies = 0, completions = 0, irqs = 0;
    for (unsigned i = 0; i < s->ncpus; i++) {
        notifies += s->cpu[i].notifies;
        completions += s->cpu[i].completions;
        irqs += s->cpu[i].irqs;
    }
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        unsigned pend = pending_for(s, i);
        if (c->completions + pend >= c->notifies)
            continue;
        uint64_t lost = c->notifies - c->completions - pend;
        snprintf(f->summary, sizeof f->summary,
                 "cpu%u issued %llu queue notification(s); FINISH_REQ consumed %llu completion(s) "
                 "for it and res_list still holds %u: %llu completion(s) lost", i,
                 (unsigned long long)c->notifies, (unsigned long long)c->completions, pend,
                 (unsigned long long)lost);
        snprintf(f->text, sizeof f->text,
                 "%s. Every queue notification must get exactly one completion, and no result "
                 "entry may be overwritten before FINISH_REQ consumes it. At the end of the run the "
                 "request ring is empty and the result ring %s, after %llu FINISH_REQ call(s) that "
                 "consumed %llu entr%s in all; so the missing completions were never pushed or were "
                 "overwritten in res_list (a push without the ring-full check, or two completers "
                 "writing one slot).", f->summary, ring, (unsigned long long)s->fin_calls,
                 (unsigned long long)s->fin_consumed, s->fin_consumed == 1 ? "y" : "ies");
        return found(f, V_LOST_COMPLETION, (int)i, "every notify gets exactly one completion");
    }
    for (unsigned i = 0; i < s->ncpus; i++) {
        unsigned pend = pending_for(s, i);
        if (!pend)
            continue;
        snprintf(f->summary, sizeof f->summary,
                 "res_list still holds %u completion(s) for cpu%u at the end of the run (the result "
                 "ring %s): nobody drained them, so their interrupts were never injected "
                 "(FINISH_REQ called %llu time(s))", pend, i, ring, (unsigned long long)s->fin_calls);
        snprintf(f->text, sizeof f->text,
                 "%s. Every completion must reach the guest as an interrupt: the daemon pushes it "
                 "and then makes the FINISH_REQ hypercall, whose handler drains res_list. The "
                 "daemon was %s with nothing left in the request ring.", f->summary,
                 daemon_state_words(s->daemon_state));
        return found(f, V_MISSING_IRQ, (int)i, "every completion's interrupt is injected");
    }
    snprintf(f->summary, sizeof f->summary, "all %u CPUs completed their accesses", s->ncpus);
    snprintf(f->text, sizeof f->text,
             "%s; every invariant held: %llu queue notifications completed with %llu guest IRQ "
             "injections (%llu completions consumed by %llu FINISH_REQ calls, each with its "
             "interrupt; IRQs coalesced per CPU and IRQ); IPIs sent %u, consumed %u, dropped %u; "
             "the daemon slept %llu times.", f->summary, (unsigned long long)notifies,
             (unsigned long long)irqs, (unsigned long long)completions,
             (unsigned long long)s->fin_calls, s->ipi_sent, s->ipi_consumed, s->ipi_dropped,
             (unsigned long long)s->daemon_sleeps);
    return V_PASS;
}
