/* sim/engine/det/det.h — the deterministic engine, supervisor side.
 *
 * det_engine.c  strategies (seeded runs, dfs/dpor exploration), shrinking, replay
 * det_exec.c    participants, one execution, the watchdog
 * det_judge.c   the protocol oracle on an execution's end state
 * det_result.c  an execution's verdict in words and evidence
 * det_sched.c   schedule strings and the bounded-DFS bookkeeping (pure)
 * det_dpor.c    source-DPOR: races and backtrack sets from a trace (pure)
 * det_trace.c   text and Chrome trace output
 * det_replay.c  rerunning a failure's schedule (`hvsim replay`, sim/cli/cmd_replay.c)
 * det_audit.c   the bridge's access sites (`hvsim audit`, sim/cli/cmd_audit.c)
 * det_bench.c   det_bench()
 */
#ifndef HVSIM_DET_H
#define HVSIM_DET_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>
#include "runtime/det/det_shm.h"
#include "engine/engine.h"
#include "build/build.h"
#include "verdict/oracle.h"

/* ---- schedule strings (det_sched.c) --------------------------------------- *
 * "det1:" then the actions of every decision up to the last one that differs
 * from the default choice: a..z = run participant 0..25, A..Z = drain the
 * oldest entry of participant 0..25's store buffer; a decimal repeat count
 * may follow a letter.  Past its end a replay takes the default choice
 * (keep running the same participant, never drain early).
 * "det3:" (arm, riscv) adds value choices: '.' then a..z, A..Z = option
 * 0..51 (which message a load reads, newest first, among the candidates
 * det_wmm_rt.c offers; which committable store of a buffer commits, oldest
 * first), with the same repeat counts.  "det2:" was the same before loads
 * were offered only the oldest of candidates holding the same bytes: its
 * option letters can name other messages now, so it is refused. */
/* det_audit.c: the bridge access sites of one det execution, JSON array. */
int det_audit(const struct hvsim_runcfg *c, json_t **out, char *err, size_t errlen);

/* det_emit.c: write a CMocka regression test replaying this failure. */
int det_emit_test(json_t *failure, const char *path, char *err, size_t errlen);

int det_sched_encode(const uint8_t *acts, uint32_t n, char *out, size_t len);
/* Returns the number of actions, -1 on a malformed string, -2 on a det2:
 * string (an older hvsim's numbering of value choices). */
#define DET_SCHED_OLD_DET2 \
    "a det2: schedule comes from an older hvsim, whose arm/riscv value choices counted load " \
    "candidates this one merges (the same bytes: only the oldest is offered); rerun the search " \
    "(hvsim run) for a det3: schedule"
int det_sched_decode(const char *s, uint8_t *acts, uint32_t max);
/* The default choice at a logged decision. */
int det_default_action(const struct det_logent *l);
/* Length of the prefix of log that differs from defaults (trailing defaults cut). */
uint32_t det_sched_significant(const struct det_logent *log, uint32_t n);
/* det_sched_significant + det_sched_encode of a whole log */
int det_sched_of_log(const struct det_logent *log, uint32_t nlog, char *out, size_t len);

/* ---- bounded DFS (det_sched.c) -------------------------------------------- *
 * Preemption bounding (CHESS): switching away from a participant that could
 * continue costs 1, a store-buffer drain before it is forced costs 1,
 * everything else is free; every schedule whose cost is <= bound is run
 * exactly once.  The stack persists across executions (stateless search). */
struct det_foot;             /* dpor: footprints of the steps taken or asleep at a node (det_dpor.c) */
/* dpor under arm/riscv: a drain decision's action names a buffer, the
 * entry it commits is a granule (det_dpor_int.h, actors).  A node keeps
 * the (buffer, granule) commits explored or asked for there; with more
 * than DET_GW_MAX, or when a race's reversal could not be named, gw_all:
 * every entry of every drain explored from here (as plain dfs does). */
#define DET_GW_MAX 8
struct det_gw {
    uint8_t t, done;
    uint16_t g;
};
struct det_dfs_node {
    uint64_t opts, tried;
    uint64_t bt;             /* dpor: the backtrack set (actions to explore here) */
    uint64_t sleep;          /* dpor: asleep here — explored at an ancestor, independent since */
    struct det_foot *foot;
    uint8_t cur, cur_cand, chosen, kind;
    uint16_t cost_before;
    uint8_t ngw, gw_all;
    struct det_gw gw[DET_GW_MAX];
    /* for the estimate (det_dfs_estimate): executions recorded before the
     * current option's first, and the sizes of the options finished here */
    uint64_t began, done_sum;
    uint32_t done_n;
};
struct det_dfs {
    struct det_dfs_node *st;
    uint32_t n, cap;
    unsigned bound;
    uint64_t schedules;
    int dpor, model;         /* source-DPOR (det_dpor.c); enum det_model of the dependences */
    uint64_t cut;            /* options skipped because of the bound (0: complete) */
    uint64_t reduced;        /* dpor: options never explored because equivalent */
    uint64_t races;
    uint64_t blocked;        /* dpor: executions that took an asleep step (equivalent to one run) */
    uint64_t vcut;           /* arm/riscv: executions with a load not offered every message its
                              * view allows (det_wmm.cut): the search is then not complete */
    uint64_t stale;          /* dpor, arm/riscv: executions that left the one before by a stale
                              * failed turn of a loop (det_dpor_stale.c) */
    uint32_t plen;           /* the prefix the last det_dfs_next returned */
    uint32_t gstep1;         /* and the granule its last drain commits (struct det_slp) */
    uint16_t g;
    /* arm/riscv: det_shm.vcts of the execution det_dfs_dpor analyses (row i:
     * WMM_CANDS timestamps of value choice i's options), NULL: none */
    const uint32_t *vcts;
    int vsleep;              /* HVSIM_DPOR_VSLEEP: value-refined sleep sets, experimental, off by
                              * default (det_dpor_vsleep.c) */
};
void det_dfs_init(struct det_dfs *d, unsigned bound);
void det_dfs_free(struct det_dfs *d);
int det_dfs_cost(const struct det_dfs_node *n, int action);
/* Merge the log of the execution that just ran (its prefix was the last
 * det_dfs_next result). */
void det_dfs_record(struct det_dfs *d, const struct det_logent *log, uint32_t nlog);
/* Next prefix to run; returns its length, or -1 when the bounded space is exhausted. */
int det_dfs_next(struct det_dfs *d, uint8_t *prefix, uint32_t max);
/* Options left to branch at on the current path (as det_dfs_next sees them,
 * before the bound; a dpor search adds more as it analyses races), and the
 * shallowest decision that has one (-1: none).  For the progress line. */
int det_dfs_left(const struct det_dfs *d, int *shallowest);
/* A rough estimate of the executions the whole search takes (>= those
 * recorded): each option left at a decision is taken to be as large as the
 * mean of the options finished there and the current one, whose own size is
 * what it ran so far plus the estimate of what is left below it, or
 * before it ran at all the mean of those finished (exact on a uniform tree; Knuth's
 * idea of measuring a tree by the parts seen, with sizes instead of random
 * probes).  Backtrack sets still grow as races are found, so it is no
 * bound either way: for the progress line, labelled as rough. */
double det_dfs_estimate(const struct det_dfs *d);
/* dpor: after det_dfs_record, the races of that execution's trace add to the
 * backtrack sets; a race whose reversal the bound forbids is also tried at
 * the last context switch before it, where it costs nothing more (Coons,
 * Musuvathi, McKinley, OOPSLA'13).  Returns the races, -1: trace too long to
 * analyse (then every option of the execution is explored, as plain dfs). */
int det_dfs_dpor(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                 const struct det_event *ev, uint32_t nev);
/* det_dpor_stale.c: the execution left the one before (d->plen) by a
 * load's stale message in a failed turn of a loop: 1, a wait's turn (the
 * execution and all under its decision explored already); 2, a turn of
 * reads of one granule (the decisions from step *from on explored
 * already); 0 neither. */
int dpor_stale_turn(const struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                    const struct det_event *ev, uint32_t nev, uint32_t *from);
/* The read of value choice v (log[v].kind DET_KIND_LOAD), its index in ev; -1 none. */
int32_t det_choice_read(const struct det_event *ev, uint32_t nev, const struct det_logent *log, uint32_t v);

/* ---- source-DPOR bookkeeping (det_dpor.c) ---------------------------------- */
#define DET_DPOR_MAX_NODES 8192
/* 1 when two trace events do not commute (wmm: arm/riscv). */
int det_dpor_dependent(const struct det_event *a, const struct det_event *b, int wmm);
/* Add to bt[i] (action bits, as det_logent.opts) what the races between the
 * transitions of one execution need; bt[i] must hold the actions explored or
 * scheduled at i.  Returns the number of races, -1 when not analysable. */
int det_dpor_races(const struct det_logent *log, uint32_t nlog, const struct det_event *ev,
                   uint32_t nev, int model, uint64_t *bt);
/* The same with sleep sets (Godefroid; source-DPOR's Algorithm 1): d's
 * nodes learn what is asleep where; an execution that took an asleep step
 * at node k is equivalent to one already explored: its races are not
 * analysed, and the lowest option at k that is neither asleep nor tried
 * joins bt[k].  Returns the races, -1 not analysable, -2 such an execution. */
int det_dpor_analyse(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                     const struct det_event *ev, uint32_t nev, uint64_t *bt);
void det_foot_free(struct det_foot *f);
/* The size of a node's footprints (flat: det_checkpoint.c copies them). */
size_t det_foot_size(void);

/* ---- a search's state in a file (det_checkpoint.c, --checkpoint) ------------ */
struct det_ckpt {
    uint64_t key;            /* det_ckpt_key of the search it belongs to */
    uint64_t executions, points;
};
/* What a checkpoint belongs to: the participants' code, c's settings that
 * change an execution, the HVSIM_DPOR_* switches, the hvsim executable. */
uint64_t det_ckpt_key(const struct hvsim_runcfg *c, uint64_t hv_text, uint64_t be_text);
/* d's stack and the next prefix (d->plen bytes, after det_dfs_next) into
 * path, atomically; 0, or -1 with err. */
int det_ckpt_save(const char *path, const struct det_ckpt *k, const struct det_dfs *d,
                  const uint8_t *prefix, char *err, size_t errlen);
/* The reverse into a zeroed d (det_dfs_init): 0, or -1 with "path: why"
 * (not a checkpoint, another search's, truncated, damaged). */
/* The search ended: path and a FILE.tmp a kill left; unlink's result for path. */
int det_ckpt_remove(const char *path);
int det_ckpt_load(const char *path, uint64_t key, struct det_ckpt *k, struct det_dfs *d,
                  uint8_t *prefix, uint32_t max, char *err, size_t errlen);
/* Is (buffer t, granule g) explored or asked for at x; note it there. */
int det_gw_has(const struct det_dfs_node *x, int t, int g);
void det_gw_put(struct det_dfs_node *x, int t, int g, int done);
/* Every option at x, and every entry of every drain taken there (gw_all). */
void det_gw_all(struct det_dfs_node *x);
/* The last prefix's keyed drain found no entry on its granule (gmiss):
 * every entry of every drain at that decision is explored. */
void det_dfs_gmiss(struct det_dfs *d);
/* What is asleep at the end of the prefix det_dfs_next returned (the start
 * of the sleep-set check above), for the runtime to steer clear of. */
void det_dfs_slp(const struct det_dfs *d, struct det_slp *z);

/* ---- executions (det_exec.c) ------------------------------------------- */
struct det_plan {
    int strategy;            /* enum det_strategy */
    uint64_t seed;
    unsigned pct_depth;
    const uint8_t *prefix;
    uint32_t prefix_len;
    int soft;
    int record_ev;
    const struct det_slp *slp; /* dpor: asleep after the prefix, or NULL */
};

struct det_outcome {
    int verdict;
    int vtid;
    uint64_t vval[4];
    char why[600];           /* the size of an oracle finding's summary, copied into it */
    uint32_t steps;
    uint64_t points;
    uint32_t preemptions, switches, drains, diverged;
    uint64_t wall_ns;
    uint64_t hang_pc;        /* HANG_STALE_READ: last access site of the spinner */
    int hang_proc;           /* 0 hv, 1 backend */
    long hang_cpu_ms, hang_window_ms;
    int has_finding;         /* the protocol oracle turned the verdict (fin) */
    struct oracle_finding fin;
};

struct det_ctx;
int det_ctx_open(struct det_ctx **out, const struct hvsim_runcfg *c, const struct build_out *b,
                 char *err, size_t errlen);
void det_ctx_close(struct det_ctx *x);
int det_exec(struct det_ctx *x, const struct det_plan *p, struct det_outcome *o, char *err,
             size_t errlen);
struct det_shm *det_ctx_shm(struct det_ctx *x);
void *det_ctx_base(struct det_ctx *x); /* the region: bridge, control area, det_shm */
/* The configuration the engine really runs (det defaults applied): a deep
 * copy (runcfg_copy) into out, which must be zeroed or a valid config and is
 * the caller's to runcfg_clear/runcfg_free. */
void det_effective_cfg(const struct hvsim_runcfg *in, struct hvsim_runcfg *out);

/* Replay entry used by `hvsim replay`: run one schedule, write traces. */
struct det_replay_opts {
    const char *schedule;
    const char *trace_path, *chrome_path;
    int quiet;
};
int det_engine_replay(const struct hvsim_runcfg *c, uint64_t seed, const struct det_replay_opts *ro,
                      engine_cb cb, void *ud, char *err, size_t errlen);

/* det_replay.c: what `hvsim replay` (sim/cli/cmd_replay.c) asks of the engine. */
#define DET_REPLAY_NOV 5
struct det_replay_cfg {
    const char *path;                        /* the failure's file, for messages */
    const char *schedule;                    /* NULL: the failure's evidence.schedule */
    const char *override[DET_REPLAY_NOV];    /* wait wake relax opt cc; NULL: as recorded */
    int allow_changed;                       /* replay on recorded files whose SHA-256 changed */
    struct det_replay_opts ro;               /* traces (ro.schedule is set from the above) */
    void (*note)(void *ud, const char *msg); /* a remark before the run (may be NULL) */
    void *note_ud;
};
/* Rebuild in c the configuration and code the failure (one line of
 * `hvsim run --engine det --json`) ran and rerun its schedule; cb gets the
 * result.  0, -2 bad input (why in err), -1 a harness failure. */
int det_replay_failure(json_t *failure, const struct det_replay_cfg *rc, struct hvsim_runcfg *c,
                       engine_cb cb, void *ud, char *err, size_t errlen);
/* det_emit_test() for a failure whose recorded code is still there and the
 * same: 0, -2 it is not (why in err), -1 the test could not be written. */
int det_replay_emit(json_t *failure, const char *path, char *err, size_t errlen);

/* det_explain.c: the cause of a LOST_WAKEUP, from the execution's trace. */
struct det_syms;
void det_explain_lost_wakeup(const struct det_shm *S, const struct hvsim_ctl *ctl,
                             struct det_syms *sy, char *buf, size_t len);

/* det_explain.c: a LIVELOCK in words: who re-reads what, the others' states,
 * the ring, and for a CPU waiting for its answer whether one came and when. */
void det_explain_stuck(const struct det_shm *S, const struct hvsim_ctl *ctl, struct det_syms *sy,
                       int t, uint32_t key, uint64_t val, int missed, char *buf, size_t len);

/* det_wmm_explain.c: arm/riscv — the reordering the reported execution needed
 * (which two accesses, which fence forbids it), from its trace; 0: none found. */
int det_wmm_explain(const struct det_shm *S, struct det_syms *sy, char *buf, size_t len);

/* det_explain.c: 1 when thread t's first load of off in its current guest
 * access (after its last EV_ACCESS) already returned *val. */
int det_first_load_in_access(const struct det_shm *S, int t, uint32_t off, const uint64_t *val);

/* det_behaviour.c: an execution's observable behaviour as one hash (each
 * thread's reads, repeats collapsed, its writes, kicks and sleeps), and a
 * set of distinct ones (det_bset_add: 1 new, 0 known, -1 no memory). */
/* Mark in skip[k] the events of await loops' failed turns
 * (det_dpor_await.c): what the behaviour hash leaves out. */
void det_await_turns(const struct det_event *ev, uint32_t nev, uint8_t *skip);
uint64_t det_behaviour_hash(const struct det_event *ev, uint32_t nev);
/* A thread's bridge reads since its last other action (the behaviour and
 * graph hashes' spin-loop window): 1 when (off, val) was read in it
 * already, else it joins.  n = 0 starts a new turn. */
#define DET_BWIN 32
struct det_bwin {
    uint32_t n, off[DET_BWIN];
    uint64_t val[DET_BWIN];
};
int det_bwin_seen(struct det_bwin *w, uint32_t off, uint64_t val);
struct det_bset {
    uint64_t *v;
    size_t cap, n;
    int zero;
};
int det_bset_add(struct det_bset *s, uint64_t h);
void det_bset_free(struct det_bset *s);
/* HVSIM_DET_BEHAVIOURS=FILE: a search writes each new behaviour's hash to
 * FILE, one a line, and the count at its end (tools/dpor_behaviours.sh);
 * unset, these do nothing. */
struct det_bfile {
    FILE *f, *gf;
    const char *path, *gpath;
    struct det_bset s, g;
    int model;
};
/* HVSIM_DET_GRAPHS=FILE: the same for execution graphs (det_graph.c), a
 * finer check than behaviours and a measure of the search's redundancy. */
/* add: keep the files' lines and count them as known (a resumed search) */
void det_bfile_open(struct det_bfile *b, int model, int add);
void det_bfile_note(struct det_bfile *b, const struct det_event *ev, uint32_t nev, const struct det_logent *log,
                    uint32_t nlog);
/* The same with the execution's graph hash computed already (det_graph_hash;
 * a search that profiles itself needs it too). */
void det_bfile_note_graph(struct det_bfile *b, const struct det_event *ev, uint32_t nev,
                          const struct det_logent *log, uint32_t nlog, uint64_t graph);
/* det_graph.c: an execution's rf/co graph as one hash. */
uint64_t det_graph_hash(const struct det_event *ev, uint32_t nev, int model);
void det_bfile_close(struct det_bfile *b, uint64_t executions);

/* HVSIM_DPOR_PROFILE=FILE (det_profile.c): a dfs/dpor search counts
 * its executions by the decision where each left the one before, and
 * writes the table as it goes; unset, these do nothing. */
#define DET_PROF_ROWS 512
struct det_prof_row {
    uint64_t pc, count, fresh; /* fresh: executions whose graph was new */
    uint32_t off;
    uint8_t kind, act, tid, ekind, stale, turn;
};
struct det_prof {
    const char *path;
    uint64_t total, other, fresh;
    uint32_t n;
    struct det_bset graphs; /* det_graph_hash of every execution so far */
    struct det_prof_row row[DET_PROF_ROWS];
};
void det_prof_open(struct det_prof *p);
/* graph: the execution's det_graph_hash */
void det_prof_note(struct det_prof *p, const struct det_dfs *d, const struct det_shm *S, struct det_syms *sy,
                   uint64_t graph);
void det_prof_close(struct det_prof *p, const struct det_shm *S, struct det_syms *sy);

/* det_blocked.c: "read(2) on fd 5 (pipe:[123])" for a thread blocked in the kernel. */
void det_blocked_call(pid_t pid, pid_t tid, char *buf, size_t len);
/* 1 when the thread waits in the kernel (state S or D), 0 runnable or gone. */
int det_thread_sleeping(pid_t pid, pid_t tid);

/* ---- traces (det_trace.c) ------------------------------------------------- */
struct det_syms;
struct det_syms *det_syms_new(const char *hv_bin, const char *be_bin);
void det_syms_free(struct det_syms *s);
/* "file:line" (relative to the hvsim tree) for a return address in process proc. */
const char *det_syms_line(struct det_syms *s, int proc, uint64_t pc, char *buf, size_t len);
void det_trace_text(FILE *f, const struct det_shm *S, struct det_syms *sy, const char *header);
void det_trace_chrome(FILE *f, const struct det_shm *S, struct det_syms *sy);
/* "cfg_flags[0]", "req_list[3]+8": the bridge field at a byte offset. */
void det_field_name(uint32_t off, char *buf, size_t len);
const char *det_thread_name(const struct det_shm *S, int t, char *buf, size_t len);
/* "read", "drain", …: an event kind in words. */
const char *det_event_kind_name(int kind);
/* One EV_SYNC event (a pthread call of the code under test) in words. */
void det_sync_describe(const struct det_shm *S, const struct det_event *e, char *buf, size_t len);
/* The threads blocked in a pthread call at the end of the execution, in words. */
void det_blocked_note(const struct det_shm *S, struct det_syms *sy, char *buf, size_t len);

#endif
