/* sim/runtime/platform_common.c — the parts of <hvsim/platform.h> that only
 * read or count in the control area, the same for the native and threads
 * engines (the deterministic engine makes each of them a scheduling point). */
#include "control.h"

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
    (void)irq_id;
    if (cpu >= HVSIM_CPUS)
        return;
    __atomic_add_fetch(&g_ctl->cpu[cpu].irqs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&g_ctl->cpu[cpu].irq_batches, 1, __ATOMIC_RELAXED);
}
