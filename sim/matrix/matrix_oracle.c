/* sim/matrix/matrix_oracle.c — the static oracle beside the dynamic
 * verdict.  For each built hypervisor binary, the loop checker
 * (sim/evidence) looks at the handler's loops:
 *   "hang"     some loop makes no memory access and no call: it spins on
 *              registers, so a flag it waits on can never be re-read;
 *   "no-wait"  the wait function exists but holds no loop at all: the
 *              compiler deleted the wait (C11 6.8.5p6), a stale value follows;
 *   "ok"       every loop re-reads memory.
 * The matrix reports whether the oracle and the verdict agree, cell by cell;
 * a disagreement is shown, never hidden. */
#include "matrix.h"
#include "evidence/srcloc.h"
#include "evidence/loops.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *file_filter(const struct hvsim_runcfg *c)
{
    static char f[256];
    if (!c->n_hv_src)
        return "/hv/";
    const char *b = strrchr(c->hv_src[0], '/');
    snprintf(f, sizeof f, "%s", b ? b + 1 : c->hv_src[0]);
    return f;
}

static void analyse(struct matrix_cell *c)
{
    struct loop_info *loops = 0;
    size_t n = 0;
    char err[300];
    const char *arch = c->cfg->v.arch;
    if (loops_analyze(c->hv_path, arch, 0, file_filter(c->cfg), &loops, &n, err, sizeof err) < 0)
        return;
    const struct loop_info *bad = 0;
    int wait_has_loop = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(loops[i].function, "wait_for_response", 17))
            wait_has_loop = 1;
        if (!bad && loops[i].nloads == 0 && !loops[i].has_call)
            bad = &loops[i];
    }
    const char *func = 0;
    if (bad) {
        c->oracle = "hang";
        func = bad->function;
        snprintf(c->loop_func, sizeof c->loop_func, "%s", bad->function);
        srcloc_show(bad->file, c->loop_file, sizeof c->loop_file);
        c->loop_line = bad->line;
    } else {
        const char *fn[] = { "wait_for_response", 0 };
        struct loop_info *w = 0;
        size_t wn = 0;
        int has_wait_fn = c->cfg->n_hv_src == 0 &&
                          loops_analyze(c->hv_path, arch, fn, 0, &w, &wn, err, sizeof err) == 0;
        if (has_wait_fn)
            loops_free(w, wn);
        c->oracle = has_wait_fn && !wait_has_loop ? "no-wait" : "ok";
        if (has_wait_fn)
            func = "wait_for_response";
    }
    if (func)
        c->loop_disasm = loops_disasm_function(c->hv_path, arch, func, err, sizeof err);
    loops_free(loops, n);
}

void matrix_oracle_all(struct matrix *m)
{
    for (unsigned i = 0; i < m->ncells; i++) {
        struct matrix_cell *c = &m->cells[i];
        if (c->skipped || c->build_failed || !c->hv_path[0])
            continue;
        if (c->leader >= 0) {
            struct matrix_cell *l = &m->cells[c->leader];
            c->oracle = l->oracle;
            c->loop_disasm = l->loop_disasm ? strdup(l->loop_disasm) : 0;
            snprintf(c->loop_func, sizeof c->loop_func, "%s", l->loop_func);
            snprintf(c->loop_file, sizeof c->loop_file, "%s", l->loop_file);
            c->loop_line = l->loop_line;
            continue;
        }
        analyse(c);
    }
}

int matrix_oracle_agrees(const struct matrix_cell *c)
{
    if (!strcmp(c->oracle, "hang"))
        return c->verdict == V_HANG_STALE_READ;
    if (!strcmp(c->oracle, "no-wait"))
        return c->verdict == V_WRONG_VALUE;
    if (!strcmp(c->oracle, "ok"))
        return c->verdict != V_HANG_STALE_READ && c->verdict != V_WRONG_VALUE;
    return 1;
}
