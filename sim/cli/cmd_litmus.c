/* sim/cli/cmd_litmus.c — `hvsim litmus`: herd7 C litmus tests, compiled for
 * real, explored exhaustively under the det engine's memory models
 * (sim/litmus/, docs/litmus.md). */
#include "util/sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "litmus/litmus.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim litmus [--cc gcc|clang[,…]] [--opt O0,O2,…] [--memory-model sc,tso,arm,riscv]\n"
               "                    [--json] [--max-runs N] FILE.litmus…\n\n"
               "Run litmus tests in herd7's C format: each test is compiled with the real compiler at\n"
               "each -O level against the det engine's runtime, and every execution the memory model\n"
               "allows is explored (interleavings, store-buffer drains, which store commits first,\n"
               "which write a load reads).  Prints herd7-style results per test × compiler × level ×\n"
               "model, whether they agree with the file's (* hvsim-expect: … *), and the tests whose\n"
               "results differ between -O levels.\n\n"
               "  --cc LIST            compilers (default gcc)\n"
               "  --opt LIST           optimisation levels (default O0,O2)\n"
               "  --memory-model LIST  models (default sc,tso,arm,riscv)\n"
               "  --json               one JSON document on stdout\n"
               "  --max-runs N         stop exploring a test after N executions (default 200000)\n\n"
               "exit status: 0 every result agrees with its expectation, 1 a disagreement or an\n"
               "incomplete exploration, 2 bad usage or input (file:line:col), 3 harness failure\n");
}

#define MAXL 8

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

int cmd_litmus(int argc, char **argv)
{
    char ccs[MAXL][16] = { "gcc" }, opts[MAXL][16] = { "O0", "O2" }, mm[MAXL][16];
    int ncc = 1, nopt = 2, nmodel = LIT_NMODEL, json = 0, models[LIT_NMODEL] = { 0, 1, 2, 3 };
    unsigned long long max_runs = 200000;
    const char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    if (!files)
        return EXIT_HARNESS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(files);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--cc") && more) {
            if ((ncc = split(argv[++i], ccs, "compilers")) < 0)
                goto usage_err;
            for (int k = 0; k < ncc; k++)
                if (strcmp(ccs[k], "gcc") && strcmp(ccs[k], "clang")) {
                    fprintf(stderr, "hvsim litmus: unknown compiler '%s' (gcc, clang)\n", ccs[k]);
                    goto usage_err;
                }
        } else if (!strcmp(a, "--opt") && more) {
            if ((nopt = split(argv[++i], opts, "levels")) < 0)
                goto usage_err;
            for (int k = 0; k < nopt; k++) {
                char *o = opts[k][0] == '-' ? opts[k] + 1 : opts[k];
                char lv[16];
                /* a value too long for lv is no level: cut, it fails the test below */
                fmt_cut(lv, sizeof lv, "%s%s", o[0] == 'O' ? "" : "O", o);
                if (strcmp(lv, "O0") && strcmp(lv, "O1") && strcmp(lv, "O2") && strcmp(lv, "O3") &&
                    strcmp(lv, "Os") && strcmp(lv, "Og") && strcmp(lv, "Oz")) {
                    fprintf(stderr, "hvsim litmus: unknown level '%s' (O0 O1 O2 O3 Os Og)\n", opts[k]);
                    goto usage_err;
                }
                snprintf(opts[k], sizeof opts[k], "%s", lv);
            }
        } else if (!strcmp(a, "--memory-model") && more) {
            if ((nmodel = split(argv[++i], mm, "models")) < 0)
                goto usage_err;
            for (int k = 0; k < nmodel; k++) {
                models[k] = -1;
                for (int m = 0; m < LIT_NMODEL; m++)
                    if (!strcmp(mm[k], lit_model_name[m]))
                        models[k] = m;
                if (models[k] < 0) {
                    fprintf(stderr, "hvsim litmus: unknown memory model '%s' (sc, tso, arm, riscv)\n", mm[k]);
                    goto usage_err;
                }
            }
        } else if (!strcmp(a, "--max-runs") && more) {
            char *e;
            max_runs = strtoull(argv[++i], &e, 10);
            if (*e || !max_runs) {
                fprintf(stderr, "hvsim litmus: --max-runs wants a positive number\n");
                goto usage_err;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hvsim litmus: unknown option '%s' (try hvsim litmus --help)\n", a);
            goto usage_err;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!nfiles) {
        fprintf(stderr, "hvsim litmus: no litmus file given (try hvsim litmus --help)\n");
        goto usage_err;
    }

    /* every file parses before anything is compiled: bad input is exit 2 */
    struct lit_test *tests = calloc((size_t)nfiles, sizeof *tests);
    if (!tests) {
        free(files);
        return EXIT_HARNESS;
    }
    char err[8192];
    int rc = 0;
    for (int i = 0; i < nfiles; i++)
        if (lit_parse_file(files[i], &tests[i], err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            rc = EXIT_USAGE;
        }
    struct lit_build *b = 0;
    json_t *jres = json_array(), *jdiff = json_array();
    int disagree = 0, incomplete = 0;
    if (!rc && lit_build_open(&b, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim litmus: %s\n", err);
        rc = EXIT_HARNESS;
    }
    static struct lit_result res[MAXL][LIT_NMODEL];
    for (int i = 0; i < nfiles && !rc; i++) {
        const struct lit_test *t = &tests[i];
        for (int c = 0; c < ncc && !rc; c++) {
            for (int o = 0; o < nopt && !rc; o++) {
                char bin[512];
                int br = lit_build_test(b, t, ccs[c], opts[o], bin, sizeof bin, err, sizeof err);
                if (br) {
                    fprintf(stderr, "hvsim litmus: %s\n", err);
                    rc = br == 2 ? EXIT_USAGE : EXIT_HARNESS;
                    break;
                }
                for (int m = 0; m < nmodel; m++) {
                    struct lit_result *r = &res[o][m];
                    if (lit_explore(t, bin, models[m], ccs[c], max_runs, r, err, sizeof err) < 0) {
                        fprintf(stderr, "hvsim litmus: %s (%s -%s, %s): %s\n", t->path, ccs[c], opts[o],
                                lit_model_name[models[m]], err);
                        rc = EXIT_HARNESS;
                        break;
                    }
                    if (!json) {
                        lit_print_text(stdout, t, ccs[c], opts[o], r);
                        fflush(stdout);
                    }
                    json_array_append_new(jres, lit_result_json(t, ccs[c], opts[o], r));
                    if (lit_agrees(t, r) == 0)
                        disagree++;
                    if (!r->complete)
                        incomplete++;
                }
            }
            for (int m = 0; m < nmodel && !rc && nopt > 1; m++) {
                const struct lit_result *rs[MAXL];
                const char *os[MAXL];
                for (int o = 0; o < nopt; o++) {
                    rs[o] = &res[o][m];
                    os[o] = opts[o];
                }
                lit_compare_levels(json ? 0 : stdout, t, ccs[c], models[m], os, rs, nopt, jdiff);
            }
        }
    }
    if (!rc) {
        if (json) {
            json_t *doc = json_object();
            json_object_set_new(doc, "results", jres);
            json_object_set_new(doc, "level_differences", jdiff);
            json_object_set_new(doc, "disagreements", json_integer(disagree));
            json_object_set_new(doc, "incomplete", json_integer(incomplete));
            jres = jdiff = 0;
            char *s = json_dumps(doc, JSON_INDENT(2));
            if (s)
                printf("%s\n", s);
            free(s);
            json_decref(doc);
        } else {
            printf("Summary: %zu results, %d disagreement(s) with the expected results, %d incomplete, "
                   "%zu test(s) whose result differs between -O levels\n",
                   json_array_size(jres), disagree, incomplete, json_array_size(jdiff));
        }
        rc = disagree || incomplete ? EXIT_FINDING : 0;
    }
    json_decref(jres);
    json_decref(jdiff);
    lit_build_close(b);
    for (int i = 0; i < nfiles; i++)
        lit_test_free(&tests[i]);
    free(tests);
    free(files);
    return rc;
usage_err:
    free(files);
    return EXIT_USAGE;
}
