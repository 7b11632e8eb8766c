/* sim/engine/det/det_explain.c — why a det execution ended in a lost wakeup,
 * read from that execution's trace (never from the variant's flags).
 *
 * The need_wakeup handshake is a Dekker pair: the hypervisor stores
 * req_rear then loads need_wakeup; the daemon stores need_wakeup = 1 then
 * loads the ring indices.  A wakeup is lost when both loads miss the other
 * side's store.  From the events we tell which of these happened:
 *   (c) an IPI was dropped by the scenario's fault injection;
 *   (d) the CPU that published the pending request never loaded
 *       need_wakeup after publishing (no wakeup decision on that path);
 *   (b) program order: a load came before its own side's store in program
 *       order (the CPU decided before publishing, or the daemon re-checked
 *       the ring before announcing sleep);
 *   (a) store->load reordering: a side's store was still in its store buffer
 *       when the same side loaded the other's flag (the trace shows the
 *       drain after the load) — only possible under tso;
 * and say "unknown" with the events when none of them fits. */
#include "det.h"
#include <stdio.h>
#include <string.h>

#define OFF_REAR 4u
#define OFF_FRONT 0u
#define OFF_NW 2129u

static int is_store(int k) { return k == EV_WRITE || k == EV_VWRITE || k == EV_ASTORE || k == EV_RMW; }
static int is_load(int k) { return k == EV_READ || k == EV_VREAD || k == EV_ALOAD; }

static int hits(const struct det_event *e, uint32_t off)
{
    return e->off != UINT32_MAX && e->off <= off && off < e->off + (e->size ? e->size : 1);
}

/* last event index < before of thread t, kind-class k (0 load, 1 store), on off; -1 none */
static int last_ev(const struct det_shm *S, int t, int store, uint32_t off, int before)
{
    for (int i = before - 1; i >= 0; i--) {
        const struct det_event *e = &S->ev[i];
        if (e->tid == t && (store ? is_store(e->kind) : is_load(e->kind)) && hits(e, off))
            return i;
    }
    return -1;
}

static int first_ev(const struct det_shm *S, int t, int store, uint32_t off, int after)
{
    for (int i = after + 1; i < (int)S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        if (e->tid == t && (store ? is_store(e->kind) : is_load(e->kind)) && hits(e, off))
            return i;
    }
    return -1;
}

int det_first_load_in_access(const struct det_shm *S, int t, uint32_t off, const uint64_t *val)
{
    int acc = -1;
    for (int i = (int)S->nev - 1; i >= 0 && acc < 0; i--)
        if (S->ev[i].tid == t && S->ev[i].kind == EV_ACCESS)
            acc = i;
    int f = acc >= 0 ? first_ev(S, t, 0, off, acc) : -1;
    return f >= 0 && S->ev[f].off == off && S->ev[f].val == *val;
}

/* the drain of thread t's store at index s (first drain of t on that offset after s) */
static int drain_of(const struct det_shm *S, int t, uint32_t off, int s)
{
    for (int i = s + 1; i < (int)S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        if (e->kind == EV_DRAIN && e->tid == t && hits(e, off))
            return i;
    }
    return -1;
}

static void at(const struct det_shm *S, struct det_syms *sy, int i, char *buf, size_t len)
{
    const struct det_event *e = &S->ev[i];
    char line[64] = "";
    if (e->pc && sy)
        det_syms_line(sy, S->t[e->tid].proc == 1, e->pc, line, sizeof line);
    snprintf(buf, len, "decision %u%s%s", e->step, line[0] ? ", " : "", line);
}

/* ---- a lost wakeup: detection (from the trace) ---------------------------- */
enum lw_cause {
    LW_DROPPED,      /* (c) the scenario dropped IPIs */
    LW_NO_TRACE,     /* the execution kept no trace */
    LW_NO_PUBLISH,   /* no store to req_rear by the pending request's CPU */
    LW_HV_ORDER,     /* (b) the CPU loaded need_wakeup before publishing */
    LW_NO_DECISION,  /* (d) the CPU never loaded need_wakeup after publishing */
    LW_REORDER,      /* (a) store->load reordering on one side or both */
    LW_BE_ORDER,     /* (b) the daemon checked the ring before announcing sleep */
    LW_UNKNOWN,
};

/* The cause and the events that show it: indices into S->ev, -1 none. */
struct lw_facts {
    int cause;
    int cpu;                 /* the CPU whose request is pending, -1 none */
    uint32_t slot;           /* its ring slot (req_front % 32) */
    uint64_t src;            /* that slot's src_cpu */
    int P;                   /* the CPU's last store to req_rear */
    int L;                   /* its first load of need_wakeup after P */
    int B;                   /* LW_HV_ORDER: its load of need_wakeup before P */
    int D;                   /* the drain of P's store */
    int W;                   /* the daemon's last store need_wakeup = 1 */
    int R;                   /* its first load of req_rear after W */
    int Rb;                  /* its last load of req_rear */
    int DW;                  /* the drain of W's store */
    int hv_reordered, be_reordered;
};

/* The CPU's side: it published at P; did it decide (L) and in which order? */
static int lw_detect_cpu(const struct det_shm *S, struct lw_facts *f)
{
    int c = f->cpu;
    f->P = c >= 0 ? last_ev(S, c, 1, OFF_REAR, (int)S->nev) : -1;
    if (f->P < 0)
        return LW_NO_PUBLISH;
    f->L = first_ev(S, c, 0, OFF_NW, f->P);
    if (f->L >= 0)
        return -1;
    int prevP = last_ev(S, c, 1, OFF_REAR, f->P);
    f->B = last_ev(S, c, 0, OFF_NW, f->P);
    return f->B > prevP && f->B >= 0 ? LW_HV_ORDER : LW_NO_DECISION;
}

static void lw_detect(const struct det_shm *S, const struct hvsim_ctl *ctl, struct lw_facts *f)
{
    memset(f, 0, sizeof *f);
    f->cpu = f->P = f->L = f->B = f->D = f->W = f->R = f->Rb = f->DW = -1;
    if (ctl->ipi_dropped || !S->nev) {
        f->cause = ctl->ipi_dropped ? LW_DROPPED : LW_NO_TRACE;
        return;
    }
    uint32_t front;
    memcpy(&front, S->G + OFF_FRONT, 4);
    f->slot = front % 32;
    memcpy(&f->src, S->G + 16 + 40 * f->slot, 8);
    f->cpu = f->src < S->ncpus ? (int)f->src : -1;
    int cause = lw_detect_cpu(S, f);
    if (cause >= 0) {
        f->cause = cause;
        return;
    }
    int be = (int)S->be_tid;
    f->D = drain_of(S, f->cpu, OFF_REAR, f->P);
    f->W = last_ev(S, be, 1, OFF_NW, (int)S->nev);
    f->R = f->W >= 0 ? first_ev(S, be, 0, OFF_REAR, f->W) : -1;
    f->Rb = last_ev(S, be, 0, OFF_REAR, (int)S->nev);
    f->hv_reordered = S->ev[f->L].val == 0 && f->D > f->L;
    f->DW = f->W >= 0 ? drain_of(S, be, OFF_NW, f->W) : -1;
    f->be_reordered = f->W >= 0 && f->R >= 0 && f->DW > f->R;
    if (f->hv_reordered || f->be_reordered)
        f->cause = LW_REORDER;
    else if (f->W >= 0 && f->Rb >= 0 && f->Rb < f->W)
        f->cause = LW_BE_ORDER;
    else
        f->cause = LW_UNKNOWN;
}

/* ---- a lost wakeup: the words ------------------------------------------------ */
static void lw_reorder_words(const struct det_shm *S, struct det_syms *sy, const struct lw_facts *f,
                             const char *tn, char *buf, size_t len)
{
    char a1[96], a2[96], a3[96], a4[96];
    at(S, sy, f->P, a1, sizeof a1);
    at(S, sy, f->L, a2, sizeof a2);
    /* fit by size: ~130 bytes of text and four names of a1's size each */
    char hvp[160 + 4 * sizeof a1] = "", bep[160 + 4 * sizeof a1] = "";
    if (f->hv_reordered) {
        at(S, sy, f->D, a3, sizeof a3);
        snprintf(hvp, sizeof hvp, "%s's store to req_rear (%s) was still in its store buffer "
                 "when it loaded need_wakeup = 0 (%s); it became visible only at %s. ",
                 tn, a1, a2, a3);
    }
    if (f->be_reordered) {
        at(S, sy, f->W, a3, sizeof a3);
        at(S, sy, f->R, a4, sizeof a4);
        char d[96];
        at(S, sy, f->DW, d, sizeof d);
        snprintf(bep, sizeof bep, "The daemon's store need_wakeup = 1 (%s) was still buffered "
                 "when it loaded req_rear = %llu (%s); it became visible only at %s. ",
                 a3, (unsigned long long)S->ev[f->R].val, a4, d);
    }
    snprintf(buf, len, "Cause: store->load reordering (the SB litmus shape), which TSO allows "
             "and SC does not. %s%sA seq_cst fence between %s store and the following load "
             "forbids it.", hvp, bep, f->hv_reordered && f->be_reordered ? "each side's" :
             f->hv_reordered ? "the hypervisor's" : "the daemon's");
}

/* The causes found on the CPU's side alone (and the ones with no events). */
static void lw_cpu_words(const struct det_shm *S, const struct hvsim_ctl *ctl, struct det_syms *sy,
                         const struct lw_facts *f, const char *tn, char *buf, size_t len)
{
    char a1[96], a2[96];
    if (f->cause == LW_DROPPED)
        snprintf(buf, len, "Cause: an injected fault — the scenario's drop-ipi setting dropped %u "
                 "IPI(s), so the daemon slept through a kick that was sent.", ctl->ipi_dropped);
    else if (f->cause == LW_NO_TRACE)
        snprintf(buf, len, "Cause unknown: this execution kept no trace.");
    else if (f->cause == LW_NO_PUBLISH)
        snprintf(buf, len, "Cause unknown: the trace shows no store to req_rear by the CPU whose "
                 "request is pending (req_list[%u].src_cpu = %llu).", f->slot,
                 (unsigned long long)f->src);
    if (f->cause != LW_HV_ORDER && f->cause != LW_NO_DECISION)
        return;
    at(S, sy, f->P, a1, sizeof a1);
    if (f->cause == LW_HV_ORDER) {
        at(S, sy, f->B, a2, sizeof a2);
        snprintf(buf, len, "Cause: program order. %s loaded need_wakeup (= %llu, %s) BEFORE it "
                 "published its request (req_rear, %s), so the decision whether to send the IPI "
                 "was taken on a value from before the daemon could see the request; the daemon "
                 "then announced sleep, found the ring empty and slept. Load need_wakeup after "
                 "the req_rear store, with a full fence between them.",
                 tn, (unsigned long long)S->ev[f->B].val, a2, a1);
    } else {
        snprintf(buf, len, "Cause: no wakeup decision. %s published its request (req_rear, %s) "
                 "and never loaded need_wakeup afterwards, so no IPI could be sent on that path "
                 "while the daemon slept.", tn, a1);
    }
}

void det_explain_lost_wakeup(const struct det_shm *S, const struct hvsim_ctl *ctl,
                             struct det_syms *sy, char *buf, size_t len)
{
    struct lw_facts f;
    lw_detect(S, ctl, &f);
    char tn[32] = "", a1[96], a2[96], a3[96], a4[96];
    if (f.cpu >= 0)
        det_thread_name(S, f.cpu, tn, sizeof tn);
    switch (f.cause) {
    case LW_REORDER:
        lw_reorder_words(S, sy, &f, tn, buf, len);
        return;
    case LW_BE_ORDER:
        at(S, sy, f.Rb, a3, sizeof a3);
        at(S, sy, f.W, a4, sizeof a4);
        snprintf(buf, len, "Cause: program order. The daemon last loaded req_rear (%s) BEFORE it "
                 "announced sleep with need_wakeup = 1 (%s): a request published in between is seen "
                 "by neither side.", a3, a4);
        return;
    case LW_UNKNOWN:
        at(S, sy, f.P, a1, sizeof a1);
        at(S, sy, f.L, a2, sizeof a2);
        snprintf(buf, len, "Cause unknown. Evidence: %s stored req_rear at %s and loaded need_wakeup = "
                 "%llu at %s; the daemon %s need_wakeup = 1%s%s. No store was buffered across these "
                 "loads.", tn, a1, (unsigned long long)S->ev[f.L].val, a2, f.W >= 0 ? "stored" : "never stored",
                 f.W >= 0 ? " at " : "", f.W >= 0 ? (at(S, sy, f.W, a3, sizeof a3), a3) : "");
        return;
    default:
        lw_cpu_words(S, ctl, sy, &f, tn, buf, len);
    }
}

/* One participant's state, in words. */
static void state_words(const struct det_shm *S, int t, char *buf, size_t len)
{
    const struct det_thread *th = &S->t[t];
    const char *w = "?";
    switch (th->state) {
    case DT_DONE: w = (uint32_t)t < S->ncpus ? "done with its accesses" : "returned"; break;
    case DT_ENABLED: w = th->spinning ? "re-reading unchanged memory" : "runnable"; break;
    case DT_BLOCKED:
        w = th->block == DB_SLEEP ? "asleep, waiting for an IPI"
          : th->block == DB_HC_WAIT ? "idle, no FINISH_REQ pending"
          : th->block == DB_HC_SERVE ? "waiting for its FINISH_REQ to be served"
          : th->block == DB_SYNC ? "blocked in a pthread lock, cond_wait or join" : "blocked";
        break;
    default: w = "not started"; break;
    }
    char tn[32];
    snprintf(buf, len, "%s %s", det_thread_name(S, t, tn, sizeof tn), w);
}

void det_explain_stuck(const struct det_shm *S, const struct hvsim_ctl *ctl, struct det_syms *sy,
                       int t, uint32_t key, uint64_t val, int missed, char *buf, size_t len)
{
    char tn[32], what[64], where[96] = "", others[400] = "";
    det_thread_name(S, t, tn, sizeof tn);
    if (key < HVSIM_BRIDGE_PAGE)
        det_field_name(key, what, sizeof what);
    else if (key == 0xfffffff0u)
        snprintf(what, sizeof what, "the clock (a sleep loop)");
    else
        snprintf(what, sizeof what, "a private word (a lock or flag of its own process)");
    if (t >= 0 && S->t[t].last_pc && sy) {
        char l[80];
        det_syms_line(sy, S->t[t].proc == 1, S->t[t].last_pc, l, sizeof l);
        snprintf(where, sizeof where, " at %s", l);
    }
    size_t o = 0;
    for (uint32_t i = 0; i < S->nthreads && o < sizeof others; i++) {
        if ((int)i == t)
            continue;
        char sw[96];
        state_words(S, (int)i, sw, sizeof sw);
        int w = snprintf(others + o, sizeof others - o, "%s%s", o ? ", " : "", sw);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    uint32_t front, rear;
    memcpy(&front, S->G + OFF_FRONT, 4);
    memcpy(&rear, S->G + OFF_REAR, 4);
    char ring[96];
    if (front == rear)
        snprintf(ring, sizeof ring, "the request ring is empty (req_front = req_rear = %u)", front);
    else
        snprintf(ring, sizeof ring, "the request ring holds %u request(s) (req_front %u, req_rear %u)",
                 hvsim_ring_count(front, rear), front, rear);
    char cause[400] = "";
    /* a CPU waiting for its answer: did one come, and when? */
    if (t >= 0 && (uint32_t)t < S->ncpus && key >= 1552 && key < 1808 && (key - 1552) / 8 == (uint32_t)t) {
        uint64_t now = 0, before = ctl->cpu[t].flag_before;
        memcpy(&now, S->G + key, 8);
        if (now != before && now == val && !missed)
            snprintf(cause, sizeof cause, " The answer came (%s went %llu -> %llu) and the CPU saw "
                     "it, yet it keeps waiting: its loop's exit condition asks for something the "
                     "protocol never gives.", what, (unsigned long long)before, (unsigned long long)now);
        else if (now != before && now == val)
            snprintf(cause, sizeof cause, " It waits for %s to change from %llu, but the answer had "
                     "already arrived: the flag was %llu when the guest access trapped and was %llu "
                     "by the time the CPU sampled the value it waits to see change (a missed answer: "
                     "sample the old flag before publishing the request).", what,
                     (unsigned long long)val, (unsigned long long)before, (unsigned long long)now);
        else if (now == before)
            snprintf(cause, sizeof cause, " No answer came: %s is still %llu, as when the access "
                     "trapped, and %s — the request was consumed or lost without an answer.",
                     what, (unsigned long long)now, front == rear ? "no request is pending" :
                     "requests are still pending");
    }
    if (t == (int)S->hc_tid && S->t[S->be_tid].state == DT_BLOCKED &&
        S->t[S->be_tid].block == DB_HC_SERVE)
        snprintf(cause, sizeof cause, " The daemon waits in its FINISH_REQ hypercall and the "
                 "hypervisor's FINISH_REQ handler never returns: it re-reads %s there, so the "
                 "daemon stops serving and the ring behind it fills.", what);
    else if (t == (int)S->be_tid && front != rear)
        snprintf(cause, sizeof cause, " The daemon stopped serving: it re-reads %s there instead "
                 "of draining the ring, and every CPU with a request in it waits.", what);
    snprintf(buf, len, "%s keeps re-reading %s (= %llu)%s and nothing can change it: %s; %s.%s",
             tn, what, (unsigned long long)val, where, others[0] ? others : "no other participant",
             ring, cause);
}
