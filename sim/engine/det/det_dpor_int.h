/* sim/engine/det/det_dpor_int.h — what det_dpor.c (races, sleep sets) and
 * det_dpor_fp.c (footprints, dependence) share: a transition's footprint
 * and the dependence between two of them. */
#ifndef HVSIM_DET_DPOR_INT_H
#define HVSIM_DET_DPOR_INT_H

#include "det.h"
#include "runtime/det/det_fp.h"

/* A transition holds the logged step and the forced steps after it, which
 * may be other threads' (one became the only candidate).  Races are between
 * the steps of different actors, so each transition keeps its actors'
 * footprints apart too (an actor: a thread, or a thread's store buffer);
 * one with more than SUBMAX actors races as a whole. */
#define SUBMAX 4
struct tfp {
    struct det_fp all;           /* every step: happens-before */
    int nsub;                /* actors kept apart, -1: too many */
    uint8_t actor[SUBMAX];
    struct det_fp sub[SUBMAX];
};

/* The footprint of every transition (of[i]: the transition of log entry i). */
void dpor_build_fps(uint32_t nlog, const struct det_event *ev, uint32_t nev, int model,
                    const int32_t *of, struct tfp *fps);
/* Do steps of different actors in a and b conflict (under sc/tso a thread
 * and its own buffer never race)?  The actor of b's
 * conflicting step as an action bit, or 0. */
uint64_t dpor_tfp_race(const struct tfp *a, const struct tfp *b, uint64_t b_chosen, int model);

#endif
