/* sim/config/runcfg_mem.c — the heap parts of struct hvsim_runcfg (see
 * runcfg.h "Who owns what"): growable lists and strings, and the one place
 * that knows which fields are pointers (clear, copy).  A new pointer field
 * in the config must be added to runcfg_clear and runcfg_copy here; the
 * unit test (test_runcfg_mem.c) copies and frees a config with every list
 * filled, under ASan and valgrind. */
#include <stdlib.h>
#include <string.h>

#include "runcfg.h"

/* Room for one more element at index n: the lists are short (a few hundred
 * entries at most), so growing by one with realloc is simple and cheap. */
static void *grow(void *arr, unsigned n, size_t elem)
{
    return realloc(arr, ((size_t)n + 1) * elem);
}

static char *dupstr(const char *s)
{
    return strdup(s ? s : "");
}

int runcfg_list_add(char ***v, unsigned *n, const char *s)
{
    char **nv = grow(*v, *n, sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = dupstr(s)))
        return -1;
    (*n)++;
    return 0;
}

void runcfg_list_clear(char ***v, unsigned *n)
{
    for (unsigned i = 0; *v && i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

int runcfg_set_str(char **dst, const char *s)
{
    char *d = NULL;
    if (s && s[0] && !(d = strdup(s)))
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

int runcfg_add_access(struct hvsim_runcfg *c, unsigned cpu, const struct hvsim_access *a)
{
    if (cpu >= HVSIM_CPUS)
        return -1;
    struct hvsim_access *v = grow(c->acc[cpu], c->naccess[cpu], sizeof *v);
    if (!v)
        return -1;
    c->acc[cpu] = v;
    v[c->naccess[cpu]++] = *a;
    return 0;
}

int runcfg_add_expect(struct hvsim_runcfg *c, const struct hvsim_expect *e)
{
    struct hvsim_expect *v = grow(c->expect, c->nexpect, sizeof *v);
    if (!v)
        return -1;
    c->expect = v;
    v[c->nexpect++] = *e;
    return 0;
}

static void fndelay_free(struct hvsim_fndelay *f)
{
    free(f->sym);
    free(f->file);
    free(f->where);
    memset(f, 0, sizeof *f);
}

/* *dst = *src with its own strings; dst is untouched on failure */
static int fndelay_dup(struct hvsim_fndelay *dst, const struct hvsim_fndelay *src)
{
    struct hvsim_fndelay f = *src;
    f.sym = dupstr(src->sym);
    f.file = dupstr(src->file);
    f.where = dupstr(src->where);
    if (!f.sym || !f.file || !f.where) {
        fndelay_free(&f);
        return -1;
    }
    *dst = f;
    return 0;
}

int runcfg_add_fndelay(struct hvsim_runcfg *c, const struct hvsim_fndelay *f)
{
    if (c->n_fndelay >= HVSIM_MAX_FNDELAY)
        return -1; /* the participants' table is full: the parser says so first */
    if (fndelay_dup(&c->fndelay[c->n_fndelay], f) < 0)
        return -1;
    c->n_fndelay++;
    return 0;
}

void runcfg_clear(struct hvsim_runcfg *c)
{
    free(c->path);
    free(c->extra_cflags);
    for (unsigned i = 0; i < HVSIM_CPUS; i++)
        free(c->acc[i]);
    free(c->expect);
    runcfg_list_clear(&c->hv_src, &c->n_hv_src);
    runcfg_list_clear(&c->be_src, &c->n_be_src);
    runcfg_list_clear(&c->incdir, &c->n_incdir);
    runcfg_list_clear(&c->hv_lib, &c->n_hv_lib);
    runcfg_list_clear(&c->be_lib, &c->n_be_lib);
    for (unsigned i = 0; i < c->n_fndelay && i < HVSIM_MAX_FNDELAY; i++)
        fndelay_free(&c->fndelay[i]);
    memset(c, 0, sizeof *c);
}

void runcfg_free(struct hvsim_runcfg *c)
{
    if (!c)
        return;
    runcfg_clear(c);
    free(c);
}

int runcfg_list_copy(char ***dst, unsigned *dn, char *const *src, unsigned n)
{
    runcfg_list_clear(dst, dn);
    for (unsigned i = 0; i < n; i++)
        if (runcfg_list_add(dst, dn, src[i]) < 0)
            return -1;
    return 0;
}

/* n elements of size elem from src into a fresh array (NULL when n is 0;
 * NULL and *bad set when out of memory) */
static void *copy_array(const void *src, unsigned n, size_t elem, int *bad)
{
    if (!n || !src)
        return NULL;
    void *d = malloc((size_t)n * elem);
    if (!d)
        *bad = 1;
    else
        memcpy(d, src, (size_t)n * elem);
    return d;
}

int runcfg_copy(struct hvsim_runcfg *dst, const struct hvsim_runcfg *src)
{
    if (dst == src)
        return 0;
    runcfg_clear(dst);
    struct hvsim_runcfg *d = dst;
    *d = *src; /* the scalars; every pointer is replaced below */
    int bad = 0;
    d->path = d->extra_cflags = NULL;
    d->n_fndelay = 0;
    bad |= runcfg_set_str(&d->path, src->path);
    bad |= runcfg_set_str(&d->extra_cflags, src->extra_cflags);
    for (unsigned i = 0; i < HVSIM_CPUS; i++)
        d->acc[i] = copy_array(src->acc[i], src->naccess[i], sizeof *src->acc[i], &bad);
    d->expect = copy_array(src->expect, src->nexpect, sizeof *src->expect, &bad);
    d->hv_src = d->be_src = d->incdir = d->hv_lib = d->be_lib = NULL; /* src's, not ours */
    d->n_hv_src = d->n_be_src = d->n_incdir = d->n_hv_lib = d->n_be_lib = 0;
    bad |= runcfg_list_copy(&d->hv_src, &d->n_hv_src, src->hv_src, src->n_hv_src);
    bad |= runcfg_list_copy(&d->be_src, &d->n_be_src, src->be_src, src->n_be_src);
    bad |= runcfg_list_copy(&d->incdir, &d->n_incdir, src->incdir, src->n_incdir);
    bad |= runcfg_list_copy(&d->hv_lib, &d->n_hv_lib, src->hv_lib, src->n_hv_lib);
    bad |= runcfg_list_copy(&d->be_lib, &d->n_be_lib, src->be_lib, src->n_be_lib);
    for (unsigned i = 0; i < src->n_fndelay && i < HVSIM_MAX_FNDELAY; i++)
        bad |= runcfg_add_fndelay(d, &src->fndelay[i]);
    if (bad) {
        runcfg_clear(d);
        return -1;
    }
    return 0;
}

struct hvsim_runcfg *runcfg_dup(const struct hvsim_runcfg *src)
{
    struct hvsim_runcfg *d = calloc(1, sizeof *d);
    if (d && runcfg_copy(d, src) < 0) {
        free(d);
        return NULL;
    }
    return d;
}
