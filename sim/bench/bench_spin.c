/* sim/bench/bench_spin.c — sections 1 and 2: the handshake round trip on
 * the spin path and on the sleeping path, against raw two-process baselines
 * run interleaved with them (repeat r runs every baseline and every variant
 * once; ratios are paired per repeat, then the median is taken). */
#define _GNU_SOURCE
#include "bench.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXR 32
#define SPIN_WINDOW (1ull << 62)   /* daemon never sleeps: the spin path */

static const struct { const char *opt, *wait, *relax; int target; } hs_var[] = {
    { "O2", "volatile", "none", 1 },  { "O2", "volatile", "pause", 1 }, { "O2", "volatile", "barrier", 1 },
    { "O2", "acquire", "none", 1 },   { "O2", "acquire", "pause", 1 },  { "O2", "acquire", "barrier", 1 },
    { "O0", "plain", "none", 0 },     { "O0", "plain", "pause", 0 },    { "O0", "plain", "barrier", 0 },
};
#define NVAR (sizeof hs_var / sizeof hs_var[0])

static json_t *raw_json(const char *what, const double *med, const double *p99, unsigned n)
{
    double m[MAXR], p[MAXR];
    memcpy(m, med, sizeof(double) * n);
    memcpy(p, p99, sizeof(double) * n);
    json_t *j = json_pack("{s:s}", "name", what);
    json_object_set_new(j, "repeat_medians_ns", bench_json_list(med, n));
    json_object_set_new(j, "median_ns", json_real(bench_median(m, n)));
    json_object_set_new(j, "p99_ns", json_real(bench_median(p, n)));
    return j;
}

/* Instructions per handshake (callgrind): hv side, excluding the spin in
 * wait_for_response, vs the raw ping-pong's round_trip excluding wait_pong. */
static void instructions(struct bench *b, json_t *sec, const struct hvsim_runcfg *c,
                         const struct build_out *bo)
{
    struct bench_row *r = bench_row_add(b, "handshake", "instructions per trap, hv side excl. wait spin (callgrind, gcc -O2 volatile/pause)", "instr");
    snprintf(r->base_name, sizeof r->base_name, "raw ping-pong round_trip excl. wait");
    json_t *j = json_object();
    json_object_set_new(sec, "instructions", j);
    if (access("/usr/bin/valgrind", X_OK) != 0 || !proc_in_path("callgrind_annotate")) {
        bench_row_nm(r, "not measured: valgrind/callgrind_annotate not installed");
        json_object_set_new(j, "not_measured", json_string(r->nm));
        return;
    }
    char dir[] = "/tmp/hvsim-bench-cg.XXXXXX";
    if (!mkdtemp(dir)) {
        bench_row_nm(r, "not measured: mkdtemp failed");
        json_object_set_new(j, "not_measured", json_string(r->nm));
        return;
    }
    char hvf[200], rawf[200], err[600] = "";
    snprintf(hvf, sizeof hvf, "%s/hv.out", dir);
    snprintf(rawf, sizeof rawf, "%s/raw.out", dir);
    unsigned n = b->quick ? 300 : 5000;
    struct hv_result hr;
    struct raw_result rr;
    double hv_all = -1, hv_wait = -1, raw_all = -1, raw_wait = -1;
    if (bench_hv_run(c, bo, n, SPIN_WINDOW, 0, hvf, &hr, err, sizeof err) == 0) {
        hv_all = bench_callgrind_incl(hvf, "hv_mmio_access");
        hv_wait = bench_callgrind_incl(hvf, "wait_for_response");
    }
    b->raw_vg = rawf;
    if (bench_raw_run(b, "pingpong", n, 0, &rr, err, sizeof err) == 0) {
        raw_all = bench_callgrind_incl(rawf, "round_trip");
        raw_wait = bench_callgrind_incl(rawf, "wait_pong");
    }
    b->raw_vg = 0;
    if (dir_remove_tree(dir) < 0) { /* best effort: a dir under /tmp */ }
    if (hv_all <= 0 || hv_wait < 0 || raw_all <= 0 || raw_wait < 0) {
        bench_row_nm(r, "not measured: callgrind run failed%s%s", err[0] ? ": " : "", err);
        json_object_set_new(j, "not_measured", json_string(r->nm));
        return;
    }
    r->value = (hv_all - hv_wait) / n;
    r->base = (raw_all - raw_wait) / n;
    /* absolute: the raw ping-pong's round trip is a handful of instructions
     * around two loads and a store; the handler pushes a 40-byte request under
     * a lock and checks need_wakeup.  Their quotient (94x for 189 vs 2) says
     * nothing about either, so both counts are printed and none divided. */
    r->absolute = 1;
    if (r->value <= 0)
        bench_row_nm(r, "not measured: callgrind counted no instructions in hv_mmio_access");
    json_object_set_new(j, "accesses", json_integer(n));
    json_object_set_new(j, "hv_mmio_access_incl", json_real(hv_all));
    json_object_set_new(j, "wait_for_response_incl", json_real(hv_wait));
    json_object_set_new(j, "hv_per_trap_excl_wait", json_real(r->value));
    json_object_set_new(j, "hv_wait_per_trap", json_real(hv_wait / n));
    json_object_set_new(j, "raw_round_trip_incl", json_real(raw_all));
    json_object_set_new(j, "raw_wait_incl", json_real(raw_wait));
    json_object_set_new(j, "raw_per_round_trip_excl_wait", json_real(r->base));
}

/* Section 1's samples: per repeat, the raw ping-pong floor and every
 * variant's median, p99 and ratio to that repeat's floor. */
struct hs_samples {
    double floor_m[MAXR], floor_p[MAXR];
    unsigned nfloor;
    char floor_why[400];
    int ok[NVAR];                   /* the variant built */
    double med[NVAR][MAXR], p99[NVAR][MAXR], rat[NVAR][MAXR];
    unsigned got[NVAR];
    char why[NVAR][300];
};

static void hs_build(struct hs_samples *s, struct hvsim_runcfg *cfg, struct build_out *bo)
{
    char err[1024];
    for (unsigned v = 0; v < NVAR; v++) {
        bench_variant_cfg(&cfg[v], "gcc", hs_var[v].opt, hs_var[v].wait, hs_var[v].relax);
        s->ok[v] = build_participants(&cfg[v], BUILD_NATIVE, &bo[v], err, sizeof err) == 0;
        fmt_cut(s->why[v], sizeof s->why[v], "not measured: %s", s->ok[v] ? "no run completed" : err);
    }
    snprintf(s->floor_why, sizeof s->floor_why, "not measured: no run completed");
}

/* One repeat: the raw floor, then every built variant paired with it. */
static void hs_repeat(struct bench *b, struct hs_samples *s, const struct hvsim_runcfg *cfg,
                      const struct build_out *bo, unsigned n)
{
    char err[1024];
    struct raw_result rr;
    if (bench_raw_run(b, "pingpong", n, 0, &rr, err, sizeof err) == 0) {
        s->floor_m[s->nfloor] = rr.median_ns;
        s->floor_p[s->nfloor++] = rr.p99_ns;
    } else {
        fmt_cut(s->floor_why, sizeof s->floor_why, "not measured: %s", err);
        s->floor_m[s->nfloor] = 0;
    }
    double fl = s->nfloor && s->floor_m[s->nfloor - 1] > 0 ? s->floor_m[s->nfloor - 1] : 0;
    for (unsigned v = 0; v < NVAR; v++) {
        if (!s->ok[v])
            continue;
        struct hv_result hr;
        if (bench_hv_run(&cfg[v], &bo[v], n, SPIN_WINDOW, 0, 0, &hr, err, sizeof err) < 0) {
            fmt_cut(s->why[v], sizeof s->why[v], "not measured: %s", err);
            continue;
        }
        unsigned k = s->got[v]++;
        s->med[v][k] = hr.median_ns;
        s->p99[v][k] = hr.p99_ns;
        s->rat[v][k] = fl > 0 ? hr.median_ns / fl : 0;
    }
}

/* sec["baseline"]; returns the floor's median over repeats (0: none). */
static double hs_baseline(json_t *sec, const struct hs_samples *s)
{
    json_t *base = raw_json("raw cache-line ping-pong, 2 processes, memfd MAP_SHARED", s->floor_m,
                            s->floor_p, s->nfloor);
    double floor_med = 0;
    if (s->nfloor) {
        double t[MAXR];
        memcpy(t, s->floor_m, sizeof(double) * s->nfloor);
        floor_med = bench_median(t, s->nfloor);
    } else {
        json_object_set_new(base, "not_measured", json_string(s->floor_why));
    }
    json_object_set_new(sec, "baseline", base);
    return floor_med;
}

/* Variant v's row and its entry in sec["variants"] (arr). */
static void hs_variant_row(struct bench *b, json_t *arr, struct hs_samples *s, unsigned v,
                           double floor_med)
{
    char name[112];
    snprintf(name, sizeof name, "round trip gcc -%s %s/%s", hs_var[v].opt, hs_var[v].wait, hs_var[v].relax);
    struct bench_row *row = bench_row_add(b, "handshake", name, "ns");
    snprintf(row->base_name, sizeof row->base_name, "raw ping-pong");
    row->base = floor_med;
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", name, "opt", hs_var[v].opt, "wait",
                          hs_var[v].wait, "relax", hs_var[v].relax);
    json_array_append_new(arr, j);
    if (hs_var[v].target)
        snprintf(row->target, sizeof row->target, "<= 3x");
    if (!s->got[v] || !s->nfloor) {
        bench_row_nm(row, "%s", !s->got[v] ? s->why[v] : s->floor_why);
        json_object_set_new(j, "not_measured", json_string(row->nm));
        return;
    }
    json_object_set_new(j, "repeat_medians_ns", bench_json_list(s->med[v], s->got[v]));
    json_object_set_new(j, "repeat_ratios", bench_json_list(s->rat[v], s->got[v]));
    row->value = bench_median(s->med[v], s->got[v]);
    row->p99 = bench_median(s->p99[v], s->got[v]);
    row->ratio = bench_median(s->rat[v], s->got[v]);
    if (row->ratio <= 0)
        bench_row_nm(row, "not measured: baseline failed in every repeat");
    if (hs_var[v].target && row->ratio > 0)
        row->met = row->ratio <= 3.0;
    json_object_set_new(j, "median_ns", json_real(row->value));
    json_object_set_new(j, "p99_ns", json_real(row->p99));
    json_object_set_new(j, "ratio", row->ratio > 0 ? json_real(row->ratio) : json_null());
    if (row->ratio <= 0)
        json_object_set_new(j, "not_measured", json_string(row->nm));
}

void bench_handshake(struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "handshake", sec);
    unsigned R = b->repeats, n = b->quick ? 1000 : 20000;
    struct hvsim_runcfg *cfg = calloc(NVAR, sizeof *cfg);
    struct build_out *bo = calloc(NVAR, sizeof *bo);
    struct hs_samples *s = calloc(1, sizeof *s);
    if (!cfg || !bo || !s) {
        free(cfg);
        free(bo);
        free(s);
        json_object_set_new(sec, "not_measured", json_string("out of memory"));
        return;
    }
    hs_build(s, cfg, bo);
    for (unsigned r = 0; r < R; r++)
        hs_repeat(b, s, cfg, bo, n);
    json_object_set_new(sec, "accesses_per_run", json_integer(n));
    json_object_set_new(sec, "repeats", json_integer(R));
    json_object_set_new(sec, "daemon_poll_window", json_integer((json_int_t)SPIN_WINDOW));
    json_object_set_new(sec, "compiler", json_string("gcc"));
    double floor_med = hs_baseline(sec, s);
    json_t *arr = json_array();
    json_object_set_new(sec, "variants", arr);
    for (unsigned v = 0; v < NVAR; v++)
        hs_variant_row(b, arr, s, v, floor_med);
    instructions(b, sec, &cfg[1], &bo[1]);
    for (unsigned v = 0; v < NVAR; v++)
        runcfg_clear(&cfg[v]);
    free(cfg);
    free(bo);
    free(s);
}

/* Section 2's samples: per repeat, the raw futex and eventfd wakes and the
 * hv's IPI round trips, with the ratios paired per repeat. */
struct raw_samples {                            /* one raw wake (futex or eventfd) */
    double m[MAXR], p[MAXR], slept[MAXR];
    unsigned n;
    char why[400];
};
struct sl_samples {
    struct raw_samples fu, ev;                  /* raw futex, raw eventfd */
    double hm[MAXR], hp[MAXR], ipi_share[MAXR]; /* hv, accesses that sent an IPI */
    double rf[MAXR], re[MAXR];                  /* hv / futex, hv / eventfd */
    unsigned nh, nrf, nre;
    char why[400];
};

/* One raw wake of kind ("futex", "eventfd") into rs; 1 when measured. */
static int raw_sample(struct bench *b, const char *kind, unsigned n, uint64_t gap,
                      struct raw_samples *rs, struct raw_result *out)
{
    char err[1024];
    if (bench_raw_run(b, kind, n, gap, out, err, sizeof err) != 0) {
        fmt_cut(rs->why, sizeof rs->why, "not measured: %s", err);
        return 0;
    }
    rs->slept[rs->n] = out->b_slept_share;
    rs->m[rs->n] = out->median_ns;
    rs->p[rs->n++] = out->p99_ns;
    return 1;
}

/* One repeat: both raw wakes, then (when built) the hv variant. */
static void sl_repeat(struct bench *b, struct sl_samples *s, const struct hvsim_runcfg *cfg,
                      const struct build_out *bo, int built, unsigned n, uint64_t gap)
{
    char err[1024];
    struct raw_result f, e;
    int fok = raw_sample(b, "futex", n, gap, &s->fu, &f);
    int eok = raw_sample(b, "eventfd", n, gap, &s->ev, &e);
    if (!built)
        return;
    struct hv_result h;
    if (bench_hv_run(cfg, bo, n, 0, gap, 0, &h, err, sizeof err) < 0) {
        fmt_cut(s->why, sizeof s->why, "not measured: %s", err);
        return;
    }
    if (!h.ipi_count) {
        snprintf(s->why, sizeof s->why, "not measured: no access took the sleeping path (no IPI sent)");
        return;
    }
    s->ipi_share[s->nh] = (double)h.ipi_count / (double)h.count;
    s->hm[s->nh] = h.ipi_median_ns;
    s->hp[s->nh] = h.p99_ns;
    if (fok && f.median_ns > 0)
        s->rf[s->nrf++] = h.ipi_median_ns / f.median_ns;
    if (eok && e.median_ns > 0)
        s->re[s->nre++] = h.ipi_median_ns / e.median_ns;
    s->nh++;
}

static json_t *raw_samples_json(const char *what, struct raw_samples *rs)
{
    json_t *j = raw_json(what, rs->m, rs->p, rs->n);
    json_object_set_new(j, "sleeper_really_slept_share", json_real(bench_median(rs->slept, rs->n)));
    if (!rs->n)
        json_object_set_new(j, "not_measured", json_string(rs->why));
    return j;
}

/* sec["baseline_futex"], sec["baseline_eventfd"], sec["hv"]. */
static void sl_json(json_t *sec, struct sl_samples *s)
{
    json_t *bf = raw_samples_json("raw futex wake, 2 processes (waker spins for the answer)", &s->fu);
    json_t *be = raw_samples_json("raw eventfd wake, 2 processes (waker spins for the answer)", &s->ev);
    json_object_set_new(sec, "baseline_futex", bf);
    json_object_set_new(sec, "baseline_eventfd", be);
    json_t *hv = json_object();
    json_object_set_new(sec, "hv", hv);
    if (s->nh) {
        json_object_set_new(hv, "repeat_ipi_medians_ns", bench_json_list(s->hm, s->nh));
        json_object_set_new(hv, "ipi_share", json_real(bench_median(s->ipi_share, s->nh)));
    } else {
        json_object_set_new(hv, "not_measured", json_string(s->why));
    }
    json_object_set_new(hv, "median_ns", json_real(bench_median(s->hm, s->nh)));
}

/* The two rows: the hv's IPI round trip against each raw wake. */
static void sl_rows(struct bench *b, json_t *sec, struct sl_samples *s)
{
    double fmed = bench_median(s->fu.m, s->fu.n), emed = bench_median(s->ev.m, s->ev.n);
    double hmed = bench_median(s->hm, s->nh), hp99 = bench_median(s->hp, s->nh);
    struct bench_row *r1 = bench_row_add(b, "sleeping", "need_wakeup -> IPI -> daemon awake -> answer (gcc -O2 volatile/pause)", "ns");
    snprintf(r1->base_name, sizeof r1->base_name, "raw futex wake");
    struct bench_row *r2 = bench_row_add(b, "sleeping", "same, against eventfd", "ns");
    snprintf(r2->base_name, sizeof r2->base_name, "raw eventfd wake");
    r1->value = r2->value = hmed;
    r1->p99 = r2->p99 = hp99;
    r1->base = fmed;
    r2->base = emed;
    if (!s->nh)
        bench_row_nm(r1, "%s", s->why), bench_row_nm(r2, "%s", s->why);
    else {
        if (s->nrf)
            r1->ratio = bench_median(s->rf, s->nrf);
        else
            bench_row_nm(r1, "%s", s->fu.why);
        if (s->nre)
            r2->ratio = bench_median(s->re, s->nre);
        else
            bench_row_nm(r2, "%s", s->ev.why);
    }
    json_object_set_new(sec, "ratio_vs_futex", r1->ratio > 0 ? json_real(r1->ratio) : json_string(r1->nm));
    json_object_set_new(sec, "ratio_vs_eventfd", r2->ratio > 0 ? json_real(r2->ratio) : json_string(r2->nm));
}

void bench_sleeping(struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "sleeping", sec);
    unsigned R = b->repeats, n = b->quick ? 200 : 2000;
    uint64_t gap = 50000; /* 50 us of guest think time: the daemon is asleep at each trap */
    struct hvsim_runcfg *cfg = calloc(1, sizeof *cfg);
    struct build_out *bo = calloc(1, sizeof *bo);
    struct sl_samples *s = calloc(1, sizeof *s);
    if (!cfg || !bo || !s) {
        free(cfg);
        free(bo);
        free(s);
        json_object_set_new(sec, "not_measured", json_string("out of memory"));
        return;
    }
    char err[1024];
    bench_variant_cfg(cfg, "gcc", "O2", "volatile", "pause");
    int built = build_participants(cfg, BUILD_NATIVE, bo, err, sizeof err) == 0;
    fmt_cut(s->why, sizeof s->why, "not measured: %s", built ? "no run completed" : err);
    snprintf(s->fu.why, sizeof s->fu.why, "not measured: no run completed");
    snprintf(s->ev.why, sizeof s->ev.why, "not measured: no run completed");
    for (unsigned r = 0; r < R; r++)
        sl_repeat(b, s, cfg, bo, built, n, gap);
    json_object_set_new(sec, "accesses_per_run", json_integer(n));
    json_object_set_new(sec, "repeats", json_integer(R));
    json_object_set_new(sec, "guest_gap_ns", json_integer((json_int_t)gap));
    json_object_set_new(sec, "daemon_poll_window", json_integer(0));
    json_object_set_new(sec, "variant", json_string("gcc -O2 volatile/pause"));
    sl_json(sec, s);
    sl_rows(b, sec, s);
    runcfg_free(cfg);
    free(bo);
    free(s);
}
