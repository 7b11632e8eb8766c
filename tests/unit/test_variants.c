/* tests/unit/test_variants.c — the variant value tables (sim/config/
 * variants.c): every value parses on the command line (options) and in a
 * scenario, lands in the field it names, and an invalid one is refused by
 * both with the message the CLI tests and users know. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config/variants.h"
#include "config/scenario.h"
#include "cli/options.h"

/* The field of c a dimension sets, as text (layout: "old"/"new"). */
static const char *field(const struct hvsim_runcfg *c, enum variant_dim d)
{
    switch (d) {
    case VD_CC: return c->v.cc;
    case VD_OPT: return c->v.opt;
    case VD_ARCH: return c->v.arch;
    case VD_WAIT: return c->v.wait;
    case VD_RELAX: return c->v.relax;
    case VD_WAKE: return c->v.wake;
    case VD_STRATEGY: return c->strategy;
    case VD_MODEL: return c->memory_model;
    case VD_LAYOUT: return c->v.layout_old ? "old" : "new";
    default: return "?";
    }
}

/* `run --OPT VAL` through options_parse (run's table), its stderr into buf. */
static int parse_cli(struct hvsim_runcfg *c, const char *opt, const char *val, char *buf, size_t n)
{
    char flag[32];
    snprintf(flag, sizeof flag, "--%s", opt);
    char *argv[] = { "run", flag, (char *)val, NULL };
    struct cli_opts o = { 0 };
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    static const struct option longopts[] = { OPTIONS_SHARED, { 0 } };
    int k = options_parse("run", val ? 3 : 2, argv, OPTIONS_SHARED_SHORT, longopts, NULL, NULL, c, &o);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, n - 1, tmp);
    buf[got] = 0;
    fclose(tmp);
    return k;
}

static void every_value_parses(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    char err[512], text[128];
    for (int d = 0; d < VD__N; d++) {
        const char *const *vals = variant_values((enum variant_dim)d);
        const char *opt = variant_option((enum variant_dim)d);
        assert_int_equal(variant_dim_of(opt), d);
        assert_non_null(vals[0]);
        for (int i = 0; vals[i]; i++) {
            assert_int_equal(variant_index((enum variant_dim)d, vals[i]), i);
            assert_true(options_valid_value(opt, vals[i]));
            runcfg_defaults(&c);
            assert_int_equal(parse_cli(&c, opt, vals[i], err, sizeof err), 0);
            assert_string_equal(err, "");
            assert_string_equal(field(&c, (enum variant_dim)d), vals[i]);
            snprintf(text, sizeof text, "%s %s\n", opt, vals[i]);
            assert_int_equal(scenario_parse_string("t", text, &c, err, sizeof err), 0);
            assert_string_equal(field(&c, (enum variant_dim)d), vals[i]);
        }
    }
    assert_int_equal(variant_dim_of("engine"), -1); /* the engine table's */
    assert_int_equal(variant_dim_of("colour"), -1);
}

static void invalid_values_refused(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    char err[512];
    runcfg_defaults(&c);
    assert_int_equal(parse_cli(&c, "cc", "icc", err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown --cc 'icc' (expected gcc|clang)\n");
    assert_int_equal(parse_cli(&c, "relax", "nop", err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown --relax 'nop' (expected "
                             "none|pause|yield|isb|barrier|asm|default)\n");
    assert_int_equal(parse_cli(&c, "memory-model", "pso", err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown --memory-model 'pso' (expected sc|tso|arm|riscv)\n");
    assert_int_equal(parse_cli(&c, "engine", "qemu", err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown --engine 'qemu' (expected native|det|tsan|helgrind)\n");
    assert_int_equal(parse_cli(&c, "opt", NULL, err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: --opt needs a value (O0|O1|O2|O3|Os|Og)\n");
    assert_int_equal(parse_cli(&c, "layout", "mid", err, sizeof err), -1);
    assert_string_equal(err, "hvsim run: unknown --layout 'mid' (expected new|old)\n");
    assert_string_equal(c.v.cc, "gcc"); /* nothing set by a refused value */

    assert_int_equal(scenario_parse_string("t", "cc icc\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown compiler 'icc': expected gcc or clang"));
    assert_int_equal(scenario_parse_string("t", "arch mips\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown architecture 'mips': expected x86_64, aarch64, riscv64 or ppc64le"));
    assert_int_equal(scenario_parse_string("t", "expect PASS when wake=nofence,sometimes\n", &c, err,
                                           sizeof err), -1);
    assert_non_null(strstr(err, "unknown wake 'sometimes'"));
    assert_int_equal(scenario_parse_string("t", "expect HANG\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown verdict 'HANG'"));
    assert_false(variant_valid(VD_OPT, "O4"));
    assert_false(variant_valid(VD_OPT, NULL));
    assert_false(options_valid_value("colour", "red"));
}

static void verdict_table(void **st)
{
    (void)st;
    assert_null(verdict_names[V__COUNT]);
    for (int v = 0; v < V__COUNT; v++) {
        assert_non_null(verdict_names[v]);
        assert_string_equal(verdict_name((enum hvsim_verdict)v), verdict_names[v]);
        enum hvsim_verdict back;
        assert_int_equal(verdict_parse(verdict_names[v], &back), 0);
        assert_int_equal(back, v);
    }
}

static void arch_helpers(void **st)
{
    (void)st;
    assert_true(arch_is_host("x86_64"));
    assert_false(arch_is_host("aarch64"));
    assert_false(arch_is_host(NULL));
    assert_true(relax_exists_on("pause", "x86_64"));
    assert_false(relax_exists_on("pause", "riscv64"));
    assert_true(relax_exists_on("isb", "aarch64"));
    assert_false(relax_exists_on("yield", "x86_64"));
    for (int a = 0; variant_arch[a]; a++) /* these exist everywhere */
        for (const char *const *r = (const char *const[]){ "none", "barrier", "asm", "default", 0 }; *r; r++)
            assert_true(relax_exists_on(*r, variant_arch[a]));
    assert_false(relax_exists_on("nop", "x86_64"));
    char buf[8];
    variant_join(VD_RELAX, "|", buf, sizeof buf); /* cut, terminated */
    assert_string_equal(buf, "none|pa");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(every_value_parses),
        cmocka_unit_test(invalid_values_refused),
        cmocka_unit_test(verdict_table),
        cmocka_unit_test(arch_helpers),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
