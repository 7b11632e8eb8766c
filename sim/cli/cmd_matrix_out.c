/* sim/cli/cmd_matrix_out.c — what `hvsim matrix` writes: report.json and
 * the reports rendered from it, the engine comparison and access audit
 * sections, the one-line summary on stderr. */
#include "cmd_matrix.h"
#include "commands.h"
#include "engine/det/det.h"
#include "report/report.h"
#include "util/process.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The access audit of the wait variants (gcc -O2), from the det engine's
 * instrumented build: what `hvsim audit` shows for each. */
static json_t *audit_rows_with(struct hvsim_runcfg *c)
{
    json_t *out = json_array();
    static const char *const waits[] = { "plain", "volatile", "acquire" };
    for (size_t i = 0; i < 3; i++) {
        runcfg_default_run(c);
        snprintf(c->v.wait, sizeof c->v.wait, "%s", waits[i]);
        snprintf(c->v.relax, sizeof c->v.relax, "none");
        json_t *sites = 0;
        char err[512] = "";
        if (det_audit(c, &sites, err, sizeof err) < 0)
            continue;
        char variant[64], cmd[256];
        snprintf(variant, sizeof variant, "%s -%s wait=%s", c->v.cc, c->v.opt, waits[i]);
        snprintf(cmd, sizeof cmd, "build/hvsim audit --cc %s --opt %s --wait %s --relax none",
                 c->v.cc, c->v.opt, waits[i]);
        json_array_append_new(out, json_pack("{s:s,s:s,s:o}", "variant", variant, "command", cmd,
                                             "sites", sites));
    }
    return out;
}

static json_t *audit_rows(void)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c)
        return 0;
    json_t *rc = audit_rows_with(c);
    runcfg_free(c);
    return rc;
}

/* The engine comparison and the access audit: on request, or by default
 * for the whole default matrix. */
static void add_comparison(const struct matrix *m, const struct matrix_args *a, json_t *rep)
{
    if (!(a->compare == 1 || (a->compare < 0 && a->nscen == 0 && !a->shard_n)))
        return;
    if (m->progress) {
        char names[96];
        engine_join(", ", names, sizeof names);
        fprintf(stderr, "comparing engines (%s)…", names);
    }
    json_object_set_new(rep, "comparison", matrix_compare());
    json_object_set_new(rep, "audit", audit_rows());
    if (m->progress)
        fprintf(stderr, "\r\033[K");
}

static int write_reports(json_t *rep, const char *out)
{
    char jpath[1100], err[1024];
    snprintf(jpath, sizeof jpath, "%s/report.json", out);
    if (dir_make_p(out, 0777) < 0 || json_dump_file(rep, jpath, JSON_INDENT(1)) < 0) {
        fprintf(stderr, "hvsim matrix: cannot write %s\n", jpath);
        return -1;
    }
    if (report_write_all(rep, out, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim matrix: %s\n", err);
        return -1;
    }
    return 0;
}

int matrix_write_out(const struct matrix *m, const struct matrix_args *a)
{
    json_t *rep = matrix_to_report(m);
    add_comparison(m, a, rep);
    unsigned unexpected = 0, distinct = 0, total = m->ncells;
    json_t *cells = json_object_get(rep, "cells");
    for (unsigned i = 0; i < m->ncells; i++) {
        const char *st = json_string_value(json_object_get(json_array_get(cells, i), "status"));
        unexpected += st && !strcmp(st, "unexpected");
        distinct += m->cells[i].leader < 0;
    }
    if (write_reports(rep, a->out) < 0) {
        json_decref(rep);
        return EXIT_HARNESS;
    }
    if (a->json) {
        json_dumpf(rep, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
    }
    fprintf(stderr, "hvsim matrix: %u cells, %u distinct binaries run (%u saved by dedup), %u unexpected, %.1f s; reports in %s/\n",
            total, distinct, total - distinct, unexpected, (double)m->wall_ms / 1000.0, a->out);
    json_decref(rep);
    return unexpected ? EXIT_FINDING : 0;
}
