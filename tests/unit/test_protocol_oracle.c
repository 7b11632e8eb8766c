/* tests/unit/test_protocol_oracle.c — the protocol oracle (sim/verdict) on
 * hand-made snapshots: each invariant broken once, named in words with its
 * CPU and entry, and the clean run passing; the one bridge field-name
 * function and its two old entry points; snapshots taken from a real
 * control area. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>

#include "verdict/oracle.h"
#include "verdict/bridge_names.h"
#include "engine/det/det.h"
#include "engine/threads/threads.h"

/* A clean end of run: 2 CPUs done, cpu0 sent 14 notifies, all completed
 * with their IRQs through 3 FINISH_REQ calls; the daemon asleep, rings
 * empty, no IPI in flight. */
static void clean(struct oracle_snap *s)
{
    memset(s, 0, sizeof *s);
    s->ncpus = 2;
    s->now_ns = 10000000000ull;
    for (unsigned i = 0; i < 2; i++) {
        s->cpu[i].state = HVSIM_CPU_DONE;
        s->cpu[i].total = s->cpu[i].done = 20;
    }
    s->cpu[0].notifies = 14;
    s->cpu[0].completions = 14;
    s->cpu[0].irqs = 3;
    s->req_front = s->req_rear = 7;
    s->res_front = s->res_rear = 14;
    s->daemon_state = HVSIM_DAEMON_SLEEPING;
    s->ipi_sent = s->ipi_consumed = 5;
    s->hc_sent = s->hc_done = 3;
    s->fin_calls = 3;
    s->fin_consumed = 14;
}

static struct oracle_finding F;

static void test_clean_pass(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    assert_true(oracle_quiescent(&s));
    assert_int_equal(oracle_check_final(&s, &F), V_PASS);
    assert_non_null(strstr(F.text, "14 queue notifications completed with 3 guest IRQ injections"));
    assert_non_null(strstr(F.text, "14 completions consumed by 3 FINISH_REQ calls"));
}

/* The example: 14 notifications completed with 0 IRQs must not pass. */
static void test_missing_irq_at_finish(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.cpu[0].irqs = 0;
    s.cpu[0].irq_missing = 14;
    s.fin_missing = 14;
    s.miss_call = 1;
    s.miss_slot = 0;
    s.miss_zone = 1;
    s.miss_irq = 33;
    assert_int_equal(oracle_check_step(&s, &F), V_MISSING_IRQ);
    assert_int_equal(F.cpu, 0);
    assert_non_null(strstr(F.summary, "FINISH_REQ call #1 consumed res_list[0]"));
    assert_non_null(strstr(F.summary, "irq 33"));
    assert_non_null(strstr(F.invariant, "interrupt"));
}

static void test_pending_completions(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.cpu[0].completions = 0;
    s.fin_calls = s.fin_consumed = 0;
    s.hc_sent = s.hc_done = 0;
    s.res_front = 0;
    s.res_rear = 14;
    for (unsigned i = 0; i < 14; i++)
        s.res[i] = (struct device_res){ .target_zone = 1, .irq_id = 33 };
    assert_int_equal(oracle_check_step(&s, &F), V_PASS);
    assert_int_equal(oracle_check_final(&s, &F), V_MISSING_IRQ);
    assert_non_null(strstr(F.summary, "res_list still holds 14 completion(s) for cpu0"));
    assert_non_null(strstr(F.summary, "FINISH_REQ called 0 time(s)"));
}

static void test_lost_completion(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.cpu[1].notifies = 40;
    s.cpu[1].completions = 8;
    assert_int_equal(oracle_check_final(&s, &F), V_LOST_COMPLETION);
    assert_int_equal(F.cpu, 1);
    assert_non_null(strstr(F.summary, "cpu1 issued 40 queue notification(s)"));
    assert_non_null(strstr(F.summary, "32 completion(s) lost"));
    assert_non_null(strstr(F.text, "overwritten"));
}

static void test_duplicate_completion(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.cpu[0].completions = 15;
    assert_int_equal(oracle_check_step(&s, &F), V_PROTOCOL_VIOLATION);
    assert_non_null(strstr(F.summary, "more than once"));
}

/* All CPUs done, but a notify sits in the ring of a sleeping daemon: a lost
 * wakeup, never a PASS. */
/* A snapshot is taken while the participants run: a CPU counting a notify
 * and the daemon's FINISH_REQ counting its completion right after may fall
 * between two loads of it.  The writer below keeps completions <= notifies
 * at every instant, as the real order does; no snapshot may show more
 * completions than notifies (read the other way round, one did in
 * check-tsan: "a completion was pushed more than once" on correct code). */
static struct hvsim_ctl snap_ctl;
static struct virtio_bridge snap_bridge;
static int snap_stop;

static void *count_pairs(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&snap_stop, __ATOMIC_RELAXED)) {
        __atomic_add_fetch(&snap_ctl.cpu[0].notifies, 1, __ATOMIC_RELEASE);
        __atomic_add_fetch(&snap_ctl.cpu[0].completions, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void test_snapshot_never_shows_a_completion_early(void **st)
{
    (void)st;
    snap_ctl.ncpus = 1;
    __atomic_store_n(&snap_stop, 0, __ATOMIC_RELAXED);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, count_pairs, NULL), 0);
    static struct oracle_snap s;
    int bad = 0;
    for (int i = 0; i < 3000000 && !bad; i++) {
        oracle_snap_take(&s, &snap_ctl, &snap_bridge, 1);
        bad = s.cpu[0].completions > s.cpu[0].notifies;
    }
    __atomic_store_n(&snap_stop, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    assert_false(bad);
}

static void sleeping_with_work(struct oracle_snap *s)
{
    clean(s);
    s->req_front = 8;
    s->req_rear = 11;
    s->req[8] = (struct device_req){ .src_cpu = 1, .address = 0xa003e50, .is_write = 1 };
    s->need_wakeup = 1;
    s->sleep_ns = s->now_ns - 60000000ull;
    s->sleep_front = s->sleep_rear = 8;
    s->sleep_need_wakeup = 1;
}

static void test_lost_wakeup_before_pass(void **st)
{
    (void)st;
    struct oracle_snap s;
    sleeping_with_work(&s);
    assert_false(oracle_quiescent(&s));
    assert_true(oracle_sleeps_with_work(&s));
    assert_int_equal(oracle_check_final(&s, &F), V_LOST_WAKEUP);
    assert_non_null(strstr(F.summary, "holds 3 requests (front 8, rear 11)"));
    assert_non_null(strstr(F.text, "cpu1"));
    /* overlapping accesses: the cause is not decidable here; no claim of
     * store buffering as the cause */
    assert_non_null(strstr(F.text, "cannot tell apart"));
    assert_non_null(strstr(F.text, "program-order"));
    assert_null(strstr(F.text, "Cause: store"));
}

static void test_lost_wakeup_injected_fault(void **st)
{
    (void)st;
    struct oracle_snap s;
    sleeping_with_work(&s);
    s.ipi_dropped = 1;
    s.ipi_drop_every = 3;
    s.cpu[1].last_ipi = 2;
    oracle_explain_lost_wakeup(&s, &F);
    assert_int_equal(F.verdict, V_LOST_WAKEUP);
    assert_non_null(strstr(F.text, "injected fault (drop-ipi every 3)"));
    assert_non_null(strstr(F.text, "IPIs dropped by fault injection: 1"));
    assert_null(strstr(F.text, "cannot tell apart"));
}

static void test_lost_wakeup_never_sent(void **st)
{
    (void)st;
    struct oracle_snap s;
    sleeping_with_work(&s);
    s.req[8].is_write = 0;
    s.cpu[1].state = HVSIM_CPU_IN_HANDLER;
    s.cpu[1].cur_sync = 1;
    s.cpu[1].enter_ns = s.sleep_ns + 2000000ull; /* began 2 ms after the daemon slept */
    s.cpu[1].last_ipi = 0;
    oracle_explain_lost_wakeup(&s, &F);
    assert_non_null(strstr(F.text, "never sent"));
    assert_non_null(strstr(F.text, "2.0 ms after the daemon was asleep"));
    /* the same with an IPI sent by that access: not "never sent" */
    s.cpu[1].last_ipi = 1;
    oracle_explain_lost_wakeup(&s, &F);
    assert_null(strstr(F.text, "never sent"));
}

static void test_daemon_never_announced(void **st)
{
    (void)st;
    struct oracle_snap s;
    sleeping_with_work(&s);
    s.sleep_need_wakeup = 0;
    oracle_explain_lost_wakeup(&s, &F);
    assert_non_null(strstr(F.text, "need_wakeup=0"));
}

static void test_stray_answer(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.cpu[1].stray_answers = 1;
    s.cpu[1].stray_from = 4;
    s.cpu[1].stray_to = 5;
    s.cpu[1].stray_access = 3;
    assert_int_equal(oracle_check_step(&s, &F), V_PROTOCOL_VIOLATION);
    assert_int_equal(F.cpu, 1);
    assert_non_null(strstr(F.summary, "cfg_flags[1] changed from 4 to 5"));
    assert_non_null(strstr(F.invariant, "exactly one answer"));
}

static void test_request_lost(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    assert_int_equal(oracle_request_lost(&s), -1);
    s.cpu[1].state = HVSIM_CPU_IN_HANDLER;
    s.cpu[1].cur_sync = 1;
    s.cpu[1].cur = 2;
    s.cpu[1].cur_addr = 0xa003e00;
    s.cpu[1].flag_before = s.cpu[1].flag_now = 6;
    assert_int_equal(oracle_request_lost(&s), 1);
    oracle_explain_request_lost(&s, 1, &F);
    assert_int_equal(F.verdict, V_PROTOCOL_VIOLATION);
    assert_non_null(strstr(F.summary, "cpu1 waits for the answer to its read of 0xa003e00 (access #2)"));
    assert_non_null(strstr(F.summary, "is empty (front = rear = 7)"));
    /* answered already, a request still in the ring, or the daemon awake:
     * not lost */
    s.cpu[1].flag_now = 7;
    assert_int_equal(oracle_request_lost(&s), -1);
    s.cpu[1].flag_now = 6;
    s.req_rear = 8;
    assert_int_equal(oracle_request_lost(&s), -1);
    s.req_rear = 7;
    s.daemon_state = HVSIM_DAEMON_RUNNING;
    assert_int_equal(oracle_request_lost(&s), -1);
}

/* The restart fault's question: may the daemon hold a request it took?
 * (worker_daemon.c's workers serve requests while the main thread sleeps;
 * killed then, correct code lost one.) */
static void test_daemon_holds(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.ndevices = 1;
    s.dev[0].base = 0xa003e00;
    assert_int_equal(oracle_daemon_holds(&s), -1);
    /* cpu1 waits, its flag has not moved, its request is not in the ring */
    s.cpu[1].state = HVSIM_CPU_IN_HANDLER;
    s.cpu[1].cur_sync = 1;
    s.cpu[1].flag_before = s.cpu[1].flag_now = 6;
    assert_int_equal(oracle_daemon_holds(&s), 1);
    /* its request still in the ring: nothing held */
    s.req[7] = (struct device_req){ .src_cpu = 1, .address = 0xa003e00, .size = 4 };
    s.req_rear = 8;
    assert_int_equal(oracle_daemon_holds(&s), -1);
    /* another CPU's entry does not count for it */
    s.req[7].src_cpu = 0;
    assert_int_equal(oracle_daemon_holds(&s), 1);
    /* answered: nothing held */
    s.cpu[1].flag_now = 7;
    assert_int_equal(oracle_daemon_holds(&s), -1);
    /* cpu0: 15 device notifies, 14 consumed, none pending: one held... */
    s.req_rear = 7;
    s.cpu[0].notifies = 15;
    assert_int_equal(oracle_daemon_holds(&s), 0);
    /* ...unless it waits in res_list or in the request ring */
    s.res[14].target_zone = hvsim_zone_of_cpu(0);
    s.res_rear = 15;
    assert_int_equal(oracle_daemon_holds(&s), -1);
    s.res_rear = 14;
    s.req[7] = (struct device_req){ .src_cpu = 0, .address = 0xa003e00 + VIRTIO_MMIO_QUEUE_NOTIFY,
                                    .is_write = 1 };
    s.req_rear = 8;
    assert_int_equal(oracle_daemon_holds(&s), -1);
    /* a notify to no device owes nothing, so it cannot stand for one */
    s.req[7].address = 0xb000000 + VIRTIO_MMIO_QUEUE_NOTIFY;
    assert_int_equal(oracle_daemon_holds(&s), 0);
}

static void test_overread(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.fin_overread = 2;
    assert_int_equal(oracle_check_step(&s, &F), V_PROTOCOL_VIOLATION);
    assert_non_null(strstr(F.summary, "never pushed"));
}

static void test_assertion(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.assert_set = 1;
    s.assert_line = 42;
    s.assert_who = 1;
    s.assert_cpu = 1;
    strcpy(s.assert_file, "my_handler.c");
    strcpy(s.assert_func, "hv_mmio_access");
    strcpy(s.assert_msg, "ring index in range");
    /* wins over every other finding */
    s.cpu[0].stray_answers = 1;
    assert_int_equal(oracle_check_step(&s, &F), V_ASSERTION);
    assert_string_equal(F.file, "my_handler.c");
    assert_int_equal(F.line, 42);
    assert_non_null(strstr(F.summary, "my_handler.c:42 in hv_mmio_access(): ring index in range"));
    assert_non_null(strstr(F.text, "hypervisor cpu1"));
}

static void test_state_words(void **st)
{
    (void)st;
    struct oracle_snap s;
    clean(&s);
    s.daemon_state = HVSIM_DAEMON_RUNNING;
    s.req_front = 8;
    s.req_rear = 7;
    s.cpu[0].state = HVSIM_CPU_IN_HANDLER;
    s.cpu[0].cur = 4;
    s.cpu[0].cur_addr = 0xa003e00;
    s.cpu[0].cur_sync = 1;
    s.cpu[0].flag_now = s.cpu[0].flag_before = 3;
    char b[1400];
    oracle_state_words(&s, b, sizeof b);
    assert_non_null(strstr(b, "daemon is running"));
    assert_non_null(strstr(b, "request ring is full: 31 requests (front 8, rear 7)"));
    assert_non_null(strstr(b, "cpu0 is inside the handler on access #4 (read 0xa003e00)"));
    assert_null(strstr(b, "state 1"));
    ring_words("request", 7, 7, b, sizeof b);
    assert_string_equal(b, "is empty (front = rear = 7)");
    ring_words("request", 8, 11, b, sizeof b);
    assert_string_equal(b, "holds 3 requests (front 8, rear 11)");
    assert_string_equal(daemon_state_words(HVSIM_DAEMON_SLEEPING), "asleep in hvsim_daemon_sleep");
}

static void test_field_names(void **st)
{
    (void)st;
    char b[96];
    assert_int_equal(bridge_field_name(1552, 0, b, sizeof b), 0);
    assert_string_equal(b, "cfg_flags[0]");
    bridge_field_name(16 + 3 * 40 + 24, 0, b, sizeof b);
    assert_string_equal(b, "req_list[3].value");
    bridge_field_name(1553, 1, b, sizeof b);
    assert_string_equal(b, "cfg_flags[1]");
    assert_int_equal(bridge_field_name(2136, 0, b, sizeof b), -1);
    /* the two old entry points give the same names */
    det_field_name(2129, b, sizeof b);
    assert_string_equal(b, "need_wakeup");
    det_field_name(16 + 40 + 16, b, sizeof b);
    assert_string_equal(b, "req_list[1].size");
    det_field_name(UINT32_MAX, b, sizeof b);
    assert_string_equal(b, "(private)");
    det_field_name(3000, b, sizeof b);
    assert_string_equal(b, "+3000");
    thr_bridge_field(4, 4, 0, b, sizeof b);
    assert_string_equal(b, "req_rear");
}

/* oracle_snap_take on a real control area and bridge */
static void test_snap_take(void **st)
{
    (void)st;
    struct hvsim_ctl *ctl = calloc(1, sizeof *ctl);
    struct virtio_bridge *br = calloc(1, sizeof *br);
    assert_non_null(ctl);
    assert_non_null(br);
    ctl->ncpus = 1;
    ctl->cpu[0].naccess = 2;
    ctl->cpu[0].acc[0] = (struct hvsim_access){ .addr = 0xa003e50, .is_write = 1, .repeat = 9 };
    ctl->cpu[0].acc[1] = (struct hvsim_access){ .addr = 0xa003e00, .size = 4 };
    ctl->cpu[0].cur = 1;
    ctl->cpu[0].state = HVSIM_CPU_IN_HANDLER;
    ctl->cpu[0].notifies = 10;
    ctl->fin.missing = 1;
    ctl->fin.miss_irq = 33;
    ctl->assert_fail.set = 1;
    ctl->assert_fail.line = 7;
    strcpy(ctl->assert_fail.file, "d.c");
    br->cfg_flags[0] = 5;
    br->req_rear = 3;
    struct oracle_snap s;
    oracle_snap_take(&s, ctl, br, 1);
    assert_int_equal(s.cpu[0].total, 11);
    assert_int_equal(s.cpu[0].cur_sync, 1);
    assert_int_equal(s.cpu[0].flag_now, 5);
    assert_int_equal(s.cpu[0].notifies, 10);
    assert_int_equal(s.req_rear, 3);
    assert_int_equal(s.miss_irq, 33);
    assert_int_equal(s.assert_line, 7);
    assert_string_equal(s.assert_file, "d.c");
    free(ctl);
    free(br);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_pass),
        cmocka_unit_test(test_snapshot_never_shows_a_completion_early),
        cmocka_unit_test(test_missing_irq_at_finish),
        cmocka_unit_test(test_pending_completions),
        cmocka_unit_test(test_lost_completion),
        cmocka_unit_test(test_duplicate_completion),
        cmocka_unit_test(test_lost_wakeup_before_pass),
        cmocka_unit_test(test_lost_wakeup_injected_fault),
        cmocka_unit_test(test_lost_wakeup_never_sent),
        cmocka_unit_test(test_daemon_never_announced),
        cmocka_unit_test(test_stray_answer),
        cmocka_unit_test(test_request_lost),
        cmocka_unit_test(test_daemon_holds),
        cmocka_unit_test(test_overread),
        cmocka_unit_test(test_assertion),
        cmocka_unit_test(test_state_words),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_snap_take),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
