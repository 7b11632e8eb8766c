/* sim/cli/cmd_litmus.c — `hvsim litmus`: herd7 C litmus tests, compiled for
 * real, explored exhaustively under the det engine's memory models
 * (sim/litmus/, docs/litmus.md).  Compilers, levels and models are checked
 * against (and listed from) the variant tables, config/variants.h. */
#include "util/sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "usage.h"
#include "config/variants.h"
#include "litmus/litmus.h"

void litmus_usage(FILE *f)
{
    fprintf(f, "usage: hvsim litmus [--cc ");
    variant_names_print(f, variant_cc, "|");
    fprintf(f, "[,…]] [--opt O0,O2,…] [--memory-model ");
    variant_names_print(f, variant_model, ",");
    fprintf(f, "]\n"
               "                    [--strategy dfs|dpor] [--json] [--max-runs N] FILE.litmus…\n\n"
               "Run litmus tests in herd7's C format: each test is compiled with the real compiler at\n"
               "each -O level against the det engine's runtime, and every execution the memory model\n"
               "allows is explored (interleavings, store-buffer drains, which store commits first,\n"
               "which write a load reads).  Prints herd7-style results per test × compiler × level ×\n"
               "model, whether they agree with the file's (* hvsim-expect: … *), and the tests whose\n"
               "results differ between -O levels.\n\n"
               "  --cc LIST            compilers (default gcc)\n"
               "  --opt LIST           optimisation levels (default O0,O2)\n"
               "  --memory-model LIST  models (default ");
    variant_names_print(f, variant_model, ",");
    fprintf(f, ")\n"
               "  --strategy dfs|dpor  dfs (default): every interleaving, equivalent ones cut by\n"
               "                       sleep sets; dpor: the det engine's source-DPOR, the search\n"
               "                       `hvsim run --strategy dpor` verifies with (both must reach\n"
               "                       the same states: a check of DPOR's rules)\n"
               "  --json               one JSON document on stdout\n"
               "  --max-runs N         stop exploring a test after N executions (default 200000)\n\n"
               "exit status: 0 every result agrees with its expectation, 1 a disagreement or an\n"
               "incomplete exploration, 2 bad usage or input (file:line:col), 3 harness failure\n");
}

#define MAXL 8

/* The command line; files is sized from argc by the caller. */
struct litmus_args {
    char ccs[MAXL][16], opts[MAXL][16];
    int ncc, nopt, nmodel, json, dpor;
    int models[MAXL];                 /* indices into lit_model_name */
    unsigned long long max_runs;
    const char **files;
    int nfiles;
};

static int split(const char *arg, char out[MAXL][16], const char *what)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    int n = 0;
    for (char *save = 0, *s = strtok_r(buf, ",", &save); s; s = strtok_r(0, ",", &save)) {
        if (n == MAXL || strlen(s) >= 16) {
            fprintf(stderr, "hvsim litmus: too many or too long %s in '%s'\n", what, arg);
            return -1;
        }
        snprintf(out[n++], 16, "%s", s);
    }
    if (!n)
        fprintf(stderr, "hvsim litmus: empty %s list\n", what);
    return n ? n : -1;
}

/* "hvsim litmus: unknown WHAT 'V' (a, b, c)", the list from the table */
static int unknown(const char *what, const char *v, const char *const *table, const char *sep)
{
    fprintf(stderr, "hvsim litmus: unknown %s '%s' (", what, v);
    variant_names_print(stderr, table, sep);
    fprintf(stderr, ")\n");
    return -1;
}

static int parse_cc(struct litmus_args *a, const char *v)
{
    if ((a->ncc = split(v, a->ccs, "compilers")) < 0)
        return -1;
    for (int k = 0; k < a->ncc; k++)
        if (!variant_valid(VD_CC, a->ccs[k]))
            return unknown("compiler", a->ccs[k], variant_cc, ", ");
    return 0;
}

/* levels as "O2", "-O2" or "2" */
static int parse_opt(struct litmus_args *a, const char *v)
{
    if ((a->nopt = split(v, a->opts, "levels")) < 0)
        return -1;
    for (int k = 0; k < a->nopt; k++) {
        char *o = a->opts[k][0] == '-' ? a->opts[k] + 1 : a->opts[k];
        char lv[16];
        /* a value too long for lv is no level: cut, it fails the test below */
        fmt_cut(lv, sizeof lv, "%s%s", o[0] == 'O' ? "" : "O", o);
        if (!variant_valid(VD_OPT, lv))
            return unknown("level", a->opts[k], variant_opt, " ");
        snprintf(a->opts[k], sizeof a->opts[k], "%s", lv);
    }
    return 0;
}

/* a model of the table that the litmus explorer has (same order) */
static int parse_models(struct litmus_args *a, const char *v)
{
    char mm[MAXL][16];
    if ((a->nmodel = split(v, mm, "models")) < 0)
        return -1;
    for (int k = 0; k < a->nmodel; k++) {
        int i = variant_index(VD_MODEL, mm[k]);
        if (i < 0 || i >= LIT_NMODEL || strcmp(lit_model_name[i], mm[k]))
            return unknown("memory model", mm[k], variant_model, ", ");
        a->models[k] = i;
    }
    return 0;
}

/* 0 parsed, 1 --help, -1 after printing an error */
static int parse_args(struct litmus_args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = 0;
        if (!strcmp(o, "-h") || !strcmp(o, "--help"))
            return 1;
        else if (!strcmp(o, "--json"))
            a->json = 1;
        else if (!strcmp(o, "--cc") && v)
            r = parse_cc(a, argv[++i]);
        else if (!strcmp(o, "--opt") && v)
            r = parse_opt(a, argv[++i]);
        else if (!strcmp(o, "--memory-model") && v)
            r = parse_models(a, argv[++i]);
        else if (!strcmp(o, "--strategy") && v) {
            a->dpor = !strcmp(v, "dpor");
            if (!a->dpor && strcmp(v, "dfs")) {
                fprintf(stderr, "hvsim litmus: unknown strategy '%s' (dfs, dpor)\n", v);
                r = -1;
            }
            i++;
        } else if (!strcmp(o, "--max-runs") && v) {
            char *e;
            a->max_runs = strtoull(argv[++i], &e, 10);
            if (*e || !a->max_runs) {
                fprintf(stderr, "hvsim litmus: --max-runs wants a positive number\n");
                r = -1;
            }
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "hvsim litmus: unknown option '%s' (try hvsim litmus --help)\n", o);
            r = -1;
        } else
            a->files[a->nfiles++] = o;
        if (r < 0)
            return -1;
    }
    if (!a->nfiles) {
        fprintf(stderr, "hvsim litmus: no litmus file given (try hvsim litmus --help)\n");
        return -1;
    }
    return 0;
}

/* What the runs found, for the summary and the exit status. */
struct litmus_out {
    json_t *results, *level_diffs;
    int disagree, incomplete;
};

/* Test t under compiler cc at every level and model; res: [MAXL][MAXL]
 * (level × model), kept for the comparison between levels. */
static int run_cc(const struct litmus_args *a, struct lit_build *b, const struct lit_test *t,
                  const char *cc, struct lit_result (*res)[MAXL], struct litmus_out *out)
{
    char err[8192];
    for (int o = 0; o < a->nopt; o++) {
        char bin[512];
        int br = lit_build_test(b, t, cc, a->opts[o], bin, sizeof bin, err, sizeof err);
        if (br) {
            fprintf(stderr, "hvsim litmus: %s\n", err);
            return br == 2 ? EXIT_USAGE : EXIT_HARNESS;
        }
        for (int m = 0; m < a->nmodel; m++) {
            struct lit_result *r = &res[o][m];
            if (lit_explore(t, bin, a->models[m], cc, a->dpor, a->max_runs, r, err, sizeof err) < 0) {
                fprintf(stderr, "hvsim litmus: %s (%s -%s, %s): %s\n", t->path, cc, a->opts[o],
                        lit_model_name[a->models[m]], err);
                return EXIT_HARNESS;
            }
            if (!a->json) {
                lit_print_text(stdout, t, cc, a->opts[o], r);
                fflush(stdout);
            }
            json_array_append_new(out->results, lit_result_json(t, cc, a->opts[o], r));
            out->disagree += lit_agrees(t, r) == 0;
            out->incomplete += !r->complete;
        }
    }
    for (int m = 0; m < a->nmodel && a->nopt > 1; m++) {
        const struct lit_result *rs[MAXL];
        const char *os[MAXL];
        for (int o = 0; o < a->nopt; o++) {
            rs[o] = &res[o][m];
            os[o] = a->opts[o];
        }
        lit_compare_levels(a->json ? 0 : stdout, t, cc, a->models[m], os, rs, a->nopt, out->level_diffs);
    }
    return 0;
}

/* Every test × compiler; 0, or the exit status of the first failure. */
static int run_all(const struct litmus_args *a, const struct lit_test *tests, struct litmus_out *out)
{
    char err[8192];
    struct lit_build *b = 0;
    if (lit_build_open(&b, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim litmus: %s\n", err);
        return EXIT_HARNESS;
    }
    /* one result per level × model of the current compiler (tens of KB each) */
    struct lit_result (*res)[MAXL] = calloc(MAXL, sizeof *res);
    int rc = res ? 0 : EXIT_HARNESS;
    for (int i = 0; i < a->nfiles && !rc; i++)
        for (int c = 0; c < a->ncc && !rc; c++)
            rc = run_cc(a, b, &tests[i], a->ccs[c], res, out);
    free(res);
    lit_build_close(b);
    return rc;
}

static void print_summary(const struct litmus_args *a, struct litmus_out *out)
{
    if (!a->json) {
        printf("Summary: %zu results, %d disagreement(s) with the expected results, %d incomplete, "
               "%zu test(s) whose result differs between -O levels\n",
               json_array_size(out->results), out->disagree, out->incomplete,
               json_array_size(out->level_diffs));
        return;
    }
    json_t *doc = json_object();
    json_object_set(doc, "results", out->results);
    json_object_set(doc, "level_differences", out->level_diffs);
    json_object_set_new(doc, "disagreements", json_integer(out->disagree));
    json_object_set_new(doc, "incomplete", json_integer(out->incomplete));
    char *s = json_dumps(doc, JSON_INDENT(2));
    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(doc);
}

/* Every file parses before anything is compiled: bad input is exit 2. */
static int parse_tests(const struct litmus_args *a, struct lit_test *tests)
{
    char err[8192];
    int rc = 0;
    for (int i = 0; i < a->nfiles; i++)
        if (lit_parse_file(a->files[i], &tests[i], err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            rc = EXIT_USAGE;
        }
    return rc;
}

static int litmus_with(struct litmus_args *a, struct lit_test *tests)
{
    int rc = parse_tests(a, tests);
    if (rc)
        return rc;
    struct litmus_out out = { json_array(), json_array(), 0, 0 };
    rc = run_all(a, tests, &out);
    if (!rc) {
        print_summary(a, &out);
        rc = out.disagree || out.incomplete ? EXIT_FINDING : 0;
    }
    json_decref(out.results);
    json_decref(out.level_diffs);
    return rc;
}

int cmd_litmus(int argc, char **argv)
{
    struct litmus_args a = {
        .ccs = { "gcc" }, .opts = { "O0", "O2" }, .ncc = 1, .nopt = 2, .nmodel = LIT_NMODEL,
        .models = { 0, 1, 2, 3 }, .max_runs = 200000,
    };
    a.files = calloc((size_t)argc, sizeof *a.files);
    if (!a.files)
        return EXIT_HARNESS;
    int rc = parse_args(&a, argc, argv);
    if (rc != 0) {
        if (rc > 0)
            litmus_usage(stdout);
        free(a.files);
        return rc > 0 ? 0 : EXIT_USAGE;
    }
    struct lit_test *tests = calloc((size_t)a.nfiles, sizeof *tests);
    rc = tests ? litmus_with(&a, tests) : EXIT_HARNESS;
    for (int i = 0; tests && i < a.nfiles; i++)
        lit_test_free(&tests[i]);
    free(tests);
    free(a.files);
    return rc;
}
