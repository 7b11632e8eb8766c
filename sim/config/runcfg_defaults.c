/* sim/config/runcfg_defaults.c — the default run configuration and guest
 * workload (declared in runcfg.h).  Apart from runcfg.c because both need the
 * device model (device_model.h), which itself needs runcfg.h's types: here
 * the dependency runs one way. */
#include <string.h>
#include <stdio.h>

#include "runcfg.h"
#include "device_model.h"
#include "variants.h"

static void setstr(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

void runcfg_defaults(struct hvsim_runcfg *c)
{
    runcfg_clear(c); /* frees the old lists, zeroes the rest */
    setstr(c->name, sizeof c->name, "default");
    setstr(c->v.cc, sizeof c->v.cc, "gcc");
    setstr(c->v.opt, sizeof c->v.opt, "O2");
    setstr(c->v.arch, sizeof c->v.arch, VARIANT_HOST_ARCH);
    setstr(c->v.wait, sizeof c->v.wait, "volatile");
    setstr(c->v.relax, sizeof c->v.relax, "default");
    setstr(c->v.wake, sizeof c->v.wake, "fence");
    setstr(c->engine, sizeof c->engine, "native");
    setstr(c->strategy, sizeof c->strategy, "pct");
    c->pct_depth = 3;
    c->dfs_bound = 2;
    setstr(c->memory_model, sizeof c->memory_model, ""); /* det: the architecture's own (det_engine.c) */
    c->seed = 1;
    c->runs = 1;
    c->ncpus = 2;
    c->poll_window = 1000;
    c->hang_ms = 50; /* a floor: the watchdog raises it with measured scheduling delay */
    c->timeout_ms = 5000;
    c->ndevices = 2;
    scenario_device_init(&c->devices[0], 0, 2, 0xa003e00, 78); /* virtio-blk */
    scenario_device_init(&c->devices[1], 1, 1, 0xa003c00, 79); /* virtio-net */
    setstr(c->devname[0], sizeof c->devname[0], "blk");
    setstr(c->devname[1], sizeof c->devname[1], "net");
}

/* Accesses in one round for one device: 5 id registers, 4 config words,
 * 1 notify. */
#define ROUND_PER_DEV 10u

void runcfg_default_workload(struct hvsim_runcfg *c, unsigned rounds)
{
    static const uint32_t regs[] = {
        VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_DEVICE_ID,
        VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_QUEUE_NUM_MAX,
        VIRTIO_MMIO_CONFIG + 0, VIRTIO_MMIO_CONFIG + 4, VIRTIO_MMIO_CONFIG + 8,
        VIRTIO_MMIO_CONFIG + 12,
    };
    unsigned ndev = c->ndevices > HVSIM_DEVS ? HVSIM_DEVS : c->ndevices;
    unsigned ncpu = c->ncpus > HVSIM_CPUS ? HVSIM_CPUS : c->ncpus;
    unsigned per_round = ndev * ROUND_PER_DEV;

    if (rounds == 0)
        rounds = 1;
    if (per_round && rounds * per_round > HVSIM_MAX_ACCESS)
        rounds = HVSIM_MAX_ACCESS / per_round;
    for (unsigned cpu = 0; cpu < HVSIM_CPUS; cpu++)
        c->naccess[cpu] = 0; /* replaced, not extended; the arrays are reused */
    for (unsigned cpu = 0; cpu < ncpu; cpu++) {
        for (unsigned r = 0; r < rounds; r++) {
            for (unsigned d = 0; d < ndev; d++) {
                uint64_t base = c->devices[d].base;
                struct hvsim_access a;
                for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
                    memset(&a, 0, sizeof a);
                    a.addr = base + regs[i];
                    a.size = 4;
                    a.check = (uint8_t)scenario_known_value(c, a.addr, 4, &a.expect);
                    if (runcfg_add_access(c, cpu, &a) < 0)
                        return; /* out of memory: a shorter workload */
                }
                memset(&a, 0, sizeof a);
                a.addr = base + VIRTIO_MMIO_QUEUE_NOTIFY;
                a.size = 4;
                a.is_write = 1;
                a.value = 0; /* queue 0 */
                if (runcfg_add_access(c, cpu, &a) < 0)
                    return;
            }
        }
    }
}

/* The default run when no scenario is given (`hvsim run`, and the engines
 * that rerun one: threads, audit, replay, bench): the default workload with a
 * seeded answer delay (so the waiter is in its loop when the flag changes)
 * and the hv_publish/be_before_sleep rendezvous (so a store→load reordering
 * in the need_wakeup handshake can be observed). */
void runcfg_default_run(struct hvsim_runcfg *c)
{
    runcfg_defaults(c);
    /* One guest CPU: with the daemon that makes two spinning threads on this
     * two-core machine, so a rendezvous never waits for a descheduled side. */
    c->ncpus = 1;
    runcfg_default_workload(c, BARE_RUN_ROUNDS);
    struct hvsim_delay_cfg *a = &c->delay[HVSIM_SITE_BE_BEFORE_ANSWER];
    a->min_ns = 0;
    a->max_ns = 1000000; /* 0..1 ms, every 8th answer */
    a->every = 8;
    struct hvsim_delay_cfg *p = &c->delay[HVSIM_SITE_HV_PUBLISH];
    struct hvsim_delay_cfg *s = &c->delay[HVSIM_SITE_BE_BEFORE_SLEEP];
    p->rendezvous = s->rendezvous = 1;
    p->partner = HVSIM_SITE_BE_BEFORE_SLEEP;
    s->partner = HVSIM_SITE_HV_PUBLISH;
    p->jitter = s->jitter = 64;
    c->poll_window = 0;
}
