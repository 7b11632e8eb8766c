/* tests/wmm/daemon_rear_relaxed.c — backend/daemon.c reading req_rear
 * relaxed instead of acquire (issue 17, bug 3): the ring slot the daemon
 * copies next may be read before the req_rear load that says it is there
 * (R->R is not in ppo on ARMv8 / RISC-V), so the daemon serves a stale slot.
 * An acquire load of req_rear (ldar; ld;fence r,rw) forbids it; under x86-TSO
 * loads stay in order and it passes. */
#define BE_REAR_ORDER __ATOMIC_RELAXED
#include "../../backend/daemon.c"
