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

void bench_matrix(struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "matrix", sec);
    struct bench_row *rw = bench_row_add(b, "matrix", "default matrix wall time", "s");
    struct bench_row *rc = bench_row_add(b, "matrix", "cells per second", "/s");
    struct bench_row *rd = bench_row_add(b, "matrix", "share of cells saved by binary dedup", "share");
    snprintf(rw->base_name, sizeof rw->base_name, "same cells without dedup (estimate)");
    snprintf(rc->base_name, sizeof rc->base_name, "same cells without dedup (estimate)");
    snprintf(rd->base_name, sizeof rd->base_name, "cells in the matrix (ratio = runs/cell)");
    char self[600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        bench_row_nm(rw, "not measured: /proc/self/exe unreadable");
        bench_row_nm(rc, "%s", rw->nm);
        bench_row_nm(rd, "%s", rw->nm);
        return;
    }
    self[n] = 0;
    char dir[700];
    snprintf(dir, sizeof dir, "%s/matrix", b->out);
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
    double wall = (double)(bench_now_ns() - t0) / 1e9;
    json_object_set_new(sec, "exit_status", json_integer(st));
    char path[800];
    snprintf(path, sizeof path, "%s/report.json", dir);
    json_error_t je;
    json_t *rep = json_load_file(path, 0, &je);
    json_t *cells = rep ? json_object_get(rep, "cells") : 0;
    if (!json_is_array(cells) || !json_array_size(cells)) {
        bench_row_nm(rw, "not measured: hvsim matrix wrote no report (status %d)", st);
        bench_row_nm(rc, "%s", rw->nm);
        bench_row_nm(rd, "%s", rw->nm);
        json_object_set_new(sec, "not_measured", json_string(rw->nm));
        json_decref(rep);
        return;
    }
    size_t total = json_array_size(cells), dedup = 0, i;
    double run_leaders = 0, run_nodedup = 0;
    json_t *cell;
    json_t *byhash = json_object();
    json_array_foreach(cells, i, cell) {
        const char *h = json_string_value(json_object_get(cell, "binary_hash"));
        double t = (double)json_integer_value(json_object_get(cell, "time_ms")) / 1000.0;
        if (json_is_true(json_object_get(cell, "deduped"))) {
            dedup++;
        } else {
            run_leaders += t;
            if (h && *h)
                json_object_set_new(byhash, h, json_real(t));
        }
    }
    json_array_foreach(cells, i, cell) {
        const char *h = json_string_value(json_object_get(cell, "binary_hash"));
        if (json_is_true(json_object_get(cell, "deduped")) && h && json_object_get(byhash, h))
            run_nodedup += json_real_value(json_object_get(byhash, h));
        else if (!json_is_true(json_object_get(cell, "deduped")))
            run_nodedup += (double)json_integer_value(json_object_get(cell, "time_ms")) / 1000.0;
    }
    json_decref(byhash);
    double nodedup_wall = wall - run_leaders + run_nodedup;
    rw->value = wall;
    rw->base = nodedup_wall;
    rw->ratio = nodedup_wall > 0 ? wall / nodedup_wall : 0;
    rc->value = (double)total / wall;
    rc->base = nodedup_wall > 0 ? (double)total / nodedup_wall : 0;
    rc->ratio = rc->base > 0 ? rc->value / rc->base : 0;
    rd->value = (double)dedup / (double)total;
    rd->base = (double)total;
    rd->ratio = (double)(total - dedup) / (double)total;
    if (rw->ratio <= 0)
        bench_row_nm(rw, "not measured: zero wall time"), bench_row_nm(rc, "%s", rw->nm);
    json_object_set_new(sec, "cells", json_integer((json_int_t)total));
    json_object_set_new(sec, "deduped_cells", json_integer((json_int_t)dedup));
    json_object_set_new(sec, "wall_s", json_real(wall));
    json_object_set_new(sec, "run_time_s", json_real(run_leaders));
    json_object_set_new(sec, "run_time_without_dedup_s", json_real(run_nodedup));
    json_object_set_new(sec, "cells_per_s", json_real(rc->value));
    json_object_set_new(sec, "dedup_share", json_real(rd->value));
    json_object_set_new(sec, "report", json_string(path));
    json_decref(rep);
}
