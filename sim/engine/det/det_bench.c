/* sim/engine/det/det_bench.c — det_bench(): scheduling points/s and
 * executions/s on the default scenario, and, as the baseline measured in the
 * same run, the raw rate of token handoffs between two processes over a
 * shared futex word (the same FUTEX_WAIT the runtime uses, with no polls
 * before it: HVSIM_DET_SPIN's default, sim/runtime/det/det_runtime.c). */
#define _GNU_SOURCE
#include "det_bench.h"
#include "det.h"
#include "runtime/common/futex.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_turn(uint32_t *w, uint32_t me)
{
    for (;;) {
        uint32_t v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        if ((v & 1) == me)
            return;
        futex_wait(w, v, 100000000L);
    }
}

static double raw_handoffs(double secs)
{
    uint32_t *w = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 0;
    *w = 0;
    w[16] = 0; /* stop */
    /* fork without exec: the baseline is two copies of this loop, not a
     * program to start (util/process.h is for those) */
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            wait_turn(w, 1);
            if (__atomic_load_n(&w[16], __ATOMIC_SEQ_CST))
                _exit(0);
            __atomic_add_fetch(w, 1, __ATOMIC_SEQ_CST);
            futex_wake(w, 1);
        }
    }
    uint64_t t0 = now_ns(), n = 0, end = t0 + (uint64_t)(secs * 1e9);
    while (now_ns() < end) {
        for (int k = 0; k < 256; k++) {
            wait_turn(w, 0);
            __atomic_add_fetch(w, 1, __ATOMIC_SEQ_CST);
            futex_wake(w, 1);
            n += 2;
        }
    }
    wait_turn(w, 0);
    double el = (double)(now_ns() - t0) / 1e9;
    __atomic_store_n(&w[16], 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(w, 1, __ATOMIC_SEQ_CST);
    futex_wake(w, 1);
    waitpid(pid, 0, 0);
    munmap(w, 4096);
    return (double)n / el;
}

static int det_bench_with(struct hvsim_runcfg *c, json_t *out, const struct hvsim_runcfg *cin)
{
    if (runcfg_copy(c, cin) < 0)
        return -1;
    snprintf(c->engine, sizeof c->engine, "det");
    struct build_out b;
    char err[1024];
    if (build_participants(c, BUILD_DET, &b, err, sizeof err) < 0)
        return -1;
    struct det_ctx *x;
    if (det_ctx_open(&x, c, &b, err, sizeof err) < 0)
        return -1;
    struct det_outcome o;
    struct det_plan p = { .strategy = DET_PCT, .seed = 1, .pct_depth = 3, .record_ev = 0 };
    if (!strcmp(c->strategy, "random"))
        p.strategy = DET_RANDOM;
    if (det_exec(x, &p, &o, err, sizeof err) < 0) { /* warm-up, starts the participants */
        det_ctx_close(x);
        return -1;
    }
    uint64_t t0 = now_ns(), points = 0, execs = 0, switches = 0;
    while (now_ns() - t0 < 2000000000ull) {
        p.seed = 1 + execs;
        if (det_exec(x, &p, &o, err, sizeof err) < 0)
            break;
        points += o.points;
        switches += o.switches;
        execs++;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    det_ctx_close(x);
    double raw = raw_handoffs(1.0);
    double pps = (double)points / secs;
    json_object_set_new(out, "points_per_s", json_real(pps));
    json_object_set_new(out, "executions_per_s", json_real((double)execs / secs));
    json_object_set_new(out, "switches_per_s", json_real((double)switches / secs));
    json_object_set_new(out, "raw_handoffs_per_s", json_real(raw));
    json_object_set_new(out, "points_vs_raw", json_real(raw > 0 ? pps / raw : 0));
    json_object_set_new(out, "executions", json_integer((json_int_t)execs));
    json_object_set_new(out, "points", json_integer((json_int_t)points));
    json_object_set_new(out, "seconds", json_real(secs));
    return 0;
}

int det_bench(json_t *out, const struct hvsim_runcfg *cin)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        return -1;
    }
    int rc = det_bench_with(c, out, cin);
    runcfg_free(c);
    return rc;
}

static int det_bench_models_with(struct hvsim_runcfg *c, json_t *out)
{
    runcfg_default_run(c);
    snprintf(c->strategy, sizeof c->strategy, "pct");
    /* the reference handshake (acquire wait): PASS under every model, so
     * every execution runs to its end and the rates compare */
    snprintf(c->v.wait, sizeof c->v.wait, "acquire");
    static const char *const models[] = { "tso", "arm", "riscv" };
    double rate[3] = { 0 };
    for (int i = 0; i < 3; i++) {
        snprintf(c->memory_model, sizeof c->memory_model, "%s", models[i]);
        json_t *m = json_object();
        if (det_bench(m, c) < 0) {
            json_decref(m);
            return -1;
        }
        rate[i] = json_number_value(json_object_get(m, "executions_per_s"));
        json_object_set_new(out, models[i], m);
    }
    json_object_set_new(out, "arm_vs_tso", json_real(rate[0] > 0 ? rate[1] / rate[0] : 0));
    json_object_set_new(out, "riscv_vs_tso", json_real(rate[0] > 0 ? rate[2] / rate[0] : 0));
    return 0;
}

int det_bench_models(json_t *out)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        return -1;
    }
    int rc = det_bench_models_with(c, out);
    runcfg_free(c);
    return rc;
}
