/* sim/core/result.h — the outcome of one run, with its evidence. */
#ifndef HVSIM_RESULT_H
#define HVSIM_RESULT_H

#include <jansson.h>
#include "runcfg.h"

#define RESULT_MAX_EVENTS 64
#define RESULT_MAX_PCS 16

struct run_event {
    uint64_t t_us;       /* since go */
    char who[16];        /* cpu0, daemon, watchdog */
    char what[120];
};

struct run_result {
    enum hvsim_verdict verdict;
    uint64_t seed;
    char summary[600];   /* one line */
    char text[4096];     /* the evidence in words */
    int cpu;             /* CPU concerned, -1 none */
    uint64_t flag_in_memory, flag_waited_on;
    long cpu_time_ms;    /* waiter's CPU time during the judged window */
    long window_ms;      /* length of that window */
    uint64_t judge_latency_ms; /* flag changed (as first observed) → verdict */
    char function[128], file[256];
    int line;
    int npcs;
    uint64_t pcs[RESULT_MAX_PCS];
    int signal;
    uint64_t wall_ms;
    unsigned nevents;
    struct run_event ev[RESULT_MAX_EVENTS];
};

void result_event(struct run_result *r, uint64_t t_us, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* One JSON object: verdict, engine, cc, opt, arch, wait, relax, wake, seed, evidence{…}. */
json_t *result_to_json(const struct run_result *r, const struct hvsim_runcfg *c);
/* The human line: "VERDICT  file:line  in function(): summary". */
void result_print(FILE *f, const struct run_result *r);

#endif
