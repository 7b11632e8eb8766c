/* tests/unit/test_expect_model.c — `expect … when model=…` (issue 17): the
 * parser stores the list as a mask, runcfg_expected matches it against the
 * run's memory model, a rule with a model never matches an engine without
 * one (native, tsan, helgrind: model NULL), and runcfg_run_model names the
 * model det really runs under (the same as det_model_of). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config/scenario.h"
#include "config/variants.h"
#include "engine/det/det_int.h"

static struct hvsim_runcfg *parse(const char *text, char *err, size_t n, int *rc)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    assert_non_null(c);
    *rc = scenario_parse_string("m.hvs", text, c, err, n);
    return c;
}

#define V(x) (1u << (x))

static void matcher(void **st)
{
    (void)st;
    char err[1024];
    int rc;
    struct hvsim_runcfg *c = parse("expect PASS when model=sc,tso wait=acquire\n"
                                   "expect WRONG_VALUE when model!=sc,tso wait=acquire\n"
                                   "expect PASS|HANG_STALE_READ\n", err, sizeof err, &rc);
    if (rc)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(c->nexpect, 2 + 1);
    assert_int_equal(c->expect[0].model_mask, 0x3);  /* sc, tso */
    assert_int_equal(c->expect[1].model_mask, 0xc);  /* arm, riscv */
    assert_int_equal(c->expect[2].model_mask, 0);    /* any */
    struct hvsim_variant v = c->v;
    snprintf(v.wait, sizeof v.wait, "acquire");
    assert_int_equal(runcfg_expected(c, &v, "det", "sc"), V(V_PASS));
    assert_int_equal(runcfg_expected(c, &v, "det", "tso"), V(V_PASS));
    assert_int_equal(runcfg_expected(c, &v, "det", "arm"), V(V_WRONG_VALUE));
    assert_int_equal(runcfg_expected(c, &v, "det", "riscv"), V(V_WRONG_VALUE));
    /* no memory model (native, tsan, helgrind): the model rules are skipped */
    assert_int_equal(runcfg_expected(c, &v, "native", NULL), V(V_PASS) | V(V_HANG_STALE_READ));
    /* the other conditions still apply together with the model */
    snprintf(v.wait, sizeof v.wait, "volatile");
    assert_int_equal(runcfg_expected(c, &v, "det", "arm"), V(V_PASS) | V(V_HANG_STALE_READ));
    runcfg_free(c);

    /* only model rules: a run without a model has no expectation at all */
    c = parse("expect WRONG_VALUE when model=arm\n", err, sizeof err, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(runcfg_expected(c, &c->v, "native", NULL), 0);
    assert_int_equal(runcfg_expected(c, &c->v, "det", "tso"), 0);
    assert_int_equal(runcfg_expected(c, &c->v, "det", "arm"), V(V_WRONG_VALUE));
    runcfg_free(c);
}

static void parse_errors(void **st)
{
    (void)st;
    static const struct { const char *text, *where, *frag; } bad[] = {
        { "expect PASS when model=x86\n", "m.hvs:1:24: ", "memory model" },
        { "expect PASS when model>=arm\n", "m.hvs:1:23: ", "only applies to opt" },
        { "expect PASS when model=arm model=sc\n", "m.hvs:1:28: ", "given twice" },
        { "expect PASS when model=\n", "m.hvs:1:24: ", "expected a value" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[1024];
        int rc;
        struct hvsim_runcfg *c = parse(bad[i].text, err, sizeof err, &rc);
        if (rc != -1 || strncmp(err, bad[i].where, strlen(bad[i].where)) || !strstr(err, bad[i].frag))
            print_error("case %zu: want %s…%s, got rc %d:\n%s\n", i, bad[i].where, bad[i].frag, rc, err);
        assert_int_equal(rc, -1);
        assert_true(strncmp(err, bad[i].where, strlen(bad[i].where)) == 0);
        assert_non_null(strstr(err, bad[i].frag));
        runcfg_free(c);
    }
}

/* The model a det run runs under: --memory-model, else the arch's own;
 * the config's answer and the det engine's (det_model_of) agree. */
static void run_model(void **st)
{
    (void)st;
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    assert_non_null(c);
    runcfg_defaults(c);
    for (int a = 0; variant_arch[a]; a++) {
        snprintf(c->v.arch, sizeof c->v.arch, "%s", variant_arch[a]);
        for (int m = -1; variant_model[m < 0 ? 0 : m]; m++) {
            snprintf(c->memory_model, sizeof c->memory_model, "%s", m < 0 ? "" : variant_model[m]);
            const char *got = runcfg_run_model(c, &c->v, "det");
            assert_non_null(got);
            assert_string_equal(got, det_model_short[det_model_of(c)]);
            assert_null(runcfg_run_model(c, &c->v, "native"));
            assert_null(runcfg_run_model(c, &c->v, "tsan"));
            assert_null(runcfg_run_model(c, &c->v, "helgrind"));
        }
    }
    snprintf(c->memory_model, sizeof c->memory_model, "%s", "");
    snprintf(c->v.arch, sizeof c->v.arch, "aarch64");
    assert_string_equal(runcfg_run_model(c, &c->v, "det"), "arm");
    snprintf(c->v.arch, sizeof c->v.arch, "riscv64");
    assert_string_equal(runcfg_run_model(c, &c->v, "det"), "riscv");
    snprintf(c->v.arch, sizeof c->v.arch, "x86_64");
    assert_string_equal(runcfg_run_model(c, &c->v, "det"), "tso");
    runcfg_free(c);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(matcher),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test(run_model),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
