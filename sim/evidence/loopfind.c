/* sim/evidence/loopfind.c — the loops of one function: every direct branch
 * whose target lies at or before it and inside the same function.  The body
 * is [target, branch]; nested and overlapping loops are all reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loops.h"
#include "loops_int.h"

static int grow(struct loop_info **out, size_t *nout, size_t *cap)
{
    if (*nout < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    struct loop_info *nv = realloc(*out, nc * sizeof *nv);
    if (!nv)
        return -1;
    *out = nv;
    *cap = nc;
    return 0;
}

static int line_in(struct dwline *d, uint64_t addr, const char *want, int *line)
{
    const char *file;
    return dwline_lookup(d, addr, &file, line) == 0 && *line > 0 && !strcmp(file, want);
}

/* file of the backward branch; line of the loop head.  Compilers put line 0
 * on some loop instructions (clang: an empty-bodied `while`), so fall back,
 * within the same file, to: a branch that enters the loop from outside, the
 * instruction before the head (fall-through entry), the body, and finally the
 * nearest earlier line. */
static void fill_position(struct loop_info *l, const struct insn *v, size_t n, size_t j, size_t i,
                          struct dwline *d)
{
    const char *bfile = NULL, *file;
    int line;
    if (dwline_lookup(d, v[i].addr, &bfile, &line) != 0 || !bfile) {
        for (size_t k = j; k <= i && !bfile; k++)
            if (dwline_lookup(d, v[k].addr, &file, &line) == 0 && line > 0)
                bfile = file;
        if (!bfile)
            return;
    }
    snprintf(l->file, sizeof l->file, "%s", bfile);
    if (line_in(d, v[j].addr, bfile, &l->line))
        return;
    for (size_t k = 0; k < n; k++)
        if ((k < j || k > i) && (v[k].flags & IN_BRANCH) && v[k].target >= l->start &&
            v[k].target <= l->end && line_in(d, v[k].addr, bfile, &l->line))
            return;
    if (j > 0 && line_in(d, v[j - 1].addr, bfile, &l->line))
        return;
    for (size_t k = j; k <= i; k++)
        if (line_in(d, v[k].addr, bfile, &l->line))
            return;
    for (size_t k = j; k-- > 0;)
        if (line_in(d, v[k].addr, bfile, &l->line))
            return;
    l->line = 0;
}

/* Is the backward branch v[i] reachable from the head v[j] inside the range?
 * If not, it is no loop, only code layout (e.g. a jump back to a shared
 * epilogue that ends in ret). */
static int closes_loop(const struct insn *v, size_t j, size_t i)
{
    size_t len = i - j + 1;
    char *reach = calloc(len, 1);
    if (!reach)
        return 1;
    reach[0] = 1;
    for (int changed = 1; changed && !reach[len - 1];) {
        changed = 0;
        for (size_t k = 0; k < len; k++) {
            if (!reach[k])
                continue;
            const struct insn *in = &v[j + k];
            if (!(in->flags & IN_NOFALL) && k + 1 < len && !reach[k + 1])
                reach[k + 1] = changed = 1;
            if ((in->flags & IN_BRANCH) && in->target >= v[j].addr && in->target <= v[i].addr)
                for (size_t t = 0; t < len; t++)
                    if (v[j + t].addr == in->target && !reach[t])
                        reach[t] = changed = 1;
        }
    }
    int r = reach[len - 1];
    free(reach);
    return r;
}

/* branch edges of a function sorted by target, to find predecessors */
struct edge {
    uint64_t target;
    size_t src;
};

static int cmp_edge(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    return x->target < y->target ? -1 : x->target > y->target;
}


/* in[k] != 0 for the loop body: the range [j, i] plus every instruction on a
 * path from the head j to the back edge i (compilers often lay parts of the
 * loop out after the range).  Bit 2: reaches i backwards (not through j);
 * bit 4: reachable from j (not through i).  Jump tables are not followed. */
static void natural_body(const struct insn *v, size_t n, size_t j, size_t i,
                         const struct edge *e, size_t ne, char *in, size_t *stack)
{
    size_t sp = 0;
    in[i] |= 2;
    stack[sp++] = i;
    while (sp) {
        size_t k = stack[--sp];
        if (k == j)
            continue;
        if (k > 0 && !(v[k - 1].flags & IN_NOFALL) && !(in[k - 1] & 2))
            in[k - 1] |= 2, stack[sp++] = k - 1;
        size_t lo = 0, hi = ne;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (e[mid].target < v[k].addr)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < ne && e[lo].target == v[k].addr; lo++)
            if (!(in[e[lo].src] & 2))
                in[e[lo].src] |= 2, stack[sp++] = e[lo].src;
    }
    in[j] |= 4;
    stack[sp++] = j;
    while (sp) {
        size_t k = stack[--sp];
        if (k == i)
            continue;
        if (k + 1 < n && !(v[k].flags & IN_NOFALL) && !(in[k + 1] & 4))
            in[k + 1] |= 4, stack[sp++] = k + 1;
        size_t t = (v[k].flags & IN_BRANCH) ? insn_index(v, n, v[k].target) : n;
        if (t < n && !(in[t] & 4))
            in[t] |= 4, stack[sp++] = t;
    }
    for (size_t k = 0; k < n; k++)
        in[k] = (k >= j && k <= i) || (in[k] & 6) == 6;
}

/* listing of the body; runs outside [j, i] are separated by "  ..." */
static char *render_body(const struct insn *v, size_t n, const char *in, struct dwline *d,
                         struct srccache *sc)
{
    struct sbuf b = { 0 };
    int first = 1;
    for (size_t k = 0; k < n;) {
        if (!in[k]) {
            k++;
            continue;
        }
        size_t e = k;
        while (e < n && in[e])
            e++;
        char *part = listing_render(v + k, e - k, d, sc, NULL);
        if (!part) {
            b.oom = 1;
            break;
        }
        sb_printf(&b, "%s%s", first ? "" : "  ...\n", part);
        free(part);
        first = 0;
        k = e;
    }
    return sb_take(&b);
}

int loopfind(const struct lfunc *f, const struct insn *v, size_t n, struct dwline *d,
             struct srccache *sc, struct loop_info **out, size_t *nout, size_t *cap)
{
    struct edge *e = malloc((n + 1) * sizeof *e);
    char *in = malloc(n + 1);
    size_t *stack = malloc((n + 1) * sizeof *stack), ne = 0;
    if (!e || !in || !stack)
        goto oom;
    for (size_t k = 0; k < n; k++)
        if (v[k].flags & IN_BRANCH)
            e[ne++] = (struct edge){ v[k].target, k };
    qsort(e, ne, sizeof *e, cmp_edge);
    for (size_t i = 0; i < n; i++) {
        const struct insn *br = &v[i];
        if (!(br->flags & IN_BRANCH) || br->target > br->addr || br->target < f->addr)
            continue;
        size_t j = 0;
        while (j < i && v[j].addr < br->target)
            j++;
        if (!closes_loop(v, j, i))
            continue;
        if (grow(out, nout, cap) < 0)
            goto oom;
        struct loop_info *l = &(*out)[*nout];
        memset(l, 0, sizeof *l);
        snprintf(l->function, sizeof l->function, "%s", f->name);
        l->start = br->target;
        l->end = br->addr;
        memset(in, 0, n);
        natural_body(v, n, j, i, e, ne, in, stack);
        for (size_t k = 0; k < n; k++) {
            if (!in[k])
                continue;
            unsigned fl = v[k].flags;
            /* an exit: a branch whose target is outside the body, falling
             * through out of it, or a control transfer without a known
             * target (ret, indirect jump, ppc64's conditional `bnelr`).  The
             * last is told by its mnemonic (b…, j…, ret…) — conservatively:
             * "no exit" is only ever claimed when it is certain. */
            const char *mn = v[k].text;
            int xfer = mn[0] == 'b' || mn[0] == 'j' || !strncmp(mn, "ret", 3);
            if (fl & IN_BRANCH) {
                size_t t = insn_index(v, n, v[k].target);
                if (t == n || !in[t])
                    l->has_exit = 1;
            } else if ((fl & IN_NOFALL) || xfer) {
                l->has_exit = 1;
            }
            if (!(fl & IN_NOFALL) && (k + 1 >= n || !in[k + 1]))
                l->has_exit = 1;
            l->nloads += !!(fl & IN_LOAD);
            if (fl & IN_CALL)
                l->has_call = 1;
            if (fl & (IN_SHARED | IN_CALL))
                l->has_shared_load = 1;
        }
        fill_position(l, v, n, j, i, d);
        l->disasm = render_body(v, n, in, d, sc);
        if (!l->disasm)
            goto oom;
        (*nout)++;
    }
    free(e);
    free(in);
    free(stack);
    return 0;
oom:
    free(e);
    free(in);
    free(stack);
    return -1;
}
