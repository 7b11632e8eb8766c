/* sim/config/runcfg.c — defaults, names and expectation matching for
 * struct hvsim_runcfg (see runcfg.h). */
#include <string.h>
#include <stdio.h>

#include "runcfg.h"
#include "scenario.h"

static const char *const verdict_names[V__COUNT] = {
    [V_PASS] = "PASS",
    [V_HANG_STALE_READ] = "HANG_STALE_READ",
    [V_WRONG_VALUE] = "WRONG_VALUE",
    [V_LOST_WAKEUP] = "LOST_WAKEUP",
    [V_CRASH] = "CRASH",
    [V_TIMEOUT] = "TIMEOUT",
    [V_DEADLOCK] = "DEADLOCK",
    [V_LIVELOCK] = "LIVELOCK",
    [V_DATA_RACE] = "DATA_RACE",
    [V_BUILD_ERROR] = "BUILD_ERROR",
    [V_LOST_COMPLETION] = "LOST_COMPLETION",
    [V_MISSING_IRQ] = "MISSING_IRQ",
    [V_PROTOCOL_VIOLATION] = "PROTOCOL_VIOLATION",
    [V_MISSED_ANSWER] = "MISSED_ANSWER",
    [V_DAEMON_STALLED] = "DAEMON_STALLED",
    [V_ASSERTION] = "ASSERTION",
};

const char *verdict_name(enum hvsim_verdict v)
{
    if ((unsigned)v >= V__COUNT)
        return "?";
    return verdict_names[v];
}

int verdict_parse(const char *s, enum hvsim_verdict *out)
{
    if (!s)
        return -1;
    for (unsigned i = 0; i < V__COUNT; i++) {
        if (strcmp(s, verdict_names[i]) == 0) {
            if (out)
                *out = (enum hvsim_verdict)i;
            return 0;
        }
    }
    return -1;
}

static const char *const site_names[HVSIM_SITE__COUNT] = {
    [HVSIM_SITE_HV_BEFORE_PUSH] = "hv_before_push",
    [HVSIM_SITE_HV_PUBLISH] = "hv_publish",
    [HVSIM_SITE_HV_BEFORE_IPI] = "hv_before_ipi",
    [HVSIM_SITE_BE_BEFORE_ANSWER] = "be_before_answer",
    [HVSIM_SITE_BE_BEFORE_SLEEP] = "be_before_sleep",
    [HVSIM_SITE_BE_AFTER_WAKE] = "be_after_wake",
    [HVSIM_SITE_BE_BEFORE_COMPLETE] = "be_before_complete",
};

const char *site_name(enum hvsim_site s)
{
    if ((unsigned)s >= HVSIM_SITE__COUNT)
        return "?";
    return site_names[s];
}

int site_parse(const char *s, enum hvsim_site *out)
{
    if (!s)
        return -1;
    for (unsigned i = 0; i < HVSIM_SITE__COUNT; i++) {
        if (strcmp(s, site_names[i]) == 0) {
            if (out)
                *out = (enum hvsim_site)i;
            return 0;
        }
    }
    return -1;
}

static void setstr(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

void runcfg_defaults(struct hvsim_runcfg *c)
{
    memset(c, 0, sizeof *c);
    setstr(c->name, sizeof c->name, "default");
    setstr(c->v.cc, sizeof c->v.cc, "gcc");
    setstr(c->v.opt, sizeof c->v.opt, "O2");
    setstr(c->v.arch, sizeof c->v.arch, "x86_64");
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
    for (unsigned cpu = 0; cpu < ncpu; cpu++) {
        unsigned n = 0;
        for (unsigned r = 0; r < rounds; r++) {
            for (unsigned d = 0; d < ndev; d++) {
                uint64_t base = c->devices[d].base;
                for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
                    struct hvsim_access *a = &c->acc[cpu][n++];
                    memset(a, 0, sizeof *a);
                    a->addr = base + regs[i];
                    a->size = 4;
                    a->check = (uint8_t)scenario_known_value(c, a->addr, 4, &a->expect);
                }
                struct hvsim_access *a = &c->acc[cpu][n++];
                memset(a, 0, sizeof *a);
                a->addr = base + VIRTIO_MMIO_QUEUE_NOTIFY;
                a->size = 4;
                a->is_write = 1;
                a->value = 0; /* queue 0 */
            }
        }
        c->naccess[cpu] = n;
    }
    for (unsigned cpu = ncpu; cpu < HVSIM_CPUS; cpu++)
        c->naccess[cpu] = 0;
}

static const char *const opt_levels[] = {"O0", "O1", "O2", "O3", "Os", "Og"};

static int field_matches(const char *rule, const char *have)
{
    return rule[0] == 0 || (have && strcmp(rule, have) == 0);
}

unsigned runcfg_expected(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                         const char *engine)
{
    for (unsigned i = 0; i < c->nexpect && i < HVSIM_MAX_EXPECT; i++) {
        const struct hvsim_expect *e = &c->expect[i];
        if (!field_matches(e->cc, v->cc) || !field_matches(e->arch, v->arch) ||
            !field_matches(e->wait, v->wait) || !field_matches(e->relax, v->relax) ||
            !field_matches(e->wake, v->wake) || !field_matches(e->engine, engine))
            continue;
        if (e->opt_mask) {
            int bit = -1;
            for (int k = 0; k < 6; k++)
                if (strcmp(v->opt, opt_levels[k]) == 0)
                    bit = k;
            if (bit < 0 || !(e->opt_mask & (1u << bit)))
                continue;
        }
        if (e->libopt_mask) {
            static const char *const lo[] = { "0", "1", "2", "3", "s", "z" };
            int bit = -1;
            for (int k = 0; k < 6; k++)
                if (strcmp(v->lib_opt, lo[k]) == 0)
                    bit = k;
            if (bit < 0 || !(e->libopt_mask & (1u << bit)))
                continue;
        }
        return e->verdicts; /* the first matching rule decides */
    }
    return 0;
}
