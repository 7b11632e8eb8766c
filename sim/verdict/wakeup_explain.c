/* sim/verdict/wakeup_explain.c — a lost wakeup explained from what was
 * observed, never from how the code was built.  The causes (issue 16):
 *   (a) a store→load reordering (each side's load passed its own store);
 *   (b) a program-order race (the hypervisor decided on need_wakeup before
 *       its request was visible, or the daemon checked before announcing);
 *   (c) an injected fault (a dropped IPI);
 *   (d) a wakeup never sent on some path.
 * What tells them apart here: the drop counter, the CPU whose request waits
 * and whether its access sent an IPI, and the times of that access and of
 * the daemon's sleep entry (need_wakeup=1 is globally visible once the
 * daemon is asleep: the shim's seq_cst store drains its store buffer). */
#include "oracle.h"
#include "bridge_names.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void add(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t n, const char *fmt, ...)
{
    size_t l = strlen(buf);
    if (l + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, n - l, fmt, ap);
    va_end(ap);
}

static double ms_before(uint64_t now, uint64_t t)
{
    return now > t ? (double)(now - t) / 1e6 : 0.0;
}

/* Which causes the evidence leaves open (c: the CPU of the oldest waiting
 * request, or NULL), appended to t. */
static void lost_wakeup_cause(char *t, size_t n, const struct oracle_snap *s, const struct oracle_cpu *c)
{
    int cpu = c ? (int)(c - s->cpu) : -1;
    if (s->ipi_dropped && (!c || c->last_ipi == 2)) {
        add(t, n, "Cause: the injected fault (drop-ipi every %u). IPIs dropped by fault "
            "injection: %u%s: the wakeup was sent and never delivered. Not a reordering.",
            s->ipi_drop_every, s->ipi_dropped,
            c ? ", the one this request's access sent among them" : "");
        return;
    }
    if (s->sleep_ns && !s->sleep_need_wakeup) {
        add(t, n, "Cause: the daemon went to sleep with need_wakeup=0, so the hypervisor had no "
            "reason to send an IPI: the daemon sleeps without announcing it (a wakeup never "
            "requested on its path).");
        return;
    }
    if (c && c->last_ipi == 0 && s->sleep_ns && c->enter_ns > s->sleep_ns &&
        c->state == HVSIM_CPU_IN_HANDLER) {
        add(t, n, "Cause: a wakeup never sent on the hypervisor's path. cpu%d's access began %.1f "
            "ms after the daemon was asleep with need_wakeup=1 already visible to every CPU, and "
            "it sent no IPI: no store buffering can explain that, the handler did not send the "
            "wakeup it owed.", cpu, (double)(c->enter_ns - s->sleep_ns) / 1e6);
        return;
    }
    if (s->ipi_dropped)
        add(t, n, "The fault injection dropped %u IPI(s), but not (as far as hvsim saw) one sent "
            "for this request. ", s->ipi_dropped);
    add(t, n, "Cause: cannot tell apart from this evidence, which fits either (a) a store->load "
        "reordering (the hypervisor's need_wakeup load passed its own req_rear store and the "
        "daemon's ring re-check passed its need_wakeup store, which needs a missing seq_cst fence "
        "on each side) or (b) a program-order race (the hypervisor read need_wakeup before its "
        "request was visible, or the daemon re-checked the ring before setting need_wakeup)%s. "
        "The deterministic engine tells them apart: `--engine det --memory-model sc` can show (b) "
        "only; (a) needs tso.",
        s->sleep_ns && s->sleep_front != s->sleep_rear
            ? "; the request was already in the ring when the daemon committed to sleep, a "
              "moment after its re-check missed it"
            : "");
}

void oracle_explain_lost_wakeup(const struct oracle_snap *s, struct oracle_finding *f)
{
    memset(f, 0, sizeof *f);
    f->verdict = V_LOST_WAKEUP;
    f->cpu = -1;
    snprintf(f->invariant, sizeof f->invariant, "at quiescence nobody sleeps with work pending");
    snprintf(f->func, sizeof f->func, "backend_run");
    char ring[96], at_sleep[96];
    ring_words("request", s->req_front, s->req_rear, ring, sizeof ring);
    ring_words("request", s->sleep_front, s->sleep_rear, at_sleep, sizeof at_sleep);
    unsigned nw = 0;
    for (unsigned i = 0; i < s->ncpus; i++)
        nw += s->cpu[i].state == HVSIM_CPU_IN_HANDLER;
    snprintf(f->summary, sizeof f->summary,
             "the daemon sleeps while the request ring %s, and no wakeup is in flight (IPIs sent %u "
             "= consumed %u, dropped %u), need_wakeup=%u; %u CPU(s) wait", ring, s->ipi_sent,
             s->ipi_consumed, s->ipi_dropped, s->need_wakeup, nw);

    /* the oldest pending request and the CPU that pushed it */
    const struct device_req *q = &s->req[s->req_front % HVSIM_MAX_REQ];
    int cpu = q->src_cpu < s->ncpus ? (int)q->src_cpu : -1;
    const struct oracle_cpu *c = cpu >= 0 ? &s->cpu[cpu] : 0;
    f->cpu = cpu;
    char *t = f->text;
    size_t n = sizeof f->text;
    add(t, n, "%s. Evidence: ", f->summary);
    if (s->sleep_ns)
        add(t, n, "the daemon committed to its last sleep %.1f ms ago with need_wakeup=%u; at that "
            "moment the request ring %s; ", ms_before(s->now_ns, s->sleep_ns), s->sleep_need_wakeup, at_sleep);
    if (c) {
        add(t, n, "the oldest waiting request, req_list[%u], is cpu%d's %s 0x%llx; ",
            s->req_front % HVSIM_MAX_REQ, cpu, q->is_write ? "write to" : "read of",
            (unsigned long long)q->address);
        if (c->state == HVSIM_CPU_IN_HANDLER)
            add(t, n, "cpu%d entered the handler %.1f ms ago and is still in it; ", cpu,
                ms_before(s->now_ns, c->enter_ns));
        add(t, n, "cpu%d's %s access %s. ", cpu, c->state == HVSIM_CPU_IN_HANDLER ? "current" : "last",
            c->last_ipi == 2 ? "sent an IPI that the fault injection dropped"
            : c->last_ipi == 1 ? "sent an IPI" : "sent no IPI");
    } else {
        add(t, n, "the oldest waiting request names no CPU of this run (src_cpu %llu). ",
            (unsigned long long)q->src_cpu);
    }

    lost_wakeup_cause(f->text, sizeof f->text, s, c);
}
