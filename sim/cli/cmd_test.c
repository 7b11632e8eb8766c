/* sim/cli/cmd_test.c — `hvsim test`: run scenario files against the
 * expectations written in them, with TAP output (one test per scenario). */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "commands.h"
#include "options.h"
#include "build/build.h"
#include "engine/engine.h"
#include "config/scenario.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim test [OPTIONS] [SCENARIO.hvs ...]\n\n"
               "Run each scenario (default: every scenarios/*.hvs) with its own variant, engine and\n"
               "runs, and check the verdict against the scenario's `expect` rules.  Output is TAP;\n"
               "a scenario with no matching rule must PASS.  Options after the files override each\n"
               "scenario's settings (e.g. --cc clang --opt O3, --runs 20).\n\n");
    options_usage_common(f);
    fprintf(f, "\nexit status: 0 all expectations held, 1 one did not, 2 bad usage or a broken scenario\n");
}

struct tstate {
    enum hvsim_verdict first;
    int have;
    unsigned runs;
    char line[700];
};

static int on_result(const struct run_result *r, void *ud)
{
    struct tstate *s = ud;
    s->runs++;
    if (!s->have || (s->first == V_PASS && r->verdict != V_PASS)) {
        s->first = r->verdict;
        s->have = 1;
        snprintf(s->line, sizeof s->line, "%s (seed %llu)", r->summary, (unsigned long long)r->seed);
    }
    return r->verdict != V_PASS;
}

/* The scenario files to run, on the heap: as many as named. */
struct flist { char **v; int n, cap; };

static int flist_add(struct flist *l, const char *path)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

/* PATTERN's matches in glob's (sorted) order; 0 when there is none */
static int flist_glob(struct flist *l, const char *pattern)
{
    glob_t g;
    memset(&g, 0, sizeof g);
    int rc = glob(pattern, 0, 0, &g);
    size_t n = rc == 0 ? g.gl_pathc : 0;
    for (size_t i = 0; i < n; i++)
        if (flist_add(l, g.gl_pathv[i]) < 0) {
            globfree(&g);
            return -1;
        }
    globfree(&g);
    return (int)n;
}

static void flist_free(struct flist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static const struct option longopts[] = { OPTIONS_SHARED, { 0 } };

/* The files and directories among the arguments (the first pass only). */
struct targs {
    struct flist *fl;
    int rc;
};

static int take_file(void *ud, int id, const char *name, const char *v)
{
    (void)name;
    struct targs *t = ud;
    if (id != OPT_ARG)
        return 1;
    if (!t || t->rc)
        return 0; /* a later pass: the files are known */
    /* a directory stands for every *.hvs in it, sorted (as test runners
     * take a directory); one without any is an error, not "1..0" */
    struct stat st;
    if (stat(v, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *pat = 0;
        int n = asprintf(&pat, "%s/*.hvs", v) < 0 ? -1 : flist_glob(t->fl, pat);
        free(pat);
        if (n == 0) {
            fprintf(stderr, "hvsim test: %s: no *.hvs scenario files in this directory\n", v);
            t->rc = EXIT_USAGE;
        } else if (n < 0) {
            t->rc = EXIT_HARNESS;
        }
    } else if (flist_add(t->fl, v) < 0) {
        t->rc = EXIT_HARNESS;
    }
    return 0;
}

static int run_tests(struct flist *fl, int argc, char **argv);

int cmd_test(int argc, char **argv)
{
    struct flist fl = { 0 };
    struct targs t = { &fl, 0 };
    struct cli_opts o = { 0 };
    /* the options are checked once up front, on a scratch config, and
     * applied again over each scenario (run_tests) */
    struct hvsim_runcfg *scratch = calloc(1, sizeof *scratch);
    if (!scratch) {
        fprintf(stderr, "hvsim test: out of memory\n");
        return EXIT_HARNESS;
    }
    runcfg_defaults(scratch);
    int rc = 0;
    if (options_parse("test", argc, argv, OPTIONS_SHARED_SHORT, longopts, take_file, &t, scratch, &o) < 0)
        rc = EXIT_USAGE;
    else if (o.help) {
        usage(stdout);
        flist_free(&fl);
        runcfg_free(scratch);
        return 0;
    } else
        rc = t.rc;
    runcfg_free(scratch);
    if (!rc && fl.n == 0) {
        char pat[700];
        snprintf(pat, sizeof pat, "%s/scenarios/*.hvs", hvsim_home());
        if (flist_glob(&fl, pat) < 0)
            rc = EXIT_HARNESS;
        else if (fl.n == 0) {
            fprintf(stderr, "hvsim test: no scenario files\n");
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_HARNESS)
        fprintf(stderr, "hvsim test: out of memory\n");
    if (!rc)
        rc = run_tests(&fl, argc, argv);
    flist_free(&fl);
    return rc;
}

static int run_tests_with(struct hvsim_runcfg *c, struct flist *fl, int argc, char **argv)
{
    int nfiles = fl->n;
    char **files = fl->v;
    int failed = 0, rc = 0;
    printf("TAP version 13\n1..%d\n", nfiles);
    fflush(stdout);
    for (int i = 0; i < nfiles; i++) {
        char err[1024];
        if (scenario_load(files[i], c, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            printf("not ok %d - %s # broken scenario\n", i + 1, files[i]);
            rc = EXIT_USAGE;
            continue;
        }
        struct cli_opts o = { 0 };
        if (options_parse("test", argc, argv, OPTIONS_SHARED_SHORT, longopts, take_file, NULL, c, &o) < 0)
            return EXIT_USAGE;
        struct tstate s = { 0 };
        struct engine_info info;
        int e = engine_runs(c, on_result, &s, &info, err, sizeof err);
        unsigned want = runcfg_expected(c, &c->v, c->engine, runcfg_run_model(c, &c->v, c->engine));
        if (!want)
            want = 1u << V_PASS;
        const char *name = c->name[0] ? c->name : files[i];
        if (e < 0) {
            printf("not ok %d - %s # %s: %s\n", i + 1, name, e == -2 ? "build failed" : "harness failure", err);
            failed++;
        } else if (!(want & (1u << s.first))) {
            printf("not ok %d - %s: %s, expected", i + 1, name, verdict_name(s.first));
            for (int v = 0; v < V__COUNT; v++)
                if (want & (1u << v))
                    printf(" %s", verdict_name((enum hvsim_verdict)v));
            printf("\n  ---\n  message: \"%s\"\n  variant: \"%s %s %s wait=%s relax=%s wake=%s engine=%s\"\n  ...\n",
                   s.line, c->v.arch, c->v.cc, c->v.opt, c->v.wait, c->v.relax, c->v.wake, c->engine);
            failed++;
        } else {
            printf("ok %d - %s: %s as expected (%u run%s, %s %s -%s wait=%s relax=%s wake=%s)\n", i + 1,
                   name, verdict_name(s.first), s.runs, s.runs == 1 ? "" : "s", c->v.arch, c->v.cc,
                   c->v.opt, c->v.wait, c->v.relax, c->v.wake);
        }
        fflush(stdout);
    }
    if (rc)
        return rc;
    return failed ? EXIT_FINDING : 0;
}

static int run_tests(struct flist *fl, int argc, char **argv)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "hvsim test: out of memory\n");
        return EXIT_HARNESS;
    }
    int rc = run_tests_with(c, fl, argc, argv);
    runcfg_free(c);
    return rc;
}
