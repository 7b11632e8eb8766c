/* tests/unit/test_help_lists.c — the value lists in the commands' --help
 * texts are the tables' (config/variants.h, the engine table): each list
 * printed is compared with the table joined here, independently of the
 * printing helper, so a list written by hand that misses a table value (or
 * a broken join) fails. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config/variants.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "cli/usage.h"

/* What fn prints, as one malloc'd string. */
static char *capture(void (*fn)(FILE *))
{
    char *s = 0;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    fn(f);
    assert_int_equal(fclose(f), 0);
    return s;
}

/* pre + names joined with sep + post, built here with strcat */
static const char *join(const char *pre, const char *const *names, const char *sep, const char *post)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s", pre);
    for (size_t i = 0; names[i]; i++) {
        if (i)
            strcat(buf, sep);
        strcat(buf, names[i]);
    }
    strcat(buf, post);
    return buf;
}

static void assert_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("help text lacks \"%s\"", want);
}

static void names_print_joins(void **st)
{
    (void)st;
    static const char *const abc[] = { "a", "bc", "def", NULL }, *const none[] = { NULL };
    char *s = 0;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    assert_int_equal(variant_names_print(f, abc, "|"), 8);
    assert_int_equal(variant_names_print(f, none, "|"), 0);
    assert_int_equal(variant_names_print(f, NULL, "|"), 0);
    assert_int_equal(variant_names_print(f, abc, ", "), 10);
    fclose(f);
    assert_string_equal(s, "a|bc|defa, bc, def");
    free(s);
}

/* the shared options' help (run, test, audit, loops): "  --OPT a|b|c " */
static void common_help_lists_tables(void **st)
{
    (void)st;
    char *h = capture(options_usage_common);
    static const enum variant_dim dims[] = { VD_CC, VD_OPT, VD_ARCH, VD_WAIT, VD_RELAX, VD_WAKE, VD_LAYOUT };
    char pre[64];
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        snprintf(pre, sizeof pre, "\n  --%s ", variant_option(dims[i]));
        assert_has(h, join(pre, variant_values(dims[i]), "|", " "));
    }
    assert_has(h, join("\n  --engine ", engine_names(), "|", " "));
    assert_has(h, join("  --strategy ", variant_strategy, "|", "  --depth"));
    assert_has(h, join("  --memory-model ", variant_model, "|", "   (det)\n"));
    /* the description column stays at 28 after a short list */
    const char *cc = strstr(h, "\n  --cc ") + 1;
    assert_int_equal(strstr(cc, "compiler") - cc, 28);
    free(h);
}

static void matrix_help_lists_tables(void **st)
{
    (void)st;
    char *h = capture(matrix_usage);
    assert_has(h, join("\n  --engine ", engine_names(), "|", "   engine for every cell"));
    assert_has(h, join("det: ", variant_model, ",", " as a dimension"));
    char all[64];
    snprintf(all, sizeof all, "(opt: all = %s..%s)\n", variant_opt[0], variant_opt[VARIANT_NOPT - 1]);
    assert_has(h, all);
    free(h);
}

static void litmus_and_loops_help_list_tables(void **st)
{
    (void)st;
    char *h = capture(litmus_usage);
    assert_has(h, join("[--cc ", variant_cc, "|", "[,"));
    assert_has(h, join("[--memory-model ", variant_model, ",", "]\n"));
    assert_has(h, join("models (default ", variant_model, ",", ")\n"));
    free(h);
    h = capture(loops_usage);
    assert_has(h, join("analyse this file (", variant_arch, ", ", ")\n"));
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_print_joins),
        cmocka_unit_test(common_help_lists_tables),
        cmocka_unit_test(matrix_help_lists_tables),
        cmocka_unit_test(litmus_and_loops_help_list_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
