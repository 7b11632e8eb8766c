/* tests/unit/test_det_sched2.c — value choices in schedules (arm, riscv):
 * "det3:" strings ('.' + letter = option of a value choice), det1 strings
 * still read, det2 strings (an older numbering of value choices) refused, and bounded DFS over logs mixing run/drain decisions with
 * value choices (a stale read or an early commit costs 1, like a drain). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/det/det.h"

static void det3_round_trip(void **st)
{
    (void)st;
    uint8_t a[] = { 2, 2, DET_ACT_CHOICE + 1, DET_ACT_CHOICE + 1, DET_ACT_DRAIN + 0, DET_ACT_CHOICE + 30, 0 };
    char s[128];
    assert_true(det_sched_encode(a, 7, s, sizeof s) > 0);
    assert_string_equal(s, "det3:c2.b2A.Ea");
    uint8_t b[16];
    assert_int_equal(det_sched_decode(s, b, 16), 7);
    assert_memory_equal(a, b, 7);
    /* without a value choice the old format is written, and read */
    uint8_t c[] = { 0, 1, DET_ACT_DRAIN + 1 };
    assert_true(det_sched_encode(c, 3, s, sizeof s) > 0);
    assert_string_equal(s, "det1:abB");
    assert_int_equal(det_sched_decode("det1:c3aCb2a", b, 16), 8);
    /* a value choice is no det1 action; an unknown format is refused */
    assert_int_equal(det_sched_decode("det1:a.b", b, 16), -1);
    assert_int_equal(det_sched_decode("det3:a.", b, 16), -1);
    assert_int_equal(det_sched_decode("det3:a.1", b, 16), -1);
    assert_int_equal(det_sched_decode("det4:a", b, 16), -1);
    /* det2: value choices numbered as an older hvsim offered them */
    assert_int_equal(det_sched_decode("det2:c2.b2A.Ea", b, 16), -2);
    /* option 52 and beyond has no letter */
    uint8_t d[] = { DET_ACT_CHOICE + DET_CHOICE_MAX };
    assert_int_equal(det_sched_encode(d, 1, s, sizeof s), -1);
}

static void defaults_of_value_choices(void **st)
{
    (void)st;
    struct det_logent l = { .opts = 0x6, .chosen = DET_ACT_CHOICE + 2, .cur = 0, .cur_cand = 1, .kind = 1 };
    assert_int_equal(det_default_action(&l), DET_ACT_CHOICE + 1); /* the lowest option */
    struct det_logent log[2] = { l, { .opts = 3, .chosen = 0, .cur = 0, .cur_cand = 1 } };
    assert_int_equal(det_sched_significant(log, 2), 1);
    log[0].chosen = DET_ACT_CHOICE + 1;
    assert_int_equal(det_sched_significant(log, 2), 0);
}

/* One run decision (threads 0, 1; 0 runs) then a load with 3 candidates:
 * bound 0 runs the default only; bound 1 adds each stale read and the
 * preemption; every schedule once. */
static void dfs_explores_value_choices(void **st)
{
    (void)st;
    struct det_dfs d;
    det_dfs_init(&d, 1);
    struct det_logent log[2] = {
        { .opts = 3, .chosen = 0, .cur = 0, .cur_cand = 1 },
        { .opts = 7, .chosen = DET_ACT_CHOICE + 0, .cur = 0, .cur_cand = 1, .kind = 1 },
    };
    det_dfs_record(&d, log, 2);
    uint8_t p[4];
    int seen[3] = { 1, 0, 0 }, pre = 0, n;
    while ((n = det_dfs_next(&d, p, 4)) > 0) {
        if (n == 2) {
            assert_int_equal(p[0], 0);
            assert_true(p[1] >= DET_ACT_CHOICE && p[1] < DET_ACT_CHOICE + 3);
            seen[p[1] - DET_ACT_CHOICE]++;
            log[1].chosen = p[1];
            det_dfs_record(&d, log, 2);
        } else {
            assert_int_equal(n, 1);
            assert_int_equal(p[0], 1); /* the preemption, which costs the whole bound */
            pre++;
            struct det_logent l2[2] = { { .opts = 3, .chosen = 1, .cur = 0, .cur_cand = 1 },
                                        { .opts = 7, .chosen = DET_ACT_CHOICE, .cur = 1, .cur_cand = 1, .kind = 1 } };
            det_dfs_record(&d, l2, 2);
        }
    }
    assert_int_equal(seen[0], 1);
    assert_int_equal(seen[1], 1);
    assert_int_equal(seen[2], 1);
    assert_int_equal(pre, 1);
    assert_int_equal(d.schedules, 4);
    det_dfs_free(&d);
}

/* The progress line's count: what det_dfs_next has yet to branch at on the
 * current path (before the bound), and the shallowest decision holding it. */
static void left_counts_what_next_would_take(void **st)
{
    (void)st;
    struct det_dfs d;
    det_dfs_init(&d, 8);
    struct det_logent log[2] = {
        { .opts = 3, .chosen = 0, .cur = 0, .cur_cand = 1 },
        { .opts = 7, .chosen = DET_ACT_CHOICE + 0, .cur = 0, .cur_cand = 1, .kind = 1 },
    };
    det_dfs_record(&d, log, 2);
    int top = 99;
    assert_int_equal(det_dfs_left(&d, &top), 3); /* thread 1 at 0; messages 1 and 2 at 1 */
    assert_int_equal(top, 0);
    uint8_t p[4];
    assert_int_equal(det_dfs_next(&d, p, 4), 2);  /* the deepest first: message 1 */
    assert_int_equal(det_dfs_left(&d, &top), 2);
    assert_int_equal(top, 0);
    assert_int_equal(det_dfs_next(&d, p, 4), 2);  /* message 2 */
    assert_int_equal(det_dfs_next(&d, p, 4), 1);  /* thread 1 at 0: decision 1 is gone */
    assert_int_equal(det_dfs_left(&d, &top), 0);
    assert_int_equal(top, -1);
    assert_int_equal(det_dfs_next(&d, p, 4), -1);
    det_dfs_free(&d);
}

/* det_dfs_estimate on a tree of value choices that dfs explores whole:
 * depth(path) says how deep the path goes.  On a uniform tree every
 * estimate is exact; on any tree it is never below what ran and is exact
 * when the search ends. */
static unsigned est_depth_uniform(const uint8_t *p, unsigned n) { (void)p; (void)n; return 4; }
static unsigned est_depth_skewed(const uint8_t *p, unsigned n)
{
    return n && p[0] != DET_ACT_CHOICE ? 2 : 5; /* the root's first option is 8 times the second's */
}
static void estimate_run(unsigned (*depth)(const uint8_t *, unsigned), uint64_t total, int exact)
{
    struct det_dfs d;
    det_dfs_init(&d, 64);
    struct det_logent log[8];
    uint8_t p[8] = { 0 };
    int n = 0;
    for (;;) {
        unsigned D = depth(p, (unsigned)n);
        for (unsigned i = 0; i < D; i++)
            log[i] = (struct det_logent){ .opts = 3, .kind = 1, .cur_cand = 1,
                                          .chosen = (int)i < n ? p[i] : DET_ACT_CHOICE };
        det_dfs_record(&d, log, D);
        n = det_dfs_next(&d, p, 8);
        double e = det_dfs_estimate(&d);
        assert_true(e >= (double)d.schedules);
        if (exact)
            assert_true(e == (double)total);
        if (n < 0)
            break;
    }
    assert_int_equal(d.schedules, total);
    assert_true(det_dfs_estimate(&d) == (double)total);
    det_dfs_free(&d);
}
static void estimate_from_finished_subtrees(void **st)
{
    (void)st;
    estimate_run(est_depth_uniform, 16, 1);
    estimate_run(est_depth_skewed, 16 + 2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(det3_round_trip),
        cmocka_unit_test(defaults_of_value_choices),
        cmocka_unit_test(dfs_explores_value_choices),
        cmocka_unit_test(left_counts_what_next_would_take),
        cmocka_unit_test(estimate_from_finished_subtrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
