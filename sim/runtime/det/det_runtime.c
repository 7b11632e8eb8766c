/* sim/runtime/det/det_runtime.c — hvsim's ThreadSanitizer-ABI runtime for the
 * deterministic engine (linked into the participants instead of libtsan).
 *
 * The code under test is compiled with -fsanitize=thread, so every memory
 * access calls __tsan_read, __tsan_write, __tsan_atomic (any size).  Accesses outside
 * the bridge page return at once (full speed).  An access to the bridge page,
 * an atomic, a seq_cst fence or a platform call is a SCHEDULING POINT.
 *
 * TOKEN PASSING.  Participants live in two processes (hv: CPU threads and
 * the hypercall thread; backend: the daemon) but only one runs at a time: the
 * one whose index is in det_shm.holder (the token).  At a scheduling point
 * the holder itself runs the scheduler (strategy state is in the shared
 * region, so any process can): it picks the next action — keep running,
 * let another participant run, or drain the oldest entry of some store
 * buffer — and logs the choice.  To pass the token it swaps the store-buffer
 * overlay (det_model.h), stores the new holder (seq_cst), bumps that
 * thread's futex word and FUTEX_WAKEs it only if it announced it sleeps;
 * then it waits for its own word (short spin, then FUTEX_WAIT).  A point
 * where the holder keeps running costs no system call.
 *
 * The supervisor never holds the token: it starts executions, watches for a
 * holder that stops reaching scheduling points (a hoisted load: the spin has
 * no access left in it) and reads the verdict the runtime leaves behind.
 */
#define _GNU_SOURCE
#include "det_rt.h"
#include "det_model.h"
#include "det_wmm.h"
#include "det_wmm_rt.h"
#include "runtime/common/futex.h"
#include "runtime/common/participant.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct det_shm *det_S;
uint8_t *det_M;
__thread int det_self = -1;

/* A plain store is reported before it executes: its value is read back from
 * M at the thread's next scheduling point or function exit — never at a
 * hook on private memory, which may come between a store's hook and the
 * store itself (the source operand of a struct copy). */
static __thread uint32_t pend_off, pend_size, pend_ev, pend_on;
/* the calling thread's own stack (stores there are nobody else's business) */
static __thread uintptr_t stk_lo, stk_len;

#define MO_SEQ_CST 5
#define PRIV_OFF 0xffffffffu

static inline int in_bridge(const volatile void *a)
{
    return (uintptr_t)a - (uintptr_t)det_M < HVSIM_BRIDGE_PAGE;
}

static inline int active(void)
{
    return det_self >= 0 && !__atomic_load_n(&det_S->stop, __ATOMIC_RELAXED) &&
           __atomic_load_n(&det_S->holder, __ATOMIC_RELAXED) == det_self;
}

static uint64_t rnd(void) { return splitmix64(&det_S->rng); }

uint64_t det_peek(uint32_t off, uint32_t size)
{
    uint64_t v = 0;
    if (size > 8)
        size = 8;
    if (off + size <= HVSIM_BRIDGE_PAGE)
        memcpy(&v, det_M + off, size);
    return v;
}

/* ---- events --------------------------------------------------------------- */
static uint32_t ev_add(int kind, uint32_t off, uint32_t size, uint64_t val, int mo, uint64_t pc)
{
    struct det_shm *S = det_S;
    uint32_t i = S->nev;
    if (!S->record_ev || i >= DET_MAX_EV)
        return UINT32_MAX;
    struct det_event *e = &S->ev[i];
    e->step = S->step;
    e->tid = (uint8_t)det_self;
    e->kind = (uint8_t)kind;
    e->size = (uint8_t)(size > 255 ? 255 : size);
    e->mo = (uint8_t)mo;
    e->off = off;
    e->val = val;
    e->pc = pc;
    S->nev = i + 1;
    return i;
}

/* A private access's event: ev_add() with the word it touched. */
static void ev_add_priv(int kind, const volatile void *a, uint32_t size, uint64_t val, int mo,
                        uint64_t pc, int tid)
{
    uint32_t i = ev_add(kind, PRIV_OFF, size, val, mo, pc);
    if (i != UINT32_MAX) {
        det_S->ev[i].tid = (uint8_t)tid;
        det_S->ev[i].pkey = det_pkey((uint64_t)(uintptr_t)a, size, det_S->t[tid].proc);
    }
}

void det_event(int kind, uint32_t arg, uint64_t val)
{
    if (active())
        ev_add(kind, arg, 0, val, 0, 0);
}

/* ---- progress ------------------------------------------------------------
 * Fair scheduling (CHESS's "good samaritan" rule, Loom's yield on spin): a
 * thread that keeps re-reading locations it already read and finds them
 * unchanged, with no bridge write or platform call of its own in between,
 * is waiting; until somebody writes a location it read, running it changes
 * nothing.  It becomes a SPINNER: no candidate while anybody else can run.
 * Private writes (a lock taken and released around the re-reads, as a
 * full-ring retry does) do not count as its progress, but still wake the
 * threads that read them.
 * When only spinners are left they run in turns (a bounded busy-poll ends by
 * itself); if nobody writes, drains or wakes anybody for quiet_max points,
 * nothing can change any more and the end state is judged.  Nothing here is
 * a verdict by itself: a spinner is never called livelocked for spinning. */
static void unspin_thread(struct det_thread *t)
{
    t->spinning = 0;
    t->repeats = 0;
    t->rs_n = t->rs_all = 0;
}

/* Bytes [off, off+n) changed for other threads: their spinners may go on. */
static void wake_readers(uint32_t off, uint32_t n)
{
    struct det_shm *S = det_S;
    for (uint32_t i = 0; i < S->nthreads; i++) {
        struct det_thread *t = &S->t[i];
        if (!t->spinning)
            continue;
        int hit = (int)t->rs_all;
        for (uint32_t k = 0; k < t->rs_n && !hit; k++)
            hit = det_overlap(t->rs_off[k], t->rs_size[k], off, n);
        if (hit) {
            unspin_thread(t);
            /* only a write some waiter reads changes anything: a lock taken
             * and released by a retry loop that nobody waits on does not */
            S->quiet_points = 0;
            S->spin_only = 0;
        }
    }
}

/* The running thread wrote (buffered or not) or acted on the platform. */
static void progress(void)
{
    struct det_shm *S = det_S;
    unspin_thread(&S->t[det_self]);
    S->quiet_points = 0;
    S->progress_points = 0;
    S->spin_only = 0;
}

static void note_read(uint32_t key, uint32_t size, uint64_t val)
{
    struct det_thread *t = &det_S->t[det_self];
    for (uint32_t k = 0; k < t->rs_n; k++)
        if (t->rs_off[k] == key && t->rs_size[k] == size) {
            if (t->rs_val[k] != val) { /* it saw a change: not stuck */
                t->rs_val[k] = val;
                t->repeats = 0;
                return;
            }
            t->spin_key = key;
            t->spin_size = size;
            t->spin_val = val;
            if (++t->repeats >= DET_SPIN_R)
                t->spinning = 1;
            return;
        }
    if (t->rs_n == DET_RS_MAX) {
        t->rs_all = 1;
        return;
    }
    t->rs_off[t->rs_n] = key;
    t->rs_size[t->rs_n] = size;
    t->rs_val[t->rs_n] = val;
    t->rs_n++;
}

static uint32_t priv_key(const volatile void *a)
{
    /* private memory (hv's request lock): keyed by address, above the page */
    return HVSIM_BRIDGE_PAGE + (uint32_t)((uintptr_t)a & 0x7fffffffu);
}

/* ---- the store buffer ------------------------------------------------------ */
static void capture(void)
{
    if (!pend_on)
        return;
    pend_on = 0;
    struct det_shm *S = det_S;
    uint8_t v[256];
    uint32_t n = pend_size > sizeof v ? (uint32_t)sizeof v : pend_size;
    memcpy(v, det_M + pend_off, n);
    if (wmm_on(S))
        det_wmm_store(pend_off, v, n, WMM_PLAIN);
    else
        det_store(S, det_M, det_self, det_self, pend_off, v, n);
    progress();
    if (!S->tso)
        wake_readers(pend_off, n);
    if (pend_ev != UINT32_MAX && pend_ev < S->nev) {
        uint64_t x = 0;
        memcpy(&x, v, n > 8 ? 8 : n);
        S->ev[pend_ev].val = x;
    }
}

static void drain_head(int t)
{
    struct det_shm *S = det_S;
    struct det_thread *th = &S->t[t];
    if (!th->sb_n)
        return;
    if (wmm_on(S)) {
        det_wmm_drain(t, 0);
        return;
    }
    struct det_sbent *e = det_sb_at(th, 0);
    uint32_t off = e->off, n = e->size, cell = e->cell, e_off = e->off;
    uint64_t x = 0;
    memcpy(&x, e->val, n > 8 ? 8 : n);
    if (cell) /* a private word: readers know it by its address */
        off = priv_key((const void *)(uintptr_t)(S->pcell[cell - 1].word + off));
    det_sb_drain_head(S, det_M, t, S->holder);
    wake_readers(off, n);
    S->drains++;
    if (S->record_ev && S->nev < DET_MAX_EV) {
        if (cell) {
            ev_add_priv(EV_DRAIN, (const void *)(uintptr_t)(S->pcell[cell - 1].word + e_off), n, x,
                        0, 0, t);
        } else {
            uint32_t i = ev_add(EV_DRAIN, off, n, x, 0, 0);
            if (i != UINT32_MAX)
                S->ev[i].tid = (uint8_t)t;
        }
    }
}

static void drain_all(int t)
{
    while (det_S->t[t].sb_n)
        drain_head(t);
}

/* arm/riscv: a write of t landed (det_wmm_rt.c commits it). */
void det_rt_landed(int t, uint32_t off, uint32_t n, uint64_t val)
{
    struct det_shm *S = det_S;
    wake_readers(off, n);
    S->drains++;
    if (S->record_ev && S->nev < DET_MAX_EV) {
        uint32_t i = ev_add(EV_DRAIN, off, n, val, 0, 0);
        if (i != UINT32_MAX)
            S->ev[i].tid = (uint8_t)t;
    }
}

void det_drain_self(void)
{
    if (active()) {
        capture();
        drain_all(det_self);
        if (wmm_on(det_S))
            det_wmm_sync();
    }
}

/* ---- ending an execution ---------------------------------------------------- */
static void wake_thread(int t)
{
    struct det_thread *th = &det_S->t[t];
    __atomic_add_fetch(&th->wake, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&th->sleeping, __ATOMIC_SEQ_CST))
        futex_wake(&th->wake, 1);
}

static void end_exec(int verdict, int tid, uint64_t a, uint64_t b, const char *why)
{
    struct det_shm *S = det_S;
    S->verdict = (uint32_t)verdict;
    S->vtid = tid;
    S->vval[0] = a;
    S->vval[1] = b;
    snprintf(S->vwhy, sizeof S->vwhy, "%s", why ? why : "");
    __atomic_store_n(&S->exec_state, DX_ENDED, __ATOMIC_SEQ_CST);
    __atomic_store_n(&S->holder, -1, __ATOMIC_SEQ_CST);
    if (verdict == 0) {
        /* PASS: every participant is blocked where it can unwind cleanly
         * (daemon asleep, hypercall thread waiting, CPUs done). */
        __atomic_store_n(&S->stop, 1, __ATOMIC_SEQ_CST);
        for (uint32_t i = 0; i < S->nthreads; i++)
            if ((int)i != det_self)
                wake_thread((int)i);
    }
    __atomic_add_fetch(&S->exec_done, 1, __ATOMIC_SEQ_CST);
    futex_wake(&S->exec_done, 8);
    if (verdict != 0) {
        /* The supervisor replaces these processes; stay out of the way. */
        for (;;)
            futex_wait(&S->quit, 0, 1000000000L);
    }
}

void det_end(int verdict, int tid, uint64_t a, uint64_t b, const char *why)
{
    if (active()) {
        capture();
        end_exec(verdict, tid, a, b, why);
    }
}

/* Nothing can change any more: every buffer is drained and the threads
 * still enabled (if any) are spinners nobody will release.  Judge the end
 * state; the supervisor puts it into words (det_engine.c). */
static void judge(void)
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
        end_exec(V_LOST_WAKEUP, -1, front, rear, why);
    } else if (cpus_done && front == rear) {
        /* a daemon that keeps polling an empty ring after the workload is no bug */
        end_exec(V_PASS, -1, 0, 0, "all CPUs completed their accesses");
    } else if (spinner >= 0) {
        struct det_thread *t = &S->t[spinner];
        snprintf(why, sizeof why, "only re-reading threads are left and none of them writes "
                 "(%llu scheduling points without a write by anyone)",
                 (unsigned long long)S->quiet_points);
        end_exec(V_LIVELOCK, spinner, t->spin_key, t->spin_val, why);
    } else {
        if (cpus_done)
            snprintf(why, sizeof why, "no participant can run: the CPUs are done but %u request(s) "
                     "are left in the ring (req_front %u, req_rear %u) and the daemon %s",
                     hvsim_ring_count(front, rear), front, rear,
                     be->state == DT_DONE ? "has returned" : "cannot run");
        else
            snprintf(why, sizeof why, "no participant can run and the CPUs are not done");
        end_exec(V_DEADLOCK, -1, front, rear, why);
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
    default: /* dfs beyond its prefix, replay past its end: no preemption, lazy drains */
        return default_choice(cand, cur);
    }
}

/* PCT: at a change point the running thread is demoted below every
 * initial priority (pct_ncp is 0 for the other strategies). */
static void pct_change_point(int cur)
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
    if (cur >= 0 && (en >> cur & 1) && S->spin_turn < DET_SPIN_TURN) {
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
    end_exec(V_TIMEOUT, cur, 0, 0, why);
}

/* Decide who runs next after a point of 'cur' (the holder). Drains happen
 * here too.  Returns the thread to run, or -1 if the execution ended.
 * Only real choices (two or more options) are logged and count as
 * decisions: a forced step is the same in every run, so a schedule string
 * stays short however long the execution. */
static int decide(int cur)
{
    struct det_shm *S = det_S;
    if (S->strategy == DET_PCT)
        pct_change_point(cur);
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
            /* threads keep taking and releasing locks and re-reading, but
             * nobody wrote the bridge or called the platform for quiet_max
             * points: the protocol stands still (a retry loop behind a
             * handler that never returns, say).  Judge it. */
            for (uint32_t i = 0; i < S->nthreads; i++)
                drain_all((int)i);
            judge();
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
            if (bufs) {
                /* fairness: a store buffer drains eventually */
                for (uint32_t i = 0; i < S->nthreads; i++)
                    drain_all((int)i);
                continue;
            }
            if (!en || S->quiet_points >= S->quiet_max) {
                judge();
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
                drain_head(a - DET_ACT_DRAIN);
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

/* Wait until we hold the token; -1 when the execution stopped meanwhile. */
static int wait_token(void)
{
    struct det_shm *S = det_S;
    struct det_thread *me = &S->t[det_self];
    for (unsigned n = 0;; n++) {
        if (__atomic_load_n(&S->holder, __ATOMIC_SEQ_CST) == det_self) {
            det_overlay_apply(S, det_M, det_self);
            return 0;
        }
        if (__atomic_load_n(&S->stop, __ATOMIC_ACQUIRE))
            return -1;
        if (n < 4000) {
#if defined(__x86_64__)
            __asm__ __volatile__("pause");
#elif defined(__aarch64__)
            __asm__ __volatile__("yield");
#endif
            continue;
        }
        __atomic_store_n(&me->sleeping, 1, __ATOMIC_SEQ_CST);
        uint32_t w = __atomic_load_n(&me->wake, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&S->holder, __ATOMIC_SEQ_CST) != det_self &&
            !__atomic_load_n(&S->stop, __ATOMIC_SEQ_CST))
            futex_wait(&me->wake, w, 200000000L);
        __atomic_store_n(&me->sleeping, 0, __ATOMIC_SEQ_CST);
    }
}

/* Pass the token: our buffered stores become invisible again (in M and in
 * our process's private memory); the receiver lays its own over them when
 * it wakes (take_token), in its own process. */
static void give_token(int to)
{
    struct det_shm *S = det_S;
    if (wmm_on(S))
        det_wmm_settle(); /* arm/riscv: no stale load value left in M for the next holder */
    det_overlay_remove(S, det_M, det_self);
    __atomic_store_n(&S->holder, to, __ATOMIC_SEQ_CST);
    wake_thread(to);
}

/* The common scheduling point: returns 0 holding the token, -1 when the
 * execution is over (the caller then passes straight through). */
static int sched(uint64_t pc)
{
    struct det_shm *S = det_S;
    capture();
    if (wmm_on(S))
        det_wmm_settle(); /* arm/riscv: M is G + own stores again between accesses */
    struct det_thread *me = &S->t[det_self];
    me->points++;
    me->last_pc = pc;
    S->points++;
    S->quiet_points++;
    S->progress_points++;
    /* fast path: only spinners left and it is still our turn — the same
     * choice decide() would make, without its scan of every thread */
    if (S->spin_only && me->spinning && me->state == DT_ENABLED && S->spin_turn < DET_SPIN_TURN &&
        S->quiet_points < S->quiet_max && S->points < S->max_points) {
        pct_change_point(det_self);
        S->spin_turn++;
        return 0;
    }
    int next = decide(det_self);
    if (next < 0)
        return -1;
    if (next == det_self)
        return 0;
    give_token(next);
    return wait_token();
}

int det_point(int kind, uint32_t arg, uint64_t val)
{
    return det_point_pc(kind, arg, val, (uint64_t)(uintptr_t)__builtin_return_address(0));
}

int det_point_pc(int kind, uint32_t arg, uint64_t val, uint64_t pc)
{
    if (!active())
        return -1;
    /* IPI, sleep, hypercall, IRQ: an action, never a spin (a delay point is
     * neither; kind < 0, a pthread call on the process's own objects, is no
     * progress of its own either, like a private lock around re-reads, and
     * det_threads.c records its events itself) */
    if (kind >= 0 && kind != EV_DELAY)
        progress();
    int rc = sched(pc);
    if (rc == 0 && kind >= 0)
        ev_add(kind, arg, 0, val, 0, pc);
    return rc;
}

#define TIME_KEY 0xfffffff0u /* the simulated clock, as a location a waiter reads */

int det_wait_time(uint64_t ns, uint64_t pc)
{
    if (!active())
        return det_self >= 0 && __atomic_load_n(&det_S->stop, __ATOMIC_RELAXED) ? 0 : -1;
    if (sched(pc) < 0)
        return 0; /* the execution ended meanwhile: return, the caller unwinds */
    struct det_shm *S = det_S;
    S->sim_ns += ns;
    note_read(TIME_KEY, 8, 0); /* re-read unchanged: a sleep loop waits like a spin loop */
    ev_add(EV_DELAY, 0xffffu, 8, ns, 0, pc);
    return 0;
}

int det_block(int why)
{
    if (!active())
        return -1;
    struct det_shm *S = det_S;
    capture();
    drain_all(det_self);
    struct det_thread *me = &S->t[det_self];
    me->state = DT_BLOCKED;
    me->block = (uint32_t)why;
    S->points++;
    int next = decide(det_self);
    if (next < 0)
        return -1;
    if (next == det_self) /* cannot happen: a blocked thread is no candidate */
        return 0;
    give_token(next);
    int rc = wait_token();
    if (rc == 0 && wmm_on(S))
        det_wmm_sync();
    return rc;
}

void det_enable(int t)
{
    struct det_thread *th = &det_S->t[t];
    if (th->state == DT_BLOCKED) {
        th->state = DT_ENABLED;
        th->block = DB_NONE;
        unspin_thread(th);
        det_S->quiet_points = 0;
        det_S->spin_only = 0;
    }
}

void det_thread_done(void)
{
    if (!active())
        return;
    struct det_shm *S = det_S;
    capture();
    drain_all(det_self);
    S->t[det_self].state = DT_DONE;
    ev_add(EV_DONE, 0, 0, 0, 0, 0);
    S->points++;
    int next = decide(det_self);
    if (next >= 0)
        give_token(next);
}

/* ---- pthread objects of the code under test (det_threads.c) ----------------
 * They live in private memory the instrumentation never reports (the C
 * library touches them): a timed wait that finds a condvar unsignalled counts
 * as a read of it (repeated: a spinner), a signal as a write (its spinners go on). */
void det_sync_read(const void *obj, uint64_t val)
{
    if (active())
        note_read(priv_key(obj), 8, val);
}

void det_sync_write(const void *obj)
{
    if (active())
        wake_readers(priv_key(obj), 8);
}

void det_event_pc(int kind, uint32_t arg, uint64_t val, uint64_t pc)
{
    if (active())
        ev_add(kind, arg, 0, val, 0, pc);
}

/* ---- lifecycle ------------------------------------------------------------ */
void det_attach(int argc, char **argv, const char *who)
{
    int fd = participant_region_fd(argc, argv, who);
    void *base = mmap(0, DET_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        perror("hvsim det participant: mmap");
        exit(3);
    }
    close(fd);
    g_region = base;
    g_bridge = hvsim_region_bridge(base);
    g_ctl = hvsim_region_ctl(base);
    det_S = det_region_shm(base);
    det_M = (uint8_t *)base;
    if (g_ctl->magic != HVSIM_CTL_MAGIC || det_S->magic != DET_MAGIC) {
        fprintf(stderr, "hvsim %s: det region magic mismatch\n", who);
        exit(3);
    }
}

static __thread uint32_t seen_seq;

void det_register(int idx, int proc)
{
    pthread_attr_t at;
    void *lo;
    size_t len;
    if (pthread_getattr_np(pthread_self(), &at) == 0) {
        if (pthread_attr_getstack(&at, &lo, &len) == 0) {
            stk_lo = (uintptr_t)lo;
            stk_len = len;
        }
        pthread_attr_destroy(&at);
    }
    det_self = idx;
    det_S->t[idx].proc = (uint32_t)proc;
    __atomic_store_n(&det_S->t[idx].tid, participant_tid(), __ATOMIC_RELEASE);
    seen_seq = 0;
}

int det_begin(void)
{
    struct det_shm *S = det_S;
    for (;;) {
        if (__atomic_load_n(&S->quit, __ATOMIC_ACQUIRE))
            return -1;
        uint32_t s = __atomic_load_n(&S->exec_seq, __ATOMIC_ACQUIRE);
        if (s != seen_seq) {
            seen_seq = s;
            pend_on = 0;
            return 0;
        }
        futex_wait(&S->exec_seq, s, 100000000L);
    }
}

int det_first(void)
{
    if (wait_token() < 0)
        return -1;
    ev_add(EV_BEGIN, 0, 0, 0, 0, 0);
    return sched(0) < 0 ? -1 : 0;
}

/* ---- the ThreadSanitizer ABI ------------------------------------------------ */
#define RA ((uint64_t)(uintptr_t)__builtin_return_address(0))

static inline void fast_capture(void)
{
    if (__builtin_expect(pend_on, 0) && active())
        capture();
}

static void access_rw(const volatile void *a, uint32_t n, int kind, uint64_t pc)
{
    if (!active())
        return;
    uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
    if (off + n > HVSIM_BRIDGE_PAGE)
        n = HVSIM_BRIDGE_PAGE - off;
    if (sched(pc) < 0)
        return;
    struct det_thread *me = &det_S->t[det_self];
    me->last_off = off;
    me->last_kind = (uint32_t)kind;
    if (kind == EV_READ || kind == EV_VREAD) {
        if (wmm_on(det_S))
            det_wmm_load(off, n, WMM_PLAIN);
        uint64_t v = det_peek(off, n);
        me->last_val = v;
        note_read(off, n, v);
        ev_add(kind, off, n, v, 0, pc);
    } else {
        pend_off = off;
        pend_size = n;
        pend_on = 1;
        pend_ev = ev_add(kind, off, n, 0, 0, pc);
    }
}

/* Private memory (outside the bridge page).  Plain loads and stores of it
 * run at full speed and are no scheduling points; two things still matter:
 *  - TSO order: a store to memory other threads can see must not pass the
 *    bridge stores buffered ahead of it (one FIFO per thread), so a
 *    non-stack private store first drains the caller's buffer — an order
 *    TSO allows.  The thread's own stack is exempt (nobody else reads it).
 *  - volatile private accesses are scheduling points: a volatile flag
 *    between two threads of one process is how such code waits. */
static inline int own_stack(const volatile void *a)
{
    return (uintptr_t)a - stk_lo < stk_len;
}

static void priv_write(const volatile void *a)
{
    if (det_self < 0 || own_stack(a) || !active() || !det_S->tso)
        return;
    if (pend_on)
        capture();
    if (det_S->t[det_self].sb_n)
        drain_all(det_self);
}

static void priv_volatile(const volatile void *a, uint32_t n, int write, uint64_t pc)
{
    if (det_self < 0 || own_stack(a) || !active())
        return;
    if (sched(pc) < 0)
        return;
    uint32_t key = priv_key(a);
    if (write) {
        if (det_S->tso)
            drain_all(det_self);
        wake_readers(key, n);
        return;
    }
    uint64_t v = 0;
    memcpy(&v, (const void *)a, n > 8 ? 8 : n);
    note_read(key, n, v);
}

#define RD(name, n, kind)                                                    \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
    }
#define WR(name, n, kind)                                                    \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
        else                                                                 \
            priv_write(a);                                                   \
    }
#define VOL(name, n, kind, w)                                                \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
        else                                                                 \
            priv_volatile(a, n, w, RA);                                      \
    }
RD(__tsan_read1, 1, EV_READ) RD(__tsan_read2, 2, EV_READ) RD(__tsan_read4, 4, EV_READ)
RD(__tsan_read8, 8, EV_READ) RD(__tsan_read16, 16, EV_READ)
WR(__tsan_write1, 1, EV_WRITE) WR(__tsan_write2, 2, EV_WRITE) WR(__tsan_write4, 4, EV_WRITE)
WR(__tsan_write8, 8, EV_WRITE) WR(__tsan_write16, 16, EV_WRITE)
RD(__tsan_unaligned_read2, 2, EV_READ) RD(__tsan_unaligned_read4, 4, EV_READ)
RD(__tsan_unaligned_read8, 8, EV_READ) RD(__tsan_unaligned_read16, 16, EV_READ)
WR(__tsan_unaligned_write2, 2, EV_WRITE) WR(__tsan_unaligned_write4, 4, EV_WRITE)
WR(__tsan_unaligned_write8, 8, EV_WRITE) WR(__tsan_unaligned_write16, 16, EV_WRITE)
VOL(__tsan_volatile_read1, 1, EV_VREAD, 0) VOL(__tsan_volatile_read2, 2, EV_VREAD, 0)
VOL(__tsan_volatile_read4, 4, EV_VREAD, 0) VOL(__tsan_volatile_read8, 8, EV_VREAD, 0)
VOL(__tsan_volatile_read16, 16, EV_VREAD, 0)
VOL(__tsan_volatile_write1, 1, EV_VWRITE, 1) VOL(__tsan_volatile_write2, 2, EV_VWRITE, 1)
VOL(__tsan_volatile_write4, 4, EV_VWRITE, 1) VOL(__tsan_volatile_write8, 8, EV_VWRITE, 1)
VOL(__tsan_volatile_write16, 16, EV_VWRITE, 1)
VOL(__tsan_unaligned_volatile_read2, 2, EV_VREAD, 0) VOL(__tsan_unaligned_volatile_read4, 4, EV_VREAD, 0)
VOL(__tsan_unaligned_volatile_read8, 8, EV_VREAD, 0) VOL(__tsan_unaligned_volatile_read16, 16, EV_VREAD, 0)
VOL(__tsan_unaligned_volatile_write2, 2, EV_VWRITE, 1) VOL(__tsan_unaligned_volatile_write4, 4, EV_VWRITE, 1)
VOL(__tsan_unaligned_volatile_write8, 8, EV_VWRITE, 1) VOL(__tsan_unaligned_volatile_write16, 16, EV_VWRITE, 1)

void __tsan_read_range(void *a, unsigned long n)
{
    if (in_bridge(a) && n)
        access_rw(a, (uint32_t)(n > 4096 ? 4096 : n), EV_READ, RA);
}

void __tsan_write_range(void *a, unsigned long n)
{
    if (in_bridge(a) && n)
        access_rw(a, (uint32_t)(n > 4096 ? 4096 : n), EV_WRITE, RA);
    else if (n)
        priv_write(a);
}

void __tsan_init(void) {}
void __tsan_func_entry(void *pc) { (void)pc; }
void __tsan_func_exit(void) { fast_capture(); }
void __tsan_vptr_update(void **p, void *v) { (void)p; (void)v; }
void __tsan_vptr_read(void **p) { (void)p; }
void __tsan_ignore_thread_begin(void) {}
void __tsan_ignore_thread_end(void) {}

/* ---- atomics ---------------------------------------------------------------
 * Bridge atomics operate on M/G through the model: loads read M (own buffer
 * first), relaxed/release/acquire stores are buffered under tso, seq_cst
 * stores and every RMW drain the buffer (x86: xchg / lock prefix).  Atomics
 * on private memory (hv's request lock) run for real, seq_cst, and are still
 * scheduling points so that a lock spinner yields. */
static int atomic_point(const volatile void *a, uint64_t pc)
{
    fast_capture();
    if (!active())
        return -1;
    (void)a;
    return sched(pc);
}

static uint64_t a_load(const volatile void *a, uint32_t n, int mo, uint64_t pc)
{
    uint64_t v = 0;
    int br = in_bridge(a);
    if (atomic_point(a, pc) == 0) {
        struct det_thread *me = &det_S->t[det_self];
        if (br) {
            uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
            if (wmm_on(det_S))
                det_wmm_load(off, n, mo & 0xff);
            v = det_peek(off, n);
            note_read(off, n, v);
            me->last_off = off;
            me->last_val = v;
            me->last_kind = EV_ALOAD;
            ev_add(EV_ALOAD, off, n, v, mo, pc);
            return v;
        }
        if (wmm_on(det_S))
            det_wmm_sync(); /* private atomics (the request lock) stay SC and order everything */
        memcpy(&v, (const void *)a, n); /* the token holder is alone: a plain copy is atomic enough */
        note_read(priv_key(a), n, v);
        ev_add_priv(EV_ALOAD, a, n, v, mo, pc, det_self);
        return v;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    memcpy(&v, (const void *)a, n);
    return v;
}

static void a_store(volatile void *a, uint32_t n, uint64_t v, int mo, uint64_t pc)
{
    int br = in_bridge(a);
    if (atomic_point(a, pc) == 0) {
        struct det_shm *S = det_S;
        if (br) {
            uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
            progress();
            memcpy((void *)a, &v, n);
            if (wmm_on(S)) {
                det_wmm_store(off, (const uint8_t *)&v, n, mo & 0xff);
                ev_add(EV_ASTORE, off, n, v, mo, pc);
                return;
            }
            det_store(S, det_M, det_self, det_self, off, (const uint8_t *)&v, n);
            if (!S->tso)
                wake_readers(off, n);
            ev_add(EV_ASTORE, off, n, v, mo, pc);
            if ((mo & 0xff) == MO_SEQ_CST)
                drain_all(det_self);
            return;
        }
        /* x86-TSO has one FIFO buffer for all stores: this one (a spin-lock
         * release, say) joins it behind the bridge stores already there.  A
         * seq_cst store is an xchg (locked): the buffer drains first. */
        if (wmm_on(S)) {
            det_wmm_sync(); /* private atomics stay SC and order everything */
            memcpy((void *)a, &v, n);
        } else if (!S->tso) {
            memcpy((void *)a, &v, n);
        } else if ((mo & 0xff) == MO_SEQ_CST ||
                   det_pstore(S, det_M, det_self, a, (const uint8_t *)&v, n) < 0) {
            drain_all(det_self);
            det_pwrite_global(S, S->t[det_self].proc, a, (const uint8_t *)&v, n);
        }
        wake_readers(priv_key(a), n);
        ev_add_priv(EV_ASTORE, a, n, v, mo, pc, det_self);
        return;
    }
    memcpy((void *)a, &v, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

enum rmw { R_XCHG, R_ADD, R_SUB, R_AND, R_OR, R_XOR, R_NAND, R_CAS };

static uint64_t trunc_n(uint64_t v, uint32_t n) { return n >= 8 ? v : v & ((1ull << (8 * n)) - 1); }

/* Returns the old value; for R_CAS 'v' is the desired and *cmp the expected. */
static uint64_t a_rmw(volatile void *a, uint32_t n, enum rmw op, uint64_t v, uint64_t cmp,
                      int *ok, int mo, uint64_t pc)
{
    int br = in_bridge(a);
    uint64_t old = 0, nv;
    int okl = 0;
    if (!ok)
        ok = &okl;
    int live = atomic_point(a, pc) == 0;
    int wmm = live && wmm_on(det_S);
    if (wmm && br)
        det_wmm_rmw_pre((uint32_t)((uintptr_t)a - (uintptr_t)det_M), n, mo & 0xff);
    else if (wmm)
        det_wmm_sync(); /* private atomics stay SC and order everything */
    else if (live)
        drain_all(det_self); /* locked (x86 lock prefix / xchg): the buffer drains first */
    memcpy(&old, (const void *)a, n);
    switch (op) {
    case R_XCHG: nv = v; break;
    case R_ADD: nv = old + v; break;
    case R_SUB: nv = old - v; break;
    case R_AND: nv = old & v; break;
    case R_OR: nv = old | v; break;
    case R_XOR: nv = old ^ v; break;
    case R_NAND: nv = ~(old & v); break;
    default: nv = trunc_n(old, n) == trunc_n(cmp, n) ? v : old; break;
    }
    *ok = trunc_n(old, n) == trunc_n(cmp, n);
    if (op == R_CAS && !*ok) {
        if (wmm && br)
            det_wmm_rmw_fail(mo & 0xff);
        if (live) {
            uint32_t key = br ? (uint32_t)((uintptr_t)a - (uintptr_t)det_M) : priv_key(a);
            note_read(key, n, trunc_n(old, n));
            if (br)
                ev_add(EV_RMW, key, n, old, mo, pc);
            else
                ev_add_priv(EV_RMW, a, n, old, mo, pc, det_self);
        }
        return old;
    }
    if (live && !br)
        det_pwrite_global(det_S, det_S->t[det_self].proc, a, (const uint8_t *)&nv, n);
    else
        memcpy((void *)a, &nv, n);
    if (live) {
        struct det_shm *S = det_S;
        uint32_t key = br ? (uint32_t)((uintptr_t)a - (uintptr_t)det_M) : priv_key(a);
        if (br && wmm)
            det_wmm_rmw_write(key, (const uint8_t *)&nv, n, mo & 0xff);
        else if (br)
            det_store_global(S, det_M, det_self, key, (const uint8_t *)&nv, n);
        /* a lock spinner re-reads what its own exchange wrote: no progress */
        if (trunc_n(old, n) == trunc_n(nv, n)) {
            note_read(key, n, trunc_n(old, n));
        } else {
            if (br)
                progress(); /* private writes are no progress of ours (see above) */
            wake_readers(key, n);
        }
        if (br)
            ev_add(EV_RMW, key, n, nv, mo, pc);
        else
            ev_add_priv(EV_RMW, a, n, nv, mo, pc, det_self);
    } else {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    return old;
}

#define ATOMICS(bits, T)                                                                        \
    T __tsan_atomic##bits##_load(const volatile T *a, int mo)                                   \
    { return (T)a_load(a, sizeof(T), mo, RA); }                                                 \
    void __tsan_atomic##bits##_store(volatile T *a, T v, int mo)                                \
    { a_store(a, sizeof(T), (uint64_t)v, mo, RA); }                                             \
    T __tsan_atomic##bits##_exchange(volatile T *a, T v, int mo)                                \
    { return (T)a_rmw(a, sizeof(T), R_XCHG, (uint64_t)v, 0, 0, mo, RA); }                      \
    T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_ADD, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_sub(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_SUB, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_and(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_AND, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_or(volatile T *a, T v, int mo)                                \
    { return (T)a_rmw(a, sizeof(T), R_OR, (uint64_t)v, 0, 0, mo, RA); }                        \
    T __tsan_atomic##bits##_fetch_xor(volatile T *a, T v, int mo)                               \
    { return (T)a_rmw(a, sizeof(T), R_XOR, (uint64_t)v, 0, 0, mo, RA); }                       \
    T __tsan_atomic##bits##_fetch_nand(volatile T *a, T v, int mo)                              \
    { return (T)a_rmw(a, sizeof(T), R_NAND, (uint64_t)v, 0, 0, mo, RA); }                      \
    int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v, int mo, int f)  \
    {                                                                                           \
        int ok;                                                                                 \
        (void)f;                                                                                \
        T old = (T)a_rmw(a, sizeof(T), R_CAS, (uint64_t)v, (uint64_t)*c, &ok, mo, RA);          \
        if (!ok)                                                                                \
            *c = old;                                                                           \
        return ok;                                                                              \
    }                                                                                           \
    int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v, int mo, int f)    \
    {                                                                                           \
        int ok;                                                                                 \
        (void)f;                                                                                \
        T old = (T)a_rmw(a, sizeof(T), R_CAS, (uint64_t)v, (uint64_t)*c, &ok, mo, RA);          \
        if (!ok)                                                                                \
            *c = old;                                                                           \
        return ok;                                                                              \
    }                                                                                           \
    T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo, int f)        \
    {                                                                                           \
        (void)f;                                                                                \
        return (T)a_rmw(a, sizeof(T), R_CAS, (uint64_t)v, (uint64_t)c, 0, mo, RA);             \
    }

ATOMICS(8, uint8_t)
ATOMICS(16, uint16_t)
ATOMICS(32, uint32_t)
ATOMICS(64, uint64_t)

void __tsan_atomic_thread_fence(int mo)
{
    fast_capture();
    if (active() && wmm_on(det_S)) { /* arm/riscv: every fence orders something */
        if ((mo & 0xff) == MO_SEQ_CST && sched(RA) < 0)
            return;
        ev_add(EV_FENCE, 0, 0, det_S->t[det_self].sb_n, mo, RA);
        det_wmm_fence(mo & 0xff);
        return;
    }
    if ((mo & 0xff) != MO_SEQ_CST || !active())
        return; /* acquire/release fences order nothing TSO does not already order */
    if (sched(RA) < 0)
        return;
    ev_add(EV_FENCE, 0, 0, det_S->t[det_self].sb_n, mo, RA);
    drain_all(det_self);
}

void __tsan_atomic_signal_fence(int mo) { (void)mo; }
