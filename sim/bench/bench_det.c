/* sim/bench/bench_det.c — section 3: the deterministic engine
 * (det_bench(), written by the engine's owner) against baselines of the same
 * kind: its token handoffs (switches)/s against a raw cross-process futex
 * token handoff measured here, its executions/s against the native engine on
 * the same workload.  Scheduling points/s is printed absolute: most points
 * never hand the token over, so a handoff rate is no baseline for it.  When
 * the engine is not built nothing is invented: the rows say "not measured". */
#define _GNU_SOURCE
#include "bench.h"
#include "engine/native/native.h"
#include "engine/det/det.h"
#include "engine/engine.h"
#include "config/scenario.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/det/det_bench.h"

#define MAXR 32

/* First number under a key whose name contains all of the given words. */
static int find_num(json_t *j, const char *w1, const char *w2, double *out)
{
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            if (json_is_number(v) && strstr(k, w1) && (!w2 || strstr(k, w2))) {
                *out = json_number_value(v);
                return 1;
            }
        }
        json_object_foreach(j, k, v)
            if (find_num(v, w1, w2, out))
                return 1;
    } else if (json_is_array(j)) {
        size_t i;
        json_array_foreach(j, i, v)
            if (find_num(v, w1, w2, out))
                return 1;
    }
    return 0;
}

/* Native executions/s of exactly the workload det runs (the configuration
 * after det's defaults: same scenario, same accesses, same rounds), the
 * baseline of det executions/s. */
static double native_exec_rate_with(struct hvsim_runcfg *c,
                                    struct bench *b, const struct hvsim_runcfg *cin, char *why, size_t wl)
{
    det_effective_cfg(cin, c);
    snprintf(c->engine, sizeof c->engine, "native");
    struct build_out bo;
    char err[1024];
    if (build_participants(c, BUILD_NATIVE, &bo, err, sizeof err) < 0) {
        snprintf(why, wl, "not measured: %s", err);
        return 0;
    }
    unsigned n = b->quick ? 3 : 10;
    double t[MAXR];
    unsigned k = 0;
    for (unsigned i = 0; i < n && k < MAXR; i++) {
        struct run_result *r = calloc(1, sizeof *r);
        uint64_t t0 = bench_now_ns();
        int rc = native_run(c, &bo, 1 + i, r, err, sizeof err);
        uint64_t t1 = bench_now_ns();
        if (rc == 0 && r->verdict == V_PASS)
            t[k++] = (double)(t1 - t0) / 1e9;
        free(r);
    }
    if (!k) {
        snprintf(why, wl, "not measured: no native run of the default scenario passed");
        return 0;
    }
    return 1.0 / bench_median(t, k);
}

static double native_exec_rate(struct bench *b, const struct hvsim_runcfg *cin, char *why, size_t wl)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(why, wl, "not measured: out of memory");
        return 0;
    }
    double rc = native_exec_rate_with(c, b, cin, why, wl);
    runcfg_free(c);
    return rc;
}

/* Weak memory: executions/s under arm and riscv as a ratio to tso on the
 * same scenario (the default run with the acquire wait, pct). */
static void bench_det_models(struct bench *b, json_t *sec)
{
    static const char *const wm[] = { "arm", "riscv" };
    struct bench_row *rw[2];
    for (int i = 0; i < 2; i++) {
        char name[112];
        snprintf(name, sizeof name, "det executions (default run, acquire wait, pct, %s)", wm[i]);
        rw[i] = bench_row_add(b, "det", name, "/s");
        snprintf(rw[i]->base_name, sizeof rw[i]->base_name, "the same under tso");
        snprintf(rw[i]->target, sizeof rw[i]->target, ">= 0.5x");
    }
    json_t *mj = json_object();
    int rc = det_bench_models(mj);
    json_object_set(sec, "models", mj);
    json_t *tj = json_object_get(mj, "tso");
    for (int i = 0; i < 2; i++) {
        json_t *wj = json_object_get(mj, wm[i]);
        double v = wj ? json_number_value(json_object_get(wj, "executions_per_s")) : 0;
        double base = tj ? json_number_value(json_object_get(tj, "executions_per_s")) : 0;
        if (rc == 0 && v > 0 && base > 0) {
            rw[i]->value = v;
            rw[i]->base = base;
            rw[i]->ratio = v / base;
            rw[i]->met = rw[i]->ratio >= 0.5;
        } else {
            bench_row_nm(rw[i], "not measured: det_bench_models() failed (%d)", rc);
        }
    }
    json_decref(mj);
}

static int keep_schedules(const struct run_result *r, void *ud)
{
    *(uint64_t *)ud = r->det_schedules;
    return 0;
}

static int keep_executions(const struct run_result *r, void *ud)
{
    *(uint64_t *)ud = r->det_executions;
    return 0;
}

/* A count against a baseline count (n[1] against n[0]), met when fewer;
 * both into sec under their keys. */
static void count_row(struct bench_row *row, json_t *sec, const uint64_t n[2], const char *key, const char *base_key)
{
    row->value = (double)n[1];
    row->base = (double)n[0];
    if (n[0] > 0) {
        row->ratio = (double)n[1] / (double)n[0];
        row->met = row->ratio < 1;
    }
    json_object_set_new(sec, key, json_integer((json_int_t)n[1]));
    json_object_set_new(sec, base_key, json_integer((json_int_t)n[0]));
}

/* DPOR's reduction: schedules --strategy dpor runs against plain dfs on the
 * same bound (the reference handshake, 2 CPUs x 2 accesses, bound 1, tso). */
static void bench_det_dpor(struct bench *b, json_t *sec)
{
    struct bench_row *row = bench_row_add(b, "det", "det schedules (reference, dpor, bound 1, tso)", "");
    snprintf(row->base_name, sizeof row->base_name, "plain dfs, same bound");
    snprintf(row->target, sizeof row->target, "< 1x");
    uint64_t n[2] = { 0, 0 };
    static const char *const st[] = { "dfs", "dpor" };
    for (int i = 0; i < 2; i++) {
        struct hvsim_runcfg *c = calloc(1, sizeof *c);
        if (!c) {
            bench_row_nm(row, "not measured: out of memory");
            return;
        }
        runcfg_default_run(c);
        snprintf(c->engine, sizeof c->engine, "det");
        snprintf(c->strategy, sizeof c->strategy, "%s", st[i]);
        snprintf(c->memory_model, sizeof c->memory_model, "tso");
        snprintf(c->v.wait, sizeof c->v.wait, "acquire");
        c->dfs_bound = 1;
        char err[1024];
        int rc = det_engine_runs(c, keep_schedules, &n[i], NULL, err, sizeof err);
        runcfg_free(c);
        if (rc < 0) {
            bench_row_nm(row, "not measured: %s: %s", st[i], err);
            return;
        }
    }
    count_row(row, sec, n, "dpor_schedules", "dfs_schedules");
}

/* Value-refined sleep sets (det_dpor_vsleep.c, experimental, off by
 * default): executions of a complete dpor search of tests/det/verify_1x1.hvs
 * under arm with them (HVSIM_DPOR_VSLEEP), against the default search. */
static void bench_det_vsleep(struct bench *b, json_t *sec)
{
    struct bench_row *row = bench_row_add(b, "det", "det executions (verify_1x1, dpor, arm, value-refined sleep sets, experimental)", "");
    snprintf(row->base_name, sizeof row->base_name, "plain sleep sets (the default)");
    snprintf(row->target, sizeof row->target, "< 1x");
    uint64_t n[2] = { 0, 0 };
    for (int i = 0; i < 2; i++) {
        struct hvsim_runcfg *c = calloc(1, sizeof *c);
        char err[1024] = "out of memory";
        if (c)
            runcfg_default_run(c);
        if (!c || scenario_load("tests/det/verify_1x1.hvs", c, err, sizeof err) < 0) {
            bench_row_nm(row, "not measured: %s", err);
            runcfg_free(c);
            return;
        }
        snprintf(c->engine, sizeof c->engine, "det");
        snprintf(c->strategy, sizeof c->strategy, "dpor");
        snprintf(c->memory_model, sizeof c->memory_model, "arm");
        c->dfs_bound = 64;
        c->runs = 5000000;
        if (i == 1)
            setenv("HVSIM_DPOR_VSLEEP", "1", 1);
        int rc = det_engine_runs(c, keep_executions, &n[i], NULL, err, sizeof err);
        unsetenv("HVSIM_DPOR_VSLEEP");
        runcfg_free(c);
        if (rc < 0) {
            bench_row_nm(row, "not measured: %s", err);
            return;
        }
    }
    count_row(row, sec, n, "vsleep_executions", "plain_sleep_executions");
}

/* The raw futex token handoff, R repeats: sec["baseline"]; returns the
 * median handoffs/s, 0 with why set when no repeat completed. */
static double det_handoff_baseline(struct bench *b, json_t *sec, char *why, size_t wl)
{
    unsigned R = b->repeats, n = b->quick ? 2000 : 20000;
    double rate[MAXR], ns[MAXR];
    unsigned k = 0;
    char err[1024];
    snprintf(why, wl, "not measured: no run completed");
    for (unsigned r = 0; r < R; r++) {
        struct raw_result rr;
        if (bench_raw_run(b, "handoff", n, 0, &rr, err, sizeof err) == 0 && rr.total_ns) {
            rate[k] = 2.0 * (double)rr.count / ((double)rr.total_ns / 1e9);
            ns[k++] = rr.median_ns / 2;
        } else
            snprintf(why, wl, "not measured: %s", err);
    }
    double hrate = bench_median(rate, k);
    json_t *bj = json_pack("{s:s,s:i}", "name", "raw futex token handoff, 2 processes, both sleeping when not holding it",
                           "rounds_per_run", (int)n);
    json_object_set_new(bj, "repeat_handoffs_per_s", bench_json_list(rate, k));
    json_object_set_new(bj, "handoffs_per_s", json_real(hrate));
    json_object_set_new(bj, "median_handoff_ns", json_real(bench_median(ns, k)));
    if (!k)
        json_object_set_new(bj, "not_measured", json_string(why));
    json_object_set_new(sec, "baseline", bj);
    return k ? hrate : 0;
}

/* The three rows of one workload: handoffs (rh), points (rp), executions (re). */
struct det_rows {
    struct bench_row *rh, *rp, *re;
};

static struct det_rows det_rows_add(struct bench *b, const char *label, double hrate)
{
    struct det_rows d;
    char name[112];
    snprintf(name, sizeof name, "det token handoffs (switches) (%s, pct, tso)", label);
    d.rh = bench_row_add(b, "det", name, "/s");
    snprintf(name, sizeof name, "det scheduling points (%s, pct, tso)", label);
    d.rp = bench_row_add(b, "det", name, "/s");
    snprintf(name, sizeof name, "det executions (%s, pct, tso)", label);
    d.re = bench_row_add(b, "det", name, "/s");
    snprintf(d.rh->base_name, sizeof d.rh->base_name, "raw futex handoffs/s");
    snprintf(d.rh->target, sizeof d.rh->target, ">= 0.5x");
    d.rh->base = hrate;
    snprintf(d.rp->base_name, sizeof d.rp->base_name, "(absolute: most points hand nothing over)");
    d.rp->absolute = 1;
    snprintf(d.re->base_name, sizeof d.re->base_name, "native executions/s, same workload");
    return d;
}

static void det_rows_nm(struct det_rows *d, const char *why)
{
    bench_row_nm(d->rp, "%s", why);
    bench_row_nm(d->rh, "%s", d->rp->nm);
    bench_row_nm(d->re, "%s", d->rp->nm);
}

/* Fill the rows from det_bench()'s JSON dj: handoffs against the raw
 * handoff rate (hrate, 0 when not measured: hwhy), executions against the
 * native engine on the configuration c det ran. */
static void det_rows_fill(struct bench *b, struct det_rows *d, json_t *dj, const struct hvsim_runcfg *c,
                          double hrate, const char *hwhy)
{
    double pts = 0, ex = 0, sw = 0;
    if (!find_num(dj, "point", "per_s", &pts))
        bench_row_nm(d->rp, "not measured: det_bench() gave no scheduling points/s");
    else
        d->rp->value = pts;
    if (!find_num(dj, "switch", "per_s", &sw) || sw <= 0)
        bench_row_nm(d->rh, "not measured: det_bench() gave no switches/s");
    else if (hrate <= 0)
        bench_row_nm(d->rh, "%s", hwhy);
    else {
        d->rh->value = sw;
        d->rh->ratio = sw / hrate;
        d->rh->met = d->rh->ratio >= 0.5;
    }
    if (!find_num(dj, "exec", "per_s", &ex)) {
        bench_row_nm(d->re, "not measured: det_bench() gave no executions/s");
        return;
    }
    char why[1100];
    double nrate = native_exec_rate(b, c, why, sizeof why);
    d->re->value = ex;
    d->re->base = nrate;
    if (nrate > 0)
        d->re->ratio = ex / nrate;
    else
        bench_row_nm(d->re, "%s", why);
}

/* The section's summary keys: unprefixed for the default run, many_cpus_*
 * for the 8-CPU scenario (docs/bench.md). */
static void det_rows_json(json_t *sec, unsigned w, const struct det_rows *d)
{
    const struct bench_row *rh = d->rh, *rp = d->rp, *re = d->re;
    if (!w) {
        json_object_set_new(sec, "points_per_s", rp->value > 0 ? json_real(rp->value) : json_null());
        json_object_set_new(sec, "switches_per_s", rh->ratio > 0 ? json_real(rh->value) : json_null());
        json_object_set_new(sec, "ratio_switches_vs_handoff",
                            rh->ratio > 0 ? json_real(rh->ratio) : json_string(rh->nm));
        json_object_set_new(sec, "executions_per_s", re->ratio > 0 ? json_real(re->value) : json_null());
        json_object_set_new(sec, "ratio_executions_vs_native",
                            re->ratio > 0 ? json_real(re->ratio) : json_string(re->nm));
    } else {
        json_object_set_new(sec, "many_cpus_points_per_s",
                            rp->value > 0 ? json_real(rp->value) : json_null());
        json_object_set_new(sec, "many_cpus_switches_per_s",
                            rh->ratio > 0 ? json_real(rh->value) : json_null());
        json_object_set_new(sec, "many_cpus_executions_per_s",
                            re->ratio > 0 ? json_real(re->value) : json_null());
        json_object_set_new(sec, "many_cpus_ratio_executions_vs_native",
                            re->ratio > 0 ? json_real(re->ratio) : json_string(re->nm));
    }
}

/* One workload (w 0: the default run, 1: an 8-CPU scenario) under det_bench(). */
static void det_workload(struct bench *b, json_t *sec, unsigned w, double hrate, const char *hwhy)
{
    static const struct { const char *label, *path; } work[] = {
        { "default run", 0 }, { "many_cpus.hvs", "scenarios/many_cpus.hvs" },
    };
    struct det_rows d = det_rows_add(b, work[w].label, hrate);
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    char lerr[1024] = "out of memory";
    if (c)
        runcfg_default_run(c);
    if (!c || (work[w].path && scenario_load(work[w].path, c, lerr, sizeof lerr) < 0)) {
        char why[1100];
        snprintf(why, sizeof why, "not measured: %s", lerr);
        det_rows_nm(&d, why);
        runcfg_free(c);
        return; /* as before the split: no summary keys for this workload */
    }
    snprintf(c->strategy, sizeof c->strategy, "pct");
    snprintf(c->memory_model, sizeof c->memory_model, "tso");
    json_t *dj = json_object();
    int rc = det_bench(dj, c);
    json_object_set(sec, w ? "engine_many_cpus" : "engine", dj);
    if (rc != 0) {
        char why[100];
        snprintf(why, sizeof why, "not measured: det_bench() failed (%d)", rc);
        det_rows_nm(&d, why);
    } else {
        det_rows_fill(b, &d, dj, c, hrate, hwhy);
    }
    json_decref(dj);
    runcfg_free(c);
    det_rows_json(sec, w, &d);
}

void bench_det(struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "det", sec);
    char hwhy[1100];
    double hrate = det_handoff_baseline(b, sec, hwhy, sizeof hwhy);
    /* the default run and an 8-CPU scenario: handoffs against the raw
     * handoff, executions against the native engine on the same workload */
    for (unsigned w = 0; w < 2; w++)
        det_workload(b, sec, w, hrate, hwhy);
    bench_det_models(b, sec);
    bench_det_dpor(b, sec);
    bench_det_vsleep(b, sec);
}
