/* sim/runtime/det/det_access.c — the plain-access half of the
 * ThreadSanitizer ABI (__tsan_read/__tsan_write, volatile, unaligned and
 * range variants, function entry/exit).  An access to the bridge page is a
 * scheduling point; private memory runs at full speed (see priv_write).
 * Each hook reads RA itself, so the recorded pc is the access site. */
#include "det_rt_int.h"
#include <string.h>

static void access_rw(const volatile void *a, uint32_t n, int kind, uint64_t pc)
{
    if (!active())
        return;
    uint32_t off = (uint32_t)((uintptr_t)a - (uintptr_t)det_M);
    if (off + n > HVSIM_BRIDGE_PAGE)
        n = HVSIM_BRIDGE_PAGE - off;
    if (det_rt_sched(pc) < 0)
        return;
    struct det_thread *me = &det_S->t[det_self];
    me->last_off = off;
    me->last_kind = (uint32_t)kind;
    if (kind == EV_READ || kind == EV_VREAD) {
        if (wmm_on(det_S))
            det_wmm_load(off, n, WMM_PLAIN);
        uint64_t v = det_peek(off, n);
        me->last_val = v;
        det_rt_note_read(off, n, v);
        det_rt_ev_add(kind, off, n, v, 0, pc);
    } else {
        det_rt_pend_off = off;
        det_rt_pend_size = n;
        det_rt_pend_on = 1;
        det_rt_pend_ev = det_rt_ev_add(kind, off, n, 0, 0, pc);
    }
}

/* Private memory (outside the bridge page).  Plain loads and stores of it
 * run at full speed and are no scheduling points; two things still matter:
 *  - TSO order: a store to memory other threads can see must not pass the
 *    bridge stores buffered ahead of it (one FIFO per thread), so a
 *    non-stack private store first drains the caller's buffer — an order
 *    TSO allows.  The thread's own stack is exempt (nobody else reads it).
 *  - volatile private accesses are scheduling points: a volatile flag
 *    between two threads of one process is how such code waits. */
static inline int own_stack(const volatile void *a)
{
    return (uintptr_t)a - det_rt_stk_lo < det_rt_stk_len;
}

static void priv_write(const volatile void *a)
{
    if (det_self < 0 || own_stack(a) || !active() || !det_S->tso)
        return;
    if (det_rt_pend_on)
        det_rt_capture();
    if (det_S->t[det_self].sb_n)
        det_rt_drain_all(det_self);
}

static void priv_volatile(const volatile void *a, uint32_t n, int write, uint64_t pc)
{
    if (det_self < 0 || own_stack(a) || !active())
        return;
    if (det_rt_sched(pc) < 0)
        return;
    uint32_t key = priv_key(a);
    if (write) {
        if (det_S->tso)
            det_rt_drain_all(det_self);
        det_rt_wake_readers(key, n);
        return;
    }
    uint64_t v = 0;
    memcpy(&v, (const void *)a, n > 8 ? 8 : n);
    det_rt_note_read(key, n, v);
}

#define RD(name, n, kind)                                                    \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
    }
#define WR(name, n, kind)                                                    \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
        else                                                                 \
            priv_write(a);                                                   \
    }
#define VOL(name, n, kind, w)                                                \
    void name(void *a)                                                       \
    {                                                                        \
        if (__builtin_expect(in_bridge(a), 0))                               \
            access_rw(a, n, kind, RA);                                       \
        else                                                                 \
            priv_volatile(a, n, w, RA);                                      \
    }
RD(__tsan_read1, 1, EV_READ) RD(__tsan_read2, 2, EV_READ) RD(__tsan_read4, 4, EV_READ)
RD(__tsan_read8, 8, EV_READ) RD(__tsan_read16, 16, EV_READ)
WR(__tsan_write1, 1, EV_WRITE) WR(__tsan_write2, 2, EV_WRITE) WR(__tsan_write4, 4, EV_WRITE)
WR(__tsan_write8, 8, EV_WRITE) WR(__tsan_write16, 16, EV_WRITE)
RD(__tsan_unaligned_read2, 2, EV_READ) RD(__tsan_unaligned_read4, 4, EV_READ)
RD(__tsan_unaligned_read8, 8, EV_READ) RD(__tsan_unaligned_read16, 16, EV_READ)
WR(__tsan_unaligned_write2, 2, EV_WRITE) WR(__tsan_unaligned_write4, 4, EV_WRITE)
WR(__tsan_unaligned_write8, 8, EV_WRITE) WR(__tsan_unaligned_write16, 16, EV_WRITE)
VOL(__tsan_volatile_read1, 1, EV_VREAD, 0) VOL(__tsan_volatile_read2, 2, EV_VREAD, 0)
VOL(__tsan_volatile_read4, 4, EV_VREAD, 0) VOL(__tsan_volatile_read8, 8, EV_VREAD, 0)
VOL(__tsan_volatile_read16, 16, EV_VREAD, 0)
VOL(__tsan_volatile_write1, 1, EV_VWRITE, 1) VOL(__tsan_volatile_write2, 2, EV_VWRITE, 1)
VOL(__tsan_volatile_write4, 4, EV_VWRITE, 1) VOL(__tsan_volatile_write8, 8, EV_VWRITE, 1)
VOL(__tsan_volatile_write16, 16, EV_VWRITE, 1)
VOL(__tsan_unaligned_volatile_read2, 2, EV_VREAD, 0) VOL(__tsan_unaligned_volatile_read4, 4, EV_VREAD, 0)
VOL(__tsan_unaligned_volatile_read8, 8, EV_VREAD, 0) VOL(__tsan_unaligned_volatile_read16, 16, EV_VREAD, 0)
VOL(__tsan_unaligned_volatile_write2, 2, EV_VWRITE, 1) VOL(__tsan_unaligned_volatile_write4, 4, EV_VWRITE, 1)
VOL(__tsan_unaligned_volatile_write8, 8, EV_VWRITE, 1) VOL(__tsan_unaligned_volatile_write16, 16, EV_VWRITE, 1)

void __tsan_read_range(void *a, unsigned long n)
{
    if (in_bridge(a) && n)
        access_rw(a, (uint32_t)(n > 4096 ? 4096 : n), EV_READ, RA);
}

void __tsan_write_range(void *a, unsigned long n)
{
    if (in_bridge(a) && n)
        access_rw(a, (uint32_t)(n > 4096 ? 4096 : n), EV_WRITE, RA);
    else if (n)
        priv_write(a);
}

void __tsan_init(void) {}
void __tsan_func_entry(void *pc) { (void)pc; }
void __tsan_func_exit(void) { fast_capture(); }
void __tsan_vptr_update(void **p, void *v) { (void)p; (void)v; }
void __tsan_vptr_read(void **p) { (void)p; }
void __tsan_ignore_thread_begin(void) {}
void __tsan_ignore_thread_end(void) {}
