/* tests/wmm/daemon_no_write_barrier.c — backend/daemon.c without the write
 * barrier between the cfg_values[cpu] store and the cfg_flags[cpu] store
 * (issue 17, bug 1).  Both stores are relaxed: on ARMv8 and RISC-V they may
 * become visible in either order (W->W is not in ppo), so a hypervisor that
 * acquires the new flag can still read the old value.  dmb ish / fence rw,w
 * between them (the release fence of the reference) forbids it; under x86-TSO
 * stores stay in order and it passes. */
#define BE_WRITE_BARRIER() do { } while (0)
#include "../../backend/daemon.c"
