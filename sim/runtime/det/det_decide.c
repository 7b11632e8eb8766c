/* sim/runtime/det/det_decide.c — the scheduler's decision at a point: who
 * runs next or which buffer drains (the schedule prefix first, then the
 * strategy: random walk, PCT, DFS/replay default), the spinners' turns,
 * the limits, and judging the end state when nothing can change any more. */
#include "det_rt_int.h"
#include "runtime/common/futex.h" /* splitmix64 */
#include <stdio.h>
#include <string.h>

static uint64_t rnd(void) { return splitmix64(&det_S->rng); }

/* Nothing can change any more: every buffer is drained and the threads
 * still enabled (if any) are spinners nobody will release.  Judge the end
 * state; the supervisor puts it into words (det_engine.c). */
void det_rt_judge(void)
{
    struct det_shm *S = det_S;
    int cpus_done = 1, spinner = -1;
    for (uint32_t i = 0; i < S->ncpus; i++)
        if (S->t[i].state != DT_DONE)
            cpus_done = 0;
    for (uint32_t i = 0; i < S->nthreads && spinner < 0; i++)
        if (S->t[i].state == DT_ENABLED)
            spinner = (int)i;
    uint32_t front, rear;
    memcpy(&front, S->G + 0, 4);
    memcpy(&rear, S->G + 4, 4);
    struct det_thread *be = &S->t[S->be_tid];
    int be_asleep = be->state == DT_BLOCKED && be->block == DB_SLEEP;
    char why[256];
    /* Work pending with nobody to do it is judged before "CPUs done". */
    if (be_asleep && front != rear && S->ipi_sent == S->ipi_consumed) {
        snprintf(why, sizeof why, "daemon asleep with %u request(s) pending (front %u, rear %u), "
                 "no IPI in flight (sent %u = consumed %u)",
                 hvsim_ring_count(front, rear), front, rear, S->ipi_sent, S->ipi_consumed);
        det_rt_end_exec(V_LOST_WAKEUP, -1, front, rear, why);
    } else if (cpus_done && front == rear) {
        /* a daemon that keeps polling an empty ring after the workload is no bug */
        det_rt_end_exec(V_PASS, -1, 0, 0, "all CPUs completed their accesses");
    } else if (spinner >= 0) {
        struct det_thread *t = &S->t[spinner];
        snprintf(why, sizeof why, "only re-reading threads are left and none of them writes "
                 "(%llu scheduling points without a write by anyone)",
                 (unsigned long long)S->quiet_points);
        det_rt_end_exec(V_LIVELOCK, spinner, t->spin_key, t->spin_val, why);
    } else {
        if (cpus_done)
            snprintf(why, sizeof why, "no participant can run: the CPUs are done but %u request(s) "
                     "are left in the ring (req_front %u, req_rear %u) and the daemon %s",
                     hvsim_ring_count(front, rear), front, rear,
                     be->state == DT_DONE ? "has returned" : "cannot run");
        else
            snprintf(why, sizeof why, "no participant can run and the CPUs are not done");
        det_rt_end_exec(V_DEADLOCK, -1, front, rear, why);
    }
}

/* ---- choosing ------------------------------------------------------------- */
static int default_choice(uint64_t cand, int cur)
{
    if (cur >= 0 && (cand >> cur & 1))
        return cur;
    return __builtin_ctzll(cand);
}

static int pick_nth(uint64_t mask, uint64_t n)
{
    for (int i = 0; i < 64; i++)
        if (mask >> i & 1) {
            if (!n)
                return i;
            n--;
        }
    return -1;
}

/* One decision; returns the action. */
static int choose(uint64_t cand, uint64_t bufs, int cur)
{
    struct det_shm *S = det_S;
    uint64_t opts = cand | (bufs << DET_ACT_DRAIN);
    uint32_t step = S->step;
    if (step < S->prefix_len) {
        int a = S->prefix[step];
        if (a != DET_ACT_DEFAULT && a < 64 && (opts >> a & 1))
            return a;
        if (!S->prefix_soft && a != DET_ACT_DEFAULT)
            S->diverged = 1;
        return default_choice(cand, cur);
    }
    switch (S->strategy) {
    case DET_RANDOM:
        if (bufs && rnd() % 1000 < S->drain_permille)
            return DET_ACT_DRAIN + pick_nth(bufs, rnd() % (uint64_t)__builtin_popcountll(bufs));
        /* a random walk that switches at a per-execution rate (1/1 .. 1/16
         * by seed): a uniform switch at every access mostly measures the
         * token handoff, and a lower rate reaches deeper interleavings */
        if (cur >= 0 && (cand >> cur & 1) && rnd() % 1000 >= S->switch_permille)
            return cur;
        return pick_nth(cand, rnd() % (uint64_t)__builtin_popcountll(cand));
    case DET_PCT: {
        if (bufs && rnd() % 1000 < S->drain_permille)
            return DET_ACT_DRAIN + pick_nth(bufs, rnd() % (uint64_t)__builtin_popcountll(bufs));
        int best = -1;
        for (int i = 0; i < (int)S->nthreads; i++)
            if ((cand >> i & 1) && (best < 0 || S->t[i].prio > S->t[best].prio))
                best = i;
        return best;
    }
    default: /* dfs beyond its prefix, replay past its end: no preemption, lazy
              * drains; dpor: nothing its sleep set holds (det_sleep.c) */
        return det_rt_slp_steer(cand, bufs, default_choice(cand, cur));
    }
}

/* PCT: at a change point the running thread is demoted below every
 * initial priority (pct_ncp is 0 for the other strategies). */
void det_rt_pct_change_point(int cur)
{
    struct det_shm *S = det_S;
    for (uint32_t i = 0; i < S->pct_ncp; i++)
        if (S->points == S->pct_cp[i])
            S->t[cur].prio = i + 1;
}

/* Only spinners are left: the current one runs on for its turn, then the
 * next one in index order (a fixed rule, not a logged choice: the order in
 * which pure readers read does not matter). */
static int spinner_turn(uint64_t en, int cur)
{
    struct det_shm *S = det_S;
    if (cur >= 0 && (en >> cur & 1) && S->spin_turn < det_rt_spin_turn_len(S)) {
        S->spin_turn++;
        return cur;
    }
    S->spin_turn = 0;
    for (uint32_t k = 1; k <= S->nthreads; k++) {
        int i = (int)((uint32_t)(cur < 0 ? 0 : cur) + k) % (int)S->nthreads;
        if (en >> i & 1) {
            if (i != cur)
                S->switches++;
            return i;
        }
    }
    return __builtin_ctzll(en);
}

static void timeout(int cur, const char *what, unsigned long long n)
{
    char why[160];
    snprintf(why, sizeof why, "no verdict within %llu %s (a scenario's det-max-%s raises it)", n,
             what, what[0] == 'd' ? "decisions" : "points");
    det_rt_end_exec(V_TIMEOUT, cur, 0, 0, why);
}

/* Drain every store buffer (a buffer drains eventually: fairness); 1 when
 * one held something. */
static int drain_everyone(struct det_shm *S)
{
    int drained = 0;
    for (uint32_t i = 0; i < S->nthreads; i++)
        if (S->t[i].sb_n) {
            det_rt_drain_all((int)i);
            drained = 1;
        }
    return drained;
}

/* Decide who runs next after a point of 'cur' (the holder). Drains happen
 * here too.  Returns the thread to run, or -1 if the execution ended.
 * Only real choices (two or more options) are logged and count as
 * decisions: a forced step is the same in every run, so a schedule string
 * stays short however long the execution. */
int det_rt_decide(int cur)
{
    struct det_shm *S = det_S;
    if (S->strategy == DET_PCT)
        det_rt_pct_change_point(cur);
    for (;;) {
        if (S->points >= S->max_points) {
            timeout(cur, "points", (unsigned long long)S->max_points);
            return -1;
        }
        if (S->step >= S->max_steps) {
            timeout(cur, "decisions", S->max_steps);
            return -1;
        }
        if (S->progress_points >= S->quiet_max) {
            /* nobody wrote or called the platform for quiet_max points: the
             * protocol stands still — unless a buffered store's drain shows
             * a poller what it waits for: then quiet_max points more */
            if (drain_everyone(S)) {
                S->progress_points = 0;
                continue;
            }
            det_rt_judge();
            return -1;
        }
        uint64_t en = 0, cand = 0, bufs = 0;
        for (uint32_t i = 0; i < S->nthreads; i++) {
            const struct det_thread *t = &S->t[i];
            if (t->state == DT_ENABLED) {
                en |= 1ull << i;
                if (!t->spinning)
                    cand |= 1ull << i;
            }
            if (t->sb_n)
                bufs |= 1ull << i;
        }
        if (!cand) {
            if (bufs) { /* fairness: a store buffer drains eventually */
                drain_everyone(S);
                continue;
            }
            if (!en || S->quiet_points >= S->quiet_max) {
                det_rt_judge();
                return -1;
            }
            S->spin_only = 1;
            return spinner_turn(en, cur);
        }
        S->spin_only = 0;
        S->spin_turn = 0;
        int a;
        if (!bufs && !(cand & (cand - 1))) {
            a = __builtin_ctzll(cand); /* forced */
        } else {
            a = choose(cand, bufs, cur);
            struct det_logent *l = &S->log[S->step];
            l->opts = cand | (bufs << DET_ACT_DRAIN);
            l->chosen = (uint8_t)a;
            l->cur = (uint8_t)(cur < 0 ? 0 : cur);
            l->cur_cand = (uint8_t)(cur >= 0 && ((cand >> cur) & 1));
            l->kind = 0; /* not a stale value choice of an earlier execution */
            S->step++;
            S->nlog = S->step;
        }
        if (a >= DET_ACT_DRAIN) {
            if (wmm_on(S))
                det_wmm_drain(a - DET_ACT_DRAIN, 1);
            else
                det_rt_drain_head(a - DET_ACT_DRAIN);
            continue;
        }
        if (a != cur) {
            if (cur >= 0 && ((cand >> cur) & 1))
                S->preemptions++;
            S->switches++;
        }
        return a;
    }
}

