/* sim/build/fndelay.c — see fndelay.h.
 *
 * A function is found by its symbol in the linked binary (static functions
 * included: .symtab keeps local symbols).  FILE:LINE is found through the
 * DWARF line table: the function of that file whose first instruction has
 * the greatest line <= LINE, provided some instruction of it still maps to a
 * line >= LINE.  The delay is at that function's entry: function
 * granularity, never the line itself (a call placed in the middle of the
 * body would need an edit of the code or a breakpoint). */
#define _GNU_SOURCE
#include "fndelay.h"
#include "evidence/loops_int.h"
#include "runtime/common/fn_delay.h"
#include <errno.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the scenario parser refuses more delay points than the table holds */
_Static_assert(HVSIM_MAX_FNDELAY == HVSIM_FND_MAX, "runcfg.h and fn_delay.h disagree");

static int word_in_file(const char *path, const char *w)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t wl = strlen(w), cap = 0;
    char *buf = NULL;
    int found = 0;
    ssize_t r;
    while (!found && (r = getline(&buf, &cap, f)) >= 0) {
        for (const char *p = buf; (p = strstr(p, w)); p += wl) {
            char a = p == buf ? ' ' : p[-1], z = p[wl];
            int id_a = a == '_' || (a >= '0' && a <= '9') || ((a | 32) >= 'a' && (a | 32) <= 'z');
            int id_z = z == '_' || (z >= '0' && z <= '9') || ((z | 32) >= 'a' && (z | 32) <= 'z');
            if (!id_a && !id_z) {
                found = 1;
                break;
            }
        }
    }
    free(buf);
    fclose(f);
    return found;
}

static int same_file(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    if (!strcmp(a, b))
        return 1;
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    int same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

int fndelay_instruments(const struct hvsim_runcfg *c, const char *src)
{
    for (unsigned k = 0; k < c->n_fndelay; k++) {
        const struct hvsim_fndelay *f = &c->fndelay[k];
        if (f->sym[0] ? word_in_file(src, f->sym) : same_file(src, f->file))
            return 1;
    }
    return 0;
}

/* FILE:LINE -> the enclosing function's index in e->fn, or -1 */
static long fn_of_line(struct lelf *e, struct dwline *d, const char *file, unsigned line)
{
    long best = -1;
    int best_line = 0;
    for (size_t i = 0; i < e->nfn; i++) {
        const char *f;
        int l;
        if (dwline_lookup(d, e->fn[i].addr, &f, &l) == 0 && l > 0 && (unsigned)l <= line &&
            l > best_line && same_file(f, file)) {
            best = (long)i;
            best_line = l;
        }
    }
    if (best < 0)
        return -1;
    /* the line must lie inside the body, not after the function's end */
    const struct lfunc *fn = &e->fn[best];
    for (uint64_t a = fn->addr; a < fn->addr + fn->size && a < fn->addr + (1u << 20); a++) {
        const char *f;
        int l;
        if (dwline_lookup(d, a, &f, &l) == 0 && (unsigned)l >= line && same_file(f, file))
            return best;
    }
    return -1;
}

int fndelay_write_table(const struct hvsim_runcfg *c, const char *bin, const char *out_c,
                        unsigned *found, char *err, size_t errlen)
{
    struct hvsim_fnd tab[HVSIM_FND_MAX];
    uint64_t main_addr = 0;
    memset(tab, 0, sizeof tab);
    if (bin) {
        struct lelf e;
        if (lelf_open(&e, bin, NULL, err, errlen) < 0)
            return -1;
        struct dwline *d = dwline_open(e.elf);
        for (size_t i = 0; i < e.nfn; i++)
            if (!strcmp(e.fn[i].name, "main"))
                main_addr = e.fn[i].addr;
        for (unsigned k = 0; k < c->n_fndelay && k < HVSIM_FND_MAX; k++) {
            const struct hvsim_fndelay *f = &c->fndelay[k];
            long idx = -1;
            if (f->sym[0]) {
                for (size_t i = 0; i < e.nfn && idx < 0; i++)
                    if (!strcmp(e.fn[i].name, f->sym))
                        idx = (long)i;
            } else if (d) {
                idx = fn_of_line(&e, d, f->file, f->line);
            }
            if (idx < 0)
                continue;
            tab[k] = (struct hvsim_fnd){ e.fn[idx].addr, f->min_ns, f->max_ns, f->every,
                                         (uint32_t)f->at_return };
            *found |= 1u << k;
        }
        dwline_close(d);
        lelf_close(&e);
    }
    FILE *o = fopen(out_c, "w");
    if (!o) {
        snprintf(err, errlen, "%s: %s", out_c, strerror(errno));
        return -1;
    }
    /* data only, the same size and section either way (an all-zero const
     * would go to .bss and move the data after it): relinking with the real
     * table moves no code (build.c checks the .text hash) */
    fprintf(o, "#include <stdint.h>\nstruct hvsim_fnd { uint64_t addr, min_ns, max_ns; "
               "uint32_t every, at_return; };\n"
               "__attribute__((section(\".rodata.hvsim_fnd\")))\n"
               "const uint64_t hvsim_fnd_main = 0x%llxull;\n"
               "__attribute__((section(\".rodata.hvsim_fnd\")))\n"
               "const struct hvsim_fnd hvsim_fnd_tab[%u] = {\n",
            (unsigned long long)main_addr, HVSIM_FND_MAX);
    for (unsigned k = 0; k < HVSIM_FND_MAX; k++)
        fprintf(o, "    { 0x%llxull, %lluull, %lluull, %uu, %uu },\n",
                (unsigned long long)tab[k].addr, (unsigned long long)tab[k].min_ns,
                (unsigned long long)tab[k].max_ns, tab[k].every, tab[k].at_return);
    fprintf(o, "};\n");
    if (fclose(o) != 0) {
        snprintf(err, errlen, "%s: %s", out_c, strerror(errno));
        return -1;
    }
    return 0;
}

int fndelay_check_found(const struct hvsim_runcfg *c, unsigned found, char *err, size_t errlen)
{
    for (unsigned k = 0; k < c->n_fndelay; k++) {
        const struct hvsim_fndelay *f = &c->fndelay[k];
        if (found & (1u << k))
            continue;
        if (f->sym[0])
            snprintf(err, errlen, "%s: no function '%s' in the code under test (a delay point "
                     "needs a function hvsim compiles: not a macro, not one in a prebuilt library)",
                     f->where, f->sym);
        else
            snprintf(err, errlen, "%s: %s:%u is in no function of the code under test (the file "
                     "must be one of its sources, the line inside a function body)",
                     f->where, f->file, f->line);
        return -1;
    }
    return 0;
}
