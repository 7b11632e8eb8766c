/* sim/bench/bench_matrix.c — section 5: the default matrix (`hvsim
 * matrix`, run as a child of this very binary), its wall time, cells/s and
 * the share of cells binary dedup saved, against the same cells without
 * dedup (each cell charged the measured run time of its binary). */
#define _GNU_SOURCE
#include "bench.h"
#include "util/process.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The matrix's three rows: wall time (rw), cells/s (rc), dedup share (rd). */
struct matrix_rows {
    struct bench_row *rw, *rc, *rd;
};

static struct matrix_rows matrix_rows_add(struct bench *b)
{
    struct matrix_rows m;
    m.rw = bench_row_add(b, "matrix", "default matrix wall time", "s");
    m.rc = bench_row_add(b, "matrix", "cells per second", "/s");
    m.rd = bench_row_add(b, "matrix", "share of cells saved by binary dedup", "share");
    snprintf(m.rw->base_name, sizeof m.rw->base_name, "same cells without dedup (estimate)");
    snprintf(m.rc->base_name, sizeof m.rc->base_name, "same cells without dedup (estimate)");
    snprintf(m.rd->base_name, sizeof m.rd->base_name, "cells in the matrix (ratio = runs/cell)");
    return m;
}

/* Run `hvsim matrix` (this binary, self) into dir: the default matrix, or
 * with --quick a slice of it; sec records the command.  Returns its exit
 * status; *wall its wall time in seconds. */
static int matrix_run(struct bench *b, json_t *sec, char *self, char *dir, double *wall)
{
    char *full[] = { self, "matrix", "--out", dir, 0 };
    char scen[700];
    snprintf(scen, sizeof scen, "%s/scenarios/seed_hang.hvs", hvsim_home());
    /* --quick: a slice of the default matrix that builds in seconds and never hangs */
    char *quick[] = { self, "matrix", "--out", dir, "--scenario", scen, "--cc", "gcc", "--opt", "O0,O2",
                      "--wait", "volatile,acquire", "--relax", "none", "--runs", "1", 0 };
    json_object_set_new(sec, "command", json_string(b->quick ? "hvsim matrix --out DIR --scenario scenarios/seed_hang.hvs "
                                                               "--cc gcc --opt O0,O2 --wait volatile,acquire --relax none --runs 1"
                                                             : "hvsim matrix --out DIR"));
    json_object_set_new(sec, "quick_slice", json_boolean(b->quick));
    uint64_t t0 = bench_now_ns();
    int st = proc_run(b->quick ? quick : full, 0, 0); /* its report.json is what is read */
    *wall = (double)(bench_now_ns() - t0) / 1e9;
    json_object_set_new(sec, "exit_status", json_integer(st));
    return st;
}

void bench_matrix_dedup(json_t *cells, struct bench_dedup *d)
{
    memset(d, 0, sizeof *d);
    size_t i;
    json_t *cell;
    json_t *byhash = json_object();
    d->cells = json_array_size(cells);
    json_array_foreach(cells, i, cell) {
        const char *h = json_string_value(json_object_get(cell, "binary_hash"));
        double t = (double)json_integer_value(json_object_get(cell, "time_ms")) / 1000.0;
        if (json_is_true(json_object_get(cell, "deduped"))) {
            d->deduped++;
        } else {
            d->run_s += t;
            if (h && *h)
                json_object_set_new(byhash, h, json_real(t));
        }
    }
    json_array_foreach(cells, i, cell) {
        const char *h = json_string_value(json_object_get(cell, "binary_hash"));
        if (json_is_true(json_object_get(cell, "deduped")) && h && json_object_get(byhash, h))
            d->run_nodedup_s += json_real_value(json_object_get(byhash, h));
        else if (!json_is_true(json_object_get(cell, "deduped")))
            d->run_nodedup_s += (double)json_integer_value(json_object_get(cell, "time_ms")) / 1000.0;
    }
    json_decref(byhash);
}

/* The rows and sec's figures from the dedup accounting and the wall time:
 * the no-dedup wall time is the measured one with the leaders' run time
 * replaced by every cell's. */
static void matrix_fill(struct matrix_rows *m, json_t *sec, const struct bench_dedup *d, double wall)
{
    struct bench_row *rw = m->rw, *rc = m->rc, *rd = m->rd;
    double total = (double)d->cells, dedup = (double)d->deduped;
    double nodedup_wall = wall - d->run_s + d->run_nodedup_s;
    rw->value = wall;
    rw->base = nodedup_wall;
    rw->ratio = nodedup_wall > 0 ? wall / nodedup_wall : 0;
    rc->value = total / wall;
    rc->base = nodedup_wall > 0 ? total / nodedup_wall : 0;
    rc->ratio = rc->base > 0 ? rc->value / rc->base : 0;
    rd->value = dedup / total;
    rd->base = total;
    rd->ratio = (total - dedup) / total;
    if (rw->ratio <= 0)
        bench_row_nm(rw, "not measured: zero wall time"), bench_row_nm(rc, "%s", rw->nm);
    json_object_set_new(sec, "cells", json_integer((json_int_t)d->cells));
    json_object_set_new(sec, "deduped_cells", json_integer((json_int_t)d->deduped));
    json_object_set_new(sec, "wall_s", json_real(wall));
    json_object_set_new(sec, "run_time_s", json_real(d->run_s));
    json_object_set_new(sec, "run_time_without_dedup_s", json_real(d->run_nodedup_s));
    json_object_set_new(sec, "cells_per_s", json_real(rc->value));
    json_object_set_new(sec, "dedup_share", json_real(rd->value));
}

static void matrix_rows_nm(struct matrix_rows *m, const char *why)
{
    bench_row_nm(m->rw, "%s", why);
    bench_row_nm(m->rc, "%s", m->rw->nm);
    bench_row_nm(m->rd, "%s", m->rw->nm);
}

void bench_matrix(struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "matrix", sec);
    struct matrix_rows m = matrix_rows_add(b);
    char self[600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        matrix_rows_nm(&m, "not measured: /proc/self/exe unreadable");
        return;
    }
    self[n] = 0;
    char dir[700];
    snprintf(dir, sizeof dir, "%s/matrix", b->out);
    double wall;
    int st = matrix_run(b, sec, self, dir, &wall);
    char path[800];
    snprintf(path, sizeof path, "%s/report.json", dir);
    json_error_t je;
    json_t *rep = json_load_file(path, 0, &je);
    json_t *cells = rep ? json_object_get(rep, "cells") : 0;
    if (!json_is_array(cells) || !json_array_size(cells)) {
        char why[200];
        snprintf(why, sizeof why, "not measured: hvsim matrix wrote no report (status %d)", st);
        matrix_rows_nm(&m, why);
        json_object_set_new(sec, "not_measured", json_string(m.rw->nm));
        json_decref(rep);
        return;
    }
    struct bench_dedup d;
    bench_matrix_dedup(cells, &d);
    matrix_fill(&m, sec, &d, wall);
    json_object_set_new(sec, "report", json_string(path));
    json_decref(rep);
}
