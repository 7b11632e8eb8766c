/* sim/runtime/det/det_threads.c — threads the code under test creates, and the
 * pthread synchronisation it uses, under the deterministic engine.
 *
 * The participants are linked with -Wl,--wrap=pthread_X for the calls below
 * (sim/build/build.c): a call to pthread_X from the code under test (or from
 * this runtime) lands in __wrap_pthread_X, and __real_pthread_X is the C
 * library's.  --wrap rather than defining pthread_X here: the foreign builds
 * (qemu-user) link statically, where dlsym(RTLD_NEXT) does not exist, and the
 * shared libc exports no __pthread_create / __pthread_cond_wait; the linker
 * resolves __real_X the same way static or dynamic, on every target.
 *
 * THE RULES
 *  - Only the token holder may act on the engine's state.  A thread that does
 *    not hold it (not a participant, between executions, or the execution
 *    stopped) calls the C library directly: that is also how threads created
 *    before registration, or after the execution stopped, behave.
 *  - pthread_create by the token holder makes a participant: the next index
 *    (creation order follows the schedule, so the index is a function of the
 *    schedule), the creator's process, ENABLED at once.  The OS thread starts
 *    in trampoline(): register, wait for the token, run the user's function,
 *    end like a built-in participant (det_thread_done).
 *  - The token holder never blocks in the kernel on another participant: that
 *    one cannot run before the holder passes the token, so det would hang.
 *    A lock is taken with trylock; if it is busy the caller BLOCKS in the
 *    scheduler (DT_BLOCKED, DB_SYNC on the object's address) and every
 *    unlock makes its waiters candidates again, to retry.  cond_wait releases
 *    the mutex and blocks on the condvar in one step (no scheduling point in
 *    between, as POSIX's atomic release-and-wait), then relocks; signal makes
 *    the first waiter a candidate, broadcast all of them.  join blocks until
 *    the target is DT_DONE.  Blocking (not spinning) lets the engine judge at
 *    once when nothing can run: a lock-order deadlock is DEADLOCK, not a
 *    spinner left to run quiet_max points.
 *  - A timed wait does not block: time is not simulated, so "the timeout
 *    expired" is one scheduling point at which anyone may run; the caller
 *    gets ETIMEDOUT unless it was signalled meanwhile.  Timing out again on
 *    an unchanged condvar makes it a spinner (det_sync_read).
 *  - lock, unlock, the waits and thread creation are x86 locked operations
 *    or system calls: the caller's store buffer drains first.
 *  - Scheduling points: lock and unlock (unless no other participant of the
 *    process is alive: hvsim's own single-threaded daemon takes its res_mutex
 *    without a decision), signal, broadcast, join, after a create (the new
 *    thread may run at once), and every block.
 *
 * State kept here (starts[], users, objs) is per process and touched only by
 * the token holder, so it needs no lock of its own.
 */
#define _GNU_SOURCE
#include "det_rt.h"
#include "runtime/common/futex.h" /* splitmix64 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RA ((uint64_t)(uintptr_t)__builtin_return_address(0))
#define POINT(pc) det_point_pc(-1, 0, 0, pc) /* a decision; events are recorded where things happen */
#define EVENT(op, val, pc) det_event_pc(EV_SYNC, op, (uint64_t)(val), pc)

int __real_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int __real_pthread_join(pthread_t, void **);
void __real_pthread_exit(void *) __attribute__((noreturn));
int __real_pthread_mutex_lock(pthread_mutex_t *);
int __real_pthread_mutex_trylock(pthread_mutex_t *);
int __real_pthread_mutex_unlock(pthread_mutex_t *);
int __real_pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int __real_pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int __real_pthread_cond_signal(pthread_cond_t *);
int __real_pthread_cond_broadcast(pthread_cond_t *);
int __real_pthread_spin_lock(pthread_spinlock_t *);
int __real_pthread_spin_unlock(pthread_spinlock_t *);

int __wrap_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int __wrap_pthread_join(pthread_t, void **);
void __wrap_pthread_exit(void *) __attribute__((noreturn));
int __wrap_pthread_mutex_lock(pthread_mutex_t *);
int __wrap_pthread_mutex_trylock(pthread_mutex_t *);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *);
int __wrap_pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int __wrap_pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int __wrap_pthread_cond_signal(pthread_cond_t *);
int __wrap_pthread_cond_broadcast(pthread_cond_t *);
int __wrap_pthread_spin_lock(pthread_spinlock_t *);
int __wrap_pthread_spin_unlock(pthread_spinlock_t *);

/* This thread holds the token of a running execution. */
static int holding(void)
{
    struct det_shm *S = det_S;
    return det_self >= 0 && !__atomic_load_n(&S->stop, __ATOMIC_RELAXED) &&
           __atomic_load_n(&S->holder, __ATOMIC_RELAXED) == det_self;
}

/* ---- per-execution tables of this process ------------------------------------ */
static uint32_t tables_seq; /* exec_seq they belong to */
static struct { const void *addr; uint64_t signals; } objs[64];
static uint32_t nobj;
static struct { pthread_t th; int idx; } users[DET_MAXT];
static uint32_t nusers;

static void tables_fresh(void)
{
    uint32_t s = __atomic_load_n(&det_S->exec_seq, __ATOMIC_RELAXED);
    if (s != tables_seq) {
        tables_seq = s;
        nobj = nusers = 0;
    }
}

/* The object's number in this execution (1, 2, … by first use): traces name
 * objects without addresses, so the same schedule gives the same bytes. */
static uint32_t obj_id(const void *p)
{
    tables_fresh();
    for (uint32_t i = 0; i < nobj; i++)
        if (objs[i].addr == p)
            return i + 1;
    if (nobj == sizeof objs / sizeof objs[0])
        return 0;
    objs[nobj].addr = p;
    objs[nobj].signals = 0;
    return ++nobj;
}

/* The newest first: the C library reuses a joined (or exited detached)
 * thread's pthread_t for the next one. */
static int user_index(pthread_t th)
{
    tables_fresh();
    for (uint32_t i = nusers; i-- > 0;)
        if (users[i].idx >= 0 && pthread_equal(users[i].th, th))
            return (int)i;
    return -1;
}

/* ---- blocking in the scheduler --------------------------------------------------- */
/* Block until wake() on obj; 0 holding the token again, -1 when the execution
 * ended meanwhile (the caller then falls back to the C library). */
static int wait_on(const void *obj)
{
    struct det_thread *me = &det_S->t[det_self];
    me->wait_obj = (uint64_t)(uintptr_t)obj;
    return det_block(DB_SYNC);
}

static void wake(const void *obj, int all)
{
    struct det_shm *S = det_S;
    uint32_t proc = S->t[det_self].proc;
    for (uint32_t i = 0; i < S->nthreads; i++) {
        struct det_thread *t = &S->t[i];
        if (t->state == DT_BLOCKED && t->block == DB_SYNC && t->proc == proc &&
            t->wait_obj == (uint64_t)(uintptr_t)obj) {
            t->wait_obj = 0;
            det_enable((int)i);
            if (!all)
                return;
        }
    }
}

void det_enable_blocked(int why)
{
    struct det_shm *S = det_S;
    for (uint32_t i = 0; i < S->nthreads; i++)
        if (S->t[i].state == DT_BLOCKED && S->t[i].block == (uint32_t)why)
            det_enable((int)i);
}

/* Another participant of this process is alive (could contend for a lock). */
static int others_alive(void)
{
    struct det_shm *S = det_S;
    uint32_t proc = S->t[det_self].proc;
    for (uint32_t i = 0; i < S->nthreads; i++)
        if ((int)i != det_self && S->t[i].proc == proc && S->t[i].state != DT_DONE)
            return 1;
    return 0;
}

/* ---- locks (mutex, spin lock) ------------------------------------------------------ */
typedef int (*lockfn)(void *);
static int mutex_try(void *m) { return __real_pthread_mutex_trylock(m); }
static int mutex_block(void *m) { return __real_pthread_mutex_lock(m); }
static int mutex_unlock(void *m) { return __real_pthread_mutex_unlock(m); }
static int spin_try(void *s) { return pthread_spin_trylock(s); } /* not wrapped */
static int spin_block(void *s) { return __real_pthread_spin_lock(s); }
static int spin_unlock(void *s) { return __real_pthread_spin_unlock(s); }

/* Take the lock without blocking in the kernel (see the rules above).
 * point: make the attempt a scheduling point. */
static int acquire(void *obj, lockfn try_, lockfn block_, int point, uint64_t pc)
{
    if (!holding())
        return block_(obj);
    if (point && others_alive() && POINT(pc) < 0)
        return block_(obj);
    det_drain_self();
    for (;;) {
        int rc = try_(obj);
        if (rc != EBUSY) {
            EVENT(SY_LOCK, obj_id(obj), pc);
            return rc;
        }
        EVENT(SY_BLOCK, obj_id(obj), pc);
        if (wait_on(obj) < 0)
            return block_(obj); /* the execution ended: everyone runs free now */
    }
}

static int release(void *obj, lockfn unlock_, uint64_t pc)
{
    if (!holding())
        return unlock_(obj);
    det_drain_self();
    int rc = unlock_(obj);
    EVENT(SY_UNLOCK, obj_id(obj), pc);
    wake(obj, 1); /* every waiter retries; the losers block again */
    /* a point after the unlock too: "checked under the lock, acted on after
     * it" is a bug only if someone can run in between */
    if (others_alive())
        POINT(pc);
    return rc;
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m) { return acquire(m, mutex_try, mutex_block, 1, RA); }
int __wrap_pthread_mutex_unlock(pthread_mutex_t *m) { return release(m, mutex_unlock, RA); }
int __wrap_pthread_spin_lock(pthread_spinlock_t *s)
{
    return acquire((void *)s, spin_try, spin_block, 1, RA);
}
int __wrap_pthread_spin_unlock(pthread_spinlock_t *s) { return release((void *)s, spin_unlock, RA); }

int __wrap_pthread_mutex_trylock(pthread_mutex_t *m)
{
    uint64_t pc = RA;
    if (!holding() || (others_alive() && POINT(pc) < 0))
        return __real_pthread_mutex_trylock(m);
    det_drain_self();
    int rc = __real_pthread_mutex_trylock(m);
    if (rc == 0)
        EVENT(SY_LOCK, obj_id(m), pc);
    return rc;
}

/* ---- condition variables ------------------------------------------------------------ */
int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (!holding())
        return __real_pthread_cond_wait(c, m);
    uint64_t pc = RA;
    det_drain_self();
    __real_pthread_mutex_unlock(m);
    wake(m, 1);
    EVENT(SY_WAIT, obj_id(c), pc);
    if (wait_on(c) < 0) { /* ended while waiting: a spurious wakeup, mutex held as promised */
        __real_pthread_mutex_lock(m);
        return 0;
    }
    return acquire(m, mutex_try, mutex_block, 0, pc);
}

int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts)
{
    if (!holding())
        return __real_pthread_cond_timedwait(c, m, ts);
    uint64_t pc = RA;
    uint32_t id = obj_id(c);
    uint64_t before = id ? objs[id - 1].signals : 0;
    det_drain_self();
    __real_pthread_mutex_unlock(m);
    wake(m, 1);
    EVENT(SY_TIMEDWAIT, id, pc);
    if (POINT(pc) < 0) {
        __real_pthread_mutex_lock(m);
        return 0;
    }
    uint64_t after = id ? objs[id - 1].signals : 0;
    det_sync_read(c, after);
    int rc = acquire(m, mutex_try, mutex_block, 0, pc);
    return rc ? rc : after != before ? 0 : ETIMEDOUT;
}

static int notify(pthread_cond_t *c, int all, uint64_t pc)
{
    uint32_t id = obj_id(c);
    if (POINT(pc) == 0) {
        det_drain_self();
        EVENT(all ? SY_BROADCAST : SY_SIGNAL, id, pc);
        if (id)
            objs[id - 1].signals++;
        det_sync_write(c);
        wake(c, all);
    }
    return all ? __real_pthread_cond_broadcast(c) : __real_pthread_cond_signal(c);
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
    return holding() ? notify(c, 0, RA) : __real_pthread_cond_signal(c);
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
    return holding() ? notify(c, 1, RA) : __real_pthread_cond_broadcast(c);
}

/* ---- threads ------------------------------------------------------------------------ */
static struct start { void *(*fn)(void *); void *arg; int idx, proc; } starts[DET_MAXT];
static char join_key[DET_MAXT];  /* joiners of thread i wait on &join_key[i] */
static __thread int my_user = -1; /* this OS thread's index if the code under test made it */

static void thread_end(int idx)
{
    if (holding()) {
        EVENT(SY_EXIT, idx, 0);
        wake(&join_key[idx], 1);
    }
    det_thread_done();
}

static void *trampoline(void *p)
{
    struct start st = *(struct start *)p;
    my_user = st.idx;
    det_register(st.idx, st.proc);
    void *ret = 0;
    if (det_first() == 0)
        ret = st.fn(st.arg);
    thread_end(st.idx);
    return ret;
}

/* Slot idx becomes a participant: fresh state, enabled.  Under pct it gets a
 * random rank among the priorities (drawn from the run's generator, so a
 * seed still means one schedule). */
static void new_slot(struct det_shm *S, uint32_t idx, uint32_t proc)
{
    struct det_thread *t = &S->t[idx];
    memset(t, 0, sizeof *t);
    t->proc = proc;
    t->state = DT_ENABLED;
    t->block = DB_NONE;
    if (S->strategy == DET_PCT) {
        uint32_t p = S->pct_ncp + 1 + (uint32_t)(splitmix64(&S->rng) % (idx + 1));
        for (uint32_t i = 0; i < idx; i++)
            if (S->t[i].prio >= p)
                S->t[i].prio++;
        t->prio = p;
    }
}

int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    if (!holding())
        return __real_pthread_create(th, attr, fn, arg);
    struct det_shm *S = det_S;
    uint64_t pc = RA;
    uint32_t idx = S->nthreads;
    if (idx >= DET_MAXT) {
        fprintf(stderr, "hvsim det: pthread_create refused (EAGAIN): at most %d threads in all "
                        "(schedule letters a..z)\n", DET_MAXT);
        return EAGAIN;
    }
    det_drain_self(); /* clone: a system call */
    tables_fresh();
    starts[idx] = (struct start){ fn, arg, (int)idx, (int)S->t[det_self].proc };
    new_slot(S, idx, S->t[det_self].proc);
    __atomic_store_n(&S->nthreads, idx + 1, __ATOMIC_SEQ_CST);
    int rc = __real_pthread_create(th, attr, trampoline, &starts[idx]);
    if (rc) {
        S->t[idx].state = DT_IDLE;
        __atomic_store_n(&S->nthreads, idx, __ATOMIC_SEQ_CST);
        return rc;
    }
    users[nusers].th = *th;
    users[nusers].idx = (int)idx;
    nusers++;
    EVENT(SY_CREATE, idx, pc);
    POINT(pc); /* the new thread may run at once */
    return 0;
}

int __wrap_pthread_join(pthread_t th, void **ret)
{
    int u = holding() ? user_index(th) : -1;
    uint64_t pc = RA;
    if (u >= 0 && POINT(pc) == 0) {
        int idx = users[u].idx;
        det_drain_self();
        EVENT(SY_JOIN, idx, pc);
        while (det_S->t[idx].state != DT_DONE)
            if (wait_on(&join_key[idx]) < 0)
                break;
        if (det_S->t[idx].state == DT_DONE)
            users[u].idx = -1; /* joined: its pthread_t may name the next thread */
    }
    /* the target is done (or the execution ended): the C library's join
     * waits at most for its exit, which needs no token */
    return __real_pthread_join(th, ret);
}

void __wrap_pthread_exit(void *ret)
{
    if (my_user >= 0)
        thread_end(my_user);
    __real_pthread_exit(ret);
}
