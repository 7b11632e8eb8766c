/* tests/unit/test_demangle.c — Rust legacy symbol names become paths
 * (hash dropped, $..$ escapes decoded); anything else is left as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "evidence/demangle_rust.h"

static void dm(const char *in, int want_rc, const char *want)
{
    char b[256];
    assert_int_equal(rust_demangle(in, b, sizeof b), want_rc);
    assert_string_equal(b, want);
}

static void legacy(void **st)
{
    (void)st;
    dm("_ZN11hvisor_port6device17virtio_trampoline19mmio_virtio_handler17h6510bc272b980aa3E", 1,
       "hvisor_port::device::virtio_trampoline::mmio_virtio_handler");
    dm("_ZN3foo3barE", 1, "foo::bar");
    dm("_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure"
       "$u7d$$u7d$$GT$17h0123456789abcdefE", 1,
       "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>");
    dm("_ZN3log6__emit17hb5983138e4a8a26bE.llvm.123", 1, "log::__emit");
}

static void not_rust(void **st)
{
    (void)st;
    dm("hv_mmio_access", 0, "hv_mmio_access");
    dm("_ZN3fooE", 1, "foo");
    dm("_ZN3foo", 0, "_ZN3foo");        /* no E */
    dm("_ZN9fooE", 0, "_ZN9fooE");      /* length runs past the end */
    dm("_ZN3f$zE", 0, "_ZN3f$zE");      /* unknown escape */
    dm("_RNvCs1234_4core3foo", 0, "_RNvCs1234_4core3foo"); /* v0: left to c++filt */
    char small[8];
    rust_demangle("_ZN11hvisor_port3fooE", small, sizeof small);
    assert_int_equal(strlen(small), 7); /* truncated, terminated */
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(legacy), cmocka_unit_test(not_rust) };
    return cmocka_run_group_tests(t, 0, 0);
}
