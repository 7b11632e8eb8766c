/* sim/runtime/common/control.h — the control area: the part of the shared memfd
 * region that belongs to hvsim itself (never to the code under test).
 *
 * Region layout (one memfd, MAP_SHARED in every process):
 *   [0, 4096)                 struct virtio_bridge (the page under test)
 *   [4096, 4096+ctl size)     struct hvsim_ctl
 *
 * The supervisor writes the run configuration before it starts the
 * participants; participants publish their state here so the watchdog can
 * tell what each one is waiting for.  All cross-process fields are accessed
 * with __atomic builtins; the layout is the same on every architecture
 * (fixed-width fields, no pointers) so a qemu-user participant and the native
 * supervisor agree on it.
 */
#ifndef HVSIM_CONTROL_H
#define HVSIM_CONTROL_H

#include <stdint.h>
#include "hvsim/platform.h"

#define HVSIM_CTL_MAGIC   0x4c544353564848ull /* "HHVSCTL" */
#define HVSIM_CTL_VERSION 2u
#define HVSIM_BRIDGE_PAGE 4096u
#define HVSIM_MAX_ACCESS  512u   /* guest accesses per CPU per run */
#define HVSIM_CPUS        16u    /* CPUs hvsim runs at most (≤ HVSIM_MAX_CPUS of both layouts) */
#define HVSIM_DEVS        4u     /* devices hvsim runs at most */
#define HVSIM_LAT_BUCKETS 128u   /* latency histogram buckets (up to 2^32 ns) */

/* One guest access.  'expect' is the known right answer for reads. */
struct hvsim_access {
    uint64_t addr;
    uint64_t value;     /* written value for writes */
    uint64_t expect;    /* expected read result when check != 0 */
    uint32_t size;
    uint8_t is_write;
    uint8_t check;      /* compare the read result with expect */
    uint16_t repeat;    /* run this access repeat+1 times */
};

enum hvsim_cpu_state {
    HVSIM_CPU_IDLE = 0,    /* not started */
    HVSIM_CPU_GUEST,       /* running guest code between accesses */
    HVSIM_CPU_IN_HANDLER,  /* inside hv_mmio_access */
    HVSIM_CPU_DONE,        /* workload finished */
    HVSIM_CPU_WRONG,       /* a read returned a wrong value */
};

struct hvsim_cpu_ctl {
    /* configuration (supervisor → hv) */
    uint32_t naccess;
    uint32_t pad0;
    struct hvsim_access acc[HVSIM_MAX_ACCESS];
    /* state (hv → supervisor) */
    uint32_t state;        /* enum hvsim_cpu_state */
    int32_t tid;           /* host thread id of this CPU's thread */
    uint64_t cur;          /* index of the access in progress */
    uint64_t flag_before;  /* cfg_flags[cpu] as the harness read it before the trap */
    uint64_t enter_ns;     /* CLOCK_MONOTONIC when it entered the handler */
    uint64_t done;         /* accesses completed */
    uint64_t got, want;    /* the wrong value and the right one (state WRONG) */
    uint64_t wrong_addr;
    uint64_t irqs;         /* guest IRQs injected on this CPU */
    uint64_t irq_batches;  /* hvsim_inject_irq calls (coalescing evidence) */
    /* trap latency, timed by hv_main around hv_mmio_access (outside the code
     * under test) for `hvsim bench`: guest access -> response seen */
    uint64_t lat_sum_ns, lat_min_ns, lat_max_ns, lat_count;
    uint64_t lat_ipi_count;  /* accesses during which the handler sent an IPI */
    /* quarter-octave histograms, bucket = 4*floor(log2 ns) + next 2 bits;
     * [0] every access, [1] only those that sent an IPI (sleeping path) */
    uint32_t lat_hist[2][HVSIM_LAT_BUCKETS];
    /* protocol oracle (sim/verdict/oracle.h): counted by harness code around
     * the code under test (guest.c, hypercall.c via oracle_count.h), never by
     * it, so a buggy handler or daemon cannot hide its own mistake */
    uint64_t notifies;       /* QUEUE_NOTIFY writes to a device of the run, issued */
    uint64_t syncs;          /* config accesses issued (each needs one answer) */
    uint64_t completions;    /* res_list entries for this CPU consumed by FINISH_REQ */
    uint64_t irq_missing;    /* of those, consumed in a FINISH_REQ that injected no (cpu, irq) */
    uint64_t stray_answers;  /* cfg_flags[cpu] changed while this CPU had no access in the handler */
    uint64_t stray_from, stray_to, stray_access; /* the first such change, after access #stray_access */
    uint64_t flag_after;     /* cfg_flags[cpu] when the last access returned */
    uint64_t ret_ns;         /* CLOCK_MONOTONIC when the last access returned */
    uint32_t last_ipi;       /* the last (or current) access sent an IPI to zone0 */
    uint32_t pad1;
};

enum hvsim_daemon_state {
    HVSIM_DAEMON_STARTING = 0,
    HVSIM_DAEMON_RUNNING,
    HVSIM_DAEMON_SLEEPING,  /* inside hvsim_daemon_sleep */
    HVSIM_DAEMON_EXITED,
};

struct hvsim_delay_cfg {
    uint64_t min_ns, max_ns;  /* uniform seeded delay; 0,0 = none */
    uint32_t rendezvous;      /* nonzero: meet the partner site's participant here */
    uint32_t partner;         /* enum hvsim_site of the partner */
    uint32_t jitter;          /* max spin iterations after a rendezvous (seeded) */
    uint32_t every;           /* apply only every Nth arrival (0/1 = always) */
};

struct hvsim_ctl {
    uint64_t magic;
    uint32_t version;
    uint32_t ncpus;
    uint64_t seed;
    uint64_t poll_window;
    uint32_t ndevices;
    uint32_t ipi_drop_every;  /* fault: drop every Nth IPI (0 = never) */
    struct hvsim_device devices[HVSIM_DEVS];
    struct hvsim_delay_cfg delay[HVSIM_SITE__COUNT];

    /* lifecycle */
    uint32_t go;              /* supervisor → all: start */
    uint32_t stop;            /* supervisor → all: stop (futex word) */
    uint32_t hv_ready, be_ready;
    int32_t hv_pid, be_pid;
    int32_t be_tid;

    /* kernel-module shim: IPI counter is the futex word the daemon sleeps on */
    uint32_t ipi_sent;        /* futex word */
    uint32_t ipi_consumed;
    uint32_t ipi_dropped;
    uint32_t daemon_state;    /* enum hvsim_daemon_state */
    uint64_t daemon_sleeps;
    uint64_t daemon_wakes;
    uint64_t requests_served;

    /* FINISH_REQ hypercall: counter is the futex word the hv service thread waits on */
    uint32_t hc_sent;
    uint32_t hc_done;

    /* rendezvous counters per site (arrivals) */
    uint32_t rv_arrive[HVSIM_SITE__COUNT];
    uint64_t rv_met, rv_timeout;
    uint64_t site_hits[HVSIM_SITE__COUNT];

    struct hvsim_cpu_ctl cpu[HVSIM_CPUS];

    /* bench: guest think time between accesses (spun in hv_main, outside the
     * timed trap) so the daemon is asleep when the next trap comes; 0 = none */
    uint64_t bench_gap_ns;

    /* crash report, written by the dying participant's signal handler:
     * its return addresses and the runtime address of its main(), from which
     * the supervisor derives the load bias to symbolise them offline */
    struct {
        uint32_t sig;
        uint32_t npcs;
        int32_t tid;
        uint32_t who;        /* 1 hypervisor, 2 backend */
        uint64_t main_addr;
        uint64_t pcs[16];
    } crash;

    /* ---- protocol oracle evidence (appended; see sim/verdict/oracle.h) ---- */
    int32_t hc_tid;           /* host tid of the thread serving FINISH_REQ */
    uint32_t pad2;
    /* the FINISH_REQ boundary (hypercall.c, oracle_count.h): per call the
     * res_list entries hv_finish_req() consumed, each checked for an
     * injection of its (cpu, irq) in that same call */
    struct {
        uint64_t calls;           /* FINISH_REQ calls served */
        uint64_t consumed;        /* res_list entries consumed, all calls */
        uint64_t foreign;         /* consumed entries whose target_zone is no CPU of the run */
        uint64_t overread;        /* entries consumed beyond what the ring held at the call */
        uint64_t missing;         /* entries consumed without their (cpu, irq) injected */
        uint64_t miss_call;       /* first such entry: call number (1-based), slot, zone, irq */
        uint32_t miss_slot, miss_zone, miss_irq, miss_ninj;
        uint32_t front_before, rear_before, front_after; /* the last call */
        uint32_t in_call;         /* nonzero while hv_finish_req() runs */
        uint32_t ninj;            /* injections in the current call (capped) */
        uint32_t inj_over;        /* more injections than recorded: not judged */
        uint32_t inj_cpu[64], inj_irq[64];
    } fin;
    /* the daemon's last hvsim_daemon_sleep() entry: the ring and need_wakeup
     * as the shim read them (seq_cst) after the daemon's own re-check */
    uint64_t sleep_ns;
    uint32_t sleep_front, sleep_rear, sleep_need_wakeup, pad3;
    /* HVSIM_ASSERT (first failure wins) */
    struct {
        uint32_t set;             /* 1 once written (CAS 0 -> 2 -> 1) */
        int32_t line;
        uint32_t who;             /* 1 hypervisor, 2 backend */
        int32_t cpu;              /* hv CPU, -1 otherwise */
        char file[160], func[64], msg[200];
    } assert_fail;

    /* issue 18 (scenario 'boot daemon-first', 'mask-by-size on') */
    uint32_t boot_daemon_first; /* CPUs wait for the daemon's first sleep */
    uint32_t mask_by_size;      /* guest reads keep `size` bytes of the value */
};

/* What a guest register load of `size` bytes keeps of the handler's 64-bit
 * value (hvisor's instruction emulation writes only `size` bytes back). */
static inline uint64_t hvsim_mask_to_size(uint64_t v, uint32_t size)
{
    return size >= 8 ? v : v & ((1ull << (8u * size)) - 1u);
}

#define HVSIM_REGION_SIZE \
    (HVSIM_BRIDGE_PAGE + ((sizeof(struct hvsim_ctl) + 4095u) & ~4095u))

static inline struct virtio_bridge *hvsim_region_bridge(void *base)
{
    return (struct virtio_bridge *)base;
}
static inline struct hvsim_ctl *hvsim_region_ctl(void *base)
{
    return (struct hvsim_ctl *)((char *)base + HVSIM_BRIDGE_PAGE);
}

#endif
