/* sim/matrix/matrix_compare.c — the engine comparison table: per variant
 * (wait plain/volatile/acquire with wake fence; wake nofence with wait
 * acquire) and per engine (native, det, tsan, helgrind), what was found.
 * Every row comes from runs made here, with the command that reproduces it;
 * an engine that is not part of this build gets no row. */
#include "matrix.h"
#include "engine/threads/threads.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct first { enum hvsim_verdict v; unsigned n; char summary[600]; };

static int on_run(const struct run_result *r, void *ud)
{
    struct first *f = ud;
    f->n++;
    if (f->n == 1 || (f->v == V_PASS && r->verdict != V_PASS)) {
        f->v = r->verdict;
        snprintf(f->summary, sizeof f->summary, "%s", r->summary);
    }
    return r->verdict != V_PASS;
}

static void row(json_t *rows, const struct hvsim_runcfg *c, const char *extra)
{
    struct first f = { V_PASS, 0, "" };
    struct engine_info info;
    char err[1024];
    if (engine_runs(c, on_run, &f, &info, err, sizeof err) < 0)
        return;
    char variant[64], cmd[512], finding[700];
    snprintf(variant, sizeof variant, "wait=%s wake=%s", c->v.wait, c->v.wake);
    snprintf(cmd, sizeof cmd, "build/hvsim run --engine %s --cc %s --opt %s --wait %s --relax %s "
             "--wake %s --seed %llu --runs %u%s", c->engine, c->v.cc, c->v.opt, c->v.wait,
             c->v.relax, c->v.wake, (unsigned long long)c->seed, c->runs, extra);
    snprintf(finding, sizeof finding, "%s%s", verdict_name(f.v),
             f.v == V_PASS ? "" : "");
    json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "variant", variant,
                                          "engine", c->engine, "finding", finding, "summary",
                                          f.summary, "command", cmd, "runs", (json_int_t)f.n));
}

static json_t *matrix_compare_with(struct hvsim_runcfg *c)
{
    json_t *rows = json_array();
    static const char *const v[][2] = {
        { "plain", "fence" }, { "volatile", "fence" }, { "acquire", "fence" }, { "acquire", "nofence" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        runcfg_default_run(c);
        snprintf(c->v.wait, sizeof c->v.wait, "%s", v[i][0]);
        snprintf(c->v.wake, sizeof c->v.wake, "%s", v[i][1]);
        snprintf(c->v.relax, sizeof c->v.relax, "none");
        c->runs = !strcmp(v[i][1], "nofence") ? 1000 : 20;
        row(rows, c, "");
        snprintf(c->engine, sizeof c->engine, "det");
        snprintf(c->strategy, sizeof c->strategy, "pct");
        c->runs = 100;
        row(rows, c, " --strategy pct --memory-model tso");
    }
    json_t *t = 0;
    if (threads_compare_table(&t) == 0 && json_is_array(t)) {
        size_t i;
        json_t *x;
        json_array_foreach(t, i, x)
            json_array_append(rows, x);
    }
    if (t)
        json_decref(t);
    return rows;
}

json_t *matrix_compare(void)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        return 0;
    }
    json_t * rc = matrix_compare_with(c);
    runcfg_free(c);
    return rc;
}
