/* tests/det/backend_sleepy.c — hvsim's reference daemon, except that it
 * waits for work by polling the ring with usleep() instead of sleeping on
 * the kernel module (an older hvisor-tool workaround did the like).  Correct
 * code: the det engine must treat the usleep() as simulated time, not block
 * in the kernel with the token, and give PASS. */
#include <hvsim/platform.h>
#include <unistd.h>

static int sleepy_wait(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    while (__atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE) ==
           __atomic_load_n(&b->req_front, __ATOMIC_RELAXED)) {
        if (hvsim_should_stop())
            return -1;
        usleep(100);
    }
    return 0;
}

#define hvsim_daemon_sleep sleepy_wait
#include "../../backend/daemon.c"
