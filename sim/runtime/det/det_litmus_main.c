/* sim/runtime/det/det_litmus_main.c — the participant of `hvsim litmus`
 * (sim/litmus/): one process, one thread per litmus thread P0..Pn-1, under
 * the det runtime's token passing and memory model, like the hv process's
 * CPU threads.
 *
 * The generated test (sim/litmus/lit_gen.c, compiled with the TSan-ABI
 * instrumentation at the chosen compiler and -O level) provides
 * hvsim_litmus_thread(): thread t runs its Pt with every shared location
 * pointing into the bridge page M, so each of its accesses goes through the
 * model.  Its registers live on this thread's own stack (the runtime ignores
 * the stack), and are copied into the result area of the page afterwards.
 *
 * One scheduling point after the body: without it the thread would end (and
 * drain its buffer in order, as a kernel entry does) right after its last
 * access, and no other thread could ever see its stores out of order.
 * With nothing buffered the point would only double the interleavings. */
#define _GNU_SOURCE
#include "det_rt.h"
#include "det_litmus.h"
#include "runtime/common/participant.h"
#include <pthread.h>
#include <string.h>
#include <unistd.h>

void hvsim_litmus_thread(unsigned t, uint8_t *mem, int64_t *regs);

static void *lit_thread(void *arg)
{
    unsigned t = (unsigned)(uintptr_t)arg;
    det_register((int)t, 0);
    while (det_begin() == 0) {
        if (det_first() == 0) {
            int64_t regs[LIT_MAXREG];
            memset(regs, 0, sizeof regs);
            hvsim_litmus_thread(t, det_M, regs);
            /* G and M alike: nothing buffers these bytes, so both show them */
            uint32_t off = LIT_RES_OFF + t * LIT_MAXREG * 8;
            memcpy(det_S->G + off, regs, sizeof regs);
            memcpy(det_M + off, regs, sizeof regs);
            if (det_S->t[t].sb_n) /* nothing buffered: ending now is the same */
                det_point_pc(-1, 0, 0, 0);
        }
        det_thread_done();
        __atomic_add_fetch(&det_S->idle, 1, __ATOMIC_SEQ_CST);
    }
    return 0;
}

int main(int argc, char **argv)
{
    det_attach(argc, argv, "litmus");
    unsigned n = det_S->ncpus;
    pthread_t th[LIT_MAXT];
    if (n > LIT_MAXT)
        return 3;
    for (unsigned i = 0; i < n; i++)
        if (pthread_create(&th[i], 0, lit_thread, (void *)(uintptr_t)i))
            return 3;
    __atomic_store_n(&det_S->ready[0], 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&det_S->ready[1], 1, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < n; i++)
        pthread_join(th[i], 0);
    _exit(0);
}
