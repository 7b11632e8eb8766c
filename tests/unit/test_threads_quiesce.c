/* tests/unit/test_threads_quiesce.c — the threads binary's quiescence
 * judgement (sim/runtime/threads/threads_quiesce.c), on a control area and a
 * bridge filled by hand: it must hold, unchanged, for the whole window; an
 * IPI or a FINISH_REQ in flight, an empty ring, an awake daemon, a CPU in
 * guest code or on a queue notify, or any counter moving is no quiescence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* The runtime file is compiled into the threads binary, not into
 * libhvsim.a: include it whole. */
#include "runtime/threads/threads_quiesce.c"

static struct hvsim_ctl ctl;
static struct virtio_bridge br;
#define MS 1000000ull

/* A fake CPU clock: the waiter spins (runs) unless the test stops it. */
static int64_t fake_ns;
static int64_t fake_cpu_time(int tid)
{
    (void)tid;
    return fake_ns;
}
static void init(struct thr_quiesce *q)
{
    thr_quiesce_init(q, 300 * MS);
    q->cpu_time = fake_cpu_time;
}

static void lost_wakeup_state(void)
{
    memset(&ctl, 0, sizeof ctl);
    memset(&br, 0, sizeof br);
    ctl.ncpus = 2;
    ctl.daemon_state = HVSIM_DAEMON_SLEEPING;
    ctl.ipi_sent = ctl.ipi_consumed = 2;
    br.req_front = 2;
    br.req_rear = 3;
    br.need_wakeup = 1;
    ctl.cpu[0].naccess = 1;
    ctl.cpu[0].acc[0].addr = 0xa003e00; /* a read: waits for its answer */
    ctl.cpu[0].acc[0].size = 4;
    ctl.cpu[0].state = HVSIM_CPU_IN_HANDLER;
    ctl.cpu[1].state = HVSIM_CPU_DONE;
}

static void test_holds_for_the_window(void **s)
{
    (void)s;
    lost_wakeup_state();
    struct thr_quiesce q;
    init(&q);
    fake_ns = 0;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1000 * MS), 0); /* window starts */
    fake_ns = 200 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1200 * MS), 0);
    fake_ns = 300 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1300 * MS), 1);
}

/* A waiter that did not run in the window (descheduled: perhaps just before
 * its IPI) is no evidence: the window starts again. */
static void test_a_waiter_that_did_not_run(void **s)
{
    (void)s;
    lost_wakeup_state();
    struct thr_quiesce q;
    init(&q);
    fake_ns = 7 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1000 * MS), 0);
    fake_ns += 4 * (int64_t)MS; /* < 5 ms of CPU in 300 ms */
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1300 * MS), 0);
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1320 * MS), 0); /* new window from here */
    fake_ns += 50 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1600 * MS), 0);
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1620 * MS), 1);
}

static void test_progress_restarts_the_window(void **s)
{
    (void)s;
    lost_wakeup_state();
    struct thr_quiesce q;
    init(&q);
    fake_ns = 0;
    thr_quiesce_poll(&q, &ctl, &br, 2, 1000 * MS);
    fake_ns = 100 * (int64_t)MS;
    ctl.daemon_sleeps++; /* the daemon woke and slept again meanwhile */
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1300 * MS), 0);
    fake_ns = 500 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1599 * MS), 0);
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1600 * MS), 1);
}

static void expect_never(void)
{
    struct thr_quiesce q;
    init(&q);
    for (uint64_t t = 0; t <= 1000; t += 100) {
        fake_ns = (int64_t)(t * MS); /* the CPU runs all along */
        assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, (1000 + t) * MS), 0);
    }
}

static void test_not_quiescent(void **s)
{
    (void)s;
    lost_wakeup_state(); ctl.ipi_sent = 3;                         expect_never(); /* IPI in flight */
    lost_wakeup_state(); ctl.hc_sent = 1;                          expect_never(); /* FINISH_REQ in flight */
    lost_wakeup_state(); br.req_front = 3;                         expect_never(); /* nothing pending */
    lost_wakeup_state(); ctl.daemon_state = HVSIM_DAEMON_RUNNING;  expect_never(); /* daemon awake */
    lost_wakeup_state(); ctl.daemon_state = HVSIM_DAEMON_EXITED;   expect_never();
    lost_wakeup_state(); ctl.cpu[0].state = HVSIM_CPU_GUEST;       expect_never(); /* a CPU can move */
    lost_wakeup_state(); ctl.cpu[0].state = HVSIM_CPU_DONE;        expect_never(); /* nobody waits */
    lost_wakeup_state(); ctl.cpu[0].acc[0].is_write = 1;           /* a queue notify returns at once */
    ctl.cpu[0].acc[0].addr = 0xa003e00 + VIRTIO_MMIO_QUEUE_NOTIFY; expect_never();
}

/* A host stall of a vCPU in the window (hvsim's probes saw one: the table
 * the binary maps with --stalls) makes the waiter's CPU time no evidence:
 * the window starts again, and a stall long before the new window does not
 * hold it back.  A probe overdue now is a stall in progress. */
static void test_a_host_stall_restarts_the_window(void **s)
{
    (void)s;
    lost_wakeup_state();
    static struct vstall_table tab;
    memset(&tab, 0, sizeof tab);
    tab.magic = VSTALL_MAGIC;
    tab.n = 1;
    struct thr_quiesce q;
    init(&q);
    q.stalls = &tab;
    tab.p[0].last_wake = 1299 * MS;
    tab.p[0].late_from = 1100 * MS; /* 100 ms inside the window */
    tab.p[0].late_to = 1200 * MS;
    fake_ns = 0;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1000 * MS), 0);
    fake_ns = 300 * (int64_t)MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1300 * MS), 0);
    assert_int_equal(q.stall_restarts, 1);
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1320 * MS), 0); /* new window */
    fake_ns = 600 * (int64_t)MS;
    tab.p[0].last_wake = 1619 * MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 1620 * MS), 1);
    assert_int_equal(q.stall_restarts, 1);

    /* the probe has not woken for 50 ms: its CPU is stalled now */
    init(&q);
    q.stalls = &tab;
    fake_ns = 0;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 2000 * MS), 0);
    fake_ns = 300 * (int64_t)MS;
    tab.p[0].last_wake = 2250 * MS;
    assert_int_equal(thr_quiesce_poll(&q, &ctl, &br, 2, 2300 * MS), 0);
    assert_int_equal(q.stall_restarts, 1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_holds_for_the_window),
        cmocka_unit_test(test_progress_restarts_the_window),
        cmocka_unit_test(test_a_waiter_that_did_not_run),
        cmocka_unit_test(test_not_quiescent),
        cmocka_unit_test(test_a_host_stall_restarts_the_window),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
