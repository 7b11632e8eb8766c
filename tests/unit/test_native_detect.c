/* tests/unit/test_native_detect.c — the native watchdog's detectors
 * (sim/engine/native/native_detect.c), each rule on numbers alone: no
 * process, no clock.  The integration tests (test_native_*) show the same
 * rules on live participants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "engine/native/native_detect.h"

#define MS 1000000ull

/* The hang threshold grows with measured oversleep, never shrinks below
 * the configured one. */
static void hang_threshold(void **st)
{
    (void)st;
    assert_int_equal(nd_hang_ns(50, 0), 50 * MS);
    assert_int_equal(nd_hang_ns(50, 9 * MS), 50 * MS);
    assert_int_equal(nd_hang_ns(50, 11 * MS), 55 * MS);
}

/* Spinning needs both CPU-time readings and 5 ms or 5% of the window. */
static void spin_evidence(void **st)
{
    (void)st;
    assert_int_equal(nd_spin_evidence_us(50), 5000);
    assert_int_equal(nd_spin_evidence_us(1000), 50000);
    assert_true(nd_spinning(1000, 6000, 50));
    assert_false(nd_spinning(1000, 5999, 50));
    assert_false(nd_spinning(-1, 90000, 50));    /* no first reading */
    assert_false(nd_spinning(1000, -1, 50));     /* thread gone */
    assert_false(nd_spinning(0, 40000, 1000));   /* 4% of a second: descheduled mostly */
    assert_true(nd_spinning(0, 50000, 1000));
}

/* A hold starts, waits, is held after need_ns, restarts on a new key and
 * closes when the condition goes. */
static void hold_window(void **st)
{
    (void)st;
    struct nd_hold h = {0};
    assert_int_equal(nd_hold_step(&h, 0, 7, 100 * MS, 50 * MS), ND_HOLD_OFF);
    assert_int_equal(nd_hold_step(&h, 1, 7, 100 * MS, 50 * MS), ND_HOLD_STARTED);
    for (uint64_t t = 102; t < 150; t += 2)
        assert_int_equal(nd_hold_step(&h, 1, 7, t * MS, 50 * MS), ND_HOLD_WAITING);
    assert_int_equal(nd_hold_step(&h, 1, 7, 150 * MS, 50 * MS), ND_HOLD_HELD);
    /* lost wakeup: the daemon slept again (key 8) — the window restarts */
    assert_int_equal(nd_hold_step(&h, 1, 8, 160 * MS, 50 * MS), ND_HOLD_STARTED);
    assert_int_equal(nd_hold_step(&h, 1, 8, 170 * MS, 50 * MS), ND_HOLD_WAITING);
    assert_int_equal(nd_hold_step(&h, 0, 8, 300 * MS, 50 * MS), ND_HOLD_OFF);
    assert_int_equal(h.since, 0);
    assert_int_equal(nd_hold_step(&h, 1, 8, 301 * MS, 50 * MS), ND_HOLD_STARTED);
}

/* Two polls far apart chain nothing: what was true at both may have come
 * and gone in between (a supervisor stalled 50 ms once made two moments of
 * a CPU before its push one 60 ms "lost request").  The hold starts again
 * at a poll more than max(need / 4, 10 ms) after the one before. */
static void hold_needs_close_polls(void **st)
{
    (void)st;
    struct nd_hold h = {0};
    assert_int_equal(nd_hold_step(&h, 1, 3, 100 * MS, 60 * MS), ND_HOLD_STARTED);
    assert_int_equal(nd_hold_step(&h, 1, 3, 150 * MS, 60 * MS), ND_HOLD_STARTED); /* 50 ms unseen */
    assert_int_equal(nd_hold_step(&h, 1, 3, 165 * MS, 60 * MS), ND_HOLD_WAITING); /* 15 ms: close */
    assert_int_equal(nd_hold_step(&h, 1, 3, 181 * MS, 60 * MS), ND_HOLD_STARTED); /* 16 ms: not */
    for (uint64_t t = 191; t < 241; t += 10)
        assert_int_equal(nd_hold_step(&h, 1, 3, t * MS, 60 * MS), ND_HOLD_WAITING);
    assert_int_equal(nd_hold_step(&h, 1, 3, 241 * MS, 60 * MS), ND_HOLD_HELD);
    /* a short need: polls 10 ms apart still count */
    struct nd_hold q = {0};
    assert_int_equal(nd_hold_step(&q, 1, 1, 0 * MS + 1, 20 * MS), ND_HOLD_STARTED);
    assert_int_equal(nd_hold_step(&q, 1, 1, 10 * MS + 1, 20 * MS), ND_HOLD_WAITING);
    assert_int_equal(nd_hold_step(&q, 1, 1, 20 * MS + 1, 20 * MS), ND_HOLD_HELD);
}

/* The stale-read window: opens when the flag differs from the awaited
 * value, reopens for a new access, is judged after hang_ns, and closes (the
 * first sighting too) when the flag is back at the awaited value. */
static void wait_window(void **st)
{
    (void)st;
    struct nd_wait w = {0};
    assert_int_equal(nd_wait_step(&w, 4, 4, 0, 10 * MS, 50 * MS), ND_WAIT_NONE);
    assert_int_equal(nd_wait_step(&w, 4, 5, 0, 20 * MS, 50 * MS), ND_WAIT_OPENED);
    assert_int_equal(w.first_change, 20 * MS);
    assert_int_equal(nd_wait_step(&w, 4, 5, 0, 69 * MS, 50 * MS), ND_WAIT_WAITING);
    assert_int_equal(nd_wait_step(&w, 4, 5, 0, 70 * MS, 50 * MS), ND_WAIT_JUDGE);
    /* the CPU finished an access meanwhile (done 1): a new window */
    assert_int_equal(nd_wait_step(&w, 5, 6, 1, 80 * MS, 50 * MS), ND_WAIT_OPENED);
    assert_int_equal(w.since, 80 * MS);
    assert_int_equal(nd_wait_step(&w, 6, 6, 1, 90 * MS, 50 * MS), ND_WAIT_NONE);
    assert_int_equal(w.since, 0);
    assert_int_equal(w.first_change, 0);
}

/* Which finding a proven spinner is: by its loop and its queued requests. */
static void classify_waiter(void **st)
{
    (void)st;
    assert_int_equal(nd_classify_waiter(0, 0), ND_STALE_READ);   /* register-only loop */
    assert_int_equal(nd_classify_waiter(-1, 3), ND_STALE_READ);  /* no loop found */
    assert_int_equal(nd_classify_waiter(1, 0), ND_MISSED_ANSWER);
    assert_int_equal(nd_classify_waiter(1, 2), ND_REREADS);
    assert_int_equal(nd_stale_cause(0, 0), ND_NO_EXIT);
    assert_int_equal(nd_stale_cause(-1, 0), ND_NO_EXIT);
    assert_int_equal(nd_stale_cause(0, 1), ND_HOISTED);
    assert_int_equal(nd_stale_cause(-1, -1), ND_UNCONFIRMED);
}

/* WRONG_VALUE's "only the bytes beyond the access differ". */
static void wrong_high_bytes(void **st)
{
    (void)st;
    assert_true(nd_only_high_bytes_wrong(0x1122334455667788ull, 0x88ull, 1));
    assert_true(nd_only_high_bytes_wrong(0xdead00000000beefull, 0xbeefull, 2));
    assert_false(nd_only_high_bytes_wrong(0x89, 0x88, 1));       /* the asked byte is wrong */
    assert_false(nd_only_high_bytes_wrong(0x88, 0x88, 1));       /* not wrong at all */
    assert_false(nd_only_high_bytes_wrong(1ull << 40, 0, 8));    /* an 8-byte access has no "beyond" */
}

/* DAEMON_STALLED: the window, then busy, blocked (two windows), restart
 * (stopped or runnable without CPU), or not yet. */
static void daemon_stall(void **st)
{
    (void)st;
    assert_int_equal(nd_stall_window(50 * MS, 0), 50 * MS);
    assert_int_equal(nd_stall_window(50 * MS, 20 * MS), 80 * MS);
    uint64_t win = 50 * MS;
    assert_int_equal(nd_stall_judge(49 * MS, win, 90000, 'R'), ND_STALL_NONE);
    assert_int_equal(nd_stall_judge(60 * MS, win, 6000, 'R'), ND_STALL_BUSY);
    assert_int_equal(nd_stall_judge(60 * MS, win, 100, 'S'), ND_STALL_NONE);     /* one window asleep */
    assert_int_equal(nd_stall_judge(100 * MS, win, 100, 'S'), ND_STALL_BLOCKED);
    assert_int_equal(nd_stall_judge(100 * MS, win, -1, 'D'), ND_STALL_BLOCKED);
    assert_int_equal(nd_stall_judge(100 * MS, win, 100, 'T'), ND_STALL_RESTART);  /* SIGSTOPped */
    assert_int_equal(nd_stall_judge(60 * MS, win, 100, 'R'), ND_STALL_RESTART);   /* descheduled */
    assert_int_equal(nd_stall_judge(100 * MS, win, -1, '?'), ND_STALL_NONE);
}

/* TIMEOUT waits three hang thresholds at least, twice that while a
 * stale-read window is open; quiescence 20 ms at least. */
static void timeout_and_quiet(void **st)
{
    (void)st;
    assert_int_equal(nd_timeout_ns(5000, 50 * MS, 0), 5000 * MS);
    assert_int_equal(nd_timeout_ns(100, 50 * MS, 0), 150 * MS);
    assert_int_equal(nd_timeout_ns(100, 50 * MS, 1), 300 * MS);
    assert_int_equal(nd_quiet_ns(5 * MS), 20 * MS);
    assert_int_equal(nd_quiet_ns(50 * MS), 50 * MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hang_threshold),   cmocka_unit_test(spin_evidence),
        cmocka_unit_test(hold_window),      cmocka_unit_test(hold_needs_close_polls),      cmocka_unit_test(wait_window),
        cmocka_unit_test(classify_waiter),  cmocka_unit_test(wrong_high_bytes),
        cmocka_unit_test(daemon_stall),     cmocka_unit_test(timeout_and_quiet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
