/* sim/engine/det/det_int.h — what the supervisor's files share and nobody
 * else needs: the execution context (det_exec.c), the run over many
 * executions (det_engine.c), the oracle (det_judge.c), the result words
 * (det_result.c). */
#ifndef HVSIM_DET_INT_H
#define HVSIM_DET_INT_H

#include "det.h"
#include "util/process.h"

struct det_ctx {
    struct hvsim_runcfg c;
    struct build_out b;
    int fd;
    void *base;
    struct det_shm *S;
    struct hvsim_ctl *ctl;
    struct proc ps[2];
    pid_t pgid;
    int alive;
    uint64_t hang_ns;
};

/* Many executions of one configuration (det_engine.c). */
struct det_run {
    const struct hvsim_runcfg *c;      /* as given */
    struct hvsim_runcfg eff;           /* as run */
    struct det_ctx *x;
    struct det_syms *sy;
    uint64_t executions, points, schedules;
    uint64_t resumed;                  /* executions a --resume'd checkpoint held */
    uint64_t t_start;
    struct run_result *r;              /* the result being reported (heap: it is large) */
};

uint64_t det_env_u64(const char *name, uint64_t def);
/* enum det_model of a configuration: --memory-model, or the target's own. */
int det_model_of(const struct hvsim_runcfg *c);
extern const char *const det_model_long[4], *const det_model_short[4];

/* det_judge.c: the protocol oracle on the end state the runtime judged. */
void det_judge_oracle(struct det_ctx *x, struct det_outcome *o);

/* det_result.c: the verdict of one execution in words and evidence. */
void det_fill_result(struct det_run *R, const struct det_outcome *o, uint64_t seed,
                     const char *schedule, struct run_result *r);

#endif
