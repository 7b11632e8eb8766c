/* tests/unit/test_layout.c — the bridge layout, both variants.  The current
 * layout is pinned by _Static_assert in bridge.h; this test also compiles the
 * older u8-flag layout (HVSIM_LAYOUT_OLD) in a child compiler run, so both
 * are checked on every `make test`, and checks field offsets at run time
 * against DESIGN.md §1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "hvsim/bridge.h"
#include "runtime/common/control.h"

static void current_layout(void **st)
{
    (void)st;
    assert_int_equal(offsetof(struct virtio_bridge, req_list), 16);
    assert_int_equal(offsetof(struct virtio_bridge, res_list), 1296);
    assert_int_equal(offsetof(struct virtio_bridge, cfg_flags), 1552);
    assert_int_equal(offsetof(struct virtio_bridge, cfg_values), 1808);
    assert_int_equal(offsetof(struct virtio_bridge, mmio_addrs), 2064);
    assert_int_equal(offsetof(struct virtio_bridge, mmio_avail), 2128);
    assert_int_equal(offsetof(struct virtio_bridge, need_wakeup), 2129);
    assert_int_equal(sizeof(struct virtio_bridge), 2136);
    assert_int_equal(sizeof(hvsim_flag_t), 8);
    assert_true(sizeof(struct virtio_bridge) <= HVSIM_BRIDGE_PAGE);
}

static void old_layout_compiles(void **st)
{
    (void)st;
    /* The static assertions for the old layout fire at compile time. */
    int rc = system("echo '#include \"hvsim/bridge.h\"\nint main(void){return sizeof(struct virtio_bridge)==1736?0:1;}' "
                    "| gcc -DHVSIM_LAYOUT_OLD -Isim/include -x c - -o /tmp/hvsim-layout-old.$$ "
                    "&& /tmp/hvsim-layout-old.$$; r=$?; rm -f /tmp/hvsim-layout-old.$$; exit $r");
    assert_int_equal(rc, 0);
}

static void control_area_fits(void **st)
{
    (void)st;
    assert_true(HVSIM_CPUS <= HVSIM_MAX_CPUS);
    assert_int_equal(HVSIM_REGION_SIZE % 4096, 0);
    assert_true(HVSIM_REGION_SIZE >= HVSIM_BRIDGE_PAGE + sizeof(struct hvsim_ctl));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(current_layout),
        cmocka_unit_test(old_layout_compiles),
        cmocka_unit_test(control_area_fits),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
