/* sim/engine/det/det_bwin.c — a thread's spin-loop window of bridge reads,
 * shared by the behaviour hash (det_behaviour.c) and the execution-graph
 * hash (det_graph.c), so both count a loop's turns the same way. */
#include "det.h"

/* A thread's reads since its last write, kick or sleep: a read of one of
 * them again, with the same value, is a further turn of a loop that only
 * reads (a poll loop reads several locations a turn); det.h. */
int det_bwin_seen(struct det_bwin *w, uint32_t off, uint64_t val)
{
    for (uint32_t i = 0; i < w->n; i++)
        if (w->off[i] == off && w->val[i] == val)
            return 1;
    if (w->n < DET_BWIN) {
        w->off[w->n] = off;
        w->val[w->n++] = val;
    }
    return 0;
}
