/* sim/report/report_md_matrix.c — summary.md's building blocks: Markdown
 * escaping, the string set, and a scenario's cells as a matrix
 * (report_md_int.h). */
#include "report.h"
#include "report_int.h"
#include "report_md_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---------- Markdown escaping ---------- */

void md_text(FILE *f, const char *s)
{
    const char *start = s;
    for (; s && *s; s++) {
        switch (*s) {
        case '\n': case '\r': case '\t': fputc(' ', f); break;
        case '<': fputs("&lt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '_':
            /* intraword underscores never start emphasis: leave x86_64 alone */
            if (s > start && isalnum((unsigned char)s[-1]) && isalnum((unsigned char)s[1]))
                fputc('_', f);
            else
                fputs("\\_", f);
            break;
        case '\\': case '*': case '|': case '`': case '[': case ']':
            fputc('\\', f);
            fputc(*s, f);
            break;
        default: fputc(*s, f);
        }
    }
}

const char *md_opt_sep(const char *opt)
{
    return opt[0] == 'O' ? " -" : " ";
}

void md_code(FILE *f, const char *s)
{
    int run = 0, maxrun = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > maxrun)
            maxrun = run;
    }
    for (int i = 0; i <= maxrun; i++)
        fputc('`', f);
    if (*s == '`' || maxrun)
        fputc(' ', f);
    for (const char *p = s; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
    if (maxrun)
        fputc(' ', f);
    for (int i = 0; i <= maxrun; i++)
        fputc('`', f);
}

/* ---------- string set ---------- */

size_t md_ss_add(md_strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return i;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            abort();
    }
    s->v[s->n] = x;
    return s->n++;
}

static const char *g_axis; /* for ss_sort_axis */
static int cmp_axis(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = rp_axis_rank(g_axis, x), ry = rp_axis_rank(g_axis, y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x, y);
}

void md_ss_sort_axis(md_strset *s, const char *axis)
{
    g_axis = axis;
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_axis);
}

/* ---------- per-scenario matrix ---------- */


static char *row_label(json_t *c, int multi_arch, int multi_engine)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fprintf(m, "%s/%s/%s", rj_str(c, "wait", "?"), rj_str(c, "relax", "?"), rj_str(c, "wake", "?"));
    if (rj_str(c, "memory_model", NULL))
        fprintf(m, " · %s", rj_str(c, "memory_model", ""));
    if (multi_arch)
        fprintf(m, " · %s", rj_str(c, "arch", "?"));
    if (multi_engine)
        fprintf(m, " · %s", rj_str(c, "engine", "?"));
    fclose(m);
    return buf;
}

static void md_matrix_sort_rows(md_matrix *mx);
void md_matrix_build(md_matrix *mx, json_t *report, const char *scen)
{
    memset(mx, 0, sizeof *mx);
    json_t *cells = json_object_get(report, "cells"), *c;
    size_t i;
    mx->cells = calloc(json_array_size(cells) + 1, sizeof *mx->cells);
    md_strset arch = {0}, eng = {0};
    json_array_foreach(cells, i, c) {
        if (strcmp(rp_cell_scenario(c), scen))
            continue;
        mx->cells[mx->n++] = c;
        md_ss_add(&arch, rj_str(c, "arch", "?"));
        md_ss_add(&eng, rj_str(c, "engine", "?"));
        md_ss_add(&mx->ccs, rj_str(c, "cc", "?"));
        md_ss_add(&mx->opts, rj_str(c, "opt", "?"));
    }
    mx->multi_arch = arch.n > 1;
    mx->multi_engine = eng.n > 1;
    free(arch.v);
    free(eng.v);
    md_ss_sort_axis(&mx->ccs, "cc");
    md_ss_sort_axis(&mx->opts, "opt");
    mx->rowkey = calloc(mx->n + 1, sizeof *mx->rowkey);
    for (i = 0; i < mx->n; i++) {
        char *k = row_label(mx->cells[i], mx->multi_arch, mx->multi_engine);
        size_t before = mx->rows.n;
        size_t idx = md_ss_add(&mx->rows, k);
        if (mx->rows.n == before) { /* existing row: share its label */
            free(k);
            k = (char *)mx->rows.v[idx];
        }
        mx->rowkey[i] = k;
    }
    md_matrix_sort_rows(mx);
}

static md_matrix *g_mx;
static json_t *row_first_cell(md_matrix *mx, const char *row)
{
    for (size_t i = 0; i < mx->n; i++)
        if (mx->rowkey[i] == row || !strcmp(mx->rowkey[i], row))
            return mx->cells[i];
    return NULL;
}

static int cmp_row(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    json_t *cx = row_first_cell(g_mx, x), *cy = row_first_cell(g_mx, y);
    static const char *const axes[] = {"arch", "engine", "wait", "relax", "wake"};
    for (size_t k = 0; k < sizeof axes / sizeof axes[0]; k++) {
        int rx = rp_axis_rank(axes[k], rj_str(cx, axes[k], "")), ry = rp_axis_rank(axes[k], rj_str(cy, axes[k], ""));
        if (rx != ry)
            return rx < ry ? -1 : 1;
    }
    return strcmp(x, y);
}

static void md_matrix_sort_rows(md_matrix *mx)
{
    g_mx = mx;
    if (mx->rows.n > 1)
        qsort(mx->rows.v, mx->rows.n, sizeof *mx->rows.v, cmp_row);
}

void md_matrix_free(md_matrix *mx)
{
    for (size_t i = 0; i < mx->rows.n; i++)
        free((char *)mx->rows.v[i]);
    free(mx->rows.v);
    free(mx->ccs.v);
    free(mx->opts.v);
    free(mx->rowkey);
    free(mx->cells);
}

json_t *md_matrix_find(md_matrix *mx, const char *row, const char *cc, const char *opt)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(mx->rowkey[i], row) && !strcmp(rj_str(mx->cells[i], "cc", "?"), cc) &&
            !strcmp(rj_str(mx->cells[i], "opt", "?"), opt))
            return mx->cells[i];
    return NULL;
}

int md_col_used(md_matrix *mx, const char *cc, const char *opt)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(rj_str(mx->cells[i], "cc", "?"), cc) && !strcmp(rj_str(mx->cells[i], "opt", "?"), opt))
            return 1;
    return 0;
}

int md_row_is_qemu(md_matrix *mx, const char *row)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(mx->rowkey[i], row) && rp_is_qemu(mx->cells[i]))
            return 1;
    return 0;
}

void md_verdict_cell(FILE *f, json_t *c)
{
    const char *st = report_cell_status(c);
    const char *sv = report_verdict_short(rj_str(c, "verdict", "?"));
    if (!strcmp(st, "unexpected")) {
        fputs("**", f);
        md_text(f, sv);
        fputs("!**", f);
    } else if (!strcmp(st, "expected-failure")) {
        md_text(f, sv);
        fputs("°", f);
    } else {
        md_text(f, sv);
    }
}

