/* sim/engine/native/native_restart.c — the restart-daemon fault: kill an
 * idle daemon and start a new one (docs/scenarios.md, test_restart_idle). */
#include "native_restart.h"
#include "native_stall.h"
#include "runtime/common/futex.h"
#include "verdict/oracle.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fault: after N completed accesses, once the daemon is idle (asleep in the
 * shim, so no request is half-served), SIGKILL it and start a new one.  The
 * new daemon re-initialises its devices and drains whatever is pending; the
 * IPI counters live in the control area, so no wakeup is lost by the
 * restart itself.  Returns 1 when restarted, 0 not yet.  Asleep when
 * looked at is not asleep when killed (woken, it may take a request that is
 * then lost), so it is stopped and looked at again: still SLEEPING, it took
 * nothing (it leaves the state before it touches the ring).  Asleep is the
 * main thread's state: a daemon's worker thread may still hold a request it
 * took (tests/data/user_threads/worker_daemon.c), so nothing may be held
 * either (oracle_daemon_holds, judged while stopped).  *gap_ms widens
 * the first gap (HVSIM_TEST_RESTART_GAP_MS, test_restart_idle). */
int native_restart_daemon(const struct hvsim_runcfg *c, struct region *rg, struct proc *ps,
                          char **argv, pid_t pgid, struct run_result *r, uint64_t t_us, unsigned *gap_ms,
                          char *err, size_t errlen)
{
    struct hvsim_ctl *ctl = rg->ctl;
    uint64_t done = 0;
    for (unsigned i = 0; i < c->ncpus; i++)
        done += __atomic_load_n(&ctl->cpu[i].done, __ATOMIC_RELAXED);
    if (done < c->restart_daemon_after ||
        __atomic_load_n(&ctl->daemon_state, __ATOMIC_ACQUIRE) != HVSIM_DAEMON_SLEEPING)
        return 0;
    if (*gap_ms) { /* the first look only: later ones find a real sleep */
        usleep((useconds_t)*gap_ms * 1000);
        *gap_ms = 0;
    }
    struct oracle_snap held;
    if (native_stop_and_wait(ps[0].pid, 2000) <= 0 ||
        __atomic_load_n(&ctl->daemon_state, __ATOMIC_ACQUIRE) != HVSIM_DAEMON_SLEEPING ||
        (oracle_snap_take(&held, ctl, rg->bridge, now_ns()), oracle_daemon_holds(&held) >= 0)) {
        kill(ps[0].pid, SIGCONT); /* woken meanwhile, a worker holds a request, or gone */
        return 0;
    }
    kill(ps[0].pid, SIGKILL);
    int st;
    waitpid(ps[0].pid, &st, 0);
    __atomic_store_n(&ctl->be_ready, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&ctl->daemon_state, HVSIM_DAEMON_STARTING, __ATOMIC_RELEASE);
    pid_t g = pgid;
    if (proc_start_participant(argv, rg->fd, &g, &ps[0], err, errlen) < 0) {
        result_event(r, t_us, "watchdog", "daemon restart failed: %s", err);
        return 1;
    }
    result_event(r, t_us, "watchdog", "fault: daemon killed after %llu accesses and restarted",
                 (unsigned long long)done);
    return 1;
}

