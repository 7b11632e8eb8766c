/* sim/evidence/loops.c — public entry points: select functions, decode them,
 * find their loops (loopfind.c), render whole functions (listing.c). */
#include <stdlib.h>
#include <string.h>

#include "loops.h"
#include "loops_int.h"

#define RISCV_WHOLE_FILE_MIN 8 /* more selected functions than this: one objdump run */

struct ctx {
    const char *path;
    struct lelf e;
    struct dwline *d;
    struct srccache *sc;
    struct insn_vec all; /* riscv64: the whole file, decoded once */
    int have_all;
};

static int ctx_open(struct ctx *c, const char *path, const char *arch, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    if (!path) {
        loops_err(err, errlen, "no ELF path given");
        return -1;
    }
    if (lelf_open(&c->e, path, arch, err, errlen) < 0)
        return -1;
    c->d = dwline_open(c->e.elf);
    c->sc = srccache_new();
    if (!c->sc) {
        loops_err(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void ctx_close(struct ctx *c)
{
    insn_vec_free(&c->all);
    srccache_free(c->sc);
    dwline_close(c->d);
    lelf_close(&c->e);
}

static int cmp_insn(const void *a, const void *b)
{
    const struct insn *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* decode f; the result points into tmp or c->all */
static int decode_raw(struct ctx *c, const struct lfunc *f, int whole, struct insn_vec *tmp,
                      struct insn **v, size_t *n, char *err, size_t errlen)
{
    tmp->n = 0;
    if (c->e.arch == LA_X86_64 || c->e.arch == LA_AARCH64) {
        if (disasm_capstone(c->e.arch, f->code, f->size, f->addr, tmp, err, errlen) < 0)
            return -1;
        *v = tmp->v;
        *n = tmp->n;
        return 0;
    }
    if (!whole || c->e.is_rel) {
        if (disasm_objdump(c->e.arch, c->path, f->addr, f->addr + f->size, tmp, err, errlen) < 0)
            return -1;
        *v = tmp->v;
        *n = tmp->n;
        return 0;
    }
    if (!c->have_all) {
        if (disasm_objdump(c->e.arch, c->path, 0, 0, &c->all, err, errlen) < 0)
            return -1;
        qsort(c->all.v, c->all.n, sizeof *c->all.v, cmp_insn);
        c->have_all = 1;
    }
    size_t lo = 0, hi = c->all.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->all.v[mid].addr < f->addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t e = lo;
    while (e < c->all.n && c->all.v[e].addr < f->addr + f->size)
        e++;
    *v = c->all.v + lo;
    *n = e - lo;
    return 0;
}

static int decode(struct ctx *c, const struct lfunc *f, int whole, struct insn_vec *tmp,
                  const struct insn **v, size_t *n, char *err, size_t errlen)
{
    struct insn *w;
    if (decode_raw(c, f, whole, tmp, &w, n, err, errlen) < 0)
        return -1;
    frame_fixup(c->e.arch, w, *n);
    *v = w;
    return 0;
}

static int in_file(struct ctx *c, const struct lfunc *f, const char *filter)
{
    if (!filter)
        return 1;
    const char *file;
    int line;
    if (dwline_lookup(c->d, f->addr, &file, &line) == 0 && strstr(file, filter))
        return 1;
    const char *cu = dwline_cu_name(c->d, f->addr);
    return cu && strstr(cu, filter);
}

/* indices of the selected functions (deduplicated aliases), in address order */
static int select_fns(struct ctx *c, const char *const *functions, const char *filter,
                      size_t **sel, size_t *nsel, char *err, size_t errlen)
{
    *sel = calloc(c->e.nfn + 1, sizeof **sel);
    *nsel = 0;
    if (!*sel) {
        loops_err(err, errlen, "out of memory");
        return -1;
    }
    char *mark = calloc(c->e.nfn + 1, 1);
    if (!mark) {
        loops_err(err, errlen, "out of memory");
        return -1;
    }
    if (functions) {
        for (size_t k = 0; functions[k]; k++) {
            int found = 0;
            for (size_t i = 0; i < c->e.nfn; i++)
                if (lelf_name_matches(c->e.fn[i].name, functions[k]))
                    mark[i] = 1, found = 1;
            if (!found) {
                loops_err(err, errlen, "%s: function '%s' not found", c->path, functions[k]);
                free(mark);
                return -1;
            }
        }
    }
    const uint8_t *prev = NULL;
    for (size_t i = 0; i < c->e.nfn; i++) {
        const struct lfunc *f = &c->e.fn[i];
        if (functions ? !mark[i] : !in_file(c, f, filter))
            continue;
        if (f->code == prev)
            continue; /* alias of the previous one */
        prev = f->code;
        (*sel)[(*nsel)++] = i;
    }
    free(mark);
    return 0;
}

int loops_analyze(const char *elf_path, const char *arch, const char *const *functions,
                  const char *file_filter, struct loop_info **out, size_t *n, char *err,
                  size_t errlen)
{
    if (!out || !n) {
        loops_err(err, errlen, "loops_analyze: NULL output");
        return -1;
    }
    *out = NULL;
    *n = 0;
    struct ctx c;
    if (ctx_open(&c, elf_path, arch, err, errlen) < 0) {
        ctx_close(&c);
        return -1;
    }
    size_t *sel = NULL, nsel = 0, cap = 0;
    struct insn_vec tmp = { 0 };
    int rc = select_fns(&c, functions, file_filter, &sel, &nsel, err, errlen);
    for (size_t s = 0; rc == 0 && s < nsel; s++) {
        const struct lfunc *f = &c.e.fn[sel[s]];
        const struct insn *v;
        size_t nv;
        rc = decode(&c, f, nsel > RISCV_WHOLE_FILE_MIN, &tmp, &v, &nv, err, errlen);
        size_t first = *n;
        if (rc == 0 && loopfind(f, v, nv, c.d, c.sc, out, n, &cap) < 0) {
            loops_err(err, errlen, "out of memory");
            rc = -1;
        }
        /* an edge out of the body that only leads back into it is no exit
         * (x86_64 only for now: its decoder flags every return and jump) */
        for (size_t i = first; rc == 0 && c.e.arch == LA_X86_64 && i < *n; i++)
            if ((*out)[i].has_exit && loop_has_exit(f, v, nv, (*out)[i].start) == 0)
                (*out)[i].has_exit = 0;
    }
    free(sel);
    insn_vec_free(&tmp);
    ctx_close(&c);
    if (rc < 0) {
        loops_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void loops_free(struct loop_info *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].disasm);
    free(v);
}

/* The whole function, each loop's back edge marked with what the oracle
 * decided for that loop, so the reader sees which loop lost its load and
 * not only where the loads are. */
static char *render_with_back_edges(const struct lfunc *f, const struct insn *v, size_t nv,
                                    struct ctx *c)
{
    struct loop_info *lp = NULL;
    size_t nl = 0, cap = 0;
    char **notes = calloc(nv + 1, sizeof *notes);
    char *res = NULL;
    if (!notes || loopfind(f, v, nv, c->d, c->sc, &lp, &nl, &cap) < 0)
        goto out;
    for (size_t k = 0; k < nl; k++) {
        size_t i = 0;
        while (i < nv && v[i].addr != lp[k].end)
            i++;
        if (i == nv || notes[i])
            continue;
        notes[i] = strdup(lp[k].has_shared_load ? "  <== loop back (re-reads memory)"
                                                : "  <== loop back: NO load inside");
        if (!notes[i])
            goto out;
    }
    res = listing_render(v, nv, c->d, c->sc, notes);
out:
    for (size_t i = 0; notes && i < nv; i++)
        free(notes[i]);
    free(notes);
    loops_free(lp, nl);
    return res;
}

char *loops_disasm_function(const char *elf_path, const char *arch, const char *function,
                            char *err, size_t errlen)
{
    struct ctx c;
    char *res = NULL;
    if (ctx_open(&c, elf_path, arch, err, errlen) < 0) {
        ctx_close(&c);
        return NULL;
    }
    const struct lfunc *f = NULL;
    for (size_t i = 0; function && i < c.e.nfn; i++) {
        if (!strcmp(c.e.fn[i].name, function)) {
            f = &c.e.fn[i];
            break;
        }
        if (!f && lelf_name_matches(c.e.fn[i].name, function))
            f = &c.e.fn[i]; /* a clone, unless the exact name turns up */
    }
    if (!f) {
        loops_err(err, errlen, "%s: function '%s' not found", elf_path,
                  function ? function : "(null)");
    } else {
        struct insn_vec tmp = { 0 };
        const struct insn *v;
        size_t nv;
        if (decode(&c, f, 0, &tmp, &v, &nv, err, errlen) == 0) {
            res = render_with_back_edges(f, v, nv, &c);
            if (!res)
                loops_err(err, errlen, "out of memory");
        }
        insn_vec_free(&tmp);
    }
    ctx_close(&c);
    return res;
}
