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

/* user: the user's own code options; base: each scenario's config in turn */
static int run_matrix_with(struct hvsim_runcfg *user, struct hvsim_runcfg *base, int argc, char **argv,
                           const char **scen, struct matrix_default *defs)
{
    unsigned nscen = 0, shard_k = 0, shard_n = 0;
    const char *out = "reports", *engine = "native";
    int json = 0, compare = -1;
    struct matrix_dims over;
    memset(&over, 0, sizeof over);
    char optbuf[8][16];
    unsigned nopt = 0;
    M.jobs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    /* the user's own code: parsed into 'user', laid over every scenario */
    memset(user, 0, sizeof *user);
    int user_cflags = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        if (!strcmp(a, "--hv") || !strcmp(a, "--backend") || !strcmp(a, "-I") ||
            !strcmp(a, "--hv-lib") || !strcmp(a, "--backend-lib") || !strcmp(a, "--cflags")) {
            struct cli_opts o = { 0 };
            int k = options_parse_one("matrix", argc, argv, i, user, &o);
            if (k <= 0)
                return EXIT_USAGE;
            user_cflags |= !strcmp(a, "--cflags");
            i += k - 1;
            continue;
        }
        if (!strcmp(a, "--json")) { json = 1; continue; }
        if (!strcmp(a, "--lto")) { over.lto = 1; continue; }
        if (!strcmp(a, "--compare")) { compare = 1; continue; }
        if (!strcmp(a, "--no-compare")) { compare = 0; continue; }
        if (!v) { fprintf(stderr, "hvsim matrix: %s needs a value (or unknown option)\n", a); return EXIT_USAGE; }
        i++;
        if (!strcmp(a, "--scenario")) scen[nscen++] = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--engine")) {
            if (!options_valid_value("engine", v)) { fprintf(stderr, "hvsim matrix: unknown --engine '%s'\n", v); return EXIT_USAGE; }
            engine = v;
        }
        else if (!strcmp(a, "--runs") || !strcmp(a, "--jobs")) {
            uint64_t x;
            if (options_parse_count("matrix", a, v, a[2] == 'r' ? 100000000 : 1024, &x))
                return EXIT_USAGE;
            if (a[2] == 'r') over.runs = (unsigned)x; else M.jobs = (unsigned)x;
        }
        else if (!strcmp(a, "--shard")) {
            if (sscanf(v, "%u/%u", &shard_k, &shard_n) != 2 || !shard_n || !shard_k || shard_k > shard_n ||
                shard_n > REPORT_SHARD_MAX) {
                fprintf(stderr, "hvsim matrix: --shard wants K/N with 1 <= K <= N <= %d, not '%s'\n", REPORT_SHARD_MAX, v);
                return EXIT_USAGE;
            }
        }
        else if (!strcmp(a, "--cc")) { if (parse_list("cc", v, over.cc, &over.ncc, 4)) return EXIT_USAGE; }
        else if (!strcmp(a, "--opt")) { if (parse_list("opt", v, optbuf, &nopt, 8)) return EXIT_USAGE; }
        else if (!strcmp(a, "--arch")) { if (parse_list("arch", v, over.arch, &over.narch, 4)) return EXIT_USAGE; }
        else if (!strcmp(a, "--wait")) { if (parse_list("wait", v, over.wait, &over.nwait, 4)) return EXIT_USAGE; }
        else if (!strcmp(a, "--relax")) { if (parse_list("relax", v, over.relax, &over.nrelax, 8)) return EXIT_USAGE; }
        else if (!strcmp(a, "--wake")) { if (parse_list("wake", v, over.wake, &over.nwake, 2)) return EXIT_USAGE; }
        else if (!strcmp(a, "--memory-model")) { if (parse_list("memory-model", v, over.mm, &over.nmm, 4)) return EXIT_USAGE; }
        else { fprintf(stderr, "hvsim matrix: unknown option '%s' (try hvsim matrix --help)\n", a); return EXIT_USAGE; }
    }
    /* before any scenario is built or run: minutes of work must not end in
     * "cannot write" */
    if (options_check_outdir("matrix", "--out", out))
        return EXIT_USAGE;
    for (unsigned i = 0; i < nopt; i++)
        if (fmt_fit(over.opt[i], sizeof over.opt[i], "%s", optbuf[i]) < 0) { /* valid ones fit */
            fprintf(stderr, "hvsim matrix: --opt value '%s' too long\n", optbuf[i]);
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
            memcpy(base->hv_src, user->hv_src, sizeof base->hv_src);
            memcpy(base->hv_lib, user->hv_lib, sizeof base->hv_lib);
            base->n_hv_src = user->n_hv_src;
            base->n_hv_lib = user->n_hv_lib;
        }
        if (user->n_be_src || user->n_be_lib) {
            memcpy(base->be_src, user->be_src, sizeof base->be_src);
            memcpy(base->be_lib, user->be_lib, sizeof base->be_lib);
            base->n_be_src = user->n_be_src;
            base->n_be_lib = user->n_be_lib;
        }
        if (user->n_incdir) {
            memcpy(base->incdir, user->incdir, sizeof base->incdir);
            base->n_incdir = user->n_incdir;
        }
        if (user_cflags)
            memcpy(base->extra_cflags, user->extra_cflags, sizeof base->extra_cflags);
        struct matrix_dims d = defs[s].dims;
#define OVER(f, n) if (over.n) { memcpy(d.f, over.f, sizeof d.f); d.n = over.n; }
        OVER(cc, ncc) OVER(opt, nopt) OVER(arch, narch) OVER(wait, nwait) OVER(relax, nrelax) OVER(wake, nwake) OVER(mm, nmm)
#undef OVER
        if (over.runs) d.runs = over.runs;
        d.lto = over.lto;
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
        if (build_participants(cc, !strcmp(cc->engine, "det") ? BUILD_DET : BUILD_NATIVE, &b, err,
                               sizeof err) < 0) {
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
            fprintf(stderr, "comparing engines (native, det, tsan, helgrind)…");
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
    free(user);
    free(base);
    return rc;
}
