/* sim/evidence/srccache.c — source lines by file:line, each file read once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loops_int.h"

#define SRC_MAX_BYTES (8u << 20)

struct srcfile {
    char *path;
    char *text;   /* NULL if unreadable */
    char **lines; /* lines[0] is line 1 */
    size_t nlines;
};
struct srccache {
    struct srcfile *f;
    size_t n, cap;
};

struct srccache *srccache_new(void)
{
    return calloc(1, sizeof(struct srccache));
}

void srccache_free(struct srccache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->f[i].path);
        free(c->f[i].text);
        free(c->f[i].lines);
    }
    free(c->f);
    free(c);
}

static void load(struct srcfile *sf)
{
    FILE *fp = fopen(sf->path, "r");
    if (!fp)
        return;
    size_t cap = 4096, n = 0;
    char *t = malloc(cap);
    while (t) {
        if (n + 1 == cap) {
            if (cap >= SRC_MAX_BYTES)
                break;
            char *nt = realloc(t, cap * 2);
            if (!nt) {
                free(t);
                t = NULL;
                break;
            }
            t = nt;
            cap *= 2;
        }
        size_t k = fread(t + n, 1, cap - 1 - n, fp);
        if (!k)
            break;
        n += k;
    }
    fclose(fp);
    if (!t)
        return;
    t[n] = 0;
    size_t nl = 1;
    for (size_t i = 0; i < n; i++)
        nl += t[i] == '\n';
    sf->lines = malloc(nl * sizeof *sf->lines);
    if (!sf->lines) {
        free(t);
        return;
    }
    sf->text = t;
    char *p = t;
    while (*p || sf->nlines == 0) {
        sf->lines[sf->nlines++] = p;
        char *e = strchr(p, '\n');
        if (!e)
            break;
        if (e > p && e[-1] == '\r')
            e[-1] = 0;
        *e = 0;
        p = e + 1;
    }
}

const char *srccache_line(struct srccache *c, const char *file, int line)
{
    if (!c || !file || line <= 0)
        return NULL;
    struct srcfile *sf = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->f[i].path, file)) {
            sf = &c->f[i];
            break;
        }
    if (!sf) {
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 8;
            struct srcfile *nf = realloc(c->f, nc * sizeof *nf);
            if (!nf)
                return NULL;
            c->f = nf;
            c->cap = nc;
        }
        sf = &c->f[c->n];
        memset(sf, 0, sizeof *sf);
        sf->path = strdup(file);
        if (!sf->path)
            return NULL;
        c->n++;
        load(sf);
    }
    if (!sf->text || (size_t)line > sf->nlines)
        return NULL;
    return sf->lines[line - 1];
}
