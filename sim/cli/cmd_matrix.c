/* sim/cli/cmd_matrix.c — `hvsim matrix`. */
#define _GNU_SOURCE
#include "matrix/matrix.h"
#include "build/build.h"
#include "config/scenario.h"
#include "report/report.h"
#include "commands.h"
#include "options.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct matrix M;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hvsim matrix [OPTIONS]\n\n"
        "Run scenarios over compilers × optimisation levels × variants (× architectures), build\n"
        "every cell (both cores), run each distinct binary once, and write reports:\n"
        "summary.md, report.json, junit.xml and index.html.  Cells are judged against the\n"
        "expectations written in each scenario: a known bug detected as expected passes,\n"
        "any other verdict is unexpected and makes the exit status 1.\n\n"
        "  --scenario FILE.hvs     a scenario (repeatable); default: the default matrix\n"
        "  --cc LIST --opt LIST --arch LIST --wait LIST --relax LIST --wake LIST\n"
        "                          comma-separated values of each dimension (opt: all = O0..Og)\n"
        "  --engine native|det     engine for every cell (default native)\n"
        "  --memory-model LIST     det: sc,tso,arm,riscv as a dimension (default: each cell's\n"
        "                          architecture's own: tso on x86_64, arm on aarch64, riscv on riscv64)\n"
        "  --hv FILE.c --backend FILE.c --hv-lib FILE.a --backend-lib FILE.a -I DIR --cflags STR\n"
        "                          your own handler/daemon in every cell (as for hvsim run);\n"
        "                          they replace the scenario's hv/backend/include/cflags\n"
        "  --hv-lib A.a,B.a,...    several builds of a hypervisor library as a dimension (one\n"
        "                          cell each, labelled with its compiler and opt-level; `expect\n"
        "                          ... when lib-opt=1,2`). With only a library on the hv side,\n"
        "                          --cc/--opt/--wait/--relax default to the scenario's one value\n"
        "  --runs N                seeded runs per cell (default: the scenario's)\n"
        "  --lto                   add an -flto column beside every level (opt-in)\n"
        "  --compare / --no-compare  the engine comparison table (default: on for the\n"
        "                          default matrix when not sharded)\n"
        "  --jobs N                parallel builds (default: number of CPUs)\n"
        "  --shard K/N             run only cells i with i %% N == K-1 (ids sorted), for CI jobs\n"
        "  --out DIR               where to write the reports (default reports)\n"
        "  --json                  also print report.json on stdout\n\n"
        "exit status: 0 every cell as expected, 1 an unexpected verdict, 2 bad usage, 3 harness failure\n");
}

static int parse_list(const char *what, const char *v, char (*dst)[16], unsigned *n, unsigned max)
{
    /* a copy of the whole list (not a fixed buffer that would cut a value) */
    char *buf = strdup(!strcmp(what, "opt") && !strcmp(v, "all") ? "O0,O1,O2,O3,Os,Og" : v), *save = 0;
    if (!buf)
        return -1;
    *n = 0;
    int rc = 0;
    for (char *t = strtok_r(buf, ",", &save); t && !rc; t = strtok_r(0, ",", &save)) {
        if (!options_valid_value(what, t)) {
            fprintf(stderr, "hvsim matrix: unknown --%s value '%s'\n", what, t);
            rc = -1;
        } else if (*n >= max) {
            fprintf(stderr, "hvsim matrix: too many --%s values (at most %u)\n", what, max);
            rc = -1;
        } else {
            snprintf(dst[(*n)++], 16, "%s", t);
        }
    }
    free(buf);
    if (!rc && !*n) {
        fprintf(stderr, "hvsim matrix: --%s needs at least one value\n", what);
        rc = -1;
    }
    return rc;
}

static int run_matrix(int argc, char **argv, const char **scen, struct matrix_default *defs);

/* --hv-lib A.a,B.a,…: each must exist; the build check (machine) is build.c's */
static int lib_list(const char *v, struct matrix_dims *d)
{
    char *buf = strdup(v), *save = 0;
    int rc = buf ? 0 : -1;
    for (char *t = buf ? strtok_r(buf, ",", &save) : 0; t && !rc; t = strtok_r(0, ",", &save)) {
        char *rp = realpath(t, 0);
        if (!rp) {
            fprintf(stderr, "hvsim matrix: --hv-lib %s: %s\n", t, strerror(errno));
            rc = -1;
        } else if (d->nhvlib >= sizeof d->hvlib / sizeof d->hvlib[0] || strlen(rp) >= sizeof d->hvlib[0]) {
            fprintf(stderr, "hvsim matrix: --hv-lib: at most %zu libraries of at most %zu bytes\n",
                    sizeof d->hvlib / sizeof d->hvlib[0], sizeof d->hvlib[0] - 1);
            rc = -1;
        } else {
            snprintf(d->hvlib[d->nhvlib++], sizeof d->hvlib[0], "%s", rp);
        }
        free(rp);
    }
    free(buf);
    return rc;
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

/* The --scenario list and the per-scenario table are sized from argv (each
 * --scenario takes two arguments), so any number of scenarios fits. */
int cmd_matrix(int argc, char **argv)
{
    size_t max = (size_t)argc / 2 + 8; /* + 8: the default matrix's entries */
    const char **scen = calloc(max, sizeof *scen);
    struct matrix_default *defs = calloc(max, sizeof *defs);
    int rc = EXIT_HARNESS;
    if (scen && defs)
        rc = run_matrix(argc, argv, scen, defs);
    else
        fprintf(stderr, "hvsim matrix: out of memory\n");
    free(scen);
    free(defs);
    return rc;
}

enum { M_OUT = OPT_OWN, M_JOBS, M_SHARD, M_COMPARE, M_NO_COMPARE };

/* What the command line says, beside the user's code (in 'user'). */
struct margs {
    const char **scen;
    unsigned nscen, shard_k, shard_n, nopt;
    const char *out, *engine;
    int json, compare, user_cflags, help;
    struct matrix_dims over;
    char optbuf[8][16];
};

static int own_option(void *ud, int id, const char *a, const char *v)
{
    struct margs *m = ud;
    switch (id) {
    case OPT_HELP: case OPT_JSON: case OPT_LTO: case M_COMPARE: case M_NO_COMPARE:
        if (id == OPT_HELP) m->help = 1;
        else if (id == OPT_JSON) m->json = 1;
        else if (id == OPT_LTO) m->over.lto = 1;
        else m->compare = id == M_COMPARE;
        return 0;
    case OPT_CFLAGS:
        m->user_cflags = 1;
        return 1; /* and the shared option takes it */
    case OPT_HV_LIB:
        /* issue 18: several builds of the hypervisor library (e.g. one per
         * rustc opt-level) as a dimension, one cell column each */
        if (v && strchr(v, ','))
            return lib_list(v, &m->over);
        return 1;
    case OPT_HV: case OPT_BACKEND: case OPT_INCLUDE: case OPT_BE_LIB:
        return 1;
    }
    if (!v) { fprintf(stderr, "hvsim matrix: %s needs a value (or unknown option)\n", a); return -1; }
    uint64_t x;
    struct matrix_dims *o = &m->over;
    switch (id) {
    case OPT_SCENARIO: m->scen[m->nscen++] = v; return 0;
    case M_OUT: m->out = v; return 0;
    case OPT_ENGINE:
        if (!options_valid_value("engine", v)) { fprintf(stderr, "hvsim matrix: unknown --engine '%s'\n", v); return -1; }
        m->engine = v;
        return 0;
    case OPT_RUNS: case M_JOBS:
        if (options_parse_count("matrix", a, v, id == OPT_RUNS ? 100000000 : 1024, &x))
            return -1;
        if (id == OPT_RUNS) o->runs = (unsigned)x; else M.jobs = (unsigned)x;
        return 0;
    case M_SHARD:
        if (sscanf(v, "%u/%u", &m->shard_k, &m->shard_n) != 2 || !m->shard_n || !m->shard_k ||
            m->shard_k > m->shard_n || m->shard_n > REPORT_SHARD_MAX) {
            fprintf(stderr, "hvsim matrix: --shard wants K/N with 1 <= K <= N <= %d, not '%s'\n", REPORT_SHARD_MAX, v);
            return -1;
        }
        return 0;
    case OPT_CC: return parse_list("cc", v, o->cc, &o->ncc, 4);
    case OPT_OPT: return parse_list("opt", v, m->optbuf, &m->nopt, 8);
    case OPT_ARCH: return parse_list("arch", v, o->arch, &o->narch, 4);
    case OPT_WAIT: return parse_list("wait", v, o->wait, &o->nwait, 4);
    case OPT_RELAX: return parse_list("relax", v, o->relax, &o->nrelax, 8);
    case OPT_WAKE: return parse_list("wake", v, o->wake, &o->nwake, 2);
    case OPT_MODEL: return parse_list("memory-model", v, o->mm, &o->nmm, 4);
    }
    return 1;
}

/* user: the user's own code options; base: each scenario's config in turn */
static int run_matrix_with(struct hvsim_runcfg *user, struct hvsim_runcfg *base, int argc, char **argv,
                           const char **scen, struct matrix_default *defs)
{
    static const struct option longopts[] = {
        OPTIONS_USERCODE,
        { "scenario", required_argument, 0, OPT_SCENARIO }, { "out", required_argument, 0, M_OUT },
        { "engine", required_argument, 0, OPT_ENGINE }, { "runs", required_argument, 0, OPT_RUNS },
        { "jobs", required_argument, 0, M_JOBS }, { "shard", required_argument, 0, M_SHARD },
        { "cc", required_argument, 0, OPT_CC }, { "opt", required_argument, 0, OPT_OPT },
        { "arch", required_argument, 0, OPT_ARCH }, { "wait", required_argument, 0, OPT_WAIT },
        { "relax", required_argument, 0, OPT_RELAX }, { "wake", required_argument, 0, OPT_WAKE },
        { "memory-model", required_argument, 0, OPT_MODEL }, { "lto", no_argument, 0, OPT_LTO },
        { "compare", no_argument, 0, M_COMPARE }, { "no-compare", no_argument, 0, M_NO_COMPARE },
        { "json", no_argument, 0, OPT_JSON }, { "help", no_argument, 0, OPT_HELP }, { 0 },
    };
    static struct margs m;
    memset(&m, 0, sizeof m);
    m.scen = scen;
    m.out = "reports";
    m.engine = "native";
    m.compare = -1;
    M.jobs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    /* the user's own code: parsed into 'user', laid over every scenario */
    memset(user, 0, sizeof *user);
    struct cli_opts uo = { 0 };
    if (options_parse("matrix", argc, argv, "hI:", longopts, own_option, &m, user, &uo) < 0)
        return EXIT_USAGE;
    if (m.help) {
        usage(stdout);
        return 0;
    }
    unsigned nscen = m.nscen, shard_k = m.shard_k, shard_n = m.shard_n, nopt = m.nopt;
    const char *out = m.out, *engine = m.engine;
    int json = m.json, compare = m.compare, user_cflags = m.user_cflags;
    struct matrix_dims over = m.over;
    /* before any scenario is built or run: minutes of work must not end in
     * "cannot write" */
    if (options_check_outdir("matrix", "--out", out))
        return EXIT_USAGE;
    for (unsigned i = 0; i < nopt; i++)
        if (fmt_fit(over.opt[i], sizeof over.opt[i], "%s", m.optbuf[i]) < 0) { /* valid ones fit */
            fprintf(stderr, "hvsim matrix: --opt value '%s' too long\n", m.optbuf[i]);
            return EXIT_USAGE;
        }
    over.nopt = nopt;
    if (M.jobs < 1) M.jobs = 1;
    M.progress = isatty(2);

    unsigned ndefs = 0;
    if (nscen == 0) {
        ndefs = matrix_defaults(defs, 8);
    } else {
        struct matrix_default d0;
        matrix_defaults(&d0, 1) ;
        for (unsigned i = 0; i < nscen; i++) {
            defs[ndefs] = d0;
            defs[ndefs].scenario = scen[i];
            ndefs++;
        }
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[1024];
    for (unsigned s = 0; s < ndefs; s++) {
        char path[1024];
        if (defs[s].scenario[0] != '/' && access(defs[s].scenario, R_OK) != 0)
            snprintf(path, sizeof path, "%s/%s", hvsim_home(), defs[s].scenario);
        else
            snprintf(path, sizeof path, "%s", defs[s].scenario);
        if (scenario_load(path, base, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        if (user->n_hv_src || user->n_hv_lib) {
            runcfg_list_copy(&base->hv_src, &base->n_hv_src, user->hv_src, user->n_hv_src);
            runcfg_list_copy(&base->hv_lib, &base->n_hv_lib, user->hv_lib, user->n_hv_lib);
        }
        if (user->n_be_src || user->n_be_lib) {
            runcfg_list_copy(&base->be_src, &base->n_be_src, user->be_src, user->n_be_src);
            runcfg_list_copy(&base->be_lib, &base->n_be_lib, user->be_lib, user->n_be_lib);
        }
        if (user->n_incdir) {
            runcfg_list_copy(&base->incdir, &base->n_incdir, user->incdir, user->n_incdir);
        }
        if (user_cflags)
            runcfg_set_str(&base->extra_cflags, user->extra_cflags);
        struct matrix_dims d = defs[s].dims;
#define OVER(f, n) if (over.n) { memcpy(d.f, over.f, sizeof d.f); d.n = over.n; }
        OVER(cc, ncc) OVER(opt, nopt) OVER(arch, narch) OVER(wait, nwait) OVER(relax, nrelax) OVER(wake, nwake) OVER(mm, nmm)
#undef OVER
        if (over.runs) d.runs = over.runs;
        d.lto = over.lto;
        lib_only_dims(&d, &over, base);
        if (matrix_plan(&M, base, &d, engine, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim matrix: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if (shard_n)
        matrix_shard(&M, shard_k, shard_n);
    /* Someone's own code that does not compile or link is bad input, not a
     * matrix of BUILD_ERROR cells: build the first cell now and stop with
     * the compiler's own output (file:line) and exit 2.  It is cached. */
    for (unsigned i = 0; i < M.ncells; i++) {
        const struct hvsim_runcfg *cc = M.cells[i].cfg;
        if (M.cells[i].skipped)
            continue;
        if (!(cc->n_hv_src || cc->n_hv_lib || cc->n_be_src || cc->n_be_lib))
            break;
        struct build_out b;
        if (build_participants(cc, engine_find(cc->engine)->build_profile, &b, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim matrix: %s (cell %s)\n%s", err, M.cells[i].id, b.log);
            matrix_free(&M);
            return EXIT_USAGE;
        }
        break;
    }
    if (matrix_build_all(&M, err, sizeof err) < 0 || matrix_run_all(&M, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim matrix: %s\n", err);
        matrix_free(&M);
        return EXIT_HARNESS;
    }
    matrix_oracle_all(&M);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    M.wall_ms = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    json_t *rep = matrix_to_report(&M);
    if (compare == 1 || (compare < 0 && nscen == 0 && !shard_n)) {
        if (M.progress)
        {
            char names[96];
            engine_join(", ", names, sizeof names);
            fprintf(stderr, "comparing engines (%s)…", names);
        }
        json_object_set_new(rep, "comparison", matrix_compare());
        json_object_set_new(rep, "audit", matrix_audit());
        if (M.progress)
            fprintf(stderr, "\r\033[K");
    }
    unsigned unexpected = 0, distinct = 0, total = M.ncells;
    for (unsigned i = 0; i < M.ncells; i++) {
        const char *st = json_string_value(json_object_get(json_array_get(json_object_get(rep, "cells"), i), "status"));
        unexpected += st && !strcmp(st, "unexpected");
        distinct += M.cells[i].leader < 0;
    }
    char jpath[1100];
    snprintf(jpath, sizeof jpath, "%s/report.json", out);
    if (dir_make_p(out, 0777) < 0 || json_dump_file(rep, jpath, JSON_INDENT(1)) < 0) {
        fprintf(stderr, "hvsim matrix: cannot write %s\n", jpath);
        json_decref(rep);
        matrix_free(&M);
        return EXIT_HARNESS;
    }
    if (report_write_all(rep, out, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim matrix: %s\n", err);
        json_decref(rep);
        matrix_free(&M);
        return EXIT_HARNESS;
    }
    if (json) {
        json_dumpf(rep, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
    }
    fprintf(stderr, "hvsim matrix: %u cells, %u distinct binaries run (%u saved by dedup), %u unexpected, %.1f s; reports in %s/\n",
            total, distinct, total - distinct, unexpected, (double)M.wall_ms / 1000.0, out);
    json_decref(rep);
    matrix_free(&M);
    return unexpected ? EXIT_FINDING : 0;
}

static int run_matrix(int argc, char **argv, const char **scen, struct matrix_default *defs)
{
    struct hvsim_runcfg *user = calloc(1, sizeof *user), *base = calloc(1, sizeof *base);
    int rc = EXIT_HARNESS;
    if (user && base)
        rc = run_matrix_with(user, base, argc, argv, scen, defs);
    else
        fprintf(stderr, "hvsim matrix: out of memory\n");
    runcfg_free(user);
    runcfg_free(base);
    return rc;
}
