/* tests/unit/test_det_model.c — the det engine's TSO store-buffer overlay
 * (sim/runtime/det/det_model.h) and the strategies' bookkeeping (schedule
 * strings, bounded DFS; sim/engine/det/det_sched.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runtime/det/det_model.h"
#include "engine/det/det.h"

static struct det_shm *S;
static uint8_t M[HVSIM_BRIDGE_PAGE];

static int setup(void **st)
{
    (void)st;
    S = calloc(1, sizeof *S);
    memset(M, 0, sizeof M);
    S->tso = 1;
    S->nthreads = 2;
    return S ? 0 : -1;
}
static int teardown(void **st) { (void)st; free(S); return 0; }

static uint32_t rd(const uint8_t *m, uint32_t off) { uint32_t v; memcpy(&v, m + off, 4); return v; }

/* The SB litmus test: each thread stores then loads the other's flag; under
 * TSO both loads may see 0 (both stores still buffered). */
static void sb_litmus_tso(void **st)
{
    (void)st;
    uint32_t one = 1;
    /* thread 0 holds the token: stores x (off 0) */
    det_store(S, M, 0, 0, 0, (uint8_t *)&one, 4);
    assert_int_equal(rd(M, 0), 1);        /* own store forwarded */
    assert_int_equal(rd(S->G, 0), 0);     /* not global */
    /* switch to thread 1 */
    det_overlay_remove(S, M, 0);
    det_overlay_apply(S, M, 1);
    assert_int_equal(rd(M, 0), 0);        /* thread 1 does not see it */
    det_store(S, M, 1, 1, 4, (uint8_t *)&one, 4);
    assert_int_equal(rd(M, 0), 0);        /* r1 = x = 0 */
    /* back to thread 0 */
    det_overlay_remove(S, M, 1);
    det_overlay_apply(S, M, 0);
    assert_int_equal(rd(M, 4), 0);        /* r0 = y = 0: the SB outcome */
    /* drains make them global, FIFO */
    det_sb_drain_all(S, M, 1, 0);
    assert_int_equal(rd(M, 4), 1);
    det_sb_drain_all(S, M, 0, 0);
    assert_int_equal(rd(S->G, 0), 1);
    assert_int_equal(S->t[0].sb_n, 0);
}

static void sc_is_immediate(void **st)
{
    (void)st;
    S->tso = 0;
    uint32_t v = 7;
    det_store(S, M, 0, 0, 8, (uint8_t *)&v, 4);
    assert_int_equal(rd(S->G, 8), 7);
    assert_int_equal(S->t[0].sb_n, 0);
}

static void fifo_and_forwarding(void **st)
{
    (void)st;
    uint32_t a = 1, b = 2;
    det_store(S, M, 0, 0, 16, (uint8_t *)&a, 4);
    det_store(S, M, 0, 0, 16, (uint8_t *)&b, 4);
    assert_int_equal(rd(M, 16), 2);       /* newest wins for the owner */
    det_sb_drain_head(S, M, 0, 0);
    assert_int_equal(rd(S->G, 16), 1);    /* oldest drains first */
    assert_int_equal(rd(M, 16), 2);       /* owner still sees its newer store */
    /* another thread's drain under the holder's overlay keeps the overlay */
    uint32_t c = 9;
    det_store(S, M, 1, 0, 16, (uint8_t *)&c, 4); /* thread 1 not holder: M untouched */
    assert_int_equal(rd(M, 16), 2);
    det_sb_drain_head(S, M, 1, 0);
    assert_int_equal(rd(S->G, 16), 9);
    assert_int_equal(rd(M, 16), 2);
    det_sb_drain_all(S, M, 0, 0);
    assert_int_equal(rd(M, 16), 2);
    assert_int_equal(rd(S->G, 16), 2);
}

static void wide_store_splits_and_full_buffer_drains(void **st)
{
    (void)st;
    uint8_t v[40];
    for (int i = 0; i < 40; i++)
        v[i] = (uint8_t)(i + 1);
    det_store(S, M, 0, 0, 100, v, 40);
    assert_int_equal(S->t[0].sb_n, 3);    /* 16 + 16 + 8 */
    for (int i = 0; i < DET_SB_MAX + 5; i++)
        det_store(S, M, 0, 0, 200, v, 4);
    assert_int_equal(S->t[0].sb_n, DET_SB_MAX);
    assert_memory_equal(S->G + 100, v, 40); /* the oldest were forced out */
}

static void schedule_strings(void **st)
{
    (void)st;
    uint8_t a[] = { 2, 2, 2, 0, DET_ACT_DRAIN + 2, 1, 1, 0 };
    char s[128];
    assert_true(det_sched_encode(a, 8, s, sizeof s) > 0);
    assert_string_equal(s, "det1:c3aCb2a");
    uint8_t b[16];
    assert_int_equal(det_sched_decode(s, b, 16), 8);
    assert_memory_equal(a, b, 8);
    assert_int_equal(det_sched_decode("det1:a0", b, 16), -1);
    assert_int_equal(det_sched_decode("xyz", b, 16), -1);
    assert_int_equal(det_sched_decode("det1:a20", b, 16), -1); /* too long */
}

static void significant_prefix(void **st)
{
    (void)st;
    struct det_logent l[4] = {
        { .opts = 3, .chosen = 1, .cur = 0, .cur_cand = 1 },  /* preemption */
        { .opts = 3, .chosen = 1, .cur = 1, .cur_cand = 1 },  /* default */
        { .opts = 2, .chosen = 1, .cur = 0, .cur_cand = 0 },  /* default (lowest candidate) */
        { .opts = 1, .chosen = 0, .cur = 0, .cur_cand = 1 },
    };
    assert_int_equal(det_default_action(&l[0]), 0);
    assert_int_equal(det_sched_significant(l, 4), 1);
}

/* A toy 3-decision tree: two threads always enabled, thread 0 starts.
 * Bound 0 explores 1 schedule, bound 1 adds one preemption at each of the
 * three decisions, bound 3 = all 2^3 schedules. */
static unsigned count_dfs(unsigned bound)
{
    struct det_dfs d;
    det_dfs_init(&d, bound);
    uint8_t prefix[8];
    int plen = 0;
    for (unsigned guard = 0; guard < 100; guard++) {
        struct det_logent l[3];
        int cur = 0;
        for (int i = 0; i < 3; i++) {
            int a = i < plen ? prefix[i] : cur;
            l[i].opts = 3;
            l[i].kind = 0; /* a run decision (was left uninitialised) */
            l[i].cur = (uint8_t)cur;
            l[i].cur_cand = 1;
            l[i].chosen = (uint8_t)a;
            cur = a;
        }
        det_dfs_record(&d, l, 3);
        plen = det_dfs_next(&d, prefix, 8);
        if (plen < 0)
            break;
    }
    unsigned n = (unsigned)d.schedules;
    det_dfs_free(&d);
    return n;
}

static void dfs_bounds(void **st)
{
    (void)st;
    assert_int_equal(count_dfs(0), 1);
    assert_int_equal(count_dfs(1), 4);
    assert_int_equal(count_dfs(3), 8);
    struct det_dfs_node n = { .cur = 0, .cur_cand = 1 };
    assert_int_equal(det_dfs_cost(&n, 0), 0);
    assert_int_equal(det_dfs_cost(&n, 1), 1);
    assert_int_equal(det_dfs_cost(&n, DET_ACT_DRAIN), 1);
    n.cur_cand = 0;
    assert_int_equal(det_dfs_cost(&n, 1), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test_setup_teardown(sb_litmus_tso, setup, teardown),
        cmocka_unit_test_setup_teardown(sc_is_immediate, setup, teardown),
        cmocka_unit_test_setup_teardown(fifo_and_forwarding, setup, teardown),
        cmocka_unit_test_setup_teardown(wide_store_splits_and_full_buffer_drains, setup, teardown),
        cmocka_unit_test(schedule_strings),
        cmocka_unit_test(significant_prefix),
        cmocka_unit_test(dfs_bounds),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
