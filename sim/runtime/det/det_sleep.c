/* sim/runtime/det/det_sleep.c — dpor's sleep set in the runtime's
 * continuation.  The supervisor hands over, with the schedule prefix, the
 * actions already explored at the prefix's last decision and the footprint
 * of their step (struct det_slp).  Beyond the prefix the runtime runs its
 * default schedule, but never takes an asleep action while another is
 * possible; each traced step wakes the asleep actions it does not commute
 * with (det_fp.h).  Without this, an execution that takes an asleep step is
 * equivalent to one explored already and is thrown away afterwards
 * (det_dpor.c checks every execution whatever the runtime did): under tso
 * that was 87 of every 100 executions of tests/det/verify_2x1.hvs. */
#include "det_rt_int.h"
#include "det_fp.h"

/* Wake what the events traced since the last look do not commute with.
 * Events before the prefix's last decision were accounted by the
 * supervisor. */
static void slp_wake(struct det_shm *S)
{
    static struct det_fp f; /* one per process; only the token holder runs */
    struct det_slp *z = &S->slp;
    int wmm = S->model == DM_ARM || S->model == DM_RISCV;
    for (; z->mask && z->next_ev < S->nev && z->next_ev < DET_MAX_EV; z->next_ev++) {
        const struct det_event *e = &S->ev[z->next_ev];
        int again = det_fp_reread(&z->win[(e->tid & 63) % DET_MAXT], e);
        if (e->step < S->prefix_len || e->kind == EV_SWITCH)
            continue;
        det_fp_clear(&f);
        if (again == 1 && det_fp_is_read(e)) {
            /* a further turn of a loop that only reads starts no race
             * (the spin-loop rule, as det_dpor_fp.c has it; the turn that
             * found a new value, below, is a read as any other); under
             * arm/riscv an acquire one that raised its view still orders */
            f.who = 1ull << (e->tid & 63);
            if (det_fp_orders_own_buffer(e, wmm))
                f.flags |= DF_OWNB;
            if (wmm && e->kind == EV_ALOAD && e->mo && e->view != DET_VIEW_NONE)
                f.flags |= DF_ORDER;
        } else {
            det_fp_event(&f, e, wmm);
        }
        for (int i = 0; i < z->n && i < DET_SLP_MAX; i++)
            if ((z->mask >> (z->act[i] & 63) & 1) && det_fp_dependent(&z->fp[i], &f))
                z->mask &= ~(1ull << (z->act[i] & 63));
    }
}

/* The continuation's choice: def (the default) unless it is asleep, then
 * the lowest awake thread, else the lowest awake buffer.  All asleep: def
 * (the execution is equivalent to an explored one; the supervisor counts
 * it as such). */
int det_rt_slp_steer(uint64_t cand, uint64_t bufs, int def)
{
    struct det_shm *S = det_S;
    if (!S->slp.mask)
        return def;
    slp_wake(S);
    uint64_t asleep = S->slp.mask;
    if (!(asleep >> def & 1))
        return def;
    uint64_t t = cand & ~asleep, b = bufs & ~(asleep >> DET_ACT_DRAIN);
    if (t)
        return __builtin_ctzll(t);
    if (b)
        return DET_ACT_DRAIN + __builtin_ctzll(b);
    return def;
}
