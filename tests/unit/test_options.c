/* tests/unit/test_options.c — options_parse (sim/cli/options.c): getopt_long
 * over one command's table, the shared options into the config, a command's
 * own options first, errors in the CLI's words, and --trace carried in the
 * config (not in the environment). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "cli/options.h"

static const struct option run_opts[] = { OPTIONS_SHARED, { 0 } };

struct own {
    int out_seen, args;
    const char *out;
};

static int own_cb(void *ud, int id, const char *name, const char *v)
{
    struct own *w = ud;
    (void)name;
    if (id == OPT_OWN) {
        w->out_seen++;
        w->out = v;
        return 0;
    }
    if (id == OPT_ARG) {
        w->args++;
        return 0;
    }
    return 1;
}

/* options_parse over argv (NULL-terminated), its stderr into buf. */
static int parse(char **argv, const struct option *lo, options_own_fn own, void *ud,
                 struct hvsim_runcfg *c, struct cli_opts *o, char *buf, size_t n)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    int rc = options_parse("run", argc, argv, OPTIONS_SHARED_SHORT, lo, own, ud, c, o);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, n - 1, tmp);
    buf[got] = 0;
    fclose(tmp);
    return rc;
}

static void shared_options_land_in_config(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    struct cli_opts o = { 0 };
    char err[512];
    runcfg_defaults(&c);
    char *argv[] = { "run", "--cc", "clang", "--opt=O3", "--seed", "7", "-q", "--lto", "--json",
                     "--engine", "det", "--trace", "/tmp/hvsim-test-options.trace", 0 };
    unsetenv("HVSIM_DET_TRACE");
    assert_int_equal(parse(argv, run_opts, NULL, NULL, &c, &o, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_string_equal(c.v.cc, "clang");
    assert_string_equal(c.v.opt, "O3");
    assert_int_equal(c.seed, 7);
    assert_int_equal(c.v.lto, 1);
    assert_true(o.quiet && o.json);
    assert_string_equal(c.engine, "det");
    assert_string_equal(c.det_trace, "/tmp/hvsim-test-options.trace");
    assert_null(getenv("HVSIM_DET_TRACE")); /* carried in the config only */
}

static void errors_in_the_clis_words(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    struct cli_opts o = { 0 };
    char err[512];
    runcfg_defaults(&c);
    char *a1[] = { "run", "--bogus", 0 };
    assert_int_equal(parse(a1, run_opts, NULL, NULL, &c, &o, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown option '--bogus' (try hvsim run --help)\n");
    char *a2[] = { "run", "stray", 0 };
    assert_int_equal(parse(a2, run_opts, NULL, NULL, &c, &o, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown option 'stray' (try hvsim run --help)\n");
    char *a3[] = { "run", "--seed", 0 };
    assert_int_equal(parse(a3, run_opts, NULL, NULL, &c, &o, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: --seed needs a number\n");
    char *a4[] = { "run", "-I", 0 };
    assert_int_equal(parse(a4, run_opts, NULL, NULL, &c, &o, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: -I needs a path\n");
    char *a5[] = { "run", "--runs", "0", 0 };
    assert_int_equal(parse(a5, run_opts, NULL, NULL, &c, &o, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: --runs must be at least 1\n");
}

static void own_options_first(void **st)
{
    (void)st;
    static const struct option lo[] = { OPTIONS_SHARED, { "out", required_argument, 0, OPT_OWN }, { 0 } };
    static struct hvsim_runcfg c;
    struct cli_opts o = { 0 };
    struct own w = { 0 };
    char err[512];
    runcfg_defaults(&c);
    char *argv[] = { "x", "a.hvs", "--out", "dir", "--wait", "plain", "b.hvs", 0 };
    assert_int_equal(parse(argv, lo, own_cb, &w, &c, &o, err, sizeof err), 0);
    assert_int_equal(w.out_seen, 1);
    assert_string_equal(w.out, "dir");
    assert_int_equal(w.args, 2);
    assert_string_equal(c.v.wait, "plain");
    /* a second pass (hvsim test: the next scenario) sees the same */
    memset(&w, 0, sizeof w);
    assert_int_equal(parse(argv, lo, own_cb, &w, &c, &o, err, sizeof err), 0);
    assert_int_equal(w.args, 2);
}

/* The first -I of a pass replaces the scenario's list; later ones add. */
static void include_list_replaced_per_pass(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    struct cli_opts o = { 0 };
    char err[512];
    runcfg_defaults(&c);
    assert_int_equal(runcfg_list_add(&c.incdir, &c.n_incdir, "/from/scenario"), 0);
    char *argv[] = { "run", "-I", "/tmp", "-I", "/", 0 };
    assert_int_equal(parse(argv, run_opts, NULL, NULL, &c, &o, err, sizeof err), 0);
    assert_int_equal(c.n_incdir, 2);
    assert_string_equal(c.incdir[0], "/tmp");
    assert_string_equal(c.incdir[1], "/");
    assert_int_equal(parse(argv, run_opts, NULL, NULL, &c, &o, err, sizeof err), 0);
    assert_int_equal(c.n_incdir, 2); /* not 4 */
    runcfg_clear(&c);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(shared_options_land_in_config),
        cmocka_unit_test(errors_in_the_clis_words),
        cmocka_unit_test(own_options_first),
        cmocka_unit_test(include_list_replaced_per_pass),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
