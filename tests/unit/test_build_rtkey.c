/* tests/unit/test_build_rtkey.c — the key of a cached runtime object
 * (sim/build/build_rtcache.c): the same for every -O level and code under
 * test (the runtime is always -O2 and never includes them), different for
 * another source content, compiler, variant define or profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "build/build.h"
#include "config/runcfg.h"
#include "util/home.h"

static uint64_t key(const struct hvsim_runcfg *c, enum build_profile p, const char *ccv, const char *src)
{
    return build_rt_key(build_rt_base(c, p, ccv, "gcc", hvsim_home()), src);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void rt_key(void **st)
{
    (void)st;
    char src[] = "/tmp/hvsim-rtkey-XXXXXX";
    int fd = mkstemp(src);
    assert_true(fd >= 0);
    close(fd);
    write_file(src, "int x;\n");
    struct hvsim_runcfg c;
    memset(&c, 0, sizeof c); /* runcfg_defaults frees what c held */
    runcfg_default_run(&c);
    uint64_t k0 = key(&c, BUILD_DET, "gcc 12", src);
    snprintf(c.v.opt, sizeof c.v.opt, "%s", "O0"); /* the runtime is -O2 whatever the variant's */
    assert_true(key(&c, BUILD_DET, "gcc 12", src) == k0);
    assert_true(key(&c, BUILD_NATIVE, "gcc 12", src) != k0);
    assert_true(key(&c, BUILD_DET, "gcc 13", src) != k0);
    snprintf(c.v.wake, sizeof c.v.wake, "%s", "nofence"); /* a define on its command line */
    assert_true(key(&c, BUILD_DET, "gcc 12", src) != k0);
    snprintf(c.v.wake, sizeof c.v.wake, "%s", "fence");
    write_file(src, "int y;\n");
    assert_true(key(&c, BUILD_DET, "gcc 12", src) != k0);
    unlink(src);
    runcfg_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(rt_key) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
