/* sim/evidence/dwarfline.c — address -> source file:line with libdw.
 * dwarf_addrdie() needs .debug_aranges, which clang does not emit, so the
 * address ranges of every compile unit are collected here once. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loops_int.h"
#include "srcloc.h"

struct curange {
    uint64_t lo, hi;
    Dwarf_Die cu;
};
struct dwline {
    Dwarf *dw;
    struct curange *r;
    size_t n, cap;
    char cuname[1024];
    /* names made absolute, kept for the life of d: callers compare the
     * strings of lookups made at different times */
    struct { const char *raw; char *abs; } names[64];
    size_t nnames;
};

static int cmp_range(const void *a, const void *b)
{
    const struct curange *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void add_range(struct dwline *d, uint64_t lo, uint64_t hi, const Dwarf_Die *cu)
{
    if (hi <= lo)
        return;
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 32;
        struct curange *nr = realloc(d->r, nc * sizeof *nr);
        if (!nr)
            return;
        d->r = nr;
        d->cap = nc;
    }
    d->r[d->n++] = (struct curange){ lo, hi, *cu };
}

static void collect(struct dwline *d)
{
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(d->dw, off + hsize, &cu)) {
            Dwarf_Addr base, lo, hi;
            ptrdiff_t o = 0;
            while ((o = dwarf_ranges(&cu, o, &base, &lo, &hi)) > 0)
                add_range(d, lo, hi, &cu);
        }
        off = next;
    }
    qsort(d->r, d->n, sizeof *d->r, cmp_range);
}

static int find_cu(struct dwline *d, uint64_t addr, Dwarf_Die *cu)
{
    size_t lo = 0, hi = d->n; /* last range with r.lo <= addr ... */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->r[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;) { /* ... scanning back over overlaps */
        if (addr < d->r[i].hi) {
            *cu = d->r[i].cu;
            return 0;
        }
        if (lo - i > 64)
            break;
    }
    return dwarf_addrdie(d->dw, addr, cu) ? 0 : -1;
}

struct dwline *dwline_open(void *elf)
{
    Dwarf *dw = dwarf_begin_elf((Elf *)elf, DWARF_C_READ, NULL);
    if (!dw)
        return NULL;
    struct dwline *d = calloc(1, sizeof *d);
    if (!d) {
        dwarf_end(dw);
        return NULL;
    }
    d->dw = dw;
    collect(d);
    return d;
}

void dwline_close(struct dwline *d)
{
    if (!d)
        return;
    dwarf_end(d->dw);
    for (size_t i = 0; i < d->nnames; i++)
        free(d->names[i].abs);
    free(d->r);
    free(d);
}

int dwline_lookup(struct dwline *d, uint64_t addr, const char **file, int *line)
{
    *file = NULL;
    *line = 0;
    if (!d)
        return -1;
    Dwarf_Die cu;
    if (find_cu(d, addr, &cu) < 0)
        return -1;
    Dwarf_Line *l = dwarf_getsrc_die(&cu, addr);
    if (!l)
        return -1;
    int ln = 0;
    if (dwarf_lineno(l, &ln) != 0)
        return -1;
    const char *raw = dwarf_linesrc(l, NULL, NULL);
    *line = ln;
    if (!raw)
        return -1;
    *file = raw;
    if (raw[0] == '/')
        return 0;
    /* clang's names are relative to its compile directory */
    for (size_t i = 0; i < d->nnames; i++)
        if (d->names[i].raw == raw) {
            *file = d->names[i].abs;
            return 0;
        }
    Dwarf_Attribute at;
    char abs[1024];
    srcloc_resolve(raw, dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at)), abs, sizeof abs);
    char *dup = d->nnames < sizeof d->names / sizeof d->names[0] ? strdup(abs) : NULL;
    if (dup) {
        d->names[d->nnames].raw = raw;
        d->names[d->nnames++].abs = dup;
        *file = dup;
    }
    return 0;
}

const char *dwline_cu_name(struct dwline *d, uint64_t addr)
{
    if (!d)
        return NULL;
    Dwarf_Die cu;
    if (find_cu(d, addr, &cu) < 0)
        return NULL;
    const char *name = dwarf_diename(&cu);
    if (!name)
        return NULL;
    Dwarf_Attribute at;
    const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
    if (name[0] == '/' || !dir)
        snprintf(d->cuname, sizeof d->cuname, "%s", name);
    else
        snprintf(d->cuname, sizeof d->cuname, "%s/%s", dir, name);
    return d->cuname;
}
