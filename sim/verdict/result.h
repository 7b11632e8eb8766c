/* sim/verdict/result.h — the outcome of one run, with its evidence. */
#ifndef HVSIM_RESULT_H
#define HVSIM_RESULT_H

#include <jansson.h>
#include "config/runcfg.h"

#define RESULT_MAX_EVENTS 64
#define RESULT_MAX_PCS 16

struct run_event {
    uint64_t t_us;       /* since go */
    char who[16];        /* cpu0, daemon, watchdog */
    char what[120];
};

/* DATA_RACE evidence of the threads engines (tsan, helgrind): the racing
 * field and both sites, with the tool's own report kept verbatim. */
struct run_race_site {
    char function[128], file[256];
    int line;
    char kind[24];       /* "plain read", "atomic write" */
    char thread[80];     /* "hypervisor T3", "daemon #2": a role and a thread name (threads.h's sizes) fit */
};
struct run_race {
    char tool[16];       /* ThreadSanitizer | Helgrind; "" = not a threads run */
    char field[160];     /* "cfg_flags[0]" (struct virtio_bridge), else the tool's location (fits whole) */
    int in_bridge;
    uint64_t offset;     /* in struct virtio_bridge when in_bridge */
    struct run_race_site site[2]; /* the reporting access, the earlier one */
    unsigned nraces;     /* distinct races in the code under test */
    unsigned nharness;   /* reports in hvsim's own runtime (must stay 0) */
    unsigned nother;     /* tool reports that are not data races */
    unsigned natomic_pairs; /* helgrind: atomic-vs-atomic pairs set aside (no race in C11) */
    unsigned suppressed;
    int hang;            /* the run stopped making progress as well */
    char run_end[700];   /* how the run itself ended, as a verdict and words */
    char command[2048];  /* the command that ran the binary */
    char logdir[64];     /* kept logs (HVSIM_THREADS_KEEP), else "" */
    char others[1024];   /* one line per race */
    char tool_text[4096];/* the tool's own text of the reported race */
};

struct run_result {
    enum hvsim_verdict verdict;
    uint64_t seed;
    char summary[600];   /* one line */
    char text[4096];     /* the evidence in words */
    char invariant[96];  /* the protocol invariant broken (sim/verdict/oracle.h), "" none */
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
    struct run_race race; /* threads engines only (tool[0] != 0) */
    /* deterministic engine (sim/det): empty / zero for the other engines */
    char det_schedule[8192];      /* replayable schedule string ("det1:...") */
    char det_strategy[16];        /* random | pct | dfs */
    char det_memory_model[8];     /* sc | tso */
    uint64_t det_points;          /* scheduling points of this execution */
    uint64_t det_steps;           /* scheduling decisions of this execution */
    uint64_t det_preemptions;
    uint64_t det_executions;      /* executions run so far in this det run */
    uint64_t det_schedules;       /* distinct schedules covered (dfs) */
    /* the wait function's instructions at this level and at -O0, source
     * interleaved, loads marked (hangs and wrong values; engine.c) */
    char loop_disasm[6144];
    char loop_disasm_o0[6144];
    /* each PC sample symbolised: "function\tfile\tline" ("" when unknown) */
    char pc_where[RESULT_MAX_PCS][160];
};

void result_event(struct run_result *r, uint64_t t_us, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* One JSON object: verdict, engine, cc, opt, arch, wait, relax, wake, seed, evidence{…}. */
/* What a run's verdict is evidence about: "host", or for a foreign arch the
 * qemu-user caveat (the foreign compiler's code on the host's memory model). */
const char *result_platform(const char *arch);
json_t *result_to_json(const struct run_result *r, const struct hvsim_runcfg *c);
/* The human line: "VERDICT  file:line  in function(): summary". */
void result_print(FILE *f, const struct run_result *r);

#endif
