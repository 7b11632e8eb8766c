/* sim/matrix/matrix_report.c — the matrix as report.json (schema v1,
 * docs/report-schema.md). */
#define _GNU_SOURCE
#include "matrix.h"
#include "build/libinfo.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *status_of(const struct matrix_cell *c)
{
    if (c->skipped)
        return "skipped";
    unsigned bit = 1u << c->verdict;
    if (c->expected_mask == 0)
        return c->verdict == V_PASS ? "ok" : "unexpected";
    if (!(c->expected_mask & bit))
        return "unexpected";
    return c->verdict == V_PASS ? "ok" : "expected-failure";
}

/* The -O0 cell of the same scenario/engine/arch/cc/wait/relax/wake. */
static const struct matrix_cell *o0_of(const struct matrix *m, const struct matrix_cell *c)
{
    for (unsigned i = 0; i < m->ncells; i++) {
        const struct matrix_cell *o = &m->cells[i];
        const struct hvsim_variant *a = &o->cfg->v, *b = &c->cfg->v;
        if (!strcmp(a->opt, "O0") && !a->lto && !strcmp(a->cc, b->cc) && !strcmp(a->arch, b->arch) &&
            !strcmp(a->wait, b->wait) && !strcmp(a->relax, b->relax) &&
            !strcmp(a->wake, b->wake) && !strcmp(o->cfg->name, c->cfg->name) &&
            !strcmp(o->cfg->engine, c->cfg->engine))
            return o;
    }
    return 0;
}

/* The reproduce command, written into a memory stream that grows: the
 * user's paths and flags can be any length (a fixed buffer with running
 * offsets underflowed its remaining size on long --hv/-I paths). */
static json_t *command_of(const struct matrix_cell *c)
{
    char *cmd = 0;
    size_t len = 0;
    FILE *f = open_memstream(&cmd, &len);
    if (!f)
        return json_string("");
    const struct hvsim_runcfg *k = c->cfg;
    fputs("build/hvsim run", f);
    if (k->path)
        fprintf(f, " --scenario %s", k->path);
    fprintf(f, " --engine %s --arch %s --cc %s --opt %s --wait %s --relax %s --wake %s --seed %llu",
            k->engine, k->v.arch, k->v.cc, k->v.opt, k->v.wait, k->v.relax, k->v.wake,
            (unsigned long long)(c->has_failing_seed ? c->failing_seed : k->seed));
    if (k->v.lto)
        fputs(" --lto", f);
    if (k->memory_model[0])
        fprintf(f, " --memory-model %s", k->memory_model);
    /* the user's own code, so the command reproduces this cell and not ours */
    for (unsigned i = 0; i < k->n_hv_src; i++)
        fprintf(f, " --hv %s", k->hv_src[i]);
    for (unsigned i = 0; i < k->n_be_src; i++)
        fprintf(f, " --backend %s", k->be_src[i]);
    for (unsigned i = 0; i < k->n_incdir; i++)
        fprintf(f, " -I %s", k->incdir[i]);
    for (unsigned i = 0; i < k->n_hv_lib; i++)
        fprintf(f, " --hv-lib %s", k->hv_lib[i]);
    for (unsigned i = 0; i < k->n_be_lib; i++)
        fprintf(f, " --backend-lib %s", k->be_lib[i]);
    if (k->extra_cflags)
        fprintf(f, " --cflags '%s'", k->extra_cflags);
    if (!c->has_failing_seed && k->runs > 1)
        fprintf(f, " --runs %u", k->runs);
    json_t *j = fclose(f) == 0 && cmd ? json_string(cmd) : json_string("");
    free(cmd);
    return j;
}

/* The cell's compiler and opt-level ("cc", "opt"). */
static void cell_build_json(json_t *o, const struct matrix_cell *c)
{
    const struct hvsim_variant *v = &c->cfg->v;
    char optl[40];
    snprintf(optl, sizeof optl, "%s%s", v->opt, v->lto ? "-flto" : "");
    if (c->cfg->n_hv_lib && !c->cfg->n_hv_src) {
        /* the hypervisor side is a prebuilt library: its own compiler and
         * opt-level are the cell's (issue 18: not gcc -O2 for a rustc
         * build); the C side (the daemon) is said apart */
        char comp[96], lo[8];
        libinfo_split(c->cfg->hv_lib[0], comp, sizeof comp, lo, sizeof lo);
        json_object_set_new(o, "cc", json_string(comp));
        char l[40];
        snprintf(l, sizeof l, "opt-level=%s", lo[0] ? lo : "?");
        json_object_set_new(o, "opt", json_string(l));
        json_object_set_new(o, "hv_lib", json_string(c->cfg->hv_lib[0]));
        char cs[64];
        snprintf(cs, sizeof cs, "%s -%s", v->cc, optl);
        json_object_set_new(o, "c_side", json_string(cs));
    } else {
        json_object_set_new(o, "cc", json_string(v->cc));
        json_object_set_new(o, "opt", json_string(optl));
    }
}

static json_t *cell_json(const struct matrix *m, const struct matrix_cell *c)
{
    const struct hvsim_variant *v = &c->cfg->v;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "scenario", json_string(c->cfg->name));
    json_object_set_new(o, "engine", json_string(c->cfg->engine));
    json_object_set_new(o, "arch", json_string(v->arch));
    cell_build_json(o, c);
    json_object_set_new(o, "wait", json_string(v->wait));
    json_object_set_new(o, "relax", json_string(v->relax));
    json_object_set_new(o, "wake", json_string(v->wake));
    if (c->cfg->memory_model[0]) /* det, --memory-model as a matrix dimension */
        json_object_set_new(o, "memory_model", json_string(c->cfg->memory_model));
    json_object_set_new(o, "platform", json_string(result_platform(v->arch)));
    json_object_set_new(o, "verdict", json_string(c->skipped ? "SKIPPED" : verdict_name(c->verdict)));
    json_t *exp = json_array();
    for (int k = 0; k < V__COUNT; k++)
        if (c->expected_mask & (1u << k))
            json_array_append_new(exp, json_string(verdict_name((enum hvsim_verdict)k)));
    json_object_set_new(o, "expected", exp);
    json_object_set_new(o, "status", json_string(status_of(c)));
    json_object_set_new(o, "runs", json_integer(c->runs_done));
    json_object_set_new(o, "seed", json_integer((json_int_t)c->cfg->seed));
    json_object_set_new(o, "failing_seed", c->has_failing_seed
                        ? json_integer((json_int_t)c->failing_seed) : json_null());
    const struct matrix_cell *lead = c->leader >= 0 ? &m->cells[c->leader] : c;
    json_object_set_new(o, "time_ms", json_integer((json_int_t)(c->leader >= 0 ? 0 : c->time_ms)));
    char h[40];
    snprintf(h, sizeof h, "%016llx%016llx", (unsigned long long)c->hv_hash,
             (unsigned long long)c->be_hash);
    json_object_set_new(o, "binary_hash", json_string(c->hv_hash ? h : ""));
    json_t *sh = json_array();
    for (unsigned i = 0; i < m->ncells; i++) {
        const struct matrix_cell *x = &m->cells[i];
        if (x != c && c->hv_hash && (x == lead || (x->leader >= 0 && &m->cells[x->leader] == lead)))
            json_array_append_new(sh, json_string(x->id));
    }
    json_object_set_new(o, "shares_binary_with", sh);
    json_object_set_new(o, "deduped", json_boolean(c->leader >= 0));
    json_object_set_new(o, "command", command_of(c));
    if (strcmp(c->oracle, "unknown"))
        json_object_set_new(o, "oracle", json_pack("{s:s,s:b}", "prediction", c->oracle, "agrees",
                                                   matrix_oracle_agrees(c)));
    json_t *ev = c->evidence ? json_deep_copy(c->evidence) : json_object();
    if (c->skipped)
        json_object_set_new(ev, "summary", json_string(c->skip_reason));
    if (c->build_failed)
        json_object_set_new(ev, "summary", json_string(c->build_err));
    if (c->loop_disasm)
        json_object_set_new(ev, "loop_disasm", json_string(c->loop_disasm));
    const struct matrix_cell *z = o0_of(m, c);
    if (z && z->loop_disasm)
        json_object_set_new(ev, "loop_disasm_O0", json_string(z->loop_disasm));
    if (c->loop_func[0] && !json_object_get(ev, "file")) {
        json_object_set_new(ev, "function", json_string(c->loop_func));
        json_object_set_new(ev, "file", json_string(c->loop_file));
        json_object_set_new(ev, "line", json_integer(c->loop_line));
    }
    json_object_set_new(o, "evidence", ev);
    return o;
}

static json_t *host_json(void)
{
    struct utsname u;
    uname(&u);
    json_t *ccv = json_object();
    const char *ccs[] = { "gcc", "clang" };
    for (int i = 0; i < 2; i++) {
        char *argv[] = { (char *)ccs[i], "-dumpversion", 0 };
        struct sbuf out = { 0 };
        /* stdout only was read (2>/dev/null): a failed run gives "" */
        const char *s = proc_run(argv, &out, 10000) == 0 && out.s ? out.s : "";
        json_object_set_new(ccv, ccs[i], json_stringn(s, strcspn(s, "\n")));
        sbuf_free(&out);
    }
    return json_pack("{s:s,s:I,s:s,s:o}", "arch", u.machine, "cpus",
                     (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "kernel", u.release,
                     "cc_versions", ccv);
}

json_t *matrix_to_report(const struct matrix *m)
{
    json_t *r = json_object();
    json_object_set_new(r, "schema", json_string("hvsim-report"));
    json_object_set_new(r, "version", json_integer(1));
    char ts[32];
    time_t now = time(0);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_object_set_new(r, "generated", json_string(ts));
    json_object_set_new(r, "hvsim_version", json_string("0.1.0"));
    json_object_set_new(r, "host", host_json());
    json_object_set_new(r, "wall_ms", json_integer((json_int_t)m->wall_ms));
    char sh[32];
    snprintf(sh, sizeof sh, "%u/%u", m->shard_n ? m->shard_k : 1, m->shard_n ? m->shard_n : 1);
    json_object_set_new(r, "shard", json_string(sh));
    json_t *cells = json_array();
    for (unsigned i = 0; i < m->ncells; i++)
        json_array_append_new(cells, cell_json(m, &m->cells[i]));
    json_object_set_new(r, "cells", cells);
    return r;
}
