/* sim/bench/bench.h — `hvsim bench`: every figure against a baseline
 * measured in the same run, printed as a ratio (see docs/bench.md). */
#ifndef HVSIM_BENCH_H
#define HVSIM_BENCH_H

#include <jansson.h>
#include <stdint.h>
#include "build/build.h"
#include "runtime/bench/bench_hist.h"

#define BENCH_MAX_ROWS 48

struct bench_row {
    char section[16];     /* handshake | sleeping | det | hang | matrix */
    char name[112];       /* what was measured */
    char unit[16];        /* ns | ms | /s | s | share */
    double value;         /* median over repeats (0 when not measured) */
    double p99;           /* 0 when not applicable */
    char base_name[96];   /* the baseline */
    double base;          /* its median in the same run */
    double ratio;         /* value / base (or base / value for rates; see docs) */
    char nm[200];         /* "not measured: …" reason, "" when measured */
    char target[48];      /* e.g. "<= 3x", "" none */
    int met;              /* -1 no target, 0 not met, 1 met */
    int absolute;         /* no baseline a ratio can carry (a count against a
                           * count of another kind, a figure against a setting):
                           * value printed alone, with the machine; base_name and
                           * base are context, never divided (docs/bench.md) */
};

struct bench {
    int quick, json;
    const char *out;
    unsigned repeats;
    struct bench_row rows[BENCH_MAX_ROWS];
    unsigned nrows;
    json_t *doc;          /* bench.json being built */
    json_t *sections;     /* doc["sections"] */
    char raw_bin[600];    /* compiled rt/bench_raw.c, "" if it failed */
    char raw_err[300];
    double clock_ns;      /* clock_gettime pair cost (both timings include it) */
    const char *raw_vg;   /* set: run role a of the next raw pair under callgrind, to this file */
};

struct raw_result {
    double median_ns, p99_ns, min_ns, mean_ns;
    uint64_t count, total_ns;
    double b_slept_share; /* role b: share of waits that really slept */
    uint64_t clock_ns;
};

struct hv_result {
    double median_ns, p99_ns, min_ns;
    double ipi_median_ns; /* accesses that sent an IPI (sleeping path) */
    uint64_t count, ipi_count, daemon_sleeps;
    int state;            /* final enum hvsim_cpu_state of cpu0 */
};

struct bench_row *bench_row_add(struct bench *b, const char *section, const char *name,
                                const char *unit);
void bench_row_nm(struct bench_row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double bench_median(double *v, unsigned n);   /* sorts v */
double bench_pct(double *v, unsigned n, double q);
json_t *bench_json_list(const double *v, unsigned n);
uint64_t bench_now_ns(void);

/* rt/bench_raw.c: compile (cached by mtime) and run one pair of processes. */
int bench_raw_build(struct bench *b);
int bench_raw_run(struct bench *b, const char *mode, unsigned n, uint64_t gap_ns,
                  struct raw_result *r, char *err, size_t errlen);
/* The real participants of one built variant, one guest CPU reading a device
 * register n times; poll_window and gap configure the daemon and the guest. */
void bench_variant_cfg(struct hvsim_runcfg *c, const char *cc, const char *opt,
                       const char *wait, const char *relax);
int bench_hv_run(const struct hvsim_runcfg *c, const struct build_out *bo, unsigned n,
                 uint64_t poll_window, uint64_t gap_ns, const char *valgrind_out,
                 struct hv_result *r, char *err, size_t errlen);
/* callgrind: inclusive instructions of fn in a callgrind.out file; -1 if absent. */
double bench_callgrind_incl(const char *file, const char *fn);

void bench_handshake(struct bench *b);
void bench_sleeping(struct bench *b);
void bench_det(struct bench *b);
void bench_hang(struct bench *b);
void bench_matrix(struct bench *b);

/* bench_matrix.c: a matrix report's cells, accounted for binary dedup: the
 * run time of the cells that ran (leaders), and what every cell would have
 * cost run alone (a deduped cell charged its leader's time). */
struct bench_dedup {
    size_t cells, deduped;
    double run_s, run_nodedup_s;
};
void bench_matrix_dedup(json_t *cells, struct bench_dedup *d);

/* bench_suite.c: the whole run (b's options set): every section, or those
 * in the comma list only; writes bench.json and bench.svg under b->out and
 * prints the table.  -1 when bench.json could not be written. */
int bench_suite_run(struct bench *b, const char *only);

/* bench_out.c */
json_t *bench_host_json(void);
json_t *bench_rows_json(const struct bench *b);
void bench_write_svg(const struct bench *b, const char *path);
void bench_print_table(const struct bench *b, FILE *f);

#endif
