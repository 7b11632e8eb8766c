/* sim/runtime/det/det_rt_int.h — what the files of the det participant
 * runtime share among themselves (det_runtime.c: the token and the
 * scheduling point; det_events.c, det_progress.c, det_storebuf.c,
 * det_decide.c, det_access.c, det_atomics.c).  Not for the participant
 * mains: they use det_rt.h.
 *
 * These symbols are linked into the code under test's program, so the
 * shared ones carry a det_rt_ prefix: a user's global named progress,
 * capture or decide must not clash with the runtime's. */
#ifndef HVSIM_DET_RT_INT_H
#define HVSIM_DET_RT_INT_H

#include "det_rt.h"
#include "det_model.h"
#include "det_wmm.h"
#include "det_wmm_rt.h"
#include <stdint.h>

/* A plain store is reported before it executes: its value is read back from
 * M at the thread's next scheduling point or function exit — never at a
 * hook on private memory, which may come between a store's hook and the
 * store itself (the source operand of a struct copy). */
extern __thread uint32_t det_rt_pend_off, det_rt_pend_size, det_rt_pend_ev, det_rt_pend_on;
/* the calling thread's own stack (stores there are nobody else's business) */
extern __thread uintptr_t det_rt_stk_lo, det_rt_stk_len;

#define MO_SEQ_CST 5
#define PRIV_OFF 0xffffffffu

/* The hook's caller, the access site.  Read it only in the __tsan_* entry
 * point itself (or a static inline one it calls): an out-of-line helper
 * would name the hook instead. */
#define RA ((uint64_t)(uintptr_t)__builtin_return_address(0))

static inline int in_bridge(const volatile void *a)
{
    return (uintptr_t)a - (uintptr_t)det_M < HVSIM_BRIDGE_PAGE;
}

static inline int active(void)
{
    return det_self >= 0 && !__atomic_load_n(&det_S->stop, __ATOMIC_RELAXED) &&
           __atomic_load_n(&det_S->holder, __ATOMIC_RELAXED) == det_self;
}

static inline uint32_t priv_key(const volatile void *a)
{
    /* private memory (hv's request lock): keyed by address, above the page */
    return HVSIM_BRIDGE_PAGE + (uint32_t)((uintptr_t)a & 0x7fffffffu);
}

/* ---- det_events.c: the trace of an execution ---- */
/* Append an event of the holder; its index, UINT32_MAX when not recorded. */
uint32_t det_rt_ev_add(int kind, uint32_t off, uint32_t size, uint64_t val, int mo, uint64_t pc);
/* A private access's event (thread tid): det_rt_ev_add() with the word it touched. */
void det_rt_ev_add_priv(int kind, const volatile void *a, uint32_t size, uint64_t val, int mo,
                        uint64_t pc, int tid);

/* ---- det_progress.c: spinners (the fair-scheduling rule) ---- */
void det_rt_unspin_thread(struct det_thread *t);
/* Bytes [off, off+n) changed for other threads: their spinners may go on. */
void det_rt_wake_readers(uint32_t off, uint32_t n);
/* The running thread wrote (buffered or not) or acted on the platform. */
void det_rt_progress(void);
/* The running thread read val at key (a bridge offset or priv_key()). */
void det_rt_note_read(uint32_t key, uint32_t size, uint64_t val);

/* ---- det_storebuf.c: the store buffers ---- */
/* Put the pending plain store (det_rt_pend_*) into the model. */
void det_rt_capture(void);
/* Commit the oldest entry / every entry of thread t's buffer. */
void det_rt_drain_head(int t);
void det_rt_drain_all(int t);
void det_rt_sb_room(uint32_t entries);

/* Points a lone spinner runs before the next one's turn: DET_SPIN_TURN,
 * but short enough that every spinner gets two turns within quiet_max
 * points — "nothing can change any more" is judged after quiet_max quiet
 * points, and a poller woken by the last drain must have re-read by then
 * (a scenario's small det-quiet-points once judged a daemon stalled that
 * had not had its turn since req_rear became visible). */
static inline uint64_t det_rt_spin_turn_len(const struct det_shm *S)
{
    uint64_t len = S->quiet_max / (2u * (S->nthreads ? S->nthreads : 1));
    return len < 1 ? 1 : len > DET_SPIN_TURN ? DET_SPIN_TURN : len;
}

/* ---- det_sleep.c: dpor's sleep set beyond the prefix ---- */
int det_rt_slp_steer(uint64_t cand, uint64_t bufs, int def);

static inline void fast_capture(void)
{
    if (__builtin_expect(det_rt_pend_on, 0) && active())
        det_rt_capture();
}

/* ---- det_decide.c: the scheduler ---- */
/* Who runs after a point of cur: the thread, or -1 (the execution ended). */
int det_rt_decide(int cur);
/* PCT: demote cur if this point is a change point. */
void det_rt_pct_change_point(int cur);
/* Nothing can change any more: judge the end state and end the execution. */
void det_rt_judge(void);

/* ---- det_runtime.c: the token ---- */
/* End the execution with a verdict (the holder). */
void det_rt_end_exec(int verdict, int tid, uint64_t a, uint64_t b, const char *why);
/* A scheduling point at pc: 0 holding the token, -1 when the execution is over. */
int det_rt_sched(uint64_t pc);

#endif
