/* sim/runtime/det/det_be_main.c — the backend process under the deterministic
 * engine: the daemon (backend_run) on the main thread, started once per
 * execution, returning when the execution stops. */
#define _GNU_SOURCE
#include "det_rt.h"
#include "runtime/common/participant.h"
#include <unistd.h>

int main(int argc, char **argv)
{
    det_attach(argc, argv, "backend");
    det_register((int)det_S->be_tid, 1);
    g_ctl->be_tid = participant_tid();
    __atomic_store_n(&det_S->ready[1], 1, __ATOMIC_SEQ_CST);
    while (det_begin() == 0) {
        if (det_first() == 0) {
            g_ctl->daemon_state = HVSIM_DAEMON_RUNNING;
            backend_run();
        }
        det_thread_done();
        __atomic_add_fetch(&det_S->idle, 1, __ATOMIC_SEQ_CST);
    }
    _exit(0);
}
