/* sim/matrix/matrix_plan.c — enumerate the cells of a matrix. */
#include "matrix.h"
#include "build/build.h"
#include "build/libinfo.h"
#include "config/variants.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_cell(const void *a, const void *b)
{
    return strcmp(((const struct matrix_cell *)a)->id, ((const struct matrix_cell *)b)->id);
}

/* --hv-lib A,B: this cell's library replaces the hv side's libraries (lib:
 * its index, when the dimension is set); the library's own build into the
 * variant (lib_opt) and into libid, for the id and every label
 * (matrix_report.c) */
static void cell_lib(struct hvsim_runcfg *cfg, const struct matrix_dims *d, unsigned lib, char *libid,
                     size_t n)
{
    struct hvsim_variant *v = &cfg->v;
    libid[0] = 0;
    if (d->nhvlib) {
        runcfg_list_clear(&cfg->hv_lib, &cfg->n_hv_lib);
        runcfg_list_add(&cfg->hv_lib, &cfg->n_hv_lib, d->hvlib[lib]);
    }
    if (cfg->n_hv_lib) {
        char comp[96];
        libinfo_split(cfg->hv_lib[0], comp, sizeof comp, v->lib_opt, sizeof v->lib_opt);
        const char *bn = strrchr(cfg->hv_lib[0], '/');
        snprintf(libid, n, "/%s %s%s", bn ? bn + 1 : cfg->hv_lib[0],
                 v->lib_opt[0] ? "opt-level=" : "", v->lib_opt);
    }
}

int matrix_plan(struct matrix *m, const struct hvsim_runcfg *base, const struct matrix_dims *d,
                const char *engine, char *err, size_t errlen)
{
    for (unsigned l = 0; l < (d->nhvlib ? d->nhvlib : 1); l++)
    for (unsigned a = 0; a < d->narch; a++)
    for (unsigned k = 0; k < d->ncc; k++)
    for (unsigned o = 0; o < d->nopt; o++)
    for (unsigned w = 0; w < d->nwait; w++)
    for (unsigned r = 0; r < d->nrelax; r++)
    for (unsigned x = 0; x < d->nwake; x++)
    for (int lto = 0; lto <= d->lto; lto++)
    for (unsigned mi = 0; mi < (d->nmm ? d->nmm : 1); mi++) {
        if (m->ncells >= MATRIX_MAX_CELLS) {
            snprintf(err, errlen, "more than %d cells", MATRIX_MAX_CELLS);
            return -1;
        }
        /* a relax hint that does not exist on the target is not a cell */
        const char *rl = d->relax[r], *ar = d->arch[a];
        if (!relax_exists_on(rl, ar))
            continue;
        struct matrix_cell *c = &m->cells[m->ncells];
        memset(c, 0, sizeof *c);
        c->cfg = runcfg_dup(base);
        if (!c->cfg) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        struct hvsim_variant *v = &c->cfg->v;
        snprintf(v->arch, sizeof v->arch, "%s", ar);
        snprintf(v->cc, sizeof v->cc, "%s", d->cc[k]);
        snprintf(v->opt, sizeof v->opt, "%s", d->opt[o]);
        snprintf(v->wait, sizeof v->wait, "%s", d->wait[w]);
        snprintf(v->relax, sizeof v->relax, "%s", rl);
        snprintf(v->wake, sizeof v->wake, "%s", d->wake[x]);
        snprintf(c->cfg->engine, sizeof c->cfg->engine, "%s", engine);
        if (d->runs)
            c->cfg->runs = d->runs;
        v->lto = lto;
        if (d->nmm)
            snprintf(c->cfg->memory_model, sizeof c->cfg->memory_model, "%s", d->mm[mi]);
        char libid[PATH_MAX + 24]; /* fits: "/" + a (realpath) path + " opt-level=" + a level */
        cell_lib(c->cfg, d, l, libid, sizeof libid);
        snprintf(c->id, sizeof c->id, "%s/%s/%s/%s/%s%s/%s/%s/%s%s%s%s", base->name, engine, ar,
                 d->cc[k], d->opt[o], lto ? "-flto" : "", d->wait[w], rl, d->wake[x],
                 d->nmm ? "/" : "", d->nmm ? d->mm[mi] : "", libid);
        /* the same cell from two default entries (e.g. --arch laid over
         * both the x86_64 and the foreign seed_hang rows): keep the first */
        int dup = 0;
        for (unsigned j = 0; j < m->ncells && !dup; j++)
            dup = !strcmp(m->cells[j].id, c->id);
        if (dup) {
            runcfg_free(c->cfg);
            c->cfg = 0;
            continue;
        }
        c->leader = -1;
        c->expected_mask = runcfg_expected(c->cfg, v, engine, runcfg_run_model(c->cfg, v, engine));
        c->oracle = "unknown";
        if (!build_compiler_available(d->cc[k], ar)) {
            c->skipped = 1;
            snprintf(c->skip_reason, sizeof c->skip_reason,
                     "skipped: the %s toolchain for %s (or qemu-%s) is not installed; run tools/deps.sh",
                     d->cc[k], ar, ar);
        }
        m->ncells++;
    }
    qsort(m->cells, m->ncells, sizeof m->cells[0], cmp_cell);
    return 0;
}

void matrix_shard(struct matrix *m, unsigned k, unsigned n)
{
    if (n <= 1)
        return;
    unsigned j = 0;
    for (unsigned i = 0; i < m->ncells; i++) {
        if (i % n == k - 1)
            m->cells[j++] = m->cells[i];
        else
            runcfg_free(m->cells[i].cfg);
    }
    m->ncells = j;
    m->shard_k = k;
    m->shard_n = n;
}

void matrix_free(struct matrix *m)
{
    for (unsigned i = 0; i < m->ncells; i++) {
        runcfg_free(m->cells[i].cfg);
        free(m->cells[i].loop_disasm);
        if (m->cells[i].evidence)
            json_decref(m->cells[i].evidence);
    }
    m->ncells = 0;
}
