/* sim/engine/det/det_judge.c — the protocol oracle (sim/verdict) on the end
 * state of one det execution: turns the runtime's PASS, LIVELOCK or DEADLOCK
 * into the finding the bridge's state shows. */
#include "det_int.h"
#include <string.h>

/* "Never reached the daemon" speaks of the daemon's main thread; its other
 * threads (a worker that takes requests from it) may hold the request.
 * Say what each of them was doing when nothing could run any more. */
static void workers_words(const struct det_shm *S, struct oracle_finding *f)
{
    size_t l = strlen(f->text);
    for (uint32_t i = 0; i < S->nthreads && i < DET_MAXT && l + 200 < sizeof f->text; i++) {
        const struct det_thread *t = &S->t[i];
        if (t->proc != 1 || i == S->be_tid)
            continue;
        const char *what = t->state == DT_DONE ? "has ended"
                           : t->state == DT_BLOCKED && t->block == DB_SYNC
                               ? "is blocked in a pthread wait (a lock, a condition variable or a join)"
                           : t->spinning ? "only re-reads memory" : "cannot make progress";
        l += (size_t)snprintf(f->text + l, sizeof f->text - l,
                              " The daemon's thread %u %s: if it holds the request, it holds it for good.",
                              i, what);
    }
}

/* The protocol oracle (sim/verdict) on the end state the runtime judged:
 * a PASS with a notify left without its completion or interrupt is a
 * finding; a CPU left re-reading its flag is a lost request (its request
 * never reached the daemon) or a missed answer (the answer came before it
 * sampled the value it waits to see change).  Buffers are drained when the
 * runtime judges, so the bridge page is global memory. */
void det_judge_oracle(struct det_ctx *x, struct det_outcome *o)
{
    if (o->verdict != V_PASS && o->verdict != V_LIVELOCK && o->verdict != V_DEADLOCK)
        return;
    static struct oracle_snap snap;
    oracle_snap_take(&snap, x->ctl, (const struct virtio_bridge *)x->base, x->S->points);
    struct oracle_finding *f = &o->fin;
    memset(f, 0, sizeof *f);
    if (o->verdict == V_PASS) {
        if (oracle_check_final(&snap, f) == V_PASS)
            return;
    } else {
        int cpu = oracle_request_lost(&snap);
        const struct det_thread *be = &x->S->t[x->S->be_tid];
        if (cpu >= 0) {
            oracle_explain_request_lost(&snap, cpu, f);
            workers_words(x->S, f);
        } else if (o->verdict == V_LIVELOCK && be->state == DT_BLOCKED &&
                   be->block == DB_HC_SERVE && x->S->t[x->S->hc_tid].spinning) {
            /* the daemon waits in FINISH_REQ and the hypervisor's handler of
             * it never returns: it re-reads memory there */
            const struct det_thread *hc = &x->S->t[x->S->hc_tid];
            o->verdict = V_DAEMON_STALLED;
            o->vtid = (int)x->S->hc_tid;
            o->vval[0] = hc->spin_key;
            o->vval[1] = hc->spin_val;
            return;
        } else if (o->verdict == V_LIVELOCK && snap.req_front != snap.req_rear &&
                   be->state == DT_ENABLED && be->spinning) {
            /* requests wait and the daemon only re-reads memory somewhere
             * else: it stopped serving (words: det_explain_stuck on it) */
            o->verdict = V_DAEMON_STALLED;
            o->vtid = (int)x->S->be_tid;
            o->vval[0] = be->spin_key;
            o->vval[1] = be->spin_val;
            return;
        } else if (o->verdict == V_LIVELOCK && o->vtid >= 0 && (uint32_t)o->vtid < x->S->ncpus &&
                   o->vval[0] == 1552u + 8u * (uint32_t)o->vtid) {
            /* missed answer: the CPU's first load of its flag in this access
             * (the value it waits to see change) already saw the answer */
            struct det_shm *S = x->S;
            uint64_t now = 0, before = x->ctl->cpu[o->vtid].flag_before;
            memcpy(&now, S->G + o->vval[0], 8);
            if (now == before || now != o->vval[1])
                return;
            if (det_first_load_in_access(S, o->vtid, (uint32_t)o->vval[0], &now))
                o->verdict = V_MISSED_ANSWER; /* words: det_explain_stuck() */
            return;
        } else {
            return;
        }
    }
    o->verdict = f->verdict;
    o->has_finding = 1;
    if (f->cpu >= 0)
        o->vtid = f->cpu;
    snprintf(o->why, sizeof o->why, "%s", f->summary);
}
