/* tests/unit/test_verdict.c — verdict names, expectation matching (which
 * verdicts a scenario accepts for a build), and the JSON of a result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "verdict/result.h"
#include "config/scenario.h"

static void names_round_trip(void **st)
{
    (void)st;
    for (int v = 0; v < V__COUNT; v++) {
        enum hvsim_verdict back;
        assert_int_equal(verdict_parse(verdict_name((enum hvsim_verdict)v), &back), 0);
        assert_int_equal(back, v);
    }
    assert_int_equal(verdict_parse("HANG", 0), -1);
}

static void expectations(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    char err[512];
    assert_int_equal(scenario_parse_string("t",
        "expect PASS when wait=volatile,acquire\n"
        "expect HANG_STALE_READ|WRONG_VALUE when wait=plain relax=none opt>=O1\n"
        "expect PASS when opt=O0\n", &c, err, sizeof err), 0);
    struct hvsim_variant v = c.v;
    strcpy(v.wait, "plain"); strcpy(v.relax, "none"); strcpy(v.opt, "O2");
    unsigned m = runcfg_expected(&c, &v, "native", NULL);
    assert_true(m & (1u << V_HANG_STALE_READ));
    assert_true(m & (1u << V_WRONG_VALUE));
    assert_false(m & (1u << V_PASS));
    strcpy(v.opt, "Og"); /* never implied by a range */
    assert_int_equal(runcfg_expected(&c, &v, "native", NULL), 0);
    strcpy(v.opt, "O0");
    assert_int_equal(runcfg_expected(&c, &v, "native", NULL), 1u << V_PASS);
    strcpy(v.wait, "acquire"); strcpy(v.opt, "O3");
    assert_int_equal(runcfg_expected(&c, &v, "native", NULL), 1u << V_PASS);
}

static void result_json(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    runcfg_defaults(&c);
    struct run_result r;
    memset(&r, 0, sizeof r);
    r.verdict = V_HANG_STALE_READ;
    r.seed = 42;
    r.cpu = 1;
    r.flag_in_memory = 1;
    strcpy(r.file, "hv/handler.c");
    r.line = 73;
    result_event(&r, 5, "cpu1", "trap %d", 1);
    /* 3 samples, 2 distinct PCs: one entry each, with its count */
    r.npcs = 3;
    r.pcs[0] = r.pcs[2] = 0x1330;
    r.pcs[1] = 0x1333;
    strcpy(r.pc_where[0], "wait_for_response\thv/handler.c\t73");
    strcpy(r.pc_where[1], "wait_for_response\thv/handler.c\t73");
    strcpy(r.pc_where[2], "wait_for_response\thv/handler.c\t73");
    json_t *j = result_to_json(&r, &c);
    json_t *pcs = json_object_get(json_object_get(j, "evidence"), "pc_samples");
    assert_int_equal(json_array_size(pcs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(pcs, 0), "pc")), "0x1330");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(pcs, 0), "count")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(pcs, 1), "count")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(pcs, 1), "function")),
                        "wait_for_response");
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), "HANG_STALE_READ");
    assert_int_equal(json_integer_value(json_object_get(j, "seed")), 42);
    json_t *ev = json_object_get(j, "evidence");
    assert_int_equal(json_integer_value(json_object_get(ev, "line")), 73);
    assert_int_equal(json_array_size(json_object_get(ev, "timeline")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "platform")), "host");
    const char *keys[] = { "engine", "cc", "opt", "arch", "wait", "relax", "wake" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(j, keys[i]));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(names_round_trip), cmocka_unit_test(expectations),
        cmocka_unit_test(result_json),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
