/* hvsim/platform.h — the platform a hypervisor MMIO handler and a backend
 * daemon are compiled against inside hvsim.  Version 2 (adds HVSIM_ASSERT).
 *
 * Everything the two sides of the handshake need from "the machine" is here:
 * the shared bridge page, the IPI to zone0, guest IRQ injection, the daemon's
 * sleep/wake, the FINISH_REQ hypercall, the current CPU, and named delay
 * points.  hvsim's own hv/ and backend/ use only this header; a user's own
 * handler or daemon does the same (see docs/porting.md).
 *
 * Each engine implements these functions differently: natively with futexes
 * over a memfd region, deterministically with token passing, or with plain
 * threads under ThreadSanitizer / Helgrind.  User code must not assume which.
 *
 * Rule for wait loops: call nothing from this header *inside* a loop that
 * waits on shared memory.  A call is a compiler barrier and would hide the
 * very bug hvsim looks for.  Delay points go at protocol sites, never in a
 * spin.
 */
#ifndef HVSIM_PLATFORM_H
#define HVSIM_PLATFORM_H

#include <stdint.h>
#include "bridge.h"
#include "virtio_mmio.h"

#define HVSIM_PLATFORM_VERSION 3
/* The oldest version whose code still builds and runs unchanged against this
 * header.  Additions (new functions, macros, delay sites) raise
 * HVSIM_PLATFORM_VERSION only; an incompatible change (a signature, the
 * bridge layout, an enum value, the meaning of a call) raises both.  The
 * rule is in docs/porting.md, "Versions and the ABI rule". */
#define HVSIM_PLATFORM_VERSION_COMPAT 1
/* Put HVSIM_REQUIRE_PLATFORM_VERSION(N); at file scope in code written
 * against version N: it does not compile when this hvsim cannot run it. */
#ifdef __cplusplus
#define HVSIM_REQUIRE_PLATFORM_VERSION(v) \
    static_assert((v) >= HVSIM_PLATFORM_VERSION_COMPAT && (v) <= HVSIM_PLATFORM_VERSION, \
                  "<hvsim/platform.h>: this hvsim does not provide the platform version this code was written for (see docs/porting.md)")
#else
#define HVSIM_REQUIRE_PLATFORM_VERSION(v) \
    _Static_assert((v) >= HVSIM_PLATFORM_VERSION_COMPAT && (v) <= HVSIM_PLATFORM_VERSION, \
                   "<hvsim/platform.h>: this hvsim does not provide the platform version this code was written for (see docs/porting.md)")
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the shared region ------------------------------------------------- */
struct virtio_bridge *hvsim_bridge(void);

/* ---- hypervisor side --------------------------------------------------- */
unsigned hvsim_this_cpu(void);   /* physical CPU of the calling hv thread */
unsigned hvsim_ncpus(void);      /* CPUs in this run */
void hvsim_ipi_zone0(void);      /* IPI to zone0: the kernel-module shim wakes the daemon */
void hvsim_inject_irq(unsigned cpu, uint32_t irq_id); /* guest IRQ on cpu */
/* Guest zone of a CPU: hvsim runs one guest zone per CPU, zone = cpu + 1. */
static inline uint32_t hvsim_zone_of_cpu(unsigned cpu) { return cpu + 1; }
static inline unsigned hvsim_cpu_of_zone(uint32_t zone) { return zone - 1; }

/* ---- backend side ------------------------------------------------------ */
int hvsim_should_stop(void);     /* nonzero when the daemon must return */
/* Block until the kernel-module shim delivers a wakeup (an IPI arrived since
 * the last call), or the run stops.  Returns 0 when woken, -1 on stop. */
int hvsim_daemon_sleep(void);
void hvsim_hypercall_finish_req(void); /* FINISH_REQ: hv drains res_list */
uint64_t hvsim_poll_window(void);      /* busy-poll iterations before sleeping */

struct hvsim_device {
    uint64_t base;        /* guest-physical MMIO base, VIRTIO_MMIO_WINDOW bytes */
    uint32_t device_id;   /* virtio device type, 0 = none */
    uint32_t vendor_id;
    uint32_t queue_num_max;
    uint32_t irq_id;
    uint64_t features;
    uint8_t config[64];   /* device config space at VIRTIO_MMIO_CONFIG */
    /* version 3: the CPU the guest routed this device's interrupt to (a GIC
     * SPI's target; scenario `irq-cpu K`), or HVSIM_IRQ_TO_REQUESTER */
    uint32_t irq_cpu;
};
unsigned hvsim_ndevices(void);
const struct hvsim_device *hvsim_device(unsigned i);
#define HVSIM_IRQ_TO_REQUESTER 0xffffffffu
/* Version 3: the CPU that must receive irq_id for a completion requested by
 * requester_cpu — the device's routed CPU when the scenario routes it
 * elsewhere, else the requester.  FINISH_REQ injects there. */
static inline unsigned hvsim_irq_target(unsigned requester_cpu, uint32_t irq_id)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (d->irq_id == irq_id && d->irq_cpu != HVSIM_IRQ_TO_REQUESTER)
            return d->irq_cpu;
    }
    return requester_cpu;
}

/* ---- delay points ------------------------------------------------------ */
enum hvsim_site {
    HVSIM_SITE_HV_BEFORE_PUSH,    /* hv: before taking the request-ring lock */
    HVSIM_SITE_HV_PUBLISH,        /* hv: slot written, before req_rear is bumped */
    HVSIM_SITE_HV_BEFORE_IPI,     /* hv: after the push, before need_wakeup is checked */
    HVSIM_SITE_BE_BEFORE_ANSWER,  /* backend: before writing a config result */
    HVSIM_SITE_BE_BEFORE_SLEEP,   /* backend: ring empty, before setting need_wakeup */
    HVSIM_SITE_BE_AFTER_WAKE,     /* backend: just woken */
    HVSIM_SITE_BE_BEFORE_COMPLETE,/* backend: before pushing a queue completion */
    HVSIM_SITE__COUNT
};
void hvsim_delay(enum hvsim_site site);

/* ---- your own invariants (version 2) ------------------------------------ */
/* HVSIM_ASSERT(cond, "message"): when cond is false the run ends with the
 * verdict ASSERTION, naming this file:line, the function and the message.
 * The failing thread does not return (it waits until hvsim ends the run).
 * Like any call, never put one inside a wait loop on shared memory. */
void hvsim_assert_fail(const char *file, int line, const char *func, const char *msg);
#define HVSIM_ASSERT(cond, msg) \
    ((cond) ? (void)0 : hvsim_assert_fail(__FILE__, __LINE__, __func__, (msg)))

/* ---- entry points the user's code provides ----------------------------- */
/* Hypervisor: a trapped guest access on the calling CPU; returns the value
 * for reads (ignored for writes). */
uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value);
/* Hypervisor: the FINISH_REQ hypercall — drain res_list, inject IRQs. */
void hv_finish_req(void);
/* Backend: the daemon; returns when hvsim_should_stop(). */
void backend_run(void);

#ifdef __cplusplus
}
#endif
#endif
