/* tests/unit/test_det_explain.c — the cause of a LOST_WAKEUP is read from
 * the execution's trace (sim/engine/det/det_explain.c): one synthetic trace
 * per cause, no process.  cpu0 has the pending request (req_list[0].src_cpu
 * = 0); the daemon is thread 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/det/det.h"

#define REAR 4u    /* req_rear */
#define NW 2129u   /* need_wakeup */
#define CPU0 0
#define DAEMON 2

static struct det_shm *S;
static struct hvsim_ctl ctl;
static char out[2048];

static int setup(void **st)
{
    (void)st;
    S = calloc(1, sizeof *S);
    if (!S)
        return -1;
    S->ncpus = 1;
    S->nthreads = 3;
    S->hc_tid = 1;
    S->be_tid = DAEMON;
    memset(&ctl, 0, sizeof ctl);
    out[0] = 0;
    return 0;
}
static int teardown(void **st) { (void)st; free(S); return 0; }

static void ev(int tid, int kind, uint32_t off, uint32_t size, uint64_t val)
{
    struct det_event *e = &S->ev[S->nev];
    e->step = S->nev + 1;
    e->tid = (uint8_t)tid;
    e->kind = (uint8_t)kind;
    e->off = off;
    e->size = (uint8_t)size;
    e->val = val;
    S->nev++;
}

static const char *explain(void)
{
    det_explain_lost_wakeup(S, &ctl, NULL, out, sizeof out);
    return out;
}

static void dropped_ipi(void **st)
{
    (void)st;
    ctl.ipi_dropped = 2;
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    assert_non_null(strstr(explain(), "Cause: an injected fault"));
    assert_non_null(strstr(out, "dropped 2 IPI(s)"));
}

static void no_trace(void **st)
{
    (void)st;
    assert_string_equal(explain(), "Cause unknown: this execution kept no trace.");
}

static void no_publish(void **st)
{
    (void)st;
    ev(DAEMON, EV_ASTORE, NW, 1, 1);
    assert_non_null(strstr(explain(), "shows no store to req_rear"));
    assert_non_null(strstr(out, "req_list[0].src_cpu = 0"));
}

static void cpu_program_order(void **st)
{
    (void)st;
    ev(CPU0, EV_ALOAD, NW, 1, 0);      /* decided first */
    ev(CPU0, EV_ASTORE, REAR, 4, 1);   /* then published */
    assert_non_null(strstr(explain(), "Cause: program order. cpu0 loaded need_wakeup (= 0, decision 1)"));
    assert_non_null(strstr(out, "published its request (req_rear, decision 2)"));
}

static void no_decision(void **st)
{
    (void)st;
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    assert_non_null(strstr(explain(), "Cause: no wakeup decision. cpu0 published its request (req_rear, decision 1)"));
}

static void hv_store_buffered(void **st)
{
    (void)st;
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    ev(CPU0, EV_ALOAD, NW, 1, 0);
    ev(DAEMON, EV_ASTORE, NW, 1, 1);
    ev(CPU0, EV_DRAIN, REAR, 4, 1);    /* visible only after the load */
    assert_non_null(strstr(explain(), "Cause: store->load reordering"));
    assert_non_null(strstr(out, "cpu0's store to req_rear (decision 1) was still in its store buffer "
                                "when it loaded need_wakeup = 0 (decision 2); it became visible only at decision 4."));
    assert_non_null(strstr(out, "between the hypervisor's store"));
    assert_null(strstr(out, "The daemon's store"));
}

static void both_sides_buffered(void **st)
{
    (void)st;
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    ev(DAEMON, EV_ASTORE, NW, 1, 1);
    ev(CPU0, EV_ALOAD, NW, 1, 0);
    ev(DAEMON, EV_ALOAD, REAR, 4, 0);
    ev(CPU0, EV_DRAIN, REAR, 4, 1);
    ev(DAEMON, EV_DRAIN, NW, 1, 1);
    assert_non_null(strstr(explain(), "The daemon's store need_wakeup = 1 (decision 2) was still buffered "
                                      "when it loaded req_rear = 0 (decision 4); it became visible only at decision 6."));
    assert_non_null(strstr(out, "between each side's store"));
}

static void daemon_program_order(void **st)
{
    (void)st;
    ev(DAEMON, EV_ALOAD, REAR, 4, 0);  /* checked the ring */
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    ev(CPU0, EV_ALOAD, NW, 1, 0);
    ev(DAEMON, EV_ASTORE, NW, 1, 1);   /* then announced sleep */
    assert_string_equal(explain(), "Cause: program order. The daemon last loaded req_rear (decision 1) "
                                   "BEFORE it announced sleep with need_wakeup = 1 (decision 4): a request "
                                   "published in between is seen by neither side.");
}

static void unknown_cause(void **st)
{
    (void)st;
    ev(CPU0, EV_ASTORE, REAR, 4, 1);
    ev(CPU0, EV_ALOAD, NW, 1, 1);      /* saw the daemon's flag: not lost by either load */
    assert_string_equal(explain(), "Cause unknown. Evidence: cpu0 stored req_rear at decision 1 and loaded "
                                   "need_wakeup = 1 at decision 2; the daemon never stored need_wakeup = 1. "
                                   "No store was buffered across these loads.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dropped_ipi, setup, teardown),
        cmocka_unit_test_setup_teardown(no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(no_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(cpu_program_order, setup, teardown),
        cmocka_unit_test_setup_teardown(no_decision, setup, teardown),
        cmocka_unit_test_setup_teardown(hv_store_buffered, setup, teardown),
        cmocka_unit_test_setup_teardown(both_sides_buffered, setup, teardown),
        cmocka_unit_test_setup_teardown(daemon_program_order, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_cause, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
