/* sim/cli/cmd_matrix_plan.c — from the command line to the matrix's cells:
 * each scenario loaded, the user's own code and the command line's
 * dimensions laid over it, planned by sim/matrix. */
#include "cmd_matrix.h"
#include "commands.h"
#include "build/build.h"
#include "config/scenario.h"
#include "util/home.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The user's own code replaces the scenario's, side by side. */
static void lay_user_code(struct hvsim_runcfg *base, const struct hvsim_runcfg *user, int user_cflags)
{
    if (user->n_hv_src || user->n_hv_lib) {
        runcfg_list_copy(&base->hv_src, &base->n_hv_src, user->hv_src, user->n_hv_src);
        runcfg_list_copy(&base->hv_lib, &base->n_hv_lib, user->hv_lib, user->n_hv_lib);
    }
    if (user->n_be_src || user->n_be_lib) {
        runcfg_list_copy(&base->be_src, &base->n_be_src, user->be_src, user->n_be_src);
        runcfg_list_copy(&base->be_lib, &base->n_be_lib, user->be_lib, user->n_be_lib);
    }
    if (user->n_incdir)
        runcfg_list_copy(&base->incdir, &base->n_incdir, user->incdir, user->n_incdir);
    if (user_cflags)
        runcfg_set_str(&base->extra_cflags, user->extra_cflags);
}

/* A hypervisor side that is only a prebuilt library is built once, by its
 * own compiler: --cc/--opt/--wait/--relax would only rebuild the C daemon
 * around it (36 cells of one library, issue 18).  Unless given, they take
 * the scenario's one value; the library's build is the dimension (--hv-lib
 * A,B). */
static void lib_only_dims(struct matrix_dims *d, const struct matrix_dims *over,
                          const struct hvsim_runcfg *base)
{
    memcpy(d->hvlib, over->hvlib, sizeof d->hvlib);
    d->nhvlib = over->nhvlib;
    if (!(d->nhvlib || base->n_hv_lib) || base->n_hv_src)
        return;
    if (!over->ncc) { snprintf(d->cc[0], sizeof d->cc[0], "%s", base->v.cc); d->ncc = 1; }
    if (!over->nopt) { snprintf(d->opt[0], sizeof d->opt[0], "%s", base->v.opt); d->nopt = 1; }
    if (!over->nwait) { snprintf(d->wait[0], sizeof d->wait[0], "%s", base->v.wait); d->nwait = 1; }
    if (!over->nrelax) { snprintf(d->relax[0], sizeof d->relax[0], "%s", base->v.relax); d->nrelax = 1; }
}

/* A scenario's dimensions with the command line's laid over them. */
static void cell_dims(struct matrix_dims *d, const struct matrix_dims *over, const struct hvsim_runcfg *base)
{
#define OVER(f, n) if (over->n) { memcpy(d->f, over->f, sizeof d->f); d->n = over->n; }
    OVER(cc, ncc) OVER(opt, nopt) OVER(arch, narch) OVER(wait, nwait) OVER(relax, nrelax) OVER(wake, nwake) OVER(mm, nmm)
#undef OVER
    if (over->runs)
        d->runs = over->runs;
    d->lto = over->lto;
    lib_only_dims(d, over, base);
}

/* The scenarios to plan: the default matrix, or each --scenario with the
 * default matrix's first dimensions. */
static unsigned scenario_list(const struct matrix_args *a, struct matrix_default *defs)
{
    if (a->nscen == 0)
        return matrix_defaults(defs, 8);
    struct matrix_default d0;
    matrix_defaults(&d0, 1);
    for (unsigned i = 0; i < a->nscen; i++) {
        defs[i] = d0;
        defs[i].scenario = a->scen[i];
    }
    return a->nscen;
}

int matrix_plan_from(struct matrix *m, const struct matrix_args *a, const struct hvsim_runcfg *user,
                     struct hvsim_runcfg *base, struct matrix_default *defs)
{
    unsigned ndefs = scenario_list(a, defs);
    char err[1024];
    for (unsigned s = 0; s < ndefs; s++) {
        char path[1024];
        /* a relative path that is not here is one of hvsim's own scenarios */
        if (defs[s].scenario[0] != '/' && access(defs[s].scenario, R_OK) != 0)
            snprintf(path, sizeof path, "%s/%s", hvsim_home(), defs[s].scenario);
        else
            snprintf(path, sizeof path, "%s", defs[s].scenario);
        if (scenario_load(path, base, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        lay_user_code(base, user, a->user_cflags);
        struct matrix_dims d = defs[s].dims;
        cell_dims(&d, &a->over, base);
        if (matrix_plan(m, base, &d, a->engine, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim matrix: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if (a->shard_n)
        matrix_shard(m, a->shard_k, a->shard_n);
    return 0;
}

int matrix_check_user_code(const struct matrix *m)
{
    char err[1024];
    for (unsigned i = 0; i < m->ncells; i++) {
        const struct hvsim_runcfg *cc = m->cells[i].cfg;
        if (m->cells[i].skipped)
            continue;
        if (!(cc->n_hv_src || cc->n_hv_lib || cc->n_be_src || cc->n_be_lib))
            break;
        /* cached: the matrix's own build of this cell finds it */
        struct build_out b;
        if (build_participants(cc, engine_find(cc->engine)->build_profile, &b, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim matrix: %s (cell %s)\n%s", err, m->cells[i].id, b.log);
            return EXIT_USAGE;
        }
        break;
    }
    return 0;
}
