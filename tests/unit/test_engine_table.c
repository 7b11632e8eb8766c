/* tests/unit/test_engine_table.c — the engine table (sim/engine/engine.c):
 * every engine has what its callers need (a run entry, a build profile, the
 * architectures it runs, its name accepted by every parser), and an unknown
 * name fails cleanly.  Refusals that need no build are checked through
 * engine_runs() itself: they must come before anything is built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "engine/engine.h"
#include "config/variants.h"
#include "config/scenario.h"
#include "cli/options.h"

static size_t count(void)
{
    size_t n = 0;
    while (engine_at(n))
        n++;
    return n;
}

static void every_engine_is_complete(void **st)
{
    (void)st;
    size_t n = count();
    assert_null(variant_engine[n]); /* no parser name without an engine */
    assert_true(n >= 4); /* native, det, tsan, helgrind */
    const char *const *names = engine_names();
    for (size_t i = 0; i < n; i++) {
        const struct engine *e = engine_at(i);
        assert_non_null(e->name);
        assert_true(e->name[0] != 0);
        assert_non_null(e->run);
        assert_true(e->build_profile >= BUILD_NATIVE && e->build_profile <= BUILD_TSAN);
        assert_true(e->arches != 0);
        assert_true(engine_runs_arch(e, VARIANT_HOST_ARCH)); /* every engine runs the host's builds */
        assert_true(e->arches >> 4 == 0);  /* no bit past variant_arch[] */
        assert_true(e->models >> 4 == 0);  /* no bit past variant_model[] */
        if (e->arches != (1u << 4) - 1)
            assert_non_null(e->arch_why); /* a refusal says why */
        assert_ptr_equal(engine_find(e->name), e);
        assert_string_equal(names[i], e->name);
        /* the parsers' list (config may not include sim/engine) is this table's */
        assert_non_null(variant_engine[i]);
        assert_string_equal(variant_engine[i], e->name);
        for (size_t j = 0; j < i; j++) /* names are unique */
            assert_string_not_equal(engine_at(j)->name, e->name);
    }
    assert_null(names[n]);
    assert_null(engine_at(n));
}

static void known_engines(void **st)
{
    (void)st;
    /* what the docs and the tests name */
    assert_int_equal(engine_find("native")->build_profile, BUILD_NATIVE);
    assert_int_equal(engine_find("det")->build_profile, BUILD_DET);
    assert_true(engine_find("det")->models == (1u << 4) - 1);
    assert_false(engine_find("det")->accepts_libs);
    assert_true(engine_find("native")->accepts_libs);
    assert_true(engine_find("helgrind")->accepts_libs);
    assert_false(engine_runs_arch(engine_find("tsan"), "aarch64"));
    assert_true(engine_runs_arch(engine_find("det"), "riscv64"));
    assert_false(engine_runs_arch(engine_find("native"), "mips"));
    char buf[64];
    engine_join("|", buf, sizeof buf);
    assert_string_equal(buf, "native|det|tsan|helgrind");
}

static void unknown_name_fails(void **st)
{
    (void)st;
    assert_null(engine_find("qemu"));
    assert_null(engine_find(""));
    assert_null(engine_find(NULL));
    assert_null(engine_find("Native")); /* exact names only */
    assert_false(engine_runs_arch(NULL, VARIANT_HOST_ARCH));
    static struct hvsim_runcfg c;
    runcfg_defaults(&c);
    snprintf(c.engine, sizeof c.engine, "qemu");
    struct engine_info info;
    char err[256] = "";
    assert_int_equal(engine_runs(&c, NULL, NULL, &info, err, sizeof err), -1);
    assert_string_equal(err, "engine 'qemu' is not part of this build of hvsim");
}

static int never_called(const struct run_result *r, void *ud)
{
    (void)r;
    (void)ud;
    fail();
    return 1;
}

/* Refused before anything is built or run (the callback never fires). */
static void refusals_before_building(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    struct engine_info info;
    char err[1024] = "";
    runcfg_defaults(&c);
    snprintf(c.engine, sizeof c.engine, "det");
    assert_int_equal(runcfg_list_add(&c.hv_lib, &c.n_hv_lib, "/x/libhv.a"), 0);
    assert_int_equal(engine_runs(&c, never_called, NULL, &info, err, sizeof err), -2);
    assert_non_null(strstr(err, "the det engine cannot use the prebuilt library /x/libhv.a (--hv-lib)"));

    runcfg_defaults(&c);
    snprintf(c.engine, sizeof c.engine, "tsan");
    snprintf(c.v.arch, sizeof c.v.arch, "aarch64");
    assert_int_equal(engine_runs(&c, never_called, NULL, &info, err, sizeof err), -1);
    assert_string_equal(err, "the tsan engine runs x86_64 builds only (ThreadSanitizer and "
                             "Valgrind run natively, not under qemu-user)");
}

/* The parsers take their engine names from the table. */
static void parsers_accept_every_engine(void **st)
{
    (void)st;
    static struct hvsim_runcfg c;
    char err[512], text[128];
    for (size_t i = 0; engine_at(i); i++) {
        const char *n = engine_at(i)->name;
        assert_true(options_valid_value("engine", n));
        snprintf(text, sizeof text, "engine %s\nexpect PASS when engine=%s\n", n, n);
        assert_int_equal(scenario_parse_string("t", text, &c, err, sizeof err), 0);
        assert_string_equal(c.engine, n);
        assert_string_equal(c.expect[0].engine, n);
    }
    assert_false(options_valid_value("engine", "qemu"));
    assert_int_equal(scenario_parse_string("t", "engine qemu\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown engine 'qemu': expected native, det, tsan or helgrind"));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(every_engine_is_complete),
        cmocka_unit_test(known_engines),
        cmocka_unit_test(unknown_name_fails),
        cmocka_unit_test(refusals_before_building),
        cmocka_unit_test(parsers_accept_every_engine),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
