/* sim/engine/det/det_watch.c — the supervisor's window on the token holder
 * (det_exec.c watch_exec): when it starts again.
 *
 * A hang is judged on the CPU time one thread used over the window, read
 * from /proc for that thread.  The window restarts whenever a scheduling
 * point was reached — and whenever the token moved.  The giver counts its
 * point before it chooses and hands over, so for a while the count stays
 * put while the holder changes: a window begun on the giver (its CPU time
 * the baseline) and judged on the receiver compared two threads' lifetimes
 * of CPU time.  Under load, with the receiver starved for the hang bound,
 * that difference called the reference daemon a hoisted load (riscv
 * verify_2x2, 7.6 million executions in: "ran 303 ms without another
 * access ... used 100 ms of CPU").  It restarts too when a CPU of this
 * machine stalled since the last poll (util/vstall.h): the holder's CPU
 * time then grew while it ran nothing. */
#include "det_int.h"

int det_watch_poll(struct det_watch *w, uint64_t points, int holder, uint64_t now, int host_stall)
{
    if (points != w->last_points || holder < 0 || holder != w->holder) {
        w->last_points = points;
        w->holder = holder;
        w->still_since = now;
    } else if (!host_stall) {
        return 0;
    }
    /* a stall restarts only the CPU-time window: still_since is wall time
     * without a point, which the blocked-call TIMEOUT needs to reach its
     * bound however often the host stalls a CPU */
    w->win_t = now;
    w->cpu0 = -1;
    return 1;
}
