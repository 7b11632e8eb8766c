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
    uint64_t nexec;    /* det_exec calls (HVSIM_TEST_DET_FAKE_HANG counts them) */
    uint64_t fake_hang; /* HVSIM_TEST_DET_FAKE_HANG: that call's first run is a hang */
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

/* A search's --checkpoint (det_checkpoint.c): the state every
 * HVSIM_CHECKPOINT_SECS seconds (60; 0: after every execution) and when
 * the --runs cap stops it, never after a finding (resumed, the search
 * would report it again: the file keeps a state from before it). */
struct det_ckpt_run {
    const char *path;        /* NULL: no checkpoint */
    struct det_ckpt k;
    uint64_t every_ns, last_ns;
    uint64_t saved;          /* executions in the last state written, 0 none */
    int off;                 /* a finding: written no more */
};
/* Before the first execution: --resume loads d, prefix, *plen and R's
 * counters (R->resumed); -1 with err when the file is refused. */
int det_ckpt_begin(struct det_ckpt_run *k, struct det_run *R, struct det_dfs *d, uint8_t *prefix, int *plen,
                   char *err, size_t errlen);
/* After det_dfs_next: written when due (force: now). */
void det_ckpt_tick(struct det_ckpt_run *k, const struct det_run *R, const struct det_dfs *d,
                   const uint8_t *prefix, int force);
/* The search stopped: removed when it ended, else where it is said. */
void det_ckpt_end(struct det_ckpt_run *k, int exhausted, int rc);

/* det_progress.c */
/* A long search shows it is alive (on a terminal, or HVSIM_PROGRESS=1 for
 * a log): executions so far and their rate, and the shallowest decision
 * it backtracked to since the last line — the search is done when that
 * reaches 0 and nothing is left there — and what is left on the current
 * path (a lower bound: dpor adds options as it finds races). */
struct det_progress {
    int on;
    uint64_t last_ns, last_exec, cap;
    int min_plen;
    int cut_said;     /* the "cannot end verified" line was printed */
};
/* cap: where --runs stops the search; resumed: executions of the runs before */
void det_progress_open(struct det_progress *pg, uint64_t cap, uint64_t resumed);
/* After each execution (plen: the prefix det_dfs_next returned); a line every 2 s. */
void det_progress_tick(struct det_progress *pg, const struct det_run *R, const struct det_dfs *d, int plen);
/* The line an interrupted search leaves (proc_set_stop_note). */
void det_stop_note(const struct det_run *R, const struct det_dfs *d, const struct det_ckpt_run *k);

/* det_watch.c: the supervisor's view of the token holder — its last
 * scheduling point and the window over which its CPU time is measured
 * (restarted when it was not burning CPU, so a late spin is still judged on
 * its own window). */
struct det_watch {
    uint64_t last_points, still_since, win_t;
    int holder;
    long cpu0;  /* the holder's CPU time (ms) at the window's start; -1 unread */
};
/* A poll: 1 when the window starts again (a point was reached, the token
 * moved to another thread, nobody holds it, or host_stall: a CPU stalled
 * since the last poll — that restarts the CPU-time window only, not
 * still_since), 0 when it goes on. */
int det_watch_poll(struct det_watch *w, uint64_t points, int holder, uint64_t now, int host_stall);

/* det_judge.c: the protocol oracle on the end state the runtime judged. */
void det_judge_oracle(struct det_ctx *x, struct det_outcome *o);

/* det_result.c: the verdict of one execution in words and evidence. */
void det_fill_result(struct det_run *R, const struct det_outcome *o, uint64_t seed,
                     const char *schedule, struct run_result *r);

#endif
