/* sim/engine/det/det_dpor.c — source-DPOR bookkeeping (Abdulla, Aronis,
 * Jonsson, Sagonas, POPL'14, as Nidhugg does it), with sleep sets.
 *
 * Pure functions over one execution's decision log and trace: which logged
 * decisions race, and which action each race adds to the backtrack set of
 * the earlier decision.  Unit-tested in tests/unit/test_det_dpor.c.
 *
 * A transition is what follows one logged run/drain decision up to the next
 * one: the events whose step lies after it (forced, unlogged switches and
 * the value choices of arm/riscv stay inside it; value choices themselves
 * are explored exhaustively by det_sched.c, never reduced).  Its footprint
 * (det_dpor_fp.c) is summarised once; two transitions are dependent when
 * their footprints conflict.  Over-approximating dependence
 * only costs executions, so whatever is not classified is dependent.
 */
#include "det_dpor_int.h"
#include <stdlib.h>
#include <string.h>

/* The run/drain decisions of the log (value choices are not transitions). */
static uint32_t collect_nodes(const struct det_logent *log, uint32_t nlog, uint32_t *node)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < nlog; i++)
        if (!log[i].kind)
            node[k++] = i;
    return k;
}


/* Source-DPOR's initials: the first transitions of notdep(i).j that no
 * earlier transition of that sequence happens before (j's: the racing
 * actor jx, which may be a forced step after the chosen one).  At most
 * max of them; fewer is still a subset to pick from.  Source sets may take
 * any of them; those that happen before j (or are j) come first, so the
 * branch starts the reversal itself.  A bystander — a thread whose steps
 * in between meet nothing, such as the hypercall thread's start — is an
 * initial too, and taken first it made a subtree that showed again what
 * its sibling did (arm verify_2x1 at bound 8: 3,755 executions, no new
 * execution graph). */
static int initials(const uint64_t *hb, size_t w, uint32_t i, uint32_t j, const struct xact *xs,
                    struct xact jx, struct xact *I, int max)
{
    int nI = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t k = i + 1; k <= j && nI < max; k++) {
            if (k < j && BS_GET(&hb[(size_t)k * w], i))
                continue; /* after i: not in v */
            int needed = k == j || BS_GET(&hb[(size_t)j * w], k);
            if (needed != !pass)
                continue;
            int first = 1;
            for (uint32_t q = i + 1; q < k && first; q++)
                if (!BS_GET(&hb[(size_t)q * w], i) && BS_GET(&hb[(size_t)k * w], q))
                    first = 0;
            if (first)
                I[nI++] = k == j ? jx : xs[k];
        }
    return nI;
}

/* Is one of the initials explored or scheduled at node i already (bt: its
 * actions; x: its granules, NULL: actions only)? */
static int covered(const struct xact *I, int nI, uint64_t bt, const struct det_dfs_node *x)
{
    for (int k = 0; k < nI; k++)
        if ((bt >> (I[k].act & 63) & 1) &&
            (I[k].g < 0 || !x || det_gw_has(x, I[k].act - DET_ACT_DRAIN, I[k].g)))
            return 1;
    return 0;
}

/* Schedule one initial the decision could take; when it could take none
 * (blocked, spinning, not yet created, no entry on that granule): every
 * option there, as classic DPOR does. */
static void schedule(const struct xact *I, int nI, const struct det_logent *li, uint64_t *bt,
                     struct det_dfs_node *x)
{
    static int last = -1;
    if (last < 0)
        last = getenv("HVSIM_DPOR_LAST") != NULL;
    for (int q = 0; q < nI; q++) {
        int k = last ? nI - 1 - q : q;
        if (li->opts >> (I[k].act & 63) & 1) {
            *bt |= 1ull << (I[k].act & 63);
            if (x && I[k].g >= 0)
                det_gw_put(x, I[k].act - DET_ACT_DRAIN, I[k].g, 0);
            return;
        }
    }
    *bt |= li->opts;
    if (x)
        x->gw_all = 1;
}

/* The race of segments i and j (jx: j's step to try first): unless the
 * decision of i explores one of the reversal's initials already, one of
 * them is scheduled there (hb: the happens-before initials are read from). */
static void reverse(struct det_dfs *d, const struct det_logent *log, const uint32_t *node, const uint64_t *hb,
                    size_t w, uint32_t i, uint32_t j, const struct xact *xs, struct xact jx, uint64_t *bt)
{
    struct xact I[32];
    struct det_dfs_node *x = d ? &d->st[node[i]] : NULL;
    int nI = initials(hb, w, i, j, xs, jx, I, 32);
    if (!covered(I, nI, bt[node[i]], x))
        schedule(I, nI, &log[node[i]], &bt[node[i]], x);
}

/* A wait whose end took a newer message than the commit its first read
 * raced with (det_dpor_await.c granule_turns, 2): the segments of the
 * end's message's commit (ci) and of the end (ej). */
struct moved {
    uint32_t ci, ej;
    struct xact jx; /* ej's step to try first (act < 0: its segment's) */
};
#define MOVED_MAX 256

/* arm/riscv: the races of waits moved to their ends (mv, nmv), once
 * happens-before is known: the end's read before the commit of the
 * message it took.  Placed there the end reads the newest message older
 * than that, and so on down to the commit the first read raced with: the
 * first read's reversal less the turns.  An exit re-read starts no race
 * of its own (det_dpor_rx.c), so this one is added as a race's would be;
 * when the two segments are ordered through a third, no reversal puts
 * the read before the commit: -1, find the races again without moving. */
static int moved_races(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
                       const struct moved *mv, uint32_t nmv, const uint64_t *hb, const uint64_t *hbi,
                       const uint64_t *raced, size_t w, const struct xact *xs, uint64_t *bt)
{
    for (uint32_t k = 0; k < nmv; k++) {
        uint32_t ci = mv[k].ci, ej = mv[k].ej;
        int ordered = ci >= ej; /* (an exit re-read's footprint leaves its read out: no edge of its own) */
        for (uint32_t q = ci + 1; q < ej && !ordered; q++)
            ordered = BS_GET(&hb[(size_t)q * w], ci) && BS_GET(&hb[(size_t)ej * w], q);
        if (ordered)
            return -1;
        if (BS_GET(&raced[(size_t)ej * w], ci))
            continue; /* a race of its own already */
        reverse(d, log, node, hbi, w, ci, ej, xs, mv[k].jx.act >= 0 ? mv[k].jx : xs[ej], bt);
    }
    return 0;
}

/* The waits' races to move (moved_races) and the pairs that raced
 * directly (raced[j]: segments i), kept while find_races runs; none when
 * *move is 0 or memory is short (then *move becomes 0). */
struct moves {
    struct moved *mv;
    uint64_t *raced;
    uint32_t n;
};

static void moves_open(struct moves *m, int *move, uint32_t n, size_t w)
{
    m->n = 0;
    m->mv = *move ? malloc(MOVED_MAX * sizeof *m->mv) : NULL;
    m->raced = m->mv ? calloc((size_t)(n ? n : 1) * w, sizeof *m->raced) : NULL;
    if (!m->raced) {
        free(m->mv);
        m->mv = NULL;
        *move = 0;
    }
}

/* Keep a wait's race the await rule moved (dpor_await_turn's at: 2, the
 * end and the commit of the message it took; 3, the end and the commit
 * that lands after it, whose step then comes first); *move -1 when there
 * are too many to keep. */
static void moves_note(struct moves *m, int at, int32_t end, int32_t took, const struct evseg *es,
                       const struct tfp *fps, const struct xact *xs, int model, int *move)
{
    if (at < 2)
        return;
    if (m->n == MOVED_MAX) {
        *move = -1; /* find the races again without moving */
        return;
    }
    uint32_t ce = (uint32_t)es->seg[end], cw = (uint32_t)es->seg[took];
    if (at == 2)
        m->mv[m->n++] = (struct moved){ cw, ce, { -1, -1 } };
    else
        m->mv[m->n++] = (struct moved){ ce, cw, dpor_tfp_race(&fps[ce], &fps[cw], xs[cw], model) };
}

/* Every segment's summary (fpsum_may_meet), or NULL: no summary. */
static struct fpsum *fpsums(const struct tfp *fps, uint32_t n)
{
    struct fpsum *sum = malloc((n ? n : 1) * sizeof *sum);
    for (uint32_t k = 0; sum && k < n; k++)
        fpsum_of(&sum[k], &fps[k].all);
    return sum;
}

/* dpor_tfp_dep of segments i and j, asking their summaries first. */
static int pair_dep(const struct fpsum *sum, const struct tfp *fps, uint32_t i, uint32_t j, int model)
{
#ifdef FPSUM_CHECK /* a check build: the summary never skips a dependent pair */
    if (sum && !fpsum_may_meet(&sum[i], &sum[j]) && det_fp_dependent_in(&fps[i].all, &fps[j].all, 1))
        abort();
#endif
    return (!sum || fpsum_may_meet(&sum[i], &sum[j])) && dpor_tfp_dep(&fps[i], &fps[j], model);
}

/* j's happens-before row hj gets segment i and i's row hi; cov, the rows
 * merged into hj so far, too.  ordered (i in cov): i is in the row of a
 * later segment merged already, which holds hi (rows are closed), so the
 * merge would change nothing. */
static void hb_merge(uint64_t *hj, const uint64_t *hi, uint64_t *cov, size_t w, uint32_t i, int ordered)
{
#ifdef HB_CHECK /* a check build (make check-dpor-exact): it changes nothing indeed */
    for (size_t q = 0; ordered && q < w; q++)
        if ((hi[q] & ~hj[q]) || (hi[q] & ~cov[q]) || !BS_GET(hj, i))
            abort();
#endif
    if (ordered)
        return;
    BS_SET(hj, i);
    for (size_t q = 0; q < w; q++) {
        hj[q] |= hi[q];
        cov[q] |= hi[q];
    }
}

/* Every race of the execution adds to bt (source sets); d: the granules.
 * Over segments (see segments()): node[i] is segment i's decision.
 * *move: arm/riscv, move the races of waits whose end took a newer
 * message to their ends (moved_races); set to -1 when one cannot be. */
static int find_races(struct det_dfs *d, const struct det_logent *log, const uint32_t *node, uint32_t n,
                      const struct tfp *fps, const struct xact *xs, const uint64_t *pol, uint64_t *hb,
                      uint64_t *cov, size_t w, int model, uint64_t *bt, const struct evseg *es, int *move)
{
    int races = 0;
    struct moves m;
    moves_open(&m, move, n, w);
    /* arm/riscv: happens-before less view-only edges, for initials (view_only) */
    uint64_t *hb2 = model >= DM_ARM && !getenv("HVSIM_DPOR_NO_VIEWFREE") ? calloc((size_t)(n ? n : 1) * w, sizeof *hb2)
                                                                        : NULL;
    /* await loops' failed turns (det_dpor_await.c; arm/riscv with the
     * messages the turns took); HVSIM_DPOR_NO_AWAIT turns the rule off */
    int await = !getenv("HVSIM_DPOR_NO_AWAIT"), wmm = model == DM_ARM || model == DM_RISCV;
    /* a read and a later commit that leaves its value (det_dpor_dominate.c) */
    int dominate = wmm && !getenv("HVSIM_DPOR_NO_DOMINATE");
    /* a view raise no later read observes (det_dpor_observe.c) */
    struct observe ob;
    int obs = wmm && !getenv("HVSIM_DPOR_NO_OBSERVE") && !dpor_observe_init(&ob, es->ev, es->nev, es->seg, n);
    struct fpsum *sum = fpsums(fps, n);
    for (uint32_t j = 0; j < n; j++) {
        uint64_t *hj = &hb[(size_t)j * w];
        memset(cov, 0, w * sizeof *cov);
        const struct det_fp *jq = hb2 || obs ? dpor_views_stripped(&fps[j]) : NULL;
        for (int64_t i = (int64_t)j - 1; i >= 0; i--) {
            /* pol: threads whose later steps come after segment i, no race */
            int po = (pol[i] & fps[j].all.who) != 0;
            if (!po && !pair_dep(sum, fps, (uint32_t)i, j, model))
                continue;
            int vo = !po && (hb2 || obs) && dpor_view_only(&fps[i], jq);
            if (vo && obs && !(fps[i].all.who & fps[j].all.who) &&
                dpor_unobserved(&ob, (uint32_t)i, j, &fps[i].all, fps[j].all.who))
                continue; /* no race, no happens-before */
            uint64_t *hi = &hb[(size_t)i * w];
            int ordered = BS_GET(cov, (uint32_t)i); /* i -> k -> j for a later k */
            /* an await loop's failed turn and the write that ends it
             * are not ordered at all (the turn is as if not there) */
            int32_t end = -1, took = -1;
            int at = !ordered && !po && await ? dpor_await_turn(es, (uint32_t)i, j, wmm, m.mv ? &end : NULL, &took) : 0;
            moves_note(&m, at, end, took, es, fps, xs, model, move);
            if (at)
                continue;
            if (!ordered && !po && dominate && dpor_dominated_read(es, (uint32_t)i, j))
                continue;
            hb_merge(hj, hi, cov, w, (uint32_t)i, ordered);
            if (hb2 && !vo) {
                uint64_t *h2j = &hb2[(size_t)j * w], *h2i = &hb2[(size_t)i * w];
                BS_SET(h2j, (uint32_t)i);
                for (size_t q = 0; q < w; q++)
                    h2j[q] |= h2i[q];
            }
            if (ordered || po)
                continue;
            /* steps of one thread (or one buffer, FIFO): program order, no race */
            struct xact jx = dpor_tfp_race(&fps[i], &fps[j], xs[j], model);
            if (jx.act < 0)
                continue;
            races++;
            if (m.raced)
                BS_SET(&m.raced[(size_t)j * w], (uint32_t)i);
            reverse(d, log, node, hb2 ? hb2 : hb, w, (uint32_t)i, j, xs, jx, bt);
            if (model == DM_TSO)
                dpor_drain_before_the_step(es, xs, node, (uint32_t)i, j, hb, w, &log[node[i]], &bt[node[i]]);
        }
    }
    if (m.n && *move > 0 && moved_races(d, log, node, m.mv, m.n, hb, hb2 ? hb2 : hb, m.raced, w, xs, bt) < 0)
        *move = -1;
    free(m.mv);
    free(m.raced);
    free(hb2);
    free(sum);
    if (obs)
        dpor_observe_free(&ob);
    return races;
}

/* find_races with the waits' races moved to their ends under arm/riscv
 * (moved_races).  Moving may fail after bt has grown: then again from bt
 * as it was, without moving (granules det_gw_put noted stay: more to
 * explore, never less). */
static int all_races(struct det_dfs *d, const struct det_logent *log, uint32_t nlog, const uint32_t *node,
                     uint32_t n, const struct tfp *fps, const struct xact *xs, const uint64_t *pol, uint64_t *hb,
                     uint64_t *cov, size_t w, int model, uint64_t *bt, const struct evseg *es)
{
    int move = model >= DM_ARM && !getenv("HVSIM_DPOR_NO_MOVE");
    uint64_t *bt0 = move ? malloc((nlog ? nlog : 1) * sizeof *bt0) : NULL;
    if (bt0)
        memcpy(bt0, bt, nlog * sizeof *bt0);
    else
        move = 0;
    int races = find_races(d, log, node, n, fps, xs, pol, hb, cov, w, model, bt, es, &move);
    if (move < 0) {
        memcpy(bt, bt0, nlog * sizeof *bt);
        memset(hb, 0, (size_t)(n ? n : 1) * w * sizeof *hb);
        move = 0;
        races = find_races(d, log, node, n, fps, xs, pol, hb, cov, w, model, bt, es, &move);
    }
    free(bt0);
    return races;
}

static void transition_xacts(struct det_dfs *d, const struct det_logent *log, const uint32_t *node,
                             uint32_t n, const struct tfp *fps, struct xact *xs)
{
    uint32_t p = d && d->plen ? d->plen - 1 : 0;
    for (uint32_t k = 0; k < n; k++) {
        int a = log[node[k]].chosen;
        xs[k].act = (int16_t)a;
        xs[k].g = -1;
        if (a >= DET_ACT_DRAIN && fps[k].cg1 && fps[k].ct == a - DET_ACT_DRAIN) {
            xs[k].g = (int16_t)(fps[k].cg1 - 1);
            if (d && node[k] >= p)
                det_gw_put(&d->st[node[k]], a - DET_ACT_DRAIN, xs[k].g, 1);
        }
    }
}

/* Segments.  After the chosen step the runtime may run other threads'
 * steps before the next decision (forced: no other thread could run), and
 * they belong to the same transition.  Happens-before and races are found
 * per segment, a transition's events split where the thread changes: a
 * forced step is not ordered after what the chosen step depends on, and a
 * race between the chosen step and a forced one of the same transition is
 * reversed at its decision (the litmus crosscheck, test_litmus_dpor.sh,
 * found both missing).  A race whose earlier step is forced is reversed
 * at its transition's decision, as before.
 * A thread's drains (commits) inside a step are a segment of their own,
 * with a drain of that buffer as its action: a store left buffered until
 * a fence or the thread's end may have drained at any decision before, and
 * only the drain, not the thread's step, reverses its race with another
 * thread (SB: r0 = r1 = 1 needs both drains before both loads).  Its own
 * thread's later steps are ordered after it (pol: the step that forced it
 * completes only once it is done) without a race.  Under arm/riscv the
 * commits that open a step other than the thread's end (an RMW's, a
 * private atomic's) stay part of that step: split off, verify_1x1 under
 * riscv went from 4,558 to more than 300,000 executions, with no new
 * behaviour (docs/det-engine.md); measured again with the fences' runs
 * split by store, verify_1x2 under arm did not end in 300 s (137,870
 * executions; 11,868 without) and verify_2x1 took 101,901 (10,338).
 * tr[k]: the transition of event k, or -1; seg[k]: its segment; returns
 * the number of segments, each with its transition (st), 1 in forced
 * when it is not the chosen action's first run, and in pol the thread
 * whose later steps a drain segment comes before (a bit mask; 0: none). */
static uint32_t segments(const struct det_event *ev, uint32_t nev, uint32_t nlog, const int32_t *of,
                         const struct det_logent *log, const uint32_t *node, int32_t *tr, int32_t *seg,
                         int32_t *st, uint8_t *forced, uint64_t *pol, const uint8_t *ends, int wmm,
                         const int32_t *from)
{
    uint32_t ns = 0;
    int32_t last_t = -1, last_act = -1, last_c = -3;
    int lead = 0;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        uint32_t s = e->step;
        tr[k] = seg[k] = -1;
        if (!s || s > nlog || e->kind == EV_SWITCH || of[s - 1] < 0)
            continue; /* before the first decision: the same in every execution */
        int32_t t = of[s - 1], act = (e->tid & 31) + (e->kind == EV_DRAIN ? DET_ACT_DRAIN : 0);
        /* arm/riscv: commits that open their own thread's step (an RMW's
         * or a private atomic's) stay part of it, but for the thread's end */
        if (t != last_t)
            lead = act == log[node[t]].chosen + DET_ACT_DRAIN && wmm && !ends[t];
        else if (act < DET_ACT_DRAIN)
            lead = 0;
        if (lead)
            act -= DET_ACT_DRAIN;
        tr[k] = t;
        /* A run of drains splits where their stores' segments change (an
         * entry stored before a step may drain before it, one of the
         * step's own may not: own_drain_after in det_dpor_own.c).  Under
         * arm/riscv too, or a fence's commit of an old entry took the
         * happens-before of the newest one beside it: the daemon's
         * cfg_flags[0] = 1, stored before CPU 1 pushed, committed by the
         * release fence after it popped CPU 1's request, was ordered after
         * that push, so no reversal ever tried it before (verify_2p1 under
         * arm: 90 behaviours of sc's 204; tests/long/test_wmm_random_sample.sh).
         * A step's lead commits stay whole (see above). */
        int32_t c = from && e->kind == EV_DRAIN && act >= DET_ACT_DRAIN ? (from[k] >= 0 ? seg[from[k]] : -2) : -3;
        if (t == last_t && act == last_act && c != last_c && c != -3) {
            st[ns] = t;
            forced[ns] = 1;
            pol[ns] = pol[ns - 1];
            ns++;
        } else if (t != last_t || act != last_act) {
            st[ns] = t;
            forced[ns] = t == last_t || act != log[node[t]].chosen;
            /* drains inside their own thread's step, right after its
             * events (a fence, a seq_cst store) or opening it (an RMW, an
             * acquire load, the thread's end): forced by that step, which
             * completes only once they are done */
            int own = act >= DET_ACT_DRAIN && (t == last_t ? act == last_act + DET_ACT_DRAIN
                                                           : act == log[node[t]].chosen + DET_ACT_DRAIN);
            pol[ns] = own ? 1ull << (act - DET_ACT_DRAIN) : 0;
            ns++;
            last_t = t;
            last_act = act;
        }
        last_c = c;
        seg[k] = (int32_t)ns - 1;
    }
    return ns;
}

/* A segment's action: the decision's for the chosen run, else its
 * thread's (a drain of its buffer when that is what it did). */
static struct xact segment_xact(const struct det_event *ev, uint32_t k, const struct xact *xt, int32_t t,
                                int forced, int wmm)
{
    if (!forced)
        return xt[t];
    struct xact x = { (int16_t)(ev[k].tid & 31), -1 };
    if (ev[k].kind == EV_DRAIN) {
        x.act = (int16_t)(DET_ACT_DRAIN + x.act);
        if (wmm && ev[k].pkey && ev[k].off < HVSIM_BRIDGE_PAGE) /* its granule (actor_of) */
            x.g = (int16_t)(ev[k].off / WMM_GRAN);
    }
    return x;
}

/* ends[t]: transition t holds the end of the thread it chose (NULL: no memory) */
static uint8_t *thread_ends(const struct det_logent *log, uint32_t nlog, const uint32_t *node, uint32_t n,
                            const int32_t *of, const struct det_event *ev, uint32_t nev)
{
    uint8_t *ends = calloc(n ? n : 1, 1);
    for (uint32_t k = 0; ends && k < nev; k++)
        if (ev[k].kind == EV_DONE && ev[k].step && ev[k].step <= nlog && of[ev[k].step - 1] >= 0 &&
            log[node[of[ev[k].step - 1]]].chosen == (ev[k].tid & 31))
            ends[of[ev[k].step - 1]] = 1;
    return ends;
}

/* Which store each drain or commit event lands (dpor_fifo_origins,
 * dpor_wmm_origins); NULL under sc, or out of memory. */
static int32_t *origins(const struct det_event *ev, uint32_t nev, int model)
{
    int32_t *from = model >= DM_TSO ? malloc((nev + 1) * sizeof *from) : NULL;
    if (from && model == DM_TSO)
        dpor_fifo_origins(ev, nev, from);
    else if (from)
        dpor_wmm_origins(ev, nev, from);
    return from;
}

/* Segment q's events lie in [first[q], end[q]) (segment numbers never
 * fall along the trace; struct evseg). */
static void segment_ranges(const int32_t *seg, uint32_t nev, uint32_t ns, uint32_t *first, uint32_t *end)
{
    for (uint32_t q = 0; q < ns; q++)
        first[q] = nev, end[q] = 0;
    for (uint32_t k = 0; k < nev; k++)
        if (seg[k] >= 0) {
            if (first[seg[k]] == nev)
                first[seg[k]] = k;
            end[seg[k]] = k + 1;
        }
}

static int analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                   const struct det_event *ev, uint32_t nev, int model, uint64_t *bt)
{
    uint32_t *node = malloc((nlog + 1) * sizeof *node);
    int32_t *of = malloc((nlog + 1) * sizeof *of);
    uint32_t n = node ? collect_nodes(log, nlog, node) : 0;
    /* a full trace lost events (drains among them): nothing can be reduced */
    if (!node || !of || n > DET_DPOR_MAX_NODES || nev >= DET_MAX_EV) {
        free(node);
        free(of);
        return -1;
    }
    int32_t cur = -1;
    for (uint32_t i = 0, k = 0; i < nlog; i++) {
        if (k < n && node[k] == i)
            cur = (int32_t)k++;
        of[i] = cur;
    }
    size_t ne = nev + 1;
    struct tfp *fps = dpor_tfps_get(0, n);
    struct xact *xs = calloc(n ? n : 1, sizeof *xs);
    int32_t *tr = malloc(ne * sizeof *tr), *seg = malloc(ne * sizeof *seg), *st = malloc(ne * sizeof *st);
    int32_t *from = NULL; /* each drain's or commit's store (origins) */
    uint8_t *forced = malloc(ne);
    uint64_t *pol = malloc(ne * sizeof *pol);
    int races = -1;
    uint8_t *ends = fps && xs && tr && seg && st && forced && pol ? thread_ends(log, nlog, node, n, of, ev, nev) : NULL;
    if (!ends)
        goto out;
    from = origins(ev, nev, model);
    uint32_t ns = segments(ev, nev, nlog, of, log, node, tr, seg, st, forced, pol, ends, model >= DM_ARM, from);
    free(ends);
    dpor_wake_causes(ev, nev, seg, pol);
    dpor_build_fps(ev, nev, model, tr, from, fps);
    transition_xacts(d, log, node, n, fps, xs);
    if (d && dpor_sleep_walk(d, log, node, n, fps, bt, ev, nev, tr)) {
        races = -2;
        goto out;
    }
    if (ns > 2 * (uint32_t)DET_DPOR_MAX_NODES)
        goto out;
    size_t w = BS_WORDS(ns ? ns : 1);
    struct tfp *sfp = dpor_tfps_get(1, ns);
    struct xact *sx = calloc(ns ? ns : 1, sizeof *sx);
    uint32_t *snode = calloc(ns ? ns : 1, sizeof *snode);
    uint64_t *hb = calloc((size_t)(ns ? ns : 1) * w, sizeof *hb); /* hb[j]: segments before j */
    uint64_t *cov = calloc(w, sizeof *cov);
    uint32_t *sfirst = malloc((ns ? ns : 1) * sizeof *sfirst), *send = malloc((ns ? ns : 1) * sizeof *send);
    if (sfp && sx && snode && hb && cov && sfirst && send) {
        segment_ranges(seg, nev, ns, sfirst, send);
        dpor_build_fps(ev, nev, model, seg, from, sfp);
        for (uint32_t q = 0; q < ns; q++) { /* at the segment's first event */
            sx[q] = segment_xact(ev, sfirst[q], xs, st[q], forced[q], model >= DM_ARM);
            snode[q] = node[st[q]];
        }
        struct evseg es = { ev, nev, seg, sfp, sfirst, send };
        races = all_races(d, log, nlog, snode, ns, sfp, sx, pol, hb, cov, w, model, bt, &es);
        if (model >= DM_ARM && !getenv("HVSIM_DPOR_NO_MP"))
            dpor_commits_alone(d, log, snode, ns, sx, bt, &es);
    }
    dpor_tfps_put(1, sfp);
    free(sx);
    free(snode);
    free(hb);
    free(cov);
    free(sfirst);
    free(send);
out:
    free(from);
    dpor_tfps_put(0, fps);
    free(xs);
    free(tr);
    free(seg);
    free(st);
    free(forced);
    free(pol);
    free(node);
    free(of);
    return races;
}

int det_dpor_races(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                   uint32_t nev, int model, uint64_t *bt)
{
    return analyse(NULL, log, nlog, ev, nev, model, bt);
}

int det_dpor_analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                     const struct det_event *ev, uint32_t nev, uint64_t *bt)
{
    return analyse(d, log, nlog, ev, nev, d->model, bt);
}
