/* sim/matrix/matrix.h — the optimisation matrix: scenarios × compilers ×
 * levels × variants × architectures, each distinct binary run once. */
#ifndef HVSIM_MATRIX_H
#define HVSIM_MATRIX_H

#include <jansson.h>
#include "engine/engine.h"

#define MATRIX_MAX_CELLS 2048

/* The dimensions to sweep; each a list of values. */
struct matrix_dims {
    char cc[4][16];     unsigned ncc;
    char opt[8][8];     unsigned nopt;
    char arch[4][16];   unsigned narch;
    char wait[4][16];   unsigned nwait;
    char relax[8][16];  unsigned nrelax;
    char wake[2][16];   unsigned nwake;
    char mm[4][16];     unsigned nmm;   /* det memory models; 0 = each cell's default */
    unsigned runs;      /* 0 = the scenario's own */
    int lto;            /* also build every cell with -flto (opt-in column) */
    /* issue 18: prebuilt hypervisor libraries as a dimension (`--hv-lib A,B`):
     * each cell links one of them in place of the scenario's hv side */
    char hvlib[8][256]; unsigned nhvlib;
};

struct matrix_cell {
    char id[200];
    struct hvsim_runcfg *cfg;   /* owned */
    /* build */
    int build_failed;
    char build_err[600];
    uint64_t hv_hash, be_hash;
    char hv_path[600];
    int skipped;                /* tool missing: not run, said so */
    char skip_reason[200];
    /* run */
    int leader;                 /* index of the cell whose run this one shares, or -1 */
    enum hvsim_verdict verdict;
    unsigned runs_done;
    uint64_t failing_seed;
    int has_failing_seed;
    uint64_t time_ms;
    json_t *evidence;           /* result_to_json(...)["evidence"] of the deciding run */
    unsigned expected_mask;
    /* oracle */
    const char *oracle;         /* "hang" | "no-wait" | "ok" | "unknown" */
    char *loop_disasm;
    char loop_func[128], loop_file[256];
    int loop_line;
};

struct matrix {
    struct matrix_cell cells[MATRIX_MAX_CELLS];
    unsigned ncells;
    unsigned jobs;
    int progress;          /* draw a progress line (stderr is a terminal) */
    unsigned shard_k, shard_n;
    uint64_t wall_ms;
};

/* Add the cells of one scenario (already loaded into base) over dims. */
int matrix_plan(struct matrix *m, const struct hvsim_runcfg *base, const struct matrix_dims *d,
                const char *engine, char *err, size_t errlen);
/* Keep only cells i with i % n == k-1 (deterministic: cells are sorted by id). */
void matrix_shard(struct matrix *m, unsigned k, unsigned n);
int matrix_build_all(struct matrix *m, char *err, size_t errlen);
int matrix_run_all(struct matrix *m, char *err, size_t errlen);
void matrix_oracle_all(struct matrix *m);
int matrix_oracle_agrees(const struct matrix_cell *c);
json_t *matrix_to_report(const struct matrix *m);
/* The engine comparison rows (native, det, tsan, helgrind per variant). */
json_t *matrix_compare(void);
void matrix_free(struct matrix *m);
/* The default matrix of `make run`: fills scenario paths and dims. */
struct matrix_default { const char *scenario; struct matrix_dims dims; };
unsigned matrix_defaults(struct matrix_default *out, unsigned max);
void matrix_progress(const struct matrix *m, unsigned done, unsigned total, const char *what,
                     uint64_t start_ns);

#endif
