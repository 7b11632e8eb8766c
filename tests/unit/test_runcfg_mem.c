/* tests/unit/test_runcfg_mem.c — the heap parts of struct hvsim_runcfg
 * (sim/config/runcfg_mem.c, issue 19): lists with no limit of their own
 * (20 hv files, 100 expect lines, from a scenario and from the command
 * line), the one limit the shared region fixes reported as file:line:col,
 * and runcfg_copy/runcfg_free deep (run under ASan by `make check-asan` and
 * under valgrind by tests/integration/test_runcfg_valgrind.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config/scenario.h"
#include "cli/options.h"

static char dir[] = "/tmp/hvsim-runcfg-XXXXXX";

static void make_files(unsigned n, char paths[][300])
{
    for (unsigned i = 0; i < n; i++) {
        snprintf(paths[i], 300, "%s/f%02u.c", dir, i);
        FILE *f = fopen(paths[i], "w");
        assert_non_null(f);
        fputs("int x;\n", f);
        fclose(f);
    }
}

static struct hvsim_runcfg *parse(const char *text, char *err, size_t errlen, int *rc)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    assert_non_null(c);
    char name[400];
    snprintf(name, sizeof name, "%s/t.hvs", dir);
    *rc = scenario_parse_string(name, text, c, err, errlen);
    return c;
}

/* 20 hv files on one line and 100 expect lines: no arbitrary cap */
static void many_files_and_rules(void **st)
{
    (void)st;
    static char p[20][300];
    make_files(20, p);
    size_t cap = 20 * 310 + 100 * 64 + 64;
    char *text = malloc(cap), err[2048];
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "hv");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, cap - n, " f%02d.c", i); /* relative to the scenario */
    n += (size_t)snprintf(text + n, cap - n, "\n");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, cap - n, "expect %s when wait=plain\n",
                              i == 99 ? "WRONG_VALUE" : "PASS|HANG_STALE_READ");
    int rc;
    struct hvsim_runcfg *c = parse(text, err, sizeof err, &rc);
    if (rc)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(c->n_hv_src, 20);
    for (int i = 0; i < 20; i++)
        assert_string_equal(c->hv_src[i], p[i]);
    assert_int_equal(c->nexpect, 100);
    assert_int_equal(c->expect[99].verdicts, 1u << V_WRONG_VALUE);
    assert_int_equal(c->expect[99].line, 101);
    runcfg_free(c);
    free(text);
}

/* --hv twenty times on the command line */
static void many_files_cli(void **st)
{
    (void)st;
    static char p[20][300];
    make_files(20, p);
    static const struct option lo[] = { OPTIONS_SHARED, { 0 } };
    char *argv[42];
    int argc = 0;
    argv[argc++] = "run";
    for (int i = 0; i < 20; i++) {
        argv[argc++] = "--hv";
        argv[argc++] = p[i];
    }
    argv[argc] = 0;
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    struct cli_opts o = { 0 };
    runcfg_defaults(c);
    assert_int_equal(options_parse("run", argc, argv, OPTIONS_SHARED_SHORT, lo, NULL, NULL, c, &o), 0);
    assert_int_equal(c->n_hv_src, 20);
    assert_string_equal(c->hv_src[19], p[19]);
    /* a second pass replaces the list (CLI over scenario), it does not add */
    assert_int_equal(options_parse("run", argc, argv, OPTIONS_SHARED_SHORT, lo, NULL, NULL, c, &o), 0);
    assert_int_equal(c->n_hv_src, 20);
    runcfg_free(c);
}

/* The shared region holds HVSIM_MAX_ACCESS accesses per CPU (control.h):
 * the line past it is refused with file:line:col, not cut. */
static void region_limit_is_an_error(void **st)
{
    (void)st;
    size_t cap = (HVSIM_MAX_ACCESS + 2) * 40;
    char *text = malloc(cap), err[2048];
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "cpus 1\n");
    for (unsigned i = 0; i < HVSIM_MAX_ACCESS; i++)
        n += (size_t)snprintf(text + n, cap - n, "cpu 0: read dev0.magic\n");
    int rc;
    struct hvsim_runcfg *c = parse(text, err, sizeof err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(c->naccess[0], HVSIM_MAX_ACCESS);
    snprintf(text + n, cap - n, "cpu 0: read dev0.magic\n");
    runcfg_free(c);
    c = parse(text, err, sizeof err, &rc);
    assert_int_equal(rc, -1);
    char want[64];
    snprintf(want, sizeof want, "t.hvs:%u:5: too many accesses on cpu 0", HVSIM_MAX_ACCESS + 2);
    if (!strstr(err, want))
        print_error("want %s\ngot: %s\n", want, err);
    assert_non_null(strstr(err, want));
    runcfg_free(c);
    free(text);
}

/* A config with every list filled, copied, the original freed: the copy
 * keeps its own memory (ASan/valgrind would see a use after free or a
 * double free), and equals the original field by field. */
static void copy_is_deep(void **st)
{
    (void)st;
    static char p[3][300];
    make_files(3, p);
    char text[2048], err[2048];
    snprintf(text, sizeof text,
             "hv f00.c f01.c\nbackend f02.c\ninclude .\ncflags -DA -DB\n"
             "cpus 2\ncpu 0,1: read dev0.magic\ncpu 1: write dev0+0x70 value 1\n"
             "delay at entry of virtio_handle_req 200us\n"
             "expect PASS when wait=acquire\nexpect WRONG_VALUE\n");
    int rc;
    struct hvsim_runcfg *a = parse(text, err, sizeof err, &rc);
    if (rc)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(runcfg_list_add(&a->hv_lib, &a->n_hv_lib, "/x/libhv.a"), 0);
    assert_int_equal(runcfg_list_add(&a->be_lib, &a->n_be_lib, "/x/libbe.a"), 0);
    assert_int_equal(runcfg_set_str(&a->path, "/x/t.hvs"), 0);

    struct hvsim_runcfg *b = runcfg_dup(a);
    assert_non_null(b);
    assert_ptr_not_equal(b->hv_src, a->hv_src);
    assert_ptr_not_equal(b->hv_src[0], a->hv_src[0]);
    assert_ptr_not_equal(b->acc[1], a->acc[1]);
    assert_ptr_not_equal(b->expect, a->expect);
    assert_ptr_not_equal(b->fndelay[0].sym, a->fndelay[0].sym);
    assert_ptr_not_equal(b->extra_cflags, a->extra_cflags);
    char *want_dir = strdup(a->incdir[0]);

    /* into a config that already holds lists: they are freed, not leaked */
    struct hvsim_runcfg *d = calloc(1, sizeof *d);
    assert_non_null(d);
    runcfg_default_run(d);
    assert_int_equal(runcfg_list_add(&d->hv_src, &d->n_hv_src, "/old.c"), 0);
    assert_int_equal(runcfg_copy(d, a), 0);
    runcfg_free(a);

    for (struct hvsim_runcfg *x = b; x; x = x == b ? d : NULL) {
        assert_int_equal(x->n_hv_src, 2);
        assert_string_equal(x->hv_src[1], p[1]);
        assert_string_equal(x->be_src[0], p[2]);
        assert_string_equal(x->incdir[0], want_dir);
        assert_string_equal(x->hv_lib[0], "/x/libhv.a");
        assert_string_equal(x->be_lib[0], "/x/libbe.a");
        assert_string_equal(x->extra_cflags, "-DA -DB");
        assert_string_equal(x->path, "/x/t.hvs");
        assert_int_equal(x->naccess[0], 1);
        assert_int_equal(x->naccess[1], 2);
        assert_int_equal(x->acc[1][1].is_write, 1);
        assert_int_equal(x->nexpect, 2);
        assert_int_equal(x->expect[1].verdicts, 1u << V_WRONG_VALUE);
        assert_int_equal(x->n_fndelay, 1);
        assert_string_equal(x->fndelay[0].sym, "virtio_handle_req");
        assert_string_equal(x->fndelay[0].file, "");
        assert_non_null(strstr(x->fndelay[0].where, "t.hvs:8:"));
    }
    free(want_dir);
    runcfg_free(b);
    runcfg_free(d);
    runcfg_free(NULL);
}

/* runcfg_clear leaves an empty, reusable config; lists can be cleared and
 * refilled; an empty string is stored as none */
static void clear_and_reuse(void **st)
{
    (void)st;
    struct hvsim_runcfg c;
    memset(&c, 0, sizeof c);
    for (int i = 0; i < 50; i++)
        assert_int_equal(runcfg_list_add(&c.incdir, &c.n_incdir, "/d"), 0);
    runcfg_list_clear(&c.incdir, &c.n_incdir);
    assert_null(c.incdir);
    assert_int_equal(c.n_incdir, 0);
    assert_int_equal(runcfg_set_str(&c.extra_cflags, "-DX"), 0);
    assert_int_equal(runcfg_set_str(&c.extra_cflags, ""), 0);
    assert_null(c.extra_cflags);
    struct hvsim_access a = { .addr = 0x10, .size = 4 };
    for (unsigned i = 0; i < 700; i++) /* the config side has no limit; the parser has */
        assert_int_equal(runcfg_add_access(&c, 3, &a), 0);
    assert_int_equal(c.naccess[3], 700);
    assert_int_equal(runcfg_add_access(&c, HVSIM_CPUS, &a), -1);
    runcfg_clear(&c);
    assert_int_equal(c.naccess[3], 0);
    assert_null(c.acc[3]);
}

static int setup(void **st)
{
    (void)st;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(many_files_and_rules),
        cmocka_unit_test(many_files_cli),
        cmocka_unit_test(region_limit_is_an_error),
        cmocka_unit_test(copy_is_deep),
        cmocka_unit_test(clear_and_reuse),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
