/* tests/unit/test_det_watch.c — when the det supervisor's hang window on the
 * token holder starts again (sim/engine/det/det_watch.c).  The regression:
 * the token moved with no new scheduling point (the giver counts its point
 * before it hands over), the window went on, and the receiver's lifetime
 * CPU time was compared with the giver's — a false HANG_STALE_READ on the
 * reference code under load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "engine/det/det_int.h"

static void test_window_follows_points_and_holder(void **st)
{
    (void)st;
    struct det_watch w = { 0, 100, 100, -1, -1 };
    /* first poll with a holder: a window on it */
    assert_int_equal(det_watch_poll(&w, 7, 2, 200, 0), 1);
    assert_int_equal(w.win_t, 200);
    w.cpu0 = 5000; /* the caller reads the holder's CPU time */
    /* nothing moved: the window goes on, its baseline kept */
    assert_int_equal(det_watch_poll(&w, 7, 2, 300, 0), 0);
    assert_int_equal(w.win_t, 200);
    assert_int_equal(w.cpu0, 5000);
    /* the token moved to thread 0 with no new point: a new window, and the
     * baseline must be read again for thread 0 */
    assert_int_equal(det_watch_poll(&w, 7, 0, 400, 0), 1);
    assert_int_equal(w.win_t, 400);
    assert_int_equal(w.still_since, 400);
    assert_int_equal(w.cpu0, -1);
    w.cpu0 = 9000;
    assert_int_equal(det_watch_poll(&w, 7, 0, 500, 0), 0);
    /* a point reached: new window */
    assert_int_equal(det_watch_poll(&w, 8, 0, 600, 0), 1);
    assert_int_equal(w.cpu0, -1);
    /* a CPU of the machine stalled (host): the window starts again */
    w.cpu0 = 9000;
    assert_int_equal(det_watch_poll(&w, 8, 0, 650, 0), 0);
    assert_int_equal(det_watch_poll(&w, 8, 0, 660, 1), 1);
    assert_int_equal(w.win_t, 660);
    assert_int_equal(w.cpu0, -1);
    /* ...but not the wall time without a point (the blocked-call TIMEOUT) */
    assert_int_equal(w.still_since, 600);
    /* nobody holds the token (between executions): never a window */
    assert_int_equal(det_watch_poll(&w, 8, -1, 700, 0), 1);
    assert_int_equal(det_watch_poll(&w, 8, -1, 800, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_follows_points_and_holder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
