/* sim/litmus/litmus.h — `hvsim litmus`: herd7's C litmus format, compiled
 * with a real compiler at a real -O level, explored exhaustively under the
 * det engine's memory models (sc, tso, arm, riscv).
 *
 *   lit_parse.c    the file: test, init, threads, condition, expectations
 *   lit_lex.c      its tokens (and the expectations in herd7 comments)
 *   lit_body.c     a thread: parameters, body checked and re-emitted as C
 *   lit_ps.c       the parser's shared helpers (lit_ps.h)
 *   lit_cond.c     conditions: evaluation, printing
 *   lit_gen.c      the C file of one test (what the compiler sees)
 *   lit_build.c    compiling it against the det runtime (participant)
 *   lit_explore.c  every execution: stateless DFS with sleep sets over the
 *                  runtime's logged decisions (threads, drains, values)
 *   lit_print.c    herd7-style text and JSON
 */
#ifndef HVSIM_LITMUS_H
#define HVSIM_LITMUS_H

#include <stddef.h>
#include <stdint.h>
#include "runtime/det/det_litmus.h"

#define LIT_NMODEL 4 /* sc tso arm riscv, enum det_model order */
extern const char *const lit_model_name[LIT_NMODEL];
extern const char *const lit_model_long[LIT_NMODEL];

enum lit_quant { LQ_EXISTS, LQ_NOT_EXISTS, LQ_FORALL };
enum lit_pop { LP_TRUE, LP_FALSE, LP_ATOM, LP_NOT, LP_AND, LP_OR };

struct lit_prop {
    int op;
    int a, b;      /* children (node indices) */
    int tid;       /* LP_ATOM: thread of a register, -1 a location */
    int idx;       /* register index in thread tid, or location index */
    int64_t val;
};

struct lit_loc {
    char name[32];
    char ctype[40];  /* "atomic_int", "int", ... as the parameters declare it */
    int atomic;
    int64_t init;
};

struct lit_thread {
    int nregs;
    char reg[LIT_MAXREG][32];
    char regtype[LIT_MAXREG][24];
    int nparam;
    int param_loc[LIT_MAXLOC];
    char ptype[LIT_MAXLOC][40]; /* each parameter's type as this thread spells it */
    char *code;      /* the body as C, register declarations hoisted (lit_gen.c) */
};

/* an observed variable of the final state: a register (tid >= 0) or a location */
struct lit_obs { int tid, idx; };

struct lit_test {
    char path[512];
    char name[64];
    int nloc;
    struct lit_loc loc[LIT_MAXLOC];
    int nthr;
    struct lit_thread thr[LIT_MAXT];
    int quant;
    int nprop, root;
    struct lit_prop prop[128];
    int nobs;
    struct lit_obs obs[LIT_MAXLOC + LIT_MAXT * LIT_MAXREG];
    /* (* hvsim-expect: sc=Forbidden tso=Allowed ... *): -1 none, 0 Forbidden, 1 Allowed */
    int expect[LIT_NMODEL];
    /* (* hvsim-herd7: arm=Allowed riscv=Allowed; why *): herd7's result where it differs */
    int herd[LIT_NMODEL];
    char herd_why[160];
};

/* 0, or -1 with "file:line:col: what is wrong" in err. */
int lit_parse_file(const char *path, struct lit_test *t, char *err, size_t errlen);
int lit_parse_text(const char *path, const char *text, struct lit_test *t, char *err, size_t errlen);
void lit_test_free(struct lit_test *t);

/* ---- conditions (lit_cond.c) ---- */
/* values of the observed variables, in t->obs order */
int lit_prop_eval(const struct lit_test *t, int node, const int64_t *obsval);
void lit_cond_text(const struct lit_test *t, char *buf, size_t len);  /* "exists (0:r0=0 /\ 1:r0=0)" */
void lit_obs_name(const struct lit_test *t, int i, char *buf, size_t len); /* "0:r0", "x" */
/* Allowed (1) / Forbidden (0) as herd7 reads the condition: the outcome it
 * names (exists, ~exists: the proposition; forall: its negation) is reached. */
int lit_allowed(const struct lit_test *t, uint64_t pos, uint64_t neg);
/* herd7's "Ok" / "No": the condition holds */
int lit_ok(const struct lit_test *t, uint64_t pos, uint64_t neg);

/* ---- generation and build (lit_gen.c, lit_build.c) ---- */
/* The test's C source (malloc'd). */
char *lit_gen_c(const struct lit_test *t);
struct lit_build;
/* A scratch directory and the runtime objects per compiler; 0 or -1 with err. */
int lit_build_open(struct lit_build **out, char *err, size_t errlen);
void lit_build_close(struct lit_build *b);
/* Compile t with cc at opt ("O2") into an executable; its path in bin. */
int lit_build_test(struct lit_build *b, const struct lit_test *t, const char *cc, const char *opt,
                   char *bin, size_t binlen, char *err, size_t errlen);

/* ---- exploration (lit_explore.c) ---- */
#define LIT_MAXSTATES 256
struct lit_state { int64_t v[LIT_MAXLOC + LIT_MAXT * LIT_MAXREG]; uint64_t count; };
struct lit_result {
    int model;
    int nstates;
    struct lit_state st[LIT_MAXSTATES];
    uint64_t pos, neg;            /* executions satisfying / not satisfying the proposition */
    uint64_t executions;          /* complete, non-redundant executions (= pos + neg) */
    uint64_t runs;                /* processes' executions run, redundant ones included */
    uint64_t redundant;           /* cut by the sleep sets (equivalent to one already run) */
    int complete;                 /* 1: the space was exhausted */
    int cands_cut;                /* 1: a load was not offered every message its view allows
                                   * (more than WMM_CANDS): not complete either */
    double secs;
};
/* Explore every execution of the built test under model (dpor 0: this
 * explorer's sleep-set DFS, 1: the det engine's source-DPOR); 0 or -1 with err. */
int lit_explore(const struct lit_test *t, const char *bin, int model, const char *cc, int dpor,
                uint64_t max_runs, struct lit_result *r, char *err, size_t errlen);

#endif

/* ---- output (lit_print.c) ---- */
#include <stdio.h>
#include <jansson.h>
/* 1 the result agrees with the file's hvsim-expect for r->model, 0 it
 * disagrees, -1 the file states none */
int lit_agrees(const struct lit_test *t, const struct lit_result *r);
void lit_print_text(FILE *f, const struct lit_test *t, const char *cc, const char *opt,
                    const struct lit_result *r);
json_t *lit_result_json(const struct lit_test *t, const char *cc, const char *opt, const struct lit_result *r);
/* Compare one test × compiler × model across -O levels; prints and returns
 * 1 (and appends to diffs when not NULL) when they differ. */
int lit_compare_levels(FILE *f, const struct lit_test *t, const char *cc, int model, const char *const *opts,
                       const struct lit_result *const *res, int n, json_t *diffs);
