/* sim/verdict/bridge_names.c — see bridge_names.h.  The one place that
 * knows the bridge layout by offset (det traces, tsan/helgrind reports and
 * the oracle's texts all name fields through it). */
#include "bridge_names.h"
#include <inttypes.h>
#include <stdio.h>
#include "hvsim/bridge.h"
#include "runtime/common/control.h"

int bridge_field_name(uint64_t off, int layout_old, char *buf, size_t n)
{
    const uint64_t ncpus = layout_old ? 16 : 32, ndevs = layout_old ? 4 : 8;
    const uint64_t flag_sz = layout_old ? 1 : 8;
    const uint64_t flags = 1552, values = flags + ncpus * flag_sz;
    const uint64_t addrs = values + ncpus * 8, avail = addrs + ndevs * 8;
    const uint64_t total = layout_old ? 1736 : 2136;
    static const char *const word[] = { "req_front", "req_rear", "res_front", "res_rear" };
    if (off >= total)
        return -1;
    if (off < 16)
        snprintf(buf, n, "%s", word[off / 4]);
    else if (off < 1296) {
        uint64_t i = (off - 16) / 40, o = (off - 16) % 40;
        const char *f = o < 8 ? "src_cpu" : o < 16 ? "address" : o < 24 ? "size" : o < 32 ? "value"
                      : o < 36 ? "src_zone" : o == 36 ? "is_write" : o == 37 ? "need_interrupt" : "pad";
        snprintf(buf, n, "req_list[%" PRIu64 "].%s", i, f);
    } else if (off < flags) {
        uint64_t i = (off - 1296) / 8, o = (off - 1296) % 8;
        snprintf(buf, n, "res_list[%" PRIu64 "].%s", i, o < 4 ? "target_zone" : "irq_id");
    } else if (off < values)
        snprintf(buf, n, "cfg_flags[%" PRIu64 "]", (off - flags) / flag_sz);
    else if (off < addrs)
        snprintf(buf, n, "cfg_values[%" PRIu64 "]", (off - values) / 8);
    else if (off < avail)
        snprintf(buf, n, "mmio_addrs[%" PRIu64 "]", (off - addrs) / 8);
    else if (off == avail)
        snprintf(buf, n, "mmio_avail");
    else if (off == avail + 1)
        snprintf(buf, n, "need_wakeup");
    else
        snprintf(buf, n, "(padding at offset %" PRIu64 ")", off);
    return 0;
}

const char *daemon_state_words(uint32_t state)
{
    switch (state) {
    case HVSIM_DAEMON_STARTING: return "starting (not yet in its loop)";
    case HVSIM_DAEMON_RUNNING: return "running (not in hvsim_daemon_sleep)";
    case HVSIM_DAEMON_SLEEPING: return "asleep in hvsim_daemon_sleep";
    case HVSIM_DAEMON_EXITED: return "exited";
    default: return "in an unknown state";
    }
}

const char *cpu_state_words(uint32_t state)
{
    switch (state) {
    case HVSIM_CPU_IDLE: return "not started";
    case HVSIM_CPU_GUEST: return "running guest code between accesses";
    case HVSIM_CPU_IN_HANDLER: return "inside the handler";
    case HVSIM_CPU_DONE: return "done with its accesses";
    case HVSIM_CPU_WRONG: return "stopped on a wrong value";
    default: return "in an unknown state";
    }
}

void ring_words(const char *what, uint32_t front, uint32_t rear, char *buf, size_t n)
{
    if (front >= HVSIM_MAX_REQ || rear >= HVSIM_MAX_REQ) {
        snprintf(buf, n, "has indices outside the ring (front %u, rear %u; %u slots)", front, rear,
                 HVSIM_MAX_REQ);
        return;
    }
    uint32_t k = hvsim_ring_count(front, rear);
    if (!k)
        snprintf(buf, n, "is empty (front = rear = %u)", front);
    else if (hvsim_ring_full(front, rear))
        snprintf(buf, n, "is full: %u %ss (front %u, rear %u)", k, what, front, rear);
    else
        snprintf(buf, n, "holds %u %s%s (front %u, rear %u)", k, what, k == 1 ? "" : "s", front, rear);
}
