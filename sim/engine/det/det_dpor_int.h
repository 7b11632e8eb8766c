/* sim/engine/det/det_dpor_int.h — what det_dpor.c (races, sleep sets) and
 * det_dpor_fp.c (footprints, dependence) share: a transition's footprint
 * and the dependence between two of them. */
#ifndef HVSIM_DET_DPOR_INT_H
#define HVSIM_DET_DPOR_INT_H

#include "det.h"

#define PRIV_KEY 0xffffffffu /* an access to private memory (its address is not traced) */
/* Locations are bytes of the bridge page under sc and tso (req_front and
 * req_rear share a granule but not a byte: their accesses commute), and
 * the model's 8-byte granules under arm/riscv, where a granule is one
 * location with one store history.  blk: 64-byte blocks touched, a quick
 * "certainly independent" before the byte bitsets are compared. */
#define NGW ((int)(HVSIM_BRIDGE_PAGE / 64))   /* 64-bit words of a byte bitset */

#define PK_MAX 8

struct fp {                  /* a transition's footprint */
    uint64_t rd[NGW], wr[NGW];
    uint64_t rblk, wblk;
    uint32_t pk[PK_MAX];     /* private words (det_pkey) accessed; pkw: written */
    uint8_t pkw[PK_MAX], npk;
    uint64_t who, bufs;      /* threads whose events it holds; buffers it drains */
    uint64_t objs;           /* pthread objects (number mod 64) */
    uint32_t flags;
};
/* F_PRIV_R/W: a private access to a word not known (det_pkey() 0, or more
 * than PK_MAX words): dependent with every private access of the other */
enum { F_PRIV_R = 1, F_PRIV_W = 2, F_PLAT = 4, F_ALL = 8, F_ORDER = 16, F_ANYW = 32 };

/* A transition holds the logged step and the forced steps after it, which
 * may be other threads' (one became the only candidate).  Races are between
 * the steps of different actors, so each transition keeps its actors'
 * footprints apart too (an actor: a thread, or a thread's store buffer);
 * one with more than SUBMAX actors races as a whole. */
#define SUBMAX 4
struct tfp {
    struct fp all;           /* every step: happens-before */
    int nsub;                /* actors kept apart, -1: too many */
    uint8_t actor[SUBMAX];
    struct fp sub[SUBMAX];
};

/* 1 when two footprints do not commute. */
int dpor_fp_dependent(const struct fp *a, const struct fp *b);
/* The footprint of every transition (of[i]: the transition of log entry i). */
void dpor_build_fps(uint32_t nlog, const struct det_event *ev, uint32_t nev, int model,
                    const int32_t *of, struct tfp *fps);
/* Do steps of different actors in a and b conflict?  The actor of b's
 * conflicting step as an action bit, or 0. */
uint64_t dpor_tfp_race(const struct tfp *a, const struct tfp *b, uint64_t b_chosen);

#endif
