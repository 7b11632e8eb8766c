/* tests/unit/test_litmus_parse.c — sim/litmus: herd7 C litmus parsing,
 * expectations, conditions, and file:line:col errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "litmus/litmus.h"

static const char *sb =
    "C SB+fence.rw.rws\n"
    "\"Fre PodWR Fre PodWR\"\n"
    "(* hvsim-expect: sc=Forbidden tso=Allowed arm=Allowed riscv=Allowed *)\n"
    "(* hvsim-herd7: arm=Forbidden; a reason *)\n"
    "{ x = 0; [y] = 2; }\n"
    "P0(atomic_int *x, atomic_int *y) {\n"
    "  atomic_store_explicit(x, 1, memory_order_relaxed);\n"
    "  int r0 = atomic_load_explicit(y, memory_order_relaxed);\n"
    "  if (r0 == 2) { int r1; r1 = (*x); }\n"
    "}\n"
    "P1(atomic_int *x, volatile atomic_int *y) {\n"
    "  *y = 1; int r0 = atomic_load_explicit(x, memory_order_acquire);\n"
    "}\n"
    "exists (0:r0=0 /\\ ~(1:r0=1 \\/ y=3))\n";

static void parses(void **s)
{
    (void)s;
    static struct lit_test t;
    char err[512] = "";
    assert_int_equal(lit_parse_text("sb.litmus", sb, &t, err, sizeof err), 0);
    assert_string_equal(t.name, "SB+fence.rw.rws");
    assert_int_equal(t.nthr, 2);
    assert_int_equal(t.nloc, 2);
    assert_int_equal(t.loc[1].init, 2);
    assert_int_equal(t.thr[0].nregs, 2);
    assert_string_equal(t.thr[0].reg[1], "r1");
    assert_string_equal(t.thr[1].ptype[1], "volatile atomic_int");
    assert_int_equal(t.expect[0], 0);
    assert_int_equal(t.expect[1], 1);
    assert_int_equal(t.herd[2], 0);
    assert_int_equal(t.herd[3], -1);
    assert_string_equal(t.herd_why, "a reason");
    /* observed: 0:r0, 1:r0, y (registers by thread, then locations) */
    assert_int_equal(t.nobs, 3);
    char c[256];
    lit_cond_text(&t, c, sizeof c);
    assert_string_equal(c, "exists (0:r0=0 /\\ ~(1:r0=1 \\/ y=3))");
    int64_t v1[] = { 0, 0, 2 }, v2[] = { 0, 1, 2 }, v3[] = { 1, 0, 2 };
    assert_true(lit_prop_eval(&t, t.root, v1));
    assert_false(lit_prop_eval(&t, t.root, v2));
    assert_false(lit_prop_eval(&t, t.root, v3));
    assert_true(lit_allowed(&t, 1, 5));
    assert_false(lit_allowed(&t, 0, 5));
    char *code = lit_gen_c(&t);
    assert_non_null(code);
    assert_non_null(strstr(code, "#line 8 \"sb.litmus\""));
    assert_non_null(strstr(code, "hvsim_regs[1] = (int64_t)r1;"));
    free(code);
    lit_test_free(&t);
}

static void quantifiers(void **s)
{
    (void)s;
    static struct lit_test t;
    char err[512];
    assert_int_equal(lit_parse_text("f", "C F\nP0(int *x) { *x = 1; }\nforall (x=1)\n", &t, err, sizeof err), 0);
    assert_int_equal(t.quant, LQ_FORALL);
    assert_true(lit_ok(&t, 3, 0));
    assert_false(lit_allowed(&t, 3, 0)); /* the violation is never reached */
    assert_true(lit_allowed(&t, 3, 1));
    lit_test_free(&t);
    assert_int_equal(lit_parse_text("n", "C N\nP0(int *x) { *x = 1; }\n~exists (x=0)\n", &t, err, sizeof err), 0);
    assert_int_equal(t.quant, LQ_NOT_EXISTS);
    assert_true(lit_ok(&t, 0, 2));
    assert_false(lit_allowed(&t, 0, 2));
    lit_test_free(&t);
}

static void error_at(const char *text, const char *want)
{
    static struct lit_test t;
    char err[512] = "";
    assert_int_equal(lit_parse_text("e.litmus", text, &t, err, sizeof err), -1);
    if (strncmp(err, want, strlen(want)))
        fail_msg("got '%s', want '%s…'", err, want);
}

static void errors(void **s)
{
    (void)s;
    error_at("C E\nP0(atomic_int *x) {\n  r0 = *x;\n}\nexists (x=1)\n", "e.litmus:3:3: unknown identifier 'r0'");
    error_at("C E\nP1(int *x) { *x = 1; }\nexists (x=1)\n", "e.litmus:2:1: expected thread P0 here");
    error_at("C E\nP0(int *x) { *x = 1 }\nexists (x=1)\n", "e.litmus:2:21: expected ';' after the statement");
    error_at("C E\nP0(int *x) { *x = 1; }\nexists (z=1)\n", "e.litmus:3:9: unknown location 'z'");
    error_at("C E\nP0(int *x) { *x = 1; }\nexists (x=1) junk\n", "e.litmus:3:14: unexpected 'junk'");
    error_at("C E\n(* hvsim-expect: power=Allowed *)\nP0(int *x) { *x = 1; }\nexists (x=1)\n",
             "e.litmus:2:1: expected MODEL=Allowed");
    error_at("C E\nP0(int *x) { foo(x); }\nexists (x=1)\n", "e.litmus:2:14: unknown function 'foo'");
    error_at("X86 E\n", "e.litmus:1:1: this is a X86 litmus test");
    error_at("C E\n(* open\n", "e.litmus:2:1: unterminated comment");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses),
        cmocka_unit_test(quantifiers),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
