/* sim/runtime/det/det_hv_main.c — the hypervisor process under the deterministic
 * engine: one thread per CPU running its guest's accesses, plus the thread
 * serving FINISH_REQ.  The threads stay alive across executions: each waits
 * in det_begin() for the next one, runs its body under token passing, and
 * goes back to idle (the supervisor resets the region in between). */
#define _GNU_SOURCE
#include "det_rt.h"
#include "runtime/common/participant.h"
#include "runtime/common/oracle_count.h"
#include "det_wmm.h"
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void cpu_body(unsigned cpu)
{
    struct hvsim_cpu_ctl *c = &g_ctl->cpu[cpu];
    /* 'boot daemon-first': as on the real system, no guest traps before the
     * daemon has set need_wakeup and gone to sleep (det_platform.c enables) */
    while (g_ctl->boot_daemon_first && !g_ctl->daemon_sleeps)
        if (det_block(DB_BOOT) < 0)
            return;
    c->state = HVSIM_CPU_GUEST;
    for (uint32_t i = 0; i < c->naccess && !hvsim_should_stop(); i++) {
        const struct hvsim_access *a = &c->acc[i];
        for (uint32_t r = 0; r <= a->repeat && !hvsim_should_stop(); r++) {
            c->cur = i;
            c->flag_before = (uint64_t)g_bridge->cfg_flags[cpu];
            oracle_count_trap(g_ctl, cpu, a, c->flag_before); /* the protocol oracle's counts */
            c->state = HVSIM_CPU_IN_HANDLER;
            det_event(EV_ACCESS, i, a->addr);
            uint64_t v = hv_mmio_access(a->addr, a->size, a->is_write, a->value);
            if (hvsim_should_stop())
                return;
            oracle_count_return(g_ctl, cpu, (uint64_t)g_bridge->cfg_flags[cpu], det_S->points);
            if (g_ctl->mask_by_size && !a->is_write) /* scenario 'mask-by-size on' */
                v = hvsim_mask_to_size(v, a->size);
            det_event(EV_RESULT, i, v);
            c->state = HVSIM_CPU_GUEST;
            c->done++;
            if (a->check && !a->is_write && v != a->expect) {
                c->got = v;
                c->want = a->expect;
                c->wrong_addr = a->addr;
                c->state = HVSIM_CPU_WRONG;
                char why[160];
                snprintf(why, sizeof why, "cpu%u read 0x%llx and got 0x%llx; the device register holds 0x%llx",
                         cpu, (unsigned long long)a->addr, (unsigned long long)v,
                         (unsigned long long)a->expect);
                det_end(V_WRONG_VALUE, (int)cpu, v, a->expect, why);
                return;
            }
        }
    }
    c->state = HVSIM_CPU_DONE;
}

static void *cpu_thread(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    g_cpu = (int)cpu;
    det_register((int)cpu, 0);
    g_ctl->cpu[cpu].tid = participant_tid();
    while (det_begin() == 0) {
        if (det_first() == 0)
            cpu_body(cpu);
        det_thread_done();
        __atomic_add_fetch(&det_S->idle, 1, __ATOMIC_SEQ_CST);
    }
    return 0;
}

static void hc_body(void)
{
    struct det_shm *S = det_S;
    for (;;) {
        if (S->hc_sent == S->hc_done) {
            if (det_block(DB_HC_WAIT) < 0)
                return;
            continue;
        }
        uint32_t sent = S->hc_sent;
        if (wmm_on(S)) /* arm/riscv: a hypercall runs on the caller's CPU, after all it committed */
            det_drain_self();
        struct oracle_fin_snap fs; /* the oracle's FINISH_REQ boundary */
        oracle_fin_begin(g_ctl, g_bridge, &fs);
        hv_finish_req();
        oracle_fin_end(g_ctl, g_bridge, &fs);
        if (hvsim_should_stop())
            return;
        S->hc_done = sent;
        g_ctl->hc_done = sent;
        det_enable_blocked(DB_HC_SERVE); /* the daemon, or a thread of its own */
        if (det_point(EV_HCDONE, 0, sent) < 0)
            return;
    }
}

static void *hc_thread(void *arg)
{
    (void)arg;
    det_register((int)det_S->hc_tid, 0);
    while (det_begin() == 0) {
        if (det_first() == 0)
            hc_body();
        det_thread_done();
        __atomic_add_fetch(&det_S->idle, 1, __ATOMIC_SEQ_CST);
    }
    return 0;
}

int main(int argc, char **argv)
{
    det_attach(argc, argv, "hv");
    unsigned n = det_S->ncpus;
    pthread_t t[HVSIM_CPUS + 1];
    for (unsigned i = 0; i < n; i++)
        if (pthread_create(&t[i], 0, cpu_thread, (void *)(uintptr_t)i))
            return 3;
    if (pthread_create(&t[n], 0, hc_thread, 0))
        return 3;
    __atomic_store_n(&det_S->ready[0], 1, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i <= n; i++)
        pthread_join(t[i], 0);
    _exit(0);
}
