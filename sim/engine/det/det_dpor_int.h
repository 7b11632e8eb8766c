/* sim/engine/det/det_dpor_int.h — what the parts of the DPOR analysis
 * share: det_dpor.c (segments, races), det_dpor_fp.c (footprints,
 * dependence), det_dpor_sleep.c (sleep sets), det_dpor_own.c (tso: a
 * thread and its own buffer), det_dpor_rx.c (a spin loop's exit re-read),
 * det_dpor_wake.c (the IPI that wakes a sleeper), det_dpor_view.c (a
 * commit against a read less its reads and views), det_dpor_dominate.c
 * (a read and a later commit that leaves its value), det_dpor_mp.c (a
 * later commit alone before its step, for a reader of both),
 * det_dpor_observe.c (a view raise no later read observes). */
#ifndef HVSIM_DET_DPOR_INT_H
#define HVSIM_DET_DPOR_INT_H

#include "det.h"
#include "runtime/det/det_fp.h"

/* A transition holds the logged step and the forced steps after it, which
 * may be other threads' (one became the only candidate).  Races are between
 * the steps of different actors, so each transition keeps its actors'
 * footprints apart too; one with more than SUBMAX actors races as a whole.
 * Actors: thread t is t; its buffer under tso (and an arm/riscv RMW's
 * landing) 32+t; under arm/riscv each granule g of t's buffer is its own
 * actor, ACT_GRAN0 + t*ACT_NGRAN + g: entries on different granules commit
 * in any order the barriers allow (wmm_can_commit). */
#define SUBMAX 8
#define ACT_GRAN0 64
#define ACT_NGRAN ((int)WMM_NG)
struct tfp {
    struct det_fp all;           /* every step: happens-before */
    int nsub;                /* actors kept apart, -1: too many */
    uint16_t actor[SUBMAX];
    struct det_fp sub[SUBMAX];
    /* arm/riscv: an actor whose view one read raised to the timestamp of
     * the message it read: that message's commit (its buffer and barrier
     * mark, det_fp.cbar), when a traced commit; mark 0: none or not known */
    uint32_t vmark[SUBMAX], vts[SUBMAX]; /* vts: the message's timestamp */
    uint8_t vtid[SUBMAX];
    /* arm/riscv: the newest message (timestamp) an actor's first reads of
     * the bridge took, and whether one took a message not known (its own
     * buffer's bytes, or more than one granule) */
    uint32_t rts[SUBMAX];
    uint8_t runk[SUBMAX];
    uint8_t rpart[SUBMAX];  /* one of them was not offered every message (DET_RF_ALLC) */

    /* arm/riscv: the granules an actor's first reads and loop exit
     * re-reads of the bridge took before its first view raise
     * (newer_after_a_later_view) */
    uint64_t rpre[SUBMAX][WMM_NG / 64];
    /* ... and the granules its first reads took after a view raise of the
     * actor, or of their own step before they read (DET_RF_PRE) */
    uint64_t rpost[SUBMAX][WMM_NG / 64];
    /* arm/riscv: of an actor's commits, the newest segment (or
     * transition) that stored one of their entries (-2: none;
     * INT32_MAX: not known; det_dpor_own.c, own_commit_after) */
    int32_t smk[SUBMAX];
    int16_t cg1;             /* granule+1 of the first arm/riscv commit, 0: none */
    uint8_t ct;              /* whose buffer that was */
    /* tso, thread and buffer (dpor_tfp_dep: a store and its own drain):
     * idx, this one's index; ownx, it holds a step of its thread that
     * orders with its buffer's drains other than a load or a store joining
     * the buffer; mk, of its drains, the newest index that stored one of
     * their entries (-1: before every one; INT32_MAX: not known) */
    int32_t idx, mk;
    uint8_t ownx;
};

/* An action of a decision (as det_logent.chosen) and, for an arm/riscv
 * drain, the granule whose entry it commits (-1: not named). */
struct xact {
    int16_t act, g;
};

static inline int actor_thread(int a) { return a < 32 ? a : a < ACT_GRAN0 ? a - 32 : (a - ACT_GRAN0) / ACT_NGRAN; }

static inline struct xact actor_xact(int a)
{
    struct xact x = { (int16_t)(a < 32 ? a : DET_ACT_DRAIN + actor_thread(a)), -1 };
    if (a >= ACT_GRAN0)
        x.g = (int16_t)((a - ACT_GRAN0) % ACT_NGRAN);
    return x;
}

/* tso: the buffered store each drain event commits an entry of (from[k],
 * its event; -1 not known or no drain). */
void dpor_fifo_origins(const struct det_event *ev, uint32_t nev, int32_t *from);
/* arm/riscv: the same for each commit of a buffered entry, by granule
 * (each granule of a buffer is a FIFO of its own). */
void dpor_wmm_origins(const struct det_event *ev, uint32_t nev, int32_t *from);
/* arm/riscv: do thread actor i of a (earlier) and commit actor j of b
 * commute as a thread's later step and an older entry's commit? */
int dpor_own_commit_after(const struct tfp *a, int i, const struct tfp *b, int j);
/* arm/riscv: do commit actor i of a (earlier) and thread actor j of b, a
 * later step of that thread that does not touch the commit's granule,
 * commute (or does the step commit that entry itself)? */
int dpor_own_commit_before(const struct tfp *a, int i, const struct tfp *b, int j);
/* arm/riscv: is commit actor i of a (earlier) no race with actor j of b, a
 * read whose view rose from a message a's buffer committed behind it
 * (det_dpor_view.c)? */
int dpor_newer_after_a_later_view(const struct tfp *a, int i, const struct tfp *b, int j);
/* q less every view it raised (ov, rrv, and the flags that stand for one:
 * DF_ORDER, DF_RR, DF_RRB, DF_OWNV): what it touches but for what it observes. */
void dpor_strip_views(struct det_fp *q);
/* The footprint of every transition or segment (of[k]: the one event k
 * belongs to, -1 none; from: dpor_fifo_origins or NULL). */
/* The fields of a segment's footprint (fps[].all) that decide most pairs,
 * side by side: find_races asks every earlier segment of every segment,
 * and the footprints, 11 KiB apart, missed the cache on nearly every
 * pair (a quarter of the supervisor's time on riscv verify_2x2). */
struct fpsum {
    uint64_t who, bufs, cbufs, objs, rblk, wblk;
    uint32_t flags, cbar, wts, ov, rrv, npk;
};

static inline void fpsum_of(struct fpsum *s, const struct det_fp *f)
{
    *s = (struct fpsum){ f->who, f->bufs, f->cbufs, f->objs, f->rblk, f->wblk,
                         f->flags, f->cbar, f->wts, f->ov, f->rrv, f->npk };
}

/* 0 when det_fp_dependent_in(a, b, 1) is 0 for sure (it can only be 1
 * through one of these terms, or the bitsets its block masks name); 1:
 * ask it.  Private words count as a meeting here, unlike there. */
static inline int fpsum_may_meet(const struct fpsum *a, const struct fpsum *b)
{
    if ((a->flags | b->flags) & (DF_PRIV_R | DF_PRIV_W) || a->npk || b->npk || DET_FP_HEAD_MEETS(a, b, 1))
        return 1;
    return ((a->wblk & (b->wblk | b->rblk)) | (a->rblk & b->wblk)) != 0;
}

/* arm/riscv: is b's dependence on the earlier a only b's raised view
 * observing a's commits?  Such an edge orders b after a for races, but
 * not for the initials of a reversal (find_races, hb2): placed before
 * those commits, b raises its view less and its thread may read more,
 * never less (the model is monotone in views), so that reversal holds the
 * executions the edge would have asked for.  The two CPUs' request-lock
 * race on verify_2x1: the second CPU's acquire, a sync, observed the
 * daemon's first commits, which made the daemon the reversal's only
 * initial (11,368 of 21,830 executions under that branch, no graph the
 * rest did not show).  HVSIM_DPOR_NO_VIEWFREE=1 turns it off. */
static inline int dpor_view_only(const struct tfp *a, const struct det_fp *bq)
{
    return bq && !det_fp_dependent_in(&a->all, bq, 1);
}

struct evseg;
/* det_dpor_view.c: b's footprint less its raised views, for view_only
 * against every earlier segment (made once per b: it copies 1 KiB); NULL
 * when b raised no view (the dependence is something else). */
const struct det_fp *dpor_views_stripped(const struct tfp *b);
/* det_dpor_mp.c: at each segment of commits, a later commit of its run
 * tried alone before it for a reader of both (bt; d: the granules). */
void dpor_commits_alone(struct det_dfs *d, const struct det_logent *log, const uint32_t *node, uint32_t n,
                        const struct xact *xs, uint64_t *bt, const struct evseg *es);
/* det_dpor_pool.c: n empty footprints (which: 0 per transition, 1 per
 * segment), reused by the next analysis; give them back with put. */
struct tfp *dpor_tfps_get(int which, uint32_t n);
void dpor_tfps_put(int which, struct tfp *v);
void dpor_build_fps(const struct det_event *ev, uint32_t nev, int model, const int32_t *of, const int32_t *from,
                    struct tfp *fps);
/* Are transitions (or segments) a (earlier) and b (later) of one trace dependent
 * (happens-before)?  As their footprints say, less the pairs that commute
 * exactly (det_dpor_fp.c, read_of_older). */
int dpor_tfp_dep(const struct tfp *a, const struct tfp *b, int model);
/* Do steps of different actors in a and b conflict (under sc/tso a thread
 * and its own buffer never race)?  The action of b's conflicting step, or
 * act -1. */
struct xact dpor_tfp_race(const struct tfp *a, const struct tfp *b, struct xact b_chosen, int model);

#define BS_WORDS(n) (((n) + 63) / 64)
#define BS_GET(b, i) ((b)[(i) / 64] >> ((i) % 64) & 1)
#define BS_SET(b, i) ((b)[(i) / 64] |= 1ull << ((i) % 64))

/* The events of the trace with their segments, for a look inside one. */
struct evseg {
    const struct det_event *ev;
    uint32_t nev;
    const int32_t *seg;
    const struct tfp *fps;
    /* segment s's events lie in [first[s], end[s]) (segment numbers never
     * fall along the trace; -1 holes between): the rules that look at one
     * segment's events scan that range, not the trace */
    const uint32_t *first, *end;
};

/* det_dpor_own.c (tso): a drain's store and what orders with its drains
 * (mk, ownx of the tfp holding event k); whether a and b commute as a
 * thread and its own buffer; the buffer's head tried alone at segment
 * i's decision when the reversal of its race with j needs it (bt). */
void dpor_own_buffer_note(const struct det_event *ev, uint32_t k, const int32_t *of, const int32_t *from,
                          struct tfp *fps);
int dpor_own_commute(const struct tfp *a, const struct tfp *b);
void dpor_drain_before_the_step(const struct evseg *es, const struct xact *xs, const uint32_t *node, uint32_t i,
                                uint32_t j, const uint64_t *hb, size_t w, const struct det_logent *li, uint64_t *bt);
/* Does e change memory?  Under tso a store that joined its thread's
 * buffer does at its drain (det_dpor_await.c, det_dpor_rx.c). */
static inline int dpor_writes_memory(const struct det_event *e)
{
    if (e->kind == EV_DRAIN)
        return 1;
    return (e->kind == EV_WRITE || e->kind == EV_VWRITE || e->kind == EV_ASTORE || e->kind == EV_RMW) &&
           !(e->mo & DET_EV_BUFFERED);
}

/* Two accesses' locations: 1 the same (bytes, or private word by key);
 * 0 apart; -1 they overlap otherwise, or cannot be told (not followed). */
static inline int dpor_loc_cmp(const struct det_event *a, const struct det_event *b)
{
    if ((a->off == DET_FP_PRIV) != (b->off == DET_FP_PRIV))
        return 0;
    if (a->off == DET_FP_PRIV)
        return a->pkey && a->pkey == b->pkey ? (a->size == b->size ? 1 : -1) : (a->pkey && b->pkey ? 0 : -1);
    if (a->off >= HVSIM_BRIDGE_PAGE || b->off >= HVSIM_BRIDGE_PAGE || a->size == 255 || b->size == 255)
        return -1;
    if (a->off + a->size <= b->off || b->off + b->size <= a->off)
        return 0;
    return a->off == b->off && a->size == b->size ? 1 : -1;
}

/* det_dpor_await.c: is the race of segments i and j a write and the first
 * access of an await loop's failed turn that ends with that write?  wmm
 * (arm/riscv): the write is a commit and the turns' messages are checked. */
int dpor_await_turn(const struct evseg *es, uint32_t i, uint32_t j, int wmm, int32_t *end, int32_t *took);
/* det_dpor_dominate.c (arm/riscv): is every meeting of segments i and j a
 * read of i and a later commit of j whose message leaves the value read? */
int dpor_dominated_read(const struct evseg *es, uint32_t i, uint32_t j);
/* det_dpor_mp.c (arm/riscv): the segment of commits whose first event is
 * k0: the granules (gs, at most max; returns how many) of its later
 * commits to try alone before it, each taken by another thread before
 * an older commit's granule is met. */
int dpor_commit_alone_for_a_reader(const struct evseg *es, uint32_t k0, int *gs, int max);
/* det_dpor_observe.c (arm/riscv): what the trace's reads observe
 * (dpor_observe_init, -1 out of memory); does no read of segment j's
 * thread (who) from j on observe where its view rose against the commits
 * of an earlier segment i (footprint c)? */
struct observe {
    const struct det_event *ev;
    uint32_t nev, nts;
    uint64_t *fut;   /* per segment: granules its threads read from it on */
    uint32_t *first; /* per segment: its first event */
    int32_t *tsk;    /* per timestamp: its commit's event (-1: none traced) */
    int32_t *pg;     /* per commit event: the previous commit of its granule (-1: none) */
    const int32_t *seg; /* each event's segment (det_dpor.c segments) */
};
int dpor_observe_init(struct observe *o, const struct det_event *ev, uint32_t nev, const int32_t *seg, uint32_t ns);
void dpor_observe_free(struct observe *o);
int dpor_unobserved(const struct observe *o, uint32_t i, uint32_t j, const struct det_fp *c, uint64_t who);
/* det_dpor_wake.c: pol[segment of the IPI] gets the threads it woke */
void dpor_wake_causes(const struct det_event *ev, uint32_t nev, const int32_t *seg, uint64_t *pol);
/* det_dpor_sleep.c: walk the execution's decisions from the prefix's end
 * with the sleep sets; 1 when it took an asleep step (bt: the redirect) */
int dpor_sleep_walk(struct det_dfs *d, const struct det_logent *log, const uint32_t *node, uint32_t n,
                    const struct tfp *fps, uint64_t *bt, const struct det_event *ev, uint32_t nev,
                    const int32_t *tr);
/* det_dpor_view.c: does c conflict with r but for r's reads of c's granules
 * (reads) and r's raised views (views)?  Within one trace. */
int dpor_dependent_beyond(const struct det_fp *c, const struct det_fp *r, int reads, int views);
/* det_dpor_vsleep.c (arm/riscv): value-refined sleep sets.  What action a's
 * step in transition t read of the bridge: 1 when every first read took a
 * known message and was offered every one (*rts: the newest's timestamp) */
int dpor_vs_reads(const struct tfp *t, int a, uint32_t *rts);
/* Asleep step f of action a (reads as dpor_vs_reads said: rok, rts) and
 * transition t: -1 they do not commute; 0 they do; v > 0 they do as long as
 * the step reads the same messages, none at or above timestamp v */
int64_t dpor_vs_commute(const struct tfp *t, const struct det_fp *f, int a, int rok, uint32_t rts);
/* The granule + 1 all of f's reads are on (0: none or several, or private
 * memory too) */
uint32_t dpor_vs_granule(const struct det_fp *f);
/* The one load action a made in transition t, of granule g1-1 only, of a
 * known message: its event index; -1 none, another, or several */
int64_t dpor_vs_load(const struct det_event *ev, uint32_t nev, const int32_t *tr, uint32_t t, int a, uint32_t g1);
/* e, that load, of an action asleep for readings older than vmin: at its
 * value choice the options that name older messages are asleep */
void dpor_vs_mark(struct det_dfs *d, const struct det_logent *log, const struct det_event *e, uint32_t vmin);

/* det_dpor_rx.c: a loop's exit re-read e joins footprint f (dpor_rx_add);
 * another read of its bytes makes it plain (dpor_rx_unless_read); is r and
 * an earlier w's dependence only that read (dpor_rx_only); does r's step begin with
 * it, of what w wrote (dpor_rx_cause) */
void dpor_rx_add(struct det_fp *f, const struct det_event *e, int wmm);
/* sc/tso: did exit re-read k see the only change of its location since
 * its loop's turn before (one write of exactly its bytes)?  (arm/riscv: a
 * re-read's value choices hold the value between, det_dpor_rx.c) */
int dpor_rx_one_change(const struct det_event *ev, uint32_t k);
void dpor_rx_unless_read(struct det_fp *f, const struct det_event *e, int wmm);
int dpor_rx_only(const struct det_fp *r, const struct det_fp *w, int wmm);
int dpor_rx_cause(const struct det_fp *w, const struct det_fp *r, int wmm);

#endif
