/* sim/runtime/platform_native.c — <hvsim/platform.h> for the native engine:
 * real processes, real concurrency, futexes over the shared region.
 *
 * Nothing here is ever called from inside a wait loop of the code under test
 * (the platform header forbids it), so the binaries keep exactly the loads
 * the compiler chose.
 */
#define _GNU_SOURCE
#include "participant.h"
#include "futex.h"
#include <sched.h>

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

/* The IPI to zone0 is the kernel module's eventfd signal: a counter the
 * daemon sleeps on.  ipi_drop_every injects the "dropped IPI" fault. */
void hvsim_ipi_zone0(void)
{
    static uint32_t ipis;
    uint32_t every = g_ctl->ipi_drop_every;
    if (every && __atomic_add_fetch(&ipis, 1, __ATOMIC_RELAXED) % every == 0) {
        __atomic_add_fetch(&g_ctl->ipi_dropped, 1, __ATOMIC_RELAXED);
        return;
    }
    __atomic_add_fetch(&g_ctl->ipi_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->ipi_sent, 1);
}

void hvsim_inject_irq(unsigned cpu, uint32_t irq_id)
{
    (void)irq_id;
    if (cpu >= HVSIM_CPUS)
        return;
    __atomic_add_fetch(&g_ctl->cpu[cpu].irqs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&g_ctl->cpu[cpu].irq_batches, 1, __ATOMIC_RELAXED);
}

/* The kernel-module shim's read(eventfd): consume pending IPIs or sleep. */
int hvsim_daemon_sleep(void)
{
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_SLEEPING, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&g_ctl->daemon_sleeps, 1, __ATOMIC_RELAXED);
    int rc = 0;
    for (;;) {
        uint32_t sent = __atomic_load_n(&g_ctl->ipi_sent, __ATOMIC_ACQUIRE);
        if (sent != __atomic_load_n(&g_ctl->ipi_consumed, __ATOMIC_RELAXED)) {
            __atomic_store_n(&g_ctl->ipi_consumed, sent, __ATOMIC_RELEASE);
            break;
        }
        if (hvsim_should_stop()) {
            rc = -1;
            break;
        }
        futex_wait(&g_ctl->ipi_sent, sent, 50000000L);
    }
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_RUNNING, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&g_ctl->daemon_wakes, 1, __ATOMIC_RELAXED);
    return rc;
}

/* FINISH_REQ: hand the drain to the hypervisor's hypercall thread and wait
 * until it is done, as a trapping hypercall would. */
void hvsim_hypercall_finish_req(void)
{
    uint32_t mine = __atomic_add_fetch(&g_ctl->hc_sent, 1, __ATOMIC_SEQ_CST);
    futex_wake(&g_ctl->hc_sent, 1);
    while ((int32_t)(__atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE) - mine) < 0) {
        if (hvsim_should_stop())
            return;
        futex_wait(&g_ctl->hc_done, __atomic_load_n(&g_ctl->hc_done, __ATOMIC_ACQUIRE), 10000000L);
    }
}

/* ---- delay points ---------------------------------------------------------
 * A seeded delay (sleep or spin), and/or a rendezvous with a partner site in
 * the other process.  The rendezvous is litmus7's trick: both sides arrive,
 * the second flips the word to GO and both run their next few instructions
 * within nanoseconds of each other, so a store→load reordering between them
 * becomes observable.  A side that waits longer than RV_TIMEOUT_NS leaves
 * alone (the other side may never come).  Seeded jitter after the meeting
 * scans the relative alignment of the two sides. */
#define RV_TIMEOUT_NS 100000ull
#define RV_GO 3u

static void spin_iters(uint64_t n)
{
    for (volatile uint64_t i = 0; i < n; i++)
        ;
}

static void delay_ns(uint64_t ns)
{
    if (ns >= 100000) {
        struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
        nanosleep(&ts, 0);
        return;
    }
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        ;
}

static int site_is_backend(unsigned site)
{
    return site >= HVSIM_SITE_BE_BEFORE_ANSWER;
}

static void rendezvous(enum hvsim_site site, const struct hvsim_delay_cfg *d)
{
    unsigned pair = site < d->partner ? site : d->partner;
    uint32_t *w = &g_ctl->rv_arrive[pair];
    uint32_t me = site < d->partner ? 1u : 2u, other = 3u - me;
    uint64_t start = now_ns();
    /* A partner asleep in the kernel-module shim cannot come: don't wait. */
    if (site_is_backend(d->partner) &&
        __atomic_load_n(&g_ctl->daemon_state, __ATOMIC_ACQUIRE) == HVSIM_DAEMON_SLEEPING) {
        __atomic_add_fetch(&g_ctl->rv_timeout, 1, __ATOMIC_RELAXED);
        return;
    }
    for (;;) {
        uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        if (cur == 0) {
            if (!__atomic_compare_exchange_n(w, &cur, me, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                continue;
            /* first to arrive: wait for GO */
            for (unsigned n = 0;; n++) {
                if (__atomic_load_n(w, __ATOMIC_ACQUIRE) == RV_GO) {
                    __atomic_store_n(w, 0, __ATOMIC_RELEASE);
                    __atomic_add_fetch(&g_ctl->rv_met, 1, __ATOMIC_RELAXED);
                    return; /* the first side runs on at once */
                }
                if ((n & 255) == 0 && now_ns() - start > RV_TIMEOUT_NS) {
                    uint32_t exp = me;
                    if (__atomic_compare_exchange_n(w, &exp, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                        __atomic_add_fetch(&g_ctl->rv_timeout, 1, __ATOMIC_RELAXED);
                        return;
                    }
                }
            }
        } else if (cur == other) {
            if (__atomic_compare_exchange_n(w, &cur, RV_GO, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                break;
        } else if (now_ns() - start > RV_TIMEOUT_NS) {
            return; /* a stale GO the partner has not cleared yet */
        }
    }
    /* Second to arrive: the first side only sees GO a cache-line transfer
     * later (~100 ns), so this side waits a seeded while; over many runs the
     * delay sweeps the skew and lines the two critical windows up. */
    if (d->jitter)
        spin_iters(splitmix64(&g_rng) % (d->jitter + 1u));
}

void hvsim_delay(enum hvsim_site site)
{
    if ((unsigned)site >= HVSIM_SITE__COUNT)
        return;
    const struct hvsim_delay_cfg *d = &g_ctl->delay[site];
    uint64_t hit = __atomic_add_fetch(&g_ctl->site_hits[site], 1, __ATOMIC_RELAXED);
    if (d->every > 1 && hit % d->every)
        return;
    if (d->max_ns) {
        uint64_t span = d->max_ns - d->min_ns;
        delay_ns(d->min_ns + (span ? splitmix64(&g_rng) % (span + 1) : 0));
    }
    if (d->rendezvous && d->partner < HVSIM_SITE__COUNT)
        rendezvous(site, d);
}
