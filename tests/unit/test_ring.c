/* tests/unit/test_ring.c — request/result ring arithmetic: wrap, full, empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "hvsim/bridge.h"

static void empty_and_full(void **st)
{
    (void)st;
    assert_true(hvsim_ring_empty(0, 0));
    assert_false(hvsim_ring_full(0, 0));
    /* MAX_REQ-1 entries fill the ring: one slot always stays free */
    assert_true(hvsim_ring_full(0, HVSIM_MAX_REQ - 1));
    assert_false(hvsim_ring_full(0, HVSIM_MAX_REQ - 2));
    assert_true(hvsim_ring_full(5, 4));
    assert_int_equal(hvsim_ring_count(0, HVSIM_MAX_REQ - 1), HVSIM_MAX_REQ - 1);
}

static void wraps(void **st)
{
    (void)st;
    assert_int_equal(hvsim_ring_next(HVSIM_MAX_REQ - 1), 0);
    assert_int_equal(hvsim_ring_next(3), 4);
    assert_int_equal(hvsim_ring_count(30, 2), 4);
    assert_int_equal(hvsim_ring_count(2, 30), 28);
    /* push/pop a thousand times through the wrap */
    uint32_t front = 0, rear = 0, n = 0;
    for (int i = 0; i < 1000; i++) {
        if (!hvsim_ring_full(front, rear)) {
            rear = hvsim_ring_next(rear);
            n++;
        }
        if (i % 3 == 0 && !hvsim_ring_empty(front, rear)) {
            front = hvsim_ring_next(front);
            n--;
        }
        assert_int_equal(hvsim_ring_count(front, rear), n);
        assert_true(front < HVSIM_MAX_REQ && rear < HVSIM_MAX_REQ);
    }
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(empty_and_full), cmocka_unit_test(wraps) };
    return cmocka_run_group_tests(t, 0, 0);
}
