/* sim/runtime/threads/threads_quiesce.c — see quiesce.h. */
#include "quiesce.h"
#include "runtime/common/oracle_count.h"
#include <stdio.h>
#include <string.h>

void thr_quiesce_init(struct thr_quiesce *q, uint64_t window_ns)
{
    memset(q, 0, sizeof *q);
    q->window_ns = window_ns;
    q->cpu_time = thr_thread_cpu_ns;
}

int64_t thr_thread_cpu_ns(int tid)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/task/%d/schedstat", tid);
    FILE *f = fopen(p, "r");
    unsigned long long ns;
    int ok = f && fscanf(f, "%llu", &ns) == 1;
    if (f)
        fclose(f);
    return ok ? (int64_t)ns : -1;
}

/* Every CPU waiting in the handler ran during the window. */
static int waiters_ran(struct thr_quiesce *q, const struct hvsim_ctl *ctl, unsigned ncpus)
{
    for (unsigned i = 0; i < ncpus && i < HVSIM_CPUS; i++) {
        if (q->s.cpu_state[i] != HVSIM_CPU_IN_HANDLER)
            continue;
        int64_t t = q->cpu_time(ctl->cpu[i].tid);
        if (t < 0 || q->cpu_ns0[i] < 0 || t - q->cpu_ns0[i] < THR_QUIESCE_RAN_NS)
            return 0;
    }
    return 1;
}

static int waits_for_answer(const struct hvsim_cpu_ctl *c, uint64_t cur)
{
    if (cur >= c->naccess || cur >= HVSIM_MAX_ACCESS)
        return 0;
    const struct hvsim_access *a = &c->acc[cur];
    return oracle_is_sync(a);
}

static void sample(struct thr_quiesce_state *s, const struct hvsim_ctl *ctl, const struct virtio_bridge *b,
                   unsigned ncpus)
{
    memset(s, 0, sizeof *s);
    s->daemon_state = __atomic_load_n(&ctl->daemon_state, __ATOMIC_ACQUIRE);
    s->daemon_sleeps = __atomic_load_n(&ctl->daemon_sleeps, __ATOMIC_ACQUIRE);
    s->daemon_wakes = __atomic_load_n(&ctl->daemon_wakes, __ATOMIC_ACQUIRE);
    s->ipi_sent = __atomic_load_n(&ctl->ipi_sent, __ATOMIC_ACQUIRE);
    s->ipi_consumed = __atomic_load_n(&ctl->ipi_consumed, __ATOMIC_ACQUIRE);
    s->ipi_dropped = __atomic_load_n(&ctl->ipi_dropped, __ATOMIC_ACQUIRE);
    s->hc_sent = __atomic_load_n(&ctl->hc_sent, __ATOMIC_ACQUIRE);
    s->hc_done = __atomic_load_n(&ctl->hc_done, __ATOMIC_ACQUIRE);
    s->req_front = __atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE);
    s->req_rear = __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE);
    s->need_wakeup = __atomic_load_n(&b->need_wakeup, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < ncpus && i < HVSIM_CPUS; i++) {
        s->cpu_state[i] = __atomic_load_n(&ctl->cpu[i].state, __ATOMIC_ACQUIRE);
        s->cpu_cur[i] = __atomic_load_n(&ctl->cpu[i].cur, __ATOMIC_ACQUIRE);
        s->cpu_done[i] = __atomic_load_n(&ctl->cpu[i].done, __ATOMIC_ACQUIRE);
    }
}

static int holds(const struct thr_quiesce_state *s, const struct hvsim_ctl *ctl, unsigned ncpus)
{
    if (s->daemon_state != HVSIM_DAEMON_SLEEPING || s->req_front == s->req_rear ||
        s->ipi_sent != s->ipi_consumed || s->hc_sent != s->hc_done)
        return 0;
    unsigned waiting = 0;
    for (unsigned i = 0; i < ncpus && i < HVSIM_CPUS; i++) {
        if (s->cpu_state[i] == HVSIM_CPU_DONE || s->cpu_state[i] == HVSIM_CPU_WRONG)
            continue;
        if (s->cpu_state[i] != HVSIM_CPU_IN_HANDLER || !waits_for_answer(&ctl->cpu[i], s->cpu_cur[i]))
            return 0;
        waiting++;
    }
    return waiting > 0;
}

int thr_quiesce_poll(struct thr_quiesce *q, const struct hvsim_ctl *ctl, const struct virtio_bridge *view,
                     unsigned ncpus, uint64_t now_ns)
{
    struct thr_quiesce_state s;
    sample(&s, ctl, view, ncpus);
    if (!holds(&s, ctl, ncpus)) {
        q->since_ns = 0;
        return 0;
    }
    if (!q->since_ns || memcmp(&s, &q->s, sizeof s)) {
        q->since_ns = now_ns; /* held, but something moved: a new window */
        q->s = s;
        for (unsigned i = 0; i < ncpus && i < HVSIM_CPUS; i++)
            q->cpu_ns0[i] = s.cpu_state[i] == HVSIM_CPU_IN_HANDLER ? q->cpu_time(ctl->cpu[i].tid) : 0;
        return 0;
    }
    if (now_ns - q->since_ns < q->window_ns)
        return 0;
    if (q->stalls && vstall_table_overlaps(q->stalls, q->since_ns, now_ns)) {
        q->stall_restarts++;
        q->since_ns = 0; /* a vCPU stopped in the window: its CPU time proves nothing */
        return 0;
    }
    if (!waiters_ran(q, ctl, ncpus)) {
        q->since_ns = 0; /* no evidence the waiters are past their kick: again */
        return 0;
    }
    return 1;
}

void thr_quiesce_print(const struct thr_quiesce *q, FILE *f)
{
    const struct thr_quiesce_state *s = &q->s;
    fprintf(f, "hvsim-threads: quiescent for %llu ms: daemon asleep (slept %llu times), req_front %u, "
               "req_rear %u, need_wakeup %u, IPIs sent %u consumed %u dropped %u, FINISH_REQ sent %u done %u; "
               "windows restarted by a host CPU stall %llu\n",
            (unsigned long long)(q->window_ns / 1000000ull), (unsigned long long)s->daemon_sleeps,
            s->req_front, s->req_rear, s->need_wakeup, s->ipi_sent, s->ipi_consumed, s->ipi_dropped,
            s->hc_sent, s->hc_done, (unsigned long long)q->stall_restarts);
}
