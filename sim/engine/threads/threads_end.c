/* sim/engine/threads/threads_end.c — how a threads-engine run ended, from the
 * control area and the bridge the binary left behind.  The binary exits
 * without stopping anyone (threads_main.c), so what is read here is the
 * state the participants were in while alive: a sleeping daemon is still
 * "asleep", not "exited".  Every state number is said in words and every
 * bridge location by its field name; a hang is called a hoisted load only
 * when the loop checker finds a loop with no load in this very binary. */
#define _GNU_SOURCE
#include "threads_end.h"
#include "build/build.h"
#include "runtime/common/oracle_count.h"
#include <stdio.h>
#include <string.h>

static const char *daemon_words(uint32_t st)
{
    switch (st) {
    case HVSIM_DAEMON_STARTING: return "has not reached its loop (starting)";
    case HVSIM_DAEMON_RUNNING: return "is running (awake, not in the kernel-module sleep)";
    case HVSIM_DAEMON_SLEEPING: return "is asleep in the kernel-module shim (waiting for an IPI)";
    case HVSIM_DAEMON_EXITED: return "has returned from backend_run()";
    default: return "is in an unknown state";
    }
}

/* "access #3 (read of 4 byte(s) at 0x... )" */
static void access_words(const struct hvsim_cpu_ctl *cc, uint64_t idx, char *b, size_t n)
{
    if (idx >= cc->naccess || idx >= HVSIM_MAX_ACCESS) {
        snprintf(b, n, "its access #%llu", (unsigned long long)cc->done + 1);
        return;
    }
    const struct hvsim_access *a = &cc->acc[idx];
    snprintf(b, n, "its access #%llu (%s of %u byte(s) at 0x%llx)", (unsigned long long)cc->done + 1,
             a->is_write ? (oracle_is_sync(a) ? "write" : "queue notify") : "read", a->size,
             (unsigned long long)a->addr);
}

/* The shared state in words: daemon, ring, need_wakeup, IPIs, hypercalls. */
static void state_words(const struct hvsim_ctl *ctl, const struct virtio_bridge *b, char *o, size_t n)
{
    uint32_t f = b->req_front, rr = b->req_rear;
    snprintf(o, n,
             "the daemon %s, slept %llu time(s); request ring: req_front %u, "
             "req_rear %u (%u pending); need_wakeup %u; IPIs sent %u, consumed %u, dropped by fault "
             "injection %u; FINISH_REQ hypercalls sent %u, completed %u",
             daemon_words(ctl->daemon_state), (unsigned long long)ctl->daemon_sleeps, f, rr, hvsim_ring_count(f, rr), b->need_wakeup,
             ctl->ipi_sent, ctl->ipi_consumed, ctl->ipi_dropped, ctl->hc_sent, ctl->hc_done);
}

static void cpus_words(const struct hvsim_runcfg *c, const struct hvsim_ctl *ctl, const struct virtio_bridge *b,
                       char *o, size_t n)
{
    size_t l = 0;
    o[0] = 0;
    for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS && l + 1 < n; i++) {
        const struct hvsim_cpu_ctl *cc = &ctl->cpu[i];
        char acc[160];
        access_words(cc, cc->cur, acc, sizeof acc);
        if (cc->state == HVSIM_CPU_IN_HANDLER)
            l += (size_t)snprintf(o + l, n - l, "%scpu%u waits in the handler on %s for cfg_flags[%u] to "
                                  "change from %llu (it holds %llu)", l ? "; " : "", i, acc, i,
                                  (unsigned long long)cc->flag_before, (unsigned long long)b->cfg_flags[i]);
        else
            l += (size_t)snprintf(o + l, n - l, "%scpu%u %s (%llu access(es) done)", l ? "; " : "", i,
                                  cc->state == HVSIM_CPU_DONE ? "finished" : cc->state == HVSIM_CPU_WRONG
                                  ? "stopped on a wrong value" : "runs guest code",
                                  (unsigned long long)cc->done);
    }
}

/* Why nobody woke the daemon, from what the counters show. */
static const char *lost_wakeup_short(const struct hvsim_ctl *ctl, const struct virtio_bridge *b)
{
    if (ctl->ipi_dropped)
        return "an IPI dropped by fault injection";
    if (!b->need_wakeup)
        return "the daemon slept without setting need_wakeup";
    return "no IPI was sent after need_wakeup was set";
}

static void lost_wakeup_cause(const struct hvsim_runcfg *c, const struct hvsim_ctl *ctl,
                              const struct virtio_bridge *b, char *o, size_t n)
{
    if (ctl->ipi_dropped)
        snprintf(o, n, "%u IPI(s) were dropped by fault injection (drop-ipi every %u): a hypervisor CPU "
                       "saw need_wakeup and sent the wakeup, which never arrived — the injected fault",
                 ctl->ipi_dropped, c->ipi_drop_every);
    else if (!b->need_wakeup)
        snprintf(o, n, "need_wakeup is 0 while the daemon sleeps: it went to sleep without announcing "
                       "it, so no hypervisor CPU could know it had to send an IPI");
    else
        snprintf(o, n, "need_wakeup is 1 and no IPI was dropped, yet none was sent after the daemon "
                       "announced its sleep: the hypervisor read need_wakeup before the daemon's store "
                       "reached it, the daemon re-checked the ring before the push reached it, or the "
                       "hypervisor does not check on the path it took.  This engine does not record "
                       "the order of the accesses, so which one is unknown here; the det engine "
                       "(--engine det) shows the interleaving");
}

static int lost_wakeup_holds(const struct hvsim_ctl *ctl, const struct virtio_bridge *b)
{
    return ctl->daemon_state == HVSIM_DAEMON_SLEEPING && b->req_front != b->req_rear &&
           ctl->ipi_sent == ctl->ipi_consumed && ctl->hc_sent == ctl->hc_done;
}

enum hvsim_verdict thr_judge_end(const struct hvsim_runcfg *c, const char *bin, const struct region *rg,
                                 enum thr_end_how how, struct run_result *r, char *why, size_t whylen,
                                 char *detail, size_t dlen)
{
    const struct hvsim_ctl *ctl = rg->ctl;
    const struct virtio_bridge *b = rg->bridge;
    char state[700], cpus[900], cause[700];
    state_words(ctl, b, state, sizeof state);
    cpus_words(c, ctl, b, cpus, sizeof cpus);
    if (lost_wakeup_holds(ctl, b)) {
        lost_wakeup_cause(c, ctl, b, cause, sizeof cause);
        r->cpu = -1;
        snprintf(r->function, sizeof r->function, "backend_run");
        snprintf(why, whylen, "the daemon sleeps with %u request(s) in the ring (req_front %u, req_rear %u) "
                              "and no wakeup in flight (IPIs sent %u = consumed %u), need_wakeup %u: %s",
                 hvsim_ring_count(b->req_front, b->req_rear), b->req_front, b->req_rear, ctl->ipi_sent,
                 ctl->ipi_consumed, b->need_wakeup, lost_wakeup_short(ctl, b));
        snprintf(detail, dlen, "%s. State%s: %s. CPUs: %s. Cause: %s.", why,
                 how == THR_END_QUIESCENT ? ", unchanged while every participant was alive" : "", state, cpus,
                 cause);
        return V_LOST_WAKEUP;
    }
    for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS; i++) {
        const struct hvsim_cpu_ctl *cc = &ctl->cpu[i];
        if (cc->state != HVSIM_CPU_IN_HANDLER)
            continue;
        uint64_t mem = b->cfg_flags[i];
        char acc[160];
        access_words(cc, cc->cur, acc, sizeof acc);
        r->cpu = (int)i;
        r->flag_in_memory = mem;
        r->flag_waited_on = cc->flag_before;
        if (mem == cc->flag_before) {
            snprintf(why, whylen, "cpu%u is stuck in the handler on %s, cfg_flags[%u] = %llu unchanged: no "
                                  "answer came", i, acc, i, (unsigned long long)mem);
            snprintf(detail, dlen, "%s. State: %s. CPUs: %s.", why, state, cpus);
            return V_TIMEOUT;
        }
        char where[400];
        int ev = thr_loop_evidence(c, bin, where, sizeof where);
        if (ev == 0) {
            snprintf(r->function, sizeof r->function, "%.*s", (int)strcspn(where, "("), where);
            snprintf(why, whylen, "cpu%u never left the handler on %s: cfg_flags[%u] is %llu in memory but "
                                  "it still waits on %llu, and the loop checker finds a loop with no load "
                                  "in this binary (%s): the load was hoisted out of the wait",
                     i, acc, i, (unsigned long long)mem, (unsigned long long)cc->flag_before, where);
            snprintf(detail, dlen, "%s. State: %s.", why, state);
            return V_HANG_STALE_READ;
        }
        if (ev == 1)
            snprintf(why, whylen, "cpu%u never left the handler on %s although cfg_flags[%u] went %llu -> %llu; "
                                  "not a hoisted load: %s (sim/evidence on this binary), so it re-reads the "
                                  "flag and is not waiting for a change from %llu — most likely it sampled "
                                  "its old value after the answer had arrived (a missed answer), or it waits "
                                  "for something else",
                     i, acc, i, (unsigned long long)cc->flag_before, (unsigned long long)mem, where,
                     (unsigned long long)cc->flag_before);
        else
            snprintf(why, whylen, "cpu%u never left the handler on %s although cfg_flags[%u] went %llu -> %llu; "
                                  "whether its wait loop re-reads memory is unknown (%s)",
                     i, acc, i, (unsigned long long)cc->flag_before, (unsigned long long)mem, where);
        snprintf(detail, dlen, "%s. State: %s.", why, state);
        return V_TIMEOUT;
    }
    snprintf(why, whylen, "no progress and no CPU inside the handler");
    snprintf(detail, dlen, "%s. State: %s. CPUs: %s.", why, state, cpus);
    return V_TIMEOUT;
}
