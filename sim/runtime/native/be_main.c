/* sim/runtime/native/be_main.c — the backend process: the daemon (backend_run)
 * on its own thread of control, as hvisor-tool's daemon is in zone0. */
#define _GNU_SOURCE
#include "runtime/common/participant.h"
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    participant_attach(argc, argv, "backend");
    g_rng = g_ctl->seed ^ 0xbacce11dull;
    __atomic_store_n(&g_ctl->be_tid, participant_tid(), __ATOMIC_RELEASE);
    __atomic_store_n(&g_ctl->be_ready, 1, __ATOMIC_RELEASE);
    participant_wait_go();
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_RUNNING, __ATOMIC_RELEASE);
    backend_run();
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_EXITED, __ATOMIC_RELEASE);
    _exit(0);
}
