/* sim/report/report_md_int.h — what the parts of summary.md share (private):
 * Markdown escaping, an ordered string set, and one scenario's cells laid out
 * as a matrix (rows: wait/relax/wake [· arch] [· engine]; columns: cc -opt).
 * report_md_matrix.c defines them; report_md_find.c writes the findings,
 * report_md.c the document. */
#ifndef HVSIM_REPORT_MD_INT_H
#define HVSIM_REPORT_MD_INT_H

#include <stdio.h>
#include <jansson.h>

/* Text with Markdown's special characters escaped (x86_64 stays as is). */
void md_text(FILE *f, const char *s);
/* Inline code span; the fence is longer than any run of backticks inside. */
void md_code(FILE *f, const char *s);
/* Between a compiler and its opt-level: "gcc -O2", but "rustc 1.95.0
 * opt-level=2" (a library's own build, issue 18). */
const char *md_opt_sep(const char *opt);

/* Ordered, de-duplicated; holds pointers, owns nothing. */
typedef struct {
    const char **v;
    size_t n, cap;
} md_strset;
/* Index of x, added at the end when new (aborts when out of memory). */
size_t md_ss_add(md_strset *s, const char *x);
/* Sort by rp_axis_rank(axis, ·), then by name. */
void md_ss_sort_axis(md_strset *s, const char *axis);

typedef struct {
    json_t **cells;
    size_t n;
    int multi_arch, multi_engine;
    md_strset rows; /* malloc'd row labels */
    md_strset ccs, opts;
    char **rowkey; /* per cell (parallel to cells): its row label */
} md_matrix;

void md_matrix_build(md_matrix *mx, json_t *report, const char *scen);
void md_matrix_free(md_matrix *mx);
json_t *md_matrix_find(md_matrix *mx, const char *row, const char *cc, const char *opt);
int md_col_used(md_matrix *mx, const char *cc, const char *opt);
int md_row_is_qemu(md_matrix *mx, const char *row);
/* A table cell: the short verdict, "°" when expected, bold "!" when not. */
void md_verdict_cell(FILE *f, json_t *c);

/* The findings under a scenario's table: one paragraph per distinct
 * (row, verdict, status, evidence location, engine), or "No findings". */
void md_findings(FILE *f, md_matrix *mx);

#endif
