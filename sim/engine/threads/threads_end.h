/* sim/engine/threads/threads_end.h — how a threads-engine run ended (no race
 * involved): judged from the control area and the bridge the binary left
 * behind, every state number said in words. */
#ifndef HVSIM_THREADS_END_H
#define HVSIM_THREADS_END_H

#include "util/region.h"
#include "verdict/result.h"
#include "config/runcfg.h"

enum thr_end_how {
    THR_END_QUIESCENT, /* the binary saw quiescence while everyone was alive */
    THR_END_HANG,      /* no progress for its hang window */
    THR_END_KILLED,    /* the supervisor's hard limit */
};

/* Sets r's cpu/flags/function, writes one line into why and the whole
 * evidence (state of every party in words) into detail; returns the
 * verdict.  bin: the threads binary (for the loop
 * checker). */
enum hvsim_verdict thr_judge_end(const struct hvsim_runcfg *c, const char *bin, const struct region *rg,
                                 enum thr_end_how how, struct run_result *r, char *why, size_t whylen,
                                 char *detail, size_t dlen);

/* Does the handler's code in this binary hold a loop with no load and no
 * call (a hoisted load)?  0 yes (where = "function file:line"), 1 every loop
 * re-reads memory, -1 unknown (why in where). */
int thr_loop_evidence(const struct hvsim_runcfg *c, const char *bin, char *where, size_t n);

#endif
