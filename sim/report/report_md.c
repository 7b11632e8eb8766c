/* sim/report/report_md.c — summary.md: a Markdown matrix per scenario plus
 * one paragraph per finding, written for a human reading a CI artefact.
 * The building blocks are in report_md_matrix.c, the findings in
 * report_md_find.c. */
#include "report.h"
#include "report_int.h"
#include "report_md_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const VERDICTS[] = {"PASS", "HANG_STALE_READ", "WRONG_VALUE", "LOST_WAKEUP", "CRASH",
                                       "TIMEOUT", "DEADLOCK", "LIVELOCK", "DATA_RACE", "BUILD_ERROR", NULL};

/* The title, who generated it, the host and the wall time. */
static void md_header(FILE *f, json_t *r)
{
    json_t *host = json_object_get(r, "host");
    char buf[128];

    fputs("# hvsim report\n\n", f);
    fputs("Generated ", f);
    md_text(f, rj_str(r, "generated", "(unknown time)"));
    fputs(" by hvsim ", f);
    md_text(f, rj_str(r, "hvsim_version", "?"));
    if (rj_str(r, "shard", NULL)) {
        fputs(", shard ", f);
        md_text(f, rj_str(r, "shard", ""));
    }
    fprintf(f, " (report schema %s v%lld).\n\n", rj_str(r, "schema", "?"), rj_int(r, "version", 0));

    fputs("- **Host:** ", f);
    if (json_is_object(host)) {
        md_text(f, rj_str(host, "arch", "?"));
        if (rj_is_int(host, "cpus"))
            fprintf(f, ", %lld CPU%s", rj_int(host, "cpus", 0), rj_int(host, "cpus", 0) == 1 ? "" : "s");
        if (rj_str(host, "kernel", NULL)) {
            fputs(", kernel ", f);
            md_text(f, rj_str(host, "kernel", ""));
        }
        json_t *ccv = json_object_get(host, "cc_versions"), *vv;
        const char *k;
        json_object_foreach(ccv, k, vv) {
            fputs(", ", f);
            md_text(f, k);
            fputc(' ', f);
            md_text(f, json_is_string(vv) ? json_string_value(vv) : "?");
        }
    } else {
        fputs("unknown", f);
    }
    rp_fmt_ms(rj_is_int(r, "wall_ms") ? rj_int(r, "wall_ms", 0) : -1, buf, sizeof buf);
    fprintf(f, "\n- **Wall time:** %s\n", buf);
}

/* Cells per verdict and per status; nst[] = ok, expected failure, unexpected
 * (the footer repeats them). */
static void md_counts(FILE *f, json_t *cells, size_t nst[3])
{
    size_t i, ncells = json_array_size(cells), nv[16] = {0}, nother = 0;
    json_t *c;
    json_array_foreach(cells, i, c) {
        const char *st = report_cell_status(c);
        nst[!strcmp(st, "ok") ? 0 : !strcmp(st, "expected-failure") ? 1 : 2]++;
        const char *v = rj_str(c, "verdict", "");
        size_t k;
        for (k = 0; VERDICTS[k]; k++)
            if (!strcmp(VERDICTS[k], v)) {
                nv[k]++;
                break;
            }
        if (!VERDICTS[k])
            nother++;
    }
    fprintf(f, "- **Cells:** %zu — ", ncells);
    int first = 1;
    for (size_t k = 0; VERDICTS[k]; k++) {
        if (!nv[k])
            continue;
        fprintf(f, "%s%zu %s", first ? "" : ", ", nv[k], VERDICTS[k]);
        first = 0;
    }
    if (nother)
        fprintf(f, "%s%zu other", first ? "" : ", ", nother);
    if (!ncells)
        fputs("none", f);
    fprintf(f, "\n- **Status:** %zu ok, %zu expected failure%s, %zu unexpected\n\n", nst[0], nst[1],
            nst[1] == 1 ? "" : "s", nst[2]);
    fputs("Cell marks: `HANG°` expected failure (a known bug, detected as expected); **`HANG!`** unexpected "
          "verdict; `·` not run; † the row ran under qemu-user (see the platform note).\n",
          f);
}

/* The table of one scenario: a row per variant, a column per cc -opt. */
static void md_table(FILE *f, md_matrix *mx)
{
    fprintf(f, "| variant (wait/relax/wake%s%s) |", mx->multi_arch ? " · arch" : "",
            mx->multi_engine ? " · engine" : "");
    size_t ncol = 0;
    for (size_t ci = 0; ci < mx->ccs.n; ci++)
        for (size_t oi = 0; oi < mx->opts.n; oi++)
            if (md_col_used(mx, mx->ccs.v[ci], mx->opts.v[oi])) {
                fputc(' ', f);
                md_text(f, mx->ccs.v[ci]);
                fputs(md_opt_sep(mx->opts.v[oi]), f);
                md_text(f, mx->opts.v[oi]);
                fputs(" |", f);
                ncol++;
            }
    fputs("\n|---|", f);
    for (size_t k = 0; k < ncol; k++)
        fputs(":---:|", f);
    fputc('\n', f);
    for (size_t ri = 0; ri < mx->rows.n; ri++) {
        fputs("| ", f);
        md_text(f, mx->rows.v[ri]);
        if (md_row_is_qemu(mx, mx->rows.v[ri]))
            fputs(" †", f);
        fputs(" |", f);
        for (size_t ci = 0; ci < mx->ccs.n; ci++)
            for (size_t oi = 0; oi < mx->opts.n; oi++) {
                if (!md_col_used(mx, mx->ccs.v[ci], mx->opts.v[oi]))
                    continue;
                json_t *cc = md_matrix_find(mx, mx->rows.v[ri], mx->ccs.v[ci], mx->opts.v[oi]);
                fputc(' ', f);
                if (cc)
                    md_verdict_cell(f, cc);
                else
                    fputs("·", f);
                fputs(" |", f);
            }
        fputc('\n', f);
    }
}

static void md_scenario(FILE *f, json_t *r, const char *scen)
{
    md_matrix mx;
    md_matrix_build(&mx, r, scen);
    size_t su = 0, sx = 0;
    for (size_t i = 0; i < mx.n; i++) {
        const char *st = report_cell_status(mx.cells[i]);
        su += !strcmp(st, "unexpected");
        sx += !strcmp(st, "expected-failure");
    }
    fputs("\n## Scenario ", f);
    md_code(f, scen);
    fprintf(f, "\n\n%zu cell%s, %zu expected failure%s, %zu unexpected.\n\n", mx.n, mx.n == 1 ? "" : "s", sx,
            sx == 1 ? "" : "s", su);
    md_table(f, &mx);
    md_findings(f, &mx);
    md_matrix_free(&mx);
}

/* Cells of architecture arch (all), and of those under platform label (q). */
static void arch_counts(json_t *cells, const char *arch, const char *label, size_t *all, size_t *q)
{
    size_t i;
    json_t *c;
    *all = *q = 0;
    json_array_foreach(cells, i, c) if (!strcmp(rj_str(c, "arch", "?"), arch)) {
        (*all)++;
        *q += rp_is_qemu(c) && !strcmp(rj_str(c, "platform", ""), label);
    }
}

/* One platform label's line: "every aarch64 and riscv64 row ran under
 * qemu-user"; an architecture only partly under this label is counted, not
 * called "every". */
static void md_platform_line(FILE *f, json_t *cells, const char *label)
{
    md_strset whole = {0}, part = {0};
    size_t i, cnt = 0, all, q;
    json_t *c;
    json_array_foreach(cells, i, c) if (rp_is_qemu(c) && !strcmp(rj_str(c, "platform", ""), label)) {
        cnt++;
        md_ss_add(&whole, rj_str(c, "arch", "?"));
    }
    md_ss_sort_axis(&whole, "arch");
    size_t nw = 0;
    for (size_t a = 0; a < whole.n; a++) {
        arch_counts(cells, whole.v[a], label, &all, &q);
        if (q == all)
            whole.v[nw++] = whole.v[a];
        else
            md_ss_add(&part, whole.v[a]);
    }
    whole.n = nw;
    fputs("- ", f);
    if (whole.n) {
        fputs("every ", f);
        for (size_t a = 0; a < whole.n; a++) {
            fputs(a == 0 ? "" : a + 1 == whole.n ? " and " : ", ", f);
            md_text(f, whole.v[a]);
        }
        fprintf(f, " row ran under qemu-user");
    }
    for (size_t a = 0; a < part.n; a++) {
        arch_counts(cells, part.v[a], label, &all, &q);
        fprintf(f, "%s%zu of %zu ", whole.n || a ? "; " : "", q, all);
        md_text(f, part.v[a]);
        fputs(" cells ran under qemu-user", f);
    }
    fprintf(f, " (%zu cell%s, marked † in the tables): *", cnt, cnt == 1 ? "" : "s");
    md_text(f, label);
    fputs("*.\n", f);
    free(whole.v);
    free(part.v);
}

/* platform notes: one line per platform label, naming the architectures
 * it covers ("every aarch64 and riscv64 row"); the cell ids stay in
 * report.json (each cell's platform) — 144 of them help no reader here. */
static void md_platform_notes(FILE *f, json_t *cells)
{
    md_strset labels = {0};
    size_t i;
    json_t *c;
    json_array_foreach(cells, i, c) if (rp_is_qemu(c)) md_ss_add(&labels, rj_str(c, "platform", ""));
    if (labels.n) {
        fputs("\n## Platform notes\n\n", f);
        for (size_t l = 0; l < labels.n; l++)
            md_platform_line(f, cells, labels.v[l]);
        fputs("\nThese results show what the foreign compiler emitted; they say nothing about weak-memory "
              "reorderings on real hardware. Which cells ran where: each cell's `platform` in report.json.\n",
              f);
    }
    free(labels.v);
}

/* comparison across engines */
static void md_comparison(FILE *f, json_t *cmp)
{
    size_t i;
    json_t *e;
    if (!json_array_size(cmp))
        return;
    fputs("\n## Comparison with other engines\n\n| variant | engine | finding | command |\n|---|---|---|---|\n",
          f);
    json_array_foreach(cmp, i, e) {
        fputs("| ", f);
        md_text(f, rj_str(e, "variant", ""));
        fputs(" | ", f);
        md_text(f, rj_str(e, "engine", ""));
        fputs(" | ", f);
        md_text(f, rj_str(e, "finding", ""));
        fputs(" | ", f);
        if (rj_str(e, "command", NULL)) {
            /* code span inside a table: '|' must still be escaped */
            const char *cmd = rj_str(e, "command", "");
            fputc('`', f);
            for (const char *p = cmd; *p; p++) {
                if (*p == '|')
                    fputs("\\|", f);
                else if (*p == '`')
                    fputc('\'', f);
                else
                    fputc(*p == '\n' ? ' ' : *p, f);
            }
            fputc('`', f);
        }
        fputs(" |\n", f);
    }
}

/* access audit (hvsim audit): unmarked accesses per variant */
static void md_audit(FILE *f, json_t *aud)
{
    size_t i;
    json_t *e;
    if (!json_array_size(aud))
        return;
    fputs("\n## Access audit\n\nEvery access site to the shared bridge in the instrumented build, by kind. "
          "A plain access to a field that is accessed with marked (volatile/atomic) accesses elsewhere "
          "and written by the other side is *unmarked* — the rule READ_ONCE/WRITE_ONCE state and KCSAN "
          "checks.\n\n| variant | sites | unmarked accesses | command |\n|---|---|---|---|\n", f);
    json_array_foreach(aud, i, e) {
        json_t *sites = json_object_get(e, "sites"), *x;
        size_t k, nu = 0;
        fputs("| ", f);
        md_text(f, rj_str(e, "variant", ""));
        fprintf(f, " | %zu | ", json_array_size(sites));
        json_array_foreach(sites, k, x) {
            if (!json_is_true(json_object_get(x, "unmarked")))
                continue;
            if (nu++)
                fputs("; ", f);
            md_text(f, rj_str(x, "kind", ""));
            fputs(" of ", f);
            md_code(f, rj_str(x, "field", ""));
            fputs(" at ", f);
            md_code(f, rj_str(x, "site", ""));
        }
        if (!nu)
            fputs("none", f);
        fputs(" | ", f);
        md_code(f, rj_str(e, "command", ""));
        fputs(" |\n", f);
    }
}

int report_write_summary_md(json_t *r, FILE *f)
{
    json_t *cells = json_object_get(r, "cells");
    size_t ncells = json_array_size(cells), nst[3] = {0, 0, 0};

    md_header(f, r);
    md_counts(f, cells, nst);
    size_t nsc = 0;
    const char **scs = rp_scenarios(r, &nsc);
    for (size_t s = 0; s < nsc; s++)
        md_scenario(f, r, scs[s]);
    free(scs);
    md_platform_notes(f, cells);
    md_comparison(f, json_object_get(r, "comparison"));
    md_audit(f, json_object_get(r, "audit"));

    fputs("\n---\n\n", f);
    if (nst[2])
        fprintf(f, "**%zu unexpected verdict%s** out of %zu cells (%zu expected failures, %zu ok).\n", nst[2],
                nst[2] == 1 ? "" : "s", ncells, nst[1], nst[0]);
    else
        fprintf(f, "**0 unexpected verdicts** out of %zu cells (%zu expected failures, %zu ok).\n", ncells, nst[1],
                nst[0]);
    return ferror(f) ? -1 : 0;
}
