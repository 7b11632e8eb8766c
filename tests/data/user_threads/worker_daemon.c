/* tests/data/user_threads/worker_daemon.c — a backend written as a user
 * would: the daemon (backend_run) only moves requests from the shared ring
 * to a queue in its own memory; two worker pthreads it starts serve them
 * (config answers in cfg_values/cfg_flags, queue completions in res_list +
 * FINISH_REQ).  Daemon and worker share the queue under a mutex, with one
 * condvar for "work" and one for "room".
 *
 * -DBUG_LOST_SIGNAL: the worker looks at the queue before taking the mutex
 * and then waits; the daemon's push and signal can fall in between, the
 * signal is lost, the request is never answered.
 * -DBUG_NO_LOCK: a worker sees the queue non-empty under the mutex but takes
 * the request after dropping it: the other worker can take the same one, and
 * the head runs past the tail.
 * Both bugs need a particular interleaving of the two threads. */
#include <hvsim/platform.h>
#include <pthread.h>
HVSIM_REQUIRE_PLATFORM_VERSION(1);

#define QLEN 4     /* small on purpose: the daemon waits for room too */
#ifdef BUG_LOST_SIGNAL
#define NWORKERS 1 /* with two, the other worker would take the request whose signal was lost */
#else
#define NWORKERS 2
#endif

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER, room = PTHREAD_COND_INITIALIZER;
static struct device_req q[QLEN];
static unsigned qhead, qtail; /* taken, pushed (free-running) */
static int quit;

static const struct hvsim_device *device_at(uint64_t addr)
{
    for (unsigned i = 0; i < hvsim_ndevices(); i++) {
        const struct hvsim_device *d = hvsim_device(i);
        if (addr >= d->base && addr < d->base + VIRTIO_MMIO_WINDOW)
            return d;
    }
    return 0;
}

static uint64_t reg_read(const struct hvsim_device *d, uint64_t off, uint32_t size)
{
    uint64_t v = 0;
    if (off >= VIRTIO_MMIO_CONFIG) {
        for (uint32_t i = 0; i < size && i < 8; i++)
            if (off - VIRTIO_MMIO_CONFIG + i < sizeof d->config)
                v |= (uint64_t)d->config[off - VIRTIO_MMIO_CONFIG + i] << (8 * i);
        return v;
    }
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return 2;
    case VIRTIO_MMIO_DEVICE_ID: return d->device_id;
    case VIRTIO_MMIO_VENDOR_ID: return d->vendor_id;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return d->queue_num_max;
    default: return 0;
    }
}

/* ---- the worker ---------------------------------------------------------- */
static void answer(struct virtio_bridge *b, const struct device_req *r, const struct hvsim_device *d)
{
    unsigned cpu = (unsigned)r->src_cpu;
    if (cpu >= HVSIM_MAX_CPUS)
        return;
    hvsim_delay(HVSIM_SITE_BE_BEFORE_ANSWER);
    if (!r->is_write)
        __atomic_store_n(&b->cfg_values[cpu], d ? reg_read(d, r->address - d->base, r->size) : 0,
                         __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    hvsim_flag_t f = __atomic_load_n(&b->cfg_flags[cpu], __ATOMIC_RELAXED);
    __atomic_store_n(&b->cfg_flags[cpu], (hvsim_flag_t)(f + 1), __ATOMIC_RELAXED);
}

/* Two workers complete: the result ring's push is under res_mu (without
 * it two completers write the same slot and one completion is lost — the
 * protocol oracle's LOST_COMPLETION, found by det in ~3 of 100 pct runs). */
static pthread_mutex_t res_mu = PTHREAD_MUTEX_INITIALIZER;

static void complete(struct virtio_bridge *b, const struct device_req *r, const struct hvsim_device *d)
{
    hvsim_delay(HVSIM_SITE_BE_BEFORE_COMPLETE);
    for (;;) {
        pthread_mutex_lock(&res_mu);
        uint32_t rear = __atomic_load_n(&b->res_rear, __ATOMIC_RELAXED);
        if (!hvsim_ring_full(__atomic_load_n(&b->res_front, __ATOMIC_ACQUIRE), rear)) {
            b->res_list[rear].target_zone = r->src_zone;
            b->res_list[rear].irq_id = d->irq_id;
            __atomic_store_n(&b->res_rear, hvsim_ring_next(rear), __ATOMIC_RELEASE);
            pthread_mutex_unlock(&res_mu);
            break;
        }
        pthread_mutex_unlock(&res_mu);
        hvsim_hypercall_finish_req();
    }
    hvsim_hypercall_finish_req();
}

static void *worker(void *arg)
{
    struct virtio_bridge *b = arg;
    for (;;) {
#ifdef BUG_LOST_SIGNAL
        int empty = qhead == qtail && !quit; /* BUG: looked at without the mutex */
        pthread_mutex_lock(&mu);
        if (empty)
            pthread_cond_wait(&work, &mu);
#else
        pthread_mutex_lock(&mu);
#endif
        while (qhead == qtail && !quit)
            pthread_cond_wait(&work, &mu);
        if (qhead == qtail) { /* quit, and nothing left */
            pthread_mutex_unlock(&mu);
            return 0;
        }
#ifdef BUG_NO_LOCK
        pthread_mutex_unlock(&mu); /* BUG: the request is taken without the mutex */
        struct device_req r = q[qhead % QLEN];
        qhead++;
        pthread_mutex_lock(&mu);
#else
        struct device_req r = q[qhead % QLEN];
        qhead++;
#endif
        pthread_cond_signal(&room);
        pthread_mutex_unlock(&mu);
        const struct hvsim_device *d = device_at(r.address);
        int notify = r.is_write && d && r.address - d->base == VIRTIO_MMIO_QUEUE_NOTIFY;
        if (notify)
            complete(b, &r, d);
        else if (!(r.is_write && r.address % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY))
            answer(b, &r, d);
    }
}

/* ---- the daemon ---------------------------------------------------------- */
static void hand_over(const struct device_req *r)
{
    pthread_mutex_lock(&mu);
    while (qtail - qhead == QLEN)
        pthread_cond_wait(&room, &mu);
    q[qtail % QLEN] = *r;
    qtail++;
    pthread_cond_signal(&work);
    pthread_mutex_unlock(&mu);
}

void backend_run(void)
{
    struct virtio_bridge *b = hvsim_bridge();
    pthread_t w[NWORKERS];
    quit = 0;
    qhead = qtail = 0;
    for (int i = 0; i < NWORKERS; i++)
        if (pthread_create(&w[i], 0, worker, b) != 0)
            return;
    while (!hvsim_should_stop()) {
        __atomic_store_n(&b->need_wakeup, 0, __ATOMIC_RELAXED);
        uint32_t front = __atomic_load_n(&b->req_front, __ATOMIC_RELAXED);
        while (front != __atomic_load_n(&b->req_rear, __ATOMIC_ACQUIRE)) {
            struct device_req r = b->req_list[front];
            front = hvsim_ring_next(front);
            __atomic_store_n(&b->req_front, front, __ATOMIC_RELEASE);
            hand_over(&r);
        }
        hvsim_delay(HVSIM_SITE_BE_BEFORE_SLEEP);
        __atomic_store_n(&b->need_wakeup, 1, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&b->req_rear, __ATOMIC_RELAXED) != __atomic_load_n(&b->req_front, __ATOMIC_RELAXED))
            continue;
        if (hvsim_daemon_sleep() < 0)
            break;
    }
    pthread_mutex_lock(&mu);
    quit = 1;
    pthread_cond_broadcast(&work);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(w[i], 0);
}
