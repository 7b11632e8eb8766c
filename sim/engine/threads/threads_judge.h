/* sim/engine/threads/threads_judge.h — judging a tsan/helgrind run
 * (threads_judge.c): which reported races count, how the process ended, and
 * the verdict in words.  threads_engine.c runs the binary and reads the logs. */
#ifndef HVSIM_THREADS_JUDGE_H
#define HVSIM_THREADS_JUDGE_H

#include "threads.h"
#include "config/runcfg.h"
#include "util/region.h"
#include "verdict/result.h"

#define THR_MAX_REPORTS 64
/* The threads binary's exit statuses (sim/runtime/threads/rt.h RT_EXIT_*). */
#define THR_EXIT_DONE 0
#define THR_EXIT_HANG 20
#define THR_EXIT_WRONG 21
#define THR_EXIT_QUIESCENT 22

/* The parsed reports of one run and how to read them. */
struct thr_judge {
    struct thr_report *R;
    int nrep;
    int hg;          /* Helgrind (else ThreadSanitizer) */
    int layout_old;
    uint64_t base;   /* the bridge's address in the run (thr_bridge_base), 0 unknown */
    uint64_t t_end;  /* µs from the start, for the events */
};

/* Count the reports into r->race (races once per field and pair of sites,
 * hvsim's runtime, other kinds, atomic pairs) with an event per race;
 * returns the report to explain (the first race on the bridge, else the
 * first race) or -1. */
int thr_count_races(const struct thr_judge *j, struct run_result *r);
/* How the process ended (wait status st, killed at the hard limit), as a
 * verdict with why (one line) and detail (may stay ""). */
enum hvsim_verdict thr_run_end(const struct hvsim_runcfg *c, const char *bin, const struct region *rg,
                               int st, int killed, struct run_result *r, char *why, size_t wn,
                               char *detail, size_t dn);
/* DATA_RACE on report x, in words (r->race already counted). */
void thr_describe_race(const struct thr_judge *j, const struct thr_report *x, struct run_result *r);
/* No race: the run's end verdict, in words. */
void thr_describe_no_race(const struct thr_judge *j, enum hvsim_verdict end, const char *why,
                          const char *detail, struct run_result *r);

#endif
