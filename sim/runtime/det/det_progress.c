/* sim/runtime/det/det_progress.c — which threads are spinners: the reads a
 * thread repeats unchanged, the writes that release it.  det_decide.c leaves
 * spinners out of its candidates. */
#include "det_rt_int.h"

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
void det_rt_unspin_thread(struct det_thread *t)
{
    t->spinning = 0;
    t->repeats = 0;
    t->rs_n = t->rs_all = 0;
}

/* Bytes [off, off+n) changed for other threads: their spinners may go on. */
void det_rt_wake_readers(uint32_t off, uint32_t n)
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
            det_rt_unspin_thread(t);
            /* only a write some waiter reads changes anything: a lock taken
             * and released by a retry loop that nobody waits on does not */
            S->quiet_points = 0;
            S->spin_only = 0;
        }
    }
}

/* The running thread wrote (buffered or not) or acted on the platform. */
void det_rt_progress(void)
{
    struct det_shm *S = det_S;
    det_rt_unspin_thread(&S->t[det_self]);
    S->quiet_points = 0;
    S->progress_points = 0;
    S->spin_only = 0;
}

void det_rt_note_read(uint32_t key, uint32_t size, uint64_t val)
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

/* ---- pthread objects of the code under test (det_threads.c) ----------------
 * They live in private memory the instrumentation never reports (the C
 * library touches them): a timed wait that finds a condvar unsignalled counts
 * as a read of it (repeated: a spinner), a signal as a write (its spinners go on). */
void det_sync_read(const void *obj, uint64_t val)
{
    if (active())
        det_rt_note_read(priv_key(obj), 8, val);
}

void det_sync_write(const void *obj)
{
    if (active())
        det_rt_wake_readers(priv_key(obj), 8);
}
