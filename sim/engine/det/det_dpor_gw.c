/* sim/engine/det/det_dpor_gw.c — the arm/riscv drains of a dpor node by
 * granule (det_dfs_node.gw: which buffer's entry on which granule is
 * explored or asked for there).  A leaf: the race analysis (det_dpor.c,
 * det_dpor_mp.c) asks for them, the stack (det_sched.c) explores them. */
#include "det.h"

/* (buffer t, granule g) at a node: explored or asked for (det.h). */
int det_gw_has(const struct det_dfs_node *x, int t, int g)
{
    for (int i = 0; i < x->ngw; i++)
        if (x->gw[i].t == t && x->gw[i].g == g)
            return 1;
    return x->gw_all;
}

void det_gw_all(struct det_dfs_node *x)
{
    x->gw_all = 1;
    x->bt |= x->opts;
}

void det_gw_put(struct det_dfs_node *x, int t, int g, int done)
{
    int i = 0;
    while (i < x->ngw && !(x->gw[i].t == t && x->gw[i].g == g))
        i++;
    if (i == DET_GW_MAX) {
        det_gw_all(x);
        return;
    }
    if (i == x->ngw)
        x->gw[x->ngw++] = (struct det_gw){ .t = (uint8_t)t, .g = (uint16_t)g };
    x->gw[i].done |= (uint8_t)done;
}
