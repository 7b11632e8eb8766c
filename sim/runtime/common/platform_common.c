/* sim/runtime/common/platform_common.c — the parts of <hvsim/platform.h> that only
 * read or count in the control area, the same for the native and threads
 * engines (the deterministic engine makes each of them a scheduling point). */
#include "control.h"
#include "oracle_count.h"
#include "futex.h"
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

extern struct virtio_bridge *g_bridge;
extern struct hvsim_ctl *g_ctl;
extern __thread int g_cpu;

struct virtio_bridge *hvsim_bridge(void) { return g_bridge; }
unsigned hvsim_this_cpu(void) { return g_cpu < 0 ? 0u : (unsigned)g_cpu; }
unsigned hvsim_ncpus(void) { return g_ctl->ncpus; }
uint64_t hvsim_poll_window(void) { return g_ctl->poll_window; }
unsigned hvsim_ndevices(void) { return g_ctl->ndevices; }
const struct hvsim_device *hvsim_device(unsigned i) { return &g_ctl->devices[i]; }

int hvsim_should_stop(void)
{
    return __atomic_load_n(&g_ctl->stop, __ATOMIC_ACQUIRE) != 0;
}

void hvsim_inject_irq(unsigned cpu, uint32_t irq_id)
{
    if (cpu >= HVSIM_CPUS)
        return;
    oracle_note_inject(g_ctl, cpu, irq_id);
    __atomic_add_fetch(&g_ctl->cpu[cpu].irqs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&g_ctl->cpu[cpu].irq_batches, 1, __ATOMIC_RELAXED);
}

/* HVSIM_ASSERT: the first failure is written to the control area, where the
 * supervisor's watchdog finds it and ends the run with ASSERTION; the thread
 * then waits, so the code under test never runs on past a broken invariant. */
void hvsim_assert_fail(const char *file, int line, const char *func, const char *msg)
{
    uint32_t none = 0;
    if (__atomic_compare_exchange_n(&g_ctl->assert_fail.set, &none, 2, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        int tid = (int)syscall(SYS_gettid);
        g_ctl->assert_fail.line = line;
        g_ctl->assert_fail.cpu = g_cpu;
        g_ctl->assert_fail.who = g_cpu >= 0 || tid == __atomic_load_n(&g_ctl->hc_tid, __ATOMIC_ACQUIRE) ? 1 : 2;
        snprintf(g_ctl->assert_fail.file, sizeof g_ctl->assert_fail.file, "%s", file ? file : "?");
        snprintf(g_ctl->assert_fail.func, sizeof g_ctl->assert_fail.func, "%s", func ? func : "");
        snprintf(g_ctl->assert_fail.msg, sizeof g_ctl->assert_fail.msg, "%s", msg ? msg : "");
        __atomic_store_n(&g_ctl->assert_fail.set, 1, __ATOMIC_RELEASE);
    }
    fprintf(stderr, "hvsim: HVSIM_ASSERT failed at %s:%d in %s(): %s\n", file ? file : "?", line,
            func ? func : "?", msg ? msg : "");
    for (;;)
        futex_wait(&g_ctl->stop, 0, 100000000L);
}
