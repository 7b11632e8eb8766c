/* sim/matrix/matrix_run.c — run each distinct binary once and give every
 * cell its verdict.  Native runs are serial on purpose: one native run keeps
 * both cores busy by itself (a spinning CPU and the daemon), and running two
 * at once would starve the very threads whose timing is under test. */
#define _GNU_SOURCE
#include "matrix.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000ull;
}

struct cell_state {
    struct matrix_cell *c;
};

static int on_run(const struct run_result *r, void *ud)
{
    struct cell_state *s = ud;
    struct matrix_cell *c = s->c;
    c->runs_done++;
    if (r->verdict != V_PASS || !c->evidence) {
        if (c->evidence)
            json_decref(c->evidence);
        json_t *j = result_to_json(r, c->cfg);
        c->evidence = json_incref(json_object_get(j, "evidence"));
        json_decref(j);
        c->verdict = r->verdict;
        if (r->verdict != V_PASS) {
            c->failing_seed = r->seed;
            c->has_failing_seed = 1;
        }
    }
    return r->verdict != V_PASS; /* the first finding decides the cell */
}

int matrix_run_all(struct matrix *m, char *err, size_t errlen)
{
    unsigned total = 0, done = 0;
    for (unsigned i = 0; i < m->ncells; i++)
        total += m->cells[i].leader < 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t t0 = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    for (unsigned i = 0; i < m->ncells; i++) {
        struct matrix_cell *c = &m->cells[i];
        if (c->leader >= 0)
            continue;
        if (c->skipped || c->build_failed) {
            c->verdict = c->build_failed ? V_BUILD_ERROR : V_PASS;
            done++;
            continue;
        }
        matrix_progress(m, done, total, c->id, t0);
        struct cell_state s = { c };
        struct engine_info info;
        char e[1024] = "";
        uint64_t start = mono_ms();
        int rc = engine_runs(c->cfg, on_run, &s, &info, e, sizeof e);
        c->time_ms = mono_ms() - start;
        if (rc == -2) {
            c->build_failed = 1;
            c->verdict = V_BUILD_ERROR;
            snprintf(c->build_err, sizeof c->build_err, "%s", e);
        } else if (rc < 0) {
            snprintf(err, errlen, "%s: %s", c->id, e);
            return -1;
        }
        done++;
    }
    matrix_progress(m, total, total, "", t0);
    /* followers take their leader's outcome */
    for (unsigned i = 0; i < m->ncells; i++) {
        struct matrix_cell *c = &m->cells[i];
        if (c->leader < 0)
            continue;
        struct matrix_cell *l = &m->cells[c->leader];
        c->verdict = l->verdict;
        c->runs_done = l->runs_done;
        c->failing_seed = l->failing_seed;
        c->has_failing_seed = l->has_failing_seed;
        c->evidence = l->evidence ? json_incref(l->evidence) : 0;
    }
    return 0;
}
