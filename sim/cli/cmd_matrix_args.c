/* sim/cli/cmd_matrix_args.c — `hvsim matrix`'s command line: its help and
 * its own options (the user's code options are the shared ones,
 * options.c).  Value lists come from the tables (config/variants.h, the
 * engine table), so a value added there is listed and accepted here. */
#define _GNU_SOURCE
#include "cmd_matrix.h"
#include "commands.h"
#include "options.h"
#include "usage.h"
#include "config/variants.h"
#include "report/report.h"
#include "util/sbuf.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void matrix_usage(FILE *f)
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
        "                          comma-separated values of each dimension (opt: all = %s..%s)\n",
        variant_opt[0], variant_opt[VARIANT_NOPT - 1]);
    options_usage_values(f, "engine", engine_names(), "engine for every cell (default native)");
    fprintf(f, "  --memory-model LIST     det: ");
    variant_names_print(f, variant_model, ",");
    fprintf(f, " as a dimension (default: each cell's\n"
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

/* One value of dimension 'what' into row *n of dst (rows of 'width' bytes,
 * 'max' of them). */
static int add_value(const char *what, const char *t, char *dst, size_t width, unsigned *n, unsigned max)
{
    if (!options_valid_value(what, t)) {
        fprintf(stderr, "hvsim matrix: unknown --%s value '%s'\n", what, t);
        return -1;
    }
    if (*n >= max) {
        fprintf(stderr, "hvsim matrix: too many --%s values (at most %u)\n", what, max);
        return -1;
    }
    if (fmt_fit(dst + (size_t)*n * width, width, "%s", t) < 0) { /* the table's values fit */
        fprintf(stderr, "hvsim matrix: --%s value '%s' too long\n", what, t);
        return -1;
    }
    (*n)++;
    return 0;
}

/* A comma-separated list of dimension 'what' (`--opt all`: every level of
 * the table). */
static int parse_list(const char *what, const char *v, char *dst, size_t width, unsigned *n, unsigned max)
{
    *n = 0;
    int rc = 0;
    if (!strcmp(what, "opt") && !strcmp(v, "all")) {
        for (unsigned i = 0; !rc && variant_opt[i]; i++)
            rc = add_value(what, variant_opt[i], dst, width, n, max);
        return rc;
    }
    /* a copy of the whole list (not a fixed buffer that would cut a value) */
    char *buf = strdup(v), *save = 0;
    if (!buf)
        return -1;
    for (char *t = strtok_r(buf, ",", &save); t && !rc; t = strtok_r(0, ",", &save))
        rc = add_value(what, t, dst, width, n, max);
    free(buf);
    if (!rc && !*n) {
        fprintf(stderr, "hvsim matrix: --%s needs at least one value\n", what);
        rc = -1;
    }
    return rc;
}

/* dimension field f of o, n its count: every row of the array */
#define LIST(what, f, n) \
    parse_list(what, v, &o->f[0][0], sizeof o->f[0], &o->n, sizeof o->f / sizeof o->f[0])

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

enum { M_OUT = OPT_OWN, M_JOBS, M_SHARD, M_COMPARE, M_NO_COMPARE };

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

/* The options without a value, and the user's code ones: 1 passes an
 * option on to the shared parser (into the user's runcfg). */
static int flag_or_usercode(struct matrix_args *m, int id, const char *v)
{
    switch (id) {
    case OPT_HELP: m->help = 1; return 0;
    case OPT_JSON: m->json = 1; return 0;
    case OPT_LTO: m->over.lto = 1; return 0;
    case M_COMPARE: case M_NO_COMPARE: m->compare = id == M_COMPARE; return 0;
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
    return 2; /* not one of these */
}

static int own_option(void *ud, int id, const char *a, const char *v)
{
    struct matrix_args *m = ud;
    int r = flag_or_usercode(m, id, v);
    if (r != 2)
        return r;
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
        if (id == OPT_RUNS) o->runs = (unsigned)x; else m->jobs = (unsigned)x;
        return 0;
    case M_SHARD:
        if (sscanf(v, "%u/%u", &m->shard_k, &m->shard_n) != 2 || !m->shard_n || !m->shard_k ||
            m->shard_k > m->shard_n || m->shard_n > REPORT_SHARD_MAX) {
            fprintf(stderr, "hvsim matrix: --shard wants K/N with 1 <= K <= N <= %d, not '%s'\n", REPORT_SHARD_MAX, v);
            return -1;
        }
        return 0;
    case OPT_CC: return LIST("cc", cc, ncc);
    case OPT_OPT: return LIST("opt", opt, nopt);
    case OPT_ARCH: return LIST("arch", arch, narch);
    case OPT_WAIT: return LIST("wait", wait, nwait);
    case OPT_RELAX: return LIST("relax", relax, nrelax);
    case OPT_WAKE: return LIST("wake", wake, nwake);
    case OPT_MODEL: return LIST("memory-model", mm, nmm);
    }
    return 1;
}

int matrix_args_parse(struct matrix_args *a, struct hvsim_runcfg *user, int argc, char **argv)
{
    const char **scen = a->scen;
    memset(a, 0, sizeof *a);
    a->scen = scen;
    a->out = "reports";
    a->engine = "native";
    a->compare = -1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cpus > 0 ? (unsigned)cpus : 1;
    /* the user's own code: parsed into 'user', laid over every scenario */
    memset(user, 0, sizeof *user);
    struct cli_opts uo = { 0 };
    return options_parse("matrix", argc, argv, "hI:", longopts, own_option, a, user, &uo) < 0 ? -1 : 0;
}
