/* sim/engine/det/det_bench.h — speed of the deterministic engine (for `make bench`). */
#ifndef HVSIM_DET_BENCH_H
#define HVSIM_DET_BENCH_H

#include <jansson.h>

struct hvsim_runcfg;
/* Runs the configuration c (a scenario, or the default run; pct, tso unless
 * c says otherwise) under det for about two seconds and a raw cross-process
 * futex ping-pong in the same run.  Sets in out: points_per_s,
 * executions_per_s, raw_handoffs_per_s, switches_per_s, points_vs_raw
 * (ratio), executions, points, seconds.  Returns 0, or -1 when the
 * participants could not be built or started. */
int det_bench(json_t *out, const struct hvsim_runcfg *c);

/* The same scenario with the acquire wait (PASS under every model) under
 * tso, arm and riscv, about 2 s each: out.tso/.arm/.riscv = {executions_per_s,
 * points_per_s, executions}, out.arm_vs_tso, out.riscv_vs_tso (ratios). */
int det_bench_models(json_t *out);

#endif
