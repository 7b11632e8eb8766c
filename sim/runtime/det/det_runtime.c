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
 * then it waits for its own word (FUTEX_WAIT, after HVSIM_DET_SPIN polls:
 * none by default, see wait_token).  A point
 * where the holder keeps running costs no system call.
 *
 * The supervisor never holds the token: it starts executions, watches for a
 * holder that stops reaching scheduling points (a hoisted load: the spin has
 * no access left in it) and reads the verdict the runtime leaves behind.
 *
 * The rest of the runtime, one job a file (shared names in det_rt_int.h):
 * det_access.c (plain accesses: the __tsan_read/write hooks), det_atomics.c
 * (the __tsan_atomic hooks), det_storebuf.c (store buffers), det_progress.c
 * (spinners), det_decide.c (the scheduler's choice), det_events.c (the trace).
 */
#define _GNU_SOURCE
#include "det_rt_int.h"
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

__thread uint32_t det_rt_pend_off, det_rt_pend_size, det_rt_pend_ev, det_rt_pend_on;
__thread uintptr_t det_rt_stk_lo, det_rt_stk_len;

uint64_t det_peek(uint32_t off, uint32_t size)
{
    uint64_t v = 0;
    if (size > 8)
        size = 8;
    if (off + size <= HVSIM_BRIDGE_PAGE)
        memcpy(&v, det_M + off, size);
    return v;
}

/* ---- ending an execution ---------------------------------------------------- */
static void wake_thread(int t)
{
    struct det_thread *th = &det_S->t[t];
    __atomic_add_fetch(&th->wake, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&th->sleeping, __ATOMIC_SEQ_CST))
        futex_wake(&th->wake, 1);
}

void det_rt_end_exec(int verdict, int tid, uint64_t a, uint64_t b, const char *why)
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
        det_rt_capture();
        det_rt_end_exec(verdict, tid, a, b, why);
    }
}

/* ---- the token ------------------------------------------------------------ */
/* How many times a waiter polls the token before FUTEX_WAIT.  None by
 * default: at most one participant runs, so a poller only competes with the
 * holder and with the supervisor's analysis for the CPUs (and, in a VM, a
 * pause loop exits to the hypervisor).  Measured on 2 vCPUs, the same
 * binary with HVSIM_DET_SPIN=4000 (the polls before) and unset: dpor's
 * riscv verify_2p1, 10,000 executions, 13.3 s -> 9.6 s; sc verify_2x2,
 * 20,000 executions, 26.6 s -> 16.7 s; 3,000 short pct runs of the default
 * scenario 2.0 s -> 2.4 s (slower: few handoffs, each sooner with polls).
 * A machine with idle cores may set a few hundred. */
static unsigned spin_polls; /* set once by det_attach, before any thread runs */

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
        if (n < spin_polls) {
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
int det_rt_sched(uint64_t pc)
{
    struct det_shm *S = det_S;
    det_rt_capture();
    if (wmm_on(S))
        det_wmm_settle(); /* arm/riscv: M is G + own stores again between accesses */
    struct det_thread *me = &S->t[det_self];
    me->points++;
    me->last_pc = pc;
    S->points++;
    S->quiet_points++;
    S->progress_points++;
    /* fast path: only spinners left and it is still our turn — the same
     * choice det_rt_decide() would make, without its scan of every thread */
    if (S->spin_only && me->spinning && me->state == DT_ENABLED && S->spin_turn < det_rt_spin_turn_len(S) &&
        S->quiet_points < S->quiet_max && S->points < S->max_points) {
        det_rt_pct_change_point(det_self);
        S->spin_turn++;
        return 0;
    }
    int next = det_rt_decide(det_self);
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
        det_rt_progress();
    int rc = det_rt_sched(pc);
    if (rc == 0 && kind >= 0)
        det_rt_ev_add(kind, arg, 0, val, 0, pc);
    return rc;
}

#define TIME_KEY 0xfffffff0u /* the simulated clock, as a location a waiter reads */

int det_wait_time(uint64_t ns, uint64_t pc)
{
    if (!active())
        return det_self >= 0 && __atomic_load_n(&det_S->stop, __ATOMIC_RELAXED) ? 0 : -1;
    if (det_rt_sched(pc) < 0)
        return 0; /* the execution ended meanwhile: return, the caller unwinds */
    struct det_shm *S = det_S;
    S->sim_ns += ns;
    det_rt_note_read(TIME_KEY, 8, 0); /* re-read unchanged: a sleep loop waits like a spin loop */
    det_rt_ev_add(EV_DELAY, 0xffffu, 8, ns, 0, pc);
    return 0;
}

int det_block(int why)
{
    if (!active())
        return -1;
    struct det_shm *S = det_S;
    det_rt_capture();
    det_rt_drain_all(det_self);
    struct det_thread *me = &S->t[det_self];
    me->state = DT_BLOCKED;
    me->block = (uint32_t)why;
    S->points++;
    int next = det_rt_decide(det_self);
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
        det_rt_unspin_thread(th);
        det_S->quiet_points = 0;
        det_S->spin_only = 0;
    }
}

void det_thread_done(void)
{
    if (!active())
        return;
    struct det_shm *S = det_S;
    det_rt_capture();
    det_rt_drain_all(det_self);
    S->t[det_self].state = DT_DONE;
    det_rt_ev_add(EV_DONE, 0, 0, 0, 0, 0);
    S->points++;
    int next = det_rt_decide(det_self);
    if (next >= 0)
        give_token(next);
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
    const char *spin = getenv("HVSIM_DET_SPIN");
    spin_polls = spin && atoi(spin) > 0 ? (unsigned)atoi(spin) : 0;
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
            det_rt_stk_lo = (uintptr_t)lo;
            det_rt_stk_len = len;
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
            det_rt_pend_on = 0;
            return 0;
        }
        futex_wait(&S->exec_seq, s, 100000000L);
    }
}

int det_first(void)
{
    if (wait_token() < 0)
        return -1;
    det_rt_ev_add(EV_BEGIN, 0, 0, 0, 0, 0);
    return det_rt_sched(0) < 0 ? -1 : 0;
}
