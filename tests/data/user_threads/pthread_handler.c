/* tests/data/user_threads/pthread_handler.c — a hypervisor handler written as
 * a user would, with pthreads on the hypervisor side: the CPUs take the
 * request ring under a pthread mutex (contended between the CPU threads), and
 * FINISH_REQ hands the result ring to a thread it starts and joins. */
#include <hvsim/platform.h>
#include <pthread.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;

uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    struct virtio_bridge *b = hvsim_bridge();
    unsigned cpu = hvsim_this_cpu();
    int notify = is_write && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
    hvsim_flag_t old = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE);
    for (;;) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        pthread_mutex_lock(&ring_mu);
        uint32_t rear = b->req_rear;
        if (!hvsim_ring_full(__atomic_load_n(&b->req_front, __ATOMIC_ACQUIRE), rear)) {
            struct device_req *r = &b->req_list[rear];
            r->src_cpu = cpu; r->address = addr; r->size = size; r->value = value;
            r->src_zone = hvsim_zone_of_cpu(cpu); r->is_write = !!is_write;
            r->need_interrupt = notify; r->pad = 0;
            hvsim_delay(HVSIM_SITE_HV_PUBLISH);
            __atomic_store_n(&b->req_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            pthread_mutex_unlock(&ring_mu);
            break;
        }
        pthread_mutex_unlock(&ring_mu);
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&b->need_wakeup, __ATOMIC_RELAXED)) {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
    if (notify)
        return 0;
    while (__atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_ACQUIRE) == old)
        ;
    return __atomic_load_n(&b->cfg_values[cpu], __ATOMIC_RELAXED);
}

static void *drain_results(void *arg)
{
    struct virtio_bridge *b = arg;
    while (b->res_front != __atomic_load_n(&b->res_rear, __ATOMIC_ACQUIRE)) {
        struct device_res res = b->res_list[b->res_front];
        __atomic_store_n(&b->res_front, hvsim_ring_next(b->res_front), __ATOMIC_RELEASE);
        if (hvsim_cpu_of_zone(res.target_zone) < hvsim_ncpus())
            hvsim_inject_irq(hvsim_cpu_of_zone(res.target_zone), res.irq_id);
    }
    return 0;
}

void hv_finish_req(void)
{
    pthread_t t;
    if (pthread_create(&t, 0, drain_results, hvsim_bridge()) != 0)
        drain_results(hvsim_bridge());
    else
        pthread_join(t, 0);
}
