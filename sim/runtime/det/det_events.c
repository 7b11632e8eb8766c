/* sim/runtime/det/det_events.c — the trace of an execution: the events the
 * det runtime records in the shared region (the supervisor prints them, DPOR
 * reads their races).  Recording never schedules. */
#include "det_rt_int.h"

uint32_t det_rt_ev_add(int kind, uint32_t off, uint32_t size, uint64_t val, int mo, uint64_t pc)
{
    struct det_shm *S = det_S;
    uint32_t i = S->nev;
    if (!S->record_ev || i >= DET_MAX_EV)
        return UINT32_MAX;
    struct det_event *e = &S->ev[i];
    e->step = S->step;
    e->tid = (uint8_t)det_self;
    e->kind = (uint8_t)kind;
    e->size = (uint8_t)(size > 255 ? 255 : size);
    e->mo = (uint8_t)mo;
    e->off = off;
    e->pkey = 0; /* the slot may hold an earlier execution's event */
    e->rflags = 0;
    if ((kind == EV_READ || kind == EV_VREAD || kind == EV_ALOAD) && off < HVSIM_BRIDGE_PAGE && wmm_on(S)) {
        e->pkey = det_wmm_read_key(); /* which message it read */
        e->rflags = det_wmm_read_flags();
    }
    e->view = kind != EV_DRAIN && wmm_on(S) ? det_wmm_ev_view(det_self) : 0;
    if (e->view > DET_VIEW_NONE && (kind == EV_READ || kind == EV_VREAD || kind == EV_ALOAD))
        e->rflags |= DET_RF_PRE; /* an acquire load's own raise comes later (raise_view) */
    e->val = val;
    e->pc = pc;
    S->nev = i + 1;
    return i;
}

/* A private access's event: det_rt_ev_add() with the word it touched. */
void det_rt_ev_add_priv(int kind, const volatile void *a, uint32_t size, uint64_t val, int mo,
                        uint64_t pc, int tid)
{
    uint32_t i = det_rt_ev_add(kind, PRIV_OFF, size, val, mo, pc);
    if (i != UINT32_MAX) {
        det_S->ev[i].tid = (uint8_t)tid;
        det_S->ev[i].pkey = det_pkey((uint64_t)(uintptr_t)a, size, det_S->t[tid].proc);
    }
}

void det_event(int kind, uint32_t arg, uint64_t val)
{
    if (active())
        det_rt_ev_add(kind, arg, 0, val, 0, 0);
}

void det_event_pc(int kind, uint32_t arg, uint64_t val, uint64_t pc)
{
    if (active())
        det_rt_ev_add(kind, arg, 0, val, 0, pc);
}
