/* sim/report/report_md.c — summary.md: a Markdown matrix per scenario plus
 * one paragraph per finding, written for a human reading a CI artefact. */
#include "report.h"
#include "report_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---------- Markdown escaping ---------- */

static void md_text(FILE *f, const char *s)
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

/* Inline code span; the fence is longer than any run of backticks inside. */
static void md_code(FILE *f, const char *s)
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

/* ---------- string set (ordered, de-duplicated) ---------- */

typedef struct {
    const char **v;
    size_t n, cap;
} strset;

static size_t ss_add(strset *s, const char *x)
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

/* "gcc -O2", but "rustc 1.95.0 opt-level=2" (a library's own build, issue 18) */
static const char *opt_sep(const char *opt)
{
    return opt[0] == 'O' ? " -" : " ";
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

static void ss_sort_axis(strset *s, const char *axis)
{
    g_axis = axis;
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_axis);
}

/* ---------- per-scenario matrix ---------- */

typedef struct {
    json_t **cells;
    size_t n;
    int multi_arch, multi_engine;
    strset rows; /* malloc'd row labels */
    strset ccs, opts;
    char **rowkey; /* per cell (parallel to cells): its row label */
} matrix;

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

static void matrix_sort_rows(matrix *mx);
static void matrix_build(matrix *mx, json_t *report, const char *scen)
{
    memset(mx, 0, sizeof *mx);
    json_t *cells = json_object_get(report, "cells"), *c;
    size_t i;
    mx->cells = calloc(json_array_size(cells) + 1, sizeof *mx->cells);
    strset arch = {0}, eng = {0};
    json_array_foreach(cells, i, c) {
        if (strcmp(rp_cell_scenario(c), scen))
            continue;
        mx->cells[mx->n++] = c;
        ss_add(&arch, rj_str(c, "arch", "?"));
        ss_add(&eng, rj_str(c, "engine", "?"));
        ss_add(&mx->ccs, rj_str(c, "cc", "?"));
        ss_add(&mx->opts, rj_str(c, "opt", "?"));
    }
    mx->multi_arch = arch.n > 1;
    mx->multi_engine = eng.n > 1;
    free(arch.v);
    free(eng.v);
    ss_sort_axis(&mx->ccs, "cc");
    ss_sort_axis(&mx->opts, "opt");
    mx->rowkey = calloc(mx->n + 1, sizeof *mx->rowkey);
    for (i = 0; i < mx->n; i++) {
        char *k = row_label(mx->cells[i], mx->multi_arch, mx->multi_engine);
        size_t before = mx->rows.n;
        size_t idx = ss_add(&mx->rows, k);
        if (mx->rows.n == before) { /* existing row: share its label */
            free(k);
            k = (char *)mx->rows.v[idx];
        }
        mx->rowkey[i] = k;
    }
    matrix_sort_rows(mx);
}

static matrix *g_mx;
static json_t *row_first_cell(matrix *mx, const char *row)
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

static void matrix_sort_rows(matrix *mx)
{
    g_mx = mx;
    if (mx->rows.n > 1)
        qsort(mx->rows.v, mx->rows.n, sizeof *mx->rows.v, cmp_row);
}

static void matrix_free(matrix *mx)
{
    for (size_t i = 0; i < mx->rows.n; i++)
        free((char *)mx->rows.v[i]);
    free(mx->rows.v);
    free(mx->ccs.v);
    free(mx->opts.v);
    free(mx->rowkey);
    free(mx->cells);
}

static json_t *matrix_find(matrix *mx, const char *row, const char *cc, const char *opt)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(mx->rowkey[i], row) && !strcmp(rj_str(mx->cells[i], "cc", "?"), cc) &&
            !strcmp(rj_str(mx->cells[i], "opt", "?"), opt))
            return mx->cells[i];
    return NULL;
}

static int col_used(matrix *mx, const char *cc, const char *opt)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(rj_str(mx->cells[i], "cc", "?"), cc) && !strcmp(rj_str(mx->cells[i], "opt", "?"), opt))
            return 1;
    return 0;
}

static int row_is_qemu(matrix *mx, const char *row)
{
    for (size_t i = 0; i < mx->n; i++)
        if (!strcmp(mx->rowkey[i], row) && rp_is_qemu(mx->cells[i]))
            return 1;
    return 0;
}

static void md_verdict_cell(FILE *f, json_t *c)
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

/* ---------- findings ---------- */

static void md_expected_list(FILE *f, json_t *c)
{
    json_t *exp = json_object_get(c, "expected"), *e;
    size_t i;
    if (json_array_size(exp) == 0) {
        fputs("no expectation (PASS is the only verdict accepted)", f);
        return;
    }
    json_array_foreach(exp, i, e) {
        if (i)
            fputs(i + 1 == json_array_size(exp) ? " or " : ", ", f);
        md_text(f, json_is_string(e) ? json_string_value(e) : "?");
    }
}

static void finding_key(json_t *c, const char *row, char *buf, size_t len)
{
    json_t *ev = json_object_get(c, "evidence");
    snprintf(buf, len, "%s|%s|%s|%s|%s|%lld|%s", row, rj_str(c, "verdict", ""), report_cell_status(c),
             rj_str(ev, "file", ""), rj_str(ev, "function", ""), rj_int(ev, "line", -1),
             rj_str(c, "engine", ""));
}

static void md_paragraph(FILE *f, matrix *mx, json_t *rep, const char *row, const char *key)
{
    const char *st = report_cell_status(rep);
    const char *v = rj_str(rep, "verdict", "?");
    json_t *ev = json_object_get(rep, "evidence");
    char k2[1024];

    fputs("- **", f);
    md_text(f, v);
    fputs("**", f);
    if (!strcmp(st, "unexpected"))
        fputs(" — **unexpected**", f);
    else if (!strcmp(st, "expected-failure"))
        fputs(" — expected failure (a known bug, detected as expected)", f);
    fputs(" in ", f);
    md_code(f, row);
    fputs(", built with ", f);
    /* list the builds in this group, per compiler */
    for (size_t ci = 0, first_cc = 1; ci < mx->ccs.n; ci++) {
        int any = 0;
        for (size_t oi = 0; oi < mx->opts.n; oi++) {
            json_t *c = matrix_find(mx, row, mx->ccs.v[ci], mx->opts.v[oi]);
            if (!c)
                continue;
            finding_key(c, row, k2, sizeof k2);
            if (strcmp(k2, key))
                continue;
            if (!any) {
                if (!first_cc)
                    fputs("; ", f);
                md_text(f, mx->ccs.v[ci]);
                first_cc = 0;
                any = 1;
            } else {
                fputc(',', f);
            }
            fputs(opt_sep(mx->opts.v[oi]), f);
            md_text(f, mx->opts.v[oi]);
        }
    }
    fputs(". ", f);
    if (!strcmp(v, "PASS") && !strcmp(st, "unexpected")) {
        fputs("The run passed, but the scenario expects ", f);
        md_expected_list(f, rep);
        fputs(": either the bug no longer shows in this build or the detector missed it. ", f);
    } else {
        char w[1024];
        snprintf(w, sizeof w, "%s", rp_verdict_words(v));
        if (w[0] >= 'a' && w[0] <= 'z')
            w[0] = (char)(w[0] - 'a' + 'A');
        md_text(f, w);
        fputs(". ", f);
        if (!strcmp(st, "unexpected")) {
            fputs("Expected: ", f);
            md_expected_list(f, rep);
            fputs(". ", f);
        }
    }
    if (ev && json_is_object(ev)) {
        const char *sum = rj_str(ev, "summary", NULL);
        fprintf(f, "Evidence (%s%s%s): ", rj_str(rep, "cc", "?"), opt_sep(rj_str(rep, "opt", "?")),
                rj_str(rep, "opt", "?"));
        if (sum) {
            md_text(f, sum);
            size_t l = strlen(sum);
            fputs(l && sum[l - 1] == '.' ? " " : ". ", f);
        }
        const char *fn = rj_str(ev, "function", NULL), *file = rj_str(ev, "file", NULL);
        if (fn || file) {
            if (rj_is_int(ev, "cpu"))
                fprintf(f, "CPU %lld was ", rj_int(ev, "cpu", 0));
            else
                fputs("The waiter was ", f);
            fputs(!strcmp(v, "HANG_STALE_READ") || !strcmp(v, "LIVELOCK") ? "spinning"
                  : !strcmp(v, "LOST_WAKEUP") || !strcmp(v, "DEADLOCK") ? "blocked"
                                                                          : "last seen",
                  f);
            if (fn) {
                fputs(" in ", f);
                md_code(f, fn);
            }
            if (file) {
                fputs(" at ", f);
                char loc[1024];
                if (rj_is_int(ev, "line"))
                    snprintf(loc, sizeof loc, "%s:%lld", file, rj_int(ev, "line", 0));
                else
                    snprintf(loc, sizeof loc, "%s", file);
                md_code(f, loc);
            }
            fputs(". ", f);
        }
        if (rj_is_int(ev, "flag_in_memory") && rj_is_int(ev, "flag_waited_on")) {
            long long mem = rj_int(ev, "flag_in_memory", 0), w = rj_int(ev, "flag_waited_on", 0);
            if (mem != w) {
                fprintf(f, "The flag in memory was %lld while the value the loop kept comparing was %lld", mem, w);
                if (!strcmp(v, "HANG_STALE_READ"))
                    fputs(" — the store was visible, the CPU just never reloaded it", f);
                fputs(". ", f);
            } else {
                fprintf(f, "The flag in memory was still %lld, the value the waiter was waiting to see change: "
                           "no response was ever written. ",
                        mem);
            }
        }
        if (rj_is_int(ev, "cpu_time_ms"))
            fprintf(f, "It burnt %lld ms of CPU time. ", rj_int(ev, "cpu_time_ms", 0));
        json_t *pcs = json_object_get(ev, "pc_samples");
        if (json_array_size(pcs) > 0) {
            json_t *p0 = json_array_get(pcs, 0);
            if (json_array_size(pcs) == 1 && rj_is_int(p0, "count"))
                fprintf(f, "All %lld PC samples at ", rj_int(p0, "count", 0));
            else if (json_array_size(pcs) == 1)
                fputs("PC samples all at ", f);
            else
                fprintf(f, "PC samples at %zu places, the first ", json_array_size(pcs));
            md_code(f, rj_str(p0, "pc", "?"));
            if (rj_str(p0, "function", NULL)) {
                fputs(" in ", f);
                md_text(f, rj_str(p0, "function", ""));
            }
            fputs(". ", f);
        }
    }
    json_t *orc = json_object_get(rep, "oracle");
    if (json_is_object(orc)) {
        fputs("The static loop checker predicted ", f);
        md_text(f, rj_str(orc, "prediction", "unknown"));
        json_t *ag = json_object_get(orc, "agrees");
        if (json_is_boolean(ag))
            fputs(json_is_true(ag) ? " (agrees). " : " (**disagrees**). ", f);
        else
            fputs(". ", f);
    }
    if (rj_is_int(rep, "runs")) {
        fprintf(f, "%lld run%s", rj_int(rep, "runs", 0), rj_int(rep, "runs", 0) == 1 ? "" : "s");
        if (rj_is_int(rep, "failing_seed"))
            fprintf(f, ", first failing seed %lld", rj_int(rep, "failing_seed", 0));
        fputs(". ", f);
    }
    json_t *sh = json_object_get(rep, "shares_binary_with");
    if (json_array_size(sh) > 0)
        fprintf(f, "Same binary as %zu other cell%s. ", json_array_size(sh), json_array_size(sh) == 1 ? "" : "s");
    if (rp_is_qemu(rep))
        fputs("Ran under qemu-user (see the platform note). ", f);
    const char *cmd = rj_str(rep, "command", NULL);
    if (cmd) {
        fputs("Reproduce: ", f);
        md_code(f, cmd);
    }
    fputs("\n", f);
}

static void md_findings(FILE *f, matrix *mx)
{
    strset done = {0};
    char key[1024];
    int any = 0;
    for (size_t ri = 0; ri < mx->rows.n; ri++) {
        const char *row = mx->rows.v[ri];
        for (size_t ci = 0; ci < mx->ccs.n; ci++) {
            for (size_t oi = 0; oi < mx->opts.n; oi++) {
                json_t *c = matrix_find(mx, row, mx->ccs.v[ci], mx->opts.v[oi]);
                if (!c || !strcmp(report_cell_status(c), "ok"))
                    continue;
                finding_key(c, row, key, sizeof key);
                int seen = 0;
                for (size_t k = 0; k < done.n && !seen; k++)
                    seen = !strcmp(done.v[k], key);
                if (seen)
                    continue;
                ss_add(&done, strdup(key));
                if (!any) {
                    fputs("\n**Findings**\n\n", f);
                    any = 1;
                }
                md_paragraph(f, mx, c, row, key);
            }
        }
    }
    if (!any)
        fputs("\nNo findings: every build passed.\n", f);
    for (size_t i = 0; i < done.n; i++)
        free((char *)done.v[i]);
    free(done.v);
}

/* ---------- the document ---------- */

static const char *const VERDICTS[] = {"PASS", "HANG_STALE_READ", "WRONG_VALUE", "LOST_WAKEUP", "CRASH",
                                       "TIMEOUT", "DEADLOCK", "LIVELOCK", "DATA_RACE", "BUILD_ERROR", NULL};

int report_write_summary_md(json_t *r, FILE *f)
{
    json_t *cells = json_object_get(r, "cells"), *c, *host = json_object_get(r, "host");
    size_t i, ncells = json_array_size(cells);
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

    /* counts */
    size_t nst[3] = {0, 0, 0}, nv[16] = {0}, nother = 0;
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

    /* per scenario */
    size_t nsc = 0;
    const char **scs = rp_scenarios(r, &nsc);
    for (size_t s = 0; s < nsc; s++) {
        matrix mx;
        matrix_build(&mx, r, scs[s]);
        size_t su = 0, sx = 0;
        for (i = 0; i < mx.n; i++) {
            const char *st = report_cell_status(mx.cells[i]);
            su += !strcmp(st, "unexpected");
            sx += !strcmp(st, "expected-failure");
        }
        fputs("\n## Scenario ", f);
        md_code(f, scs[s]);
        fprintf(f, "\n\n%zu cell%s, %zu expected failure%s, %zu unexpected.\n\n", mx.n, mx.n == 1 ? "" : "s", sx,
                sx == 1 ? "" : "s", su);
        fprintf(f, "| variant (wait/relax/wake%s%s) |", mx.multi_arch ? " · arch" : "",
                mx.multi_engine ? " · engine" : "");
        size_t ncol = 0;
        for (size_t ci = 0; ci < mx.ccs.n; ci++)
            for (size_t oi = 0; oi < mx.opts.n; oi++)
                if (col_used(&mx, mx.ccs.v[ci], mx.opts.v[oi])) {
                    fputc(' ', f);
                    md_text(f, mx.ccs.v[ci]);
                    fputs(opt_sep(mx.opts.v[oi]), f);
                    md_text(f, mx.opts.v[oi]);
                    fputs(" |", f);
                    ncol++;
                }
        fputs("\n|---|", f);
        for (size_t k = 0; k < ncol; k++)
            fputs(":---:|", f);
        fputc('\n', f);
        for (size_t ri = 0; ri < mx.rows.n; ri++) {
            fputs("| ", f);
            md_text(f, mx.rows.v[ri]);
            if (row_is_qemu(&mx, mx.rows.v[ri]))
                fputs(" †", f);
            fputs(" |", f);
            for (size_t ci = 0; ci < mx.ccs.n; ci++)
                for (size_t oi = 0; oi < mx.opts.n; oi++) {
                    if (!col_used(&mx, mx.ccs.v[ci], mx.opts.v[oi]))
                        continue;
                    json_t *cc = matrix_find(&mx, mx.rows.v[ri], mx.ccs.v[ci], mx.opts.v[oi]);
                    fputc(' ', f);
                    if (cc)
                        md_verdict_cell(f, cc);
                    else
                        fputs("·", f);
                    fputs(" |", f);
                }
            fputc('\n', f);
        }
        md_findings(f, &mx);
        matrix_free(&mx);
    }
    free(scs);

    /* platform notes: one line per platform label, naming the architectures
     * it covers ("every aarch64 and riscv64 row"); the cell ids stay in
     * report.json (each cell's platform) — 144 of them help no reader here. */
    strset labels = {0};
    json_array_foreach(cells, i, c) if (rp_is_qemu(c)) ss_add(&labels, rj_str(c, "platform", ""));
    if (labels.n) {
        fputs("\n## Platform notes\n\n", f);
        for (size_t l = 0; l < labels.n; l++) {
            strset whole = {0}, part = {0};
            size_t cnt = 0;
            json_array_foreach(cells, i, c) if (rp_is_qemu(c) && !strcmp(rj_str(c, "platform", ""), labels.v[l])) {
                cnt++;
                ss_add(&whole, rj_str(c, "arch", "?"));
            }
            ss_sort_axis(&whole, "arch");
            /* an architecture only partly under this label is counted, not called "every" */
            size_t nw = 0;
            for (size_t a = 0; a < whole.n; a++) {
                size_t all = 0, q = 0;
                json_array_foreach(cells, i, c) if (!strcmp(rj_str(c, "arch", "?"), whole.v[a])) {
                    all++;
                    q += rp_is_qemu(c) && !strcmp(rj_str(c, "platform", ""), labels.v[l]);
                }
                if (q == all)
                    whole.v[nw++] = whole.v[a];
                else
                    ss_add(&part, whole.v[a]);
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
                size_t all = 0, q = 0;
                json_array_foreach(cells, i, c) if (!strcmp(rj_str(c, "arch", "?"), part.v[a])) {
                    all++;
                    q += rp_is_qemu(c) && !strcmp(rj_str(c, "platform", ""), labels.v[l]);
                }
                fprintf(f, "%s%zu of %zu ", whole.n || a ? "; " : "", q, all);
                md_text(f, part.v[a]);
                fputs(" cells ran under qemu-user", f);
            }
            fprintf(f, " (%zu cell%s, marked † in the tables): *", cnt, cnt == 1 ? "" : "s");
            md_text(f, labels.v[l]);
            fputs("*.\n", f);
            free(whole.v);
            free(part.v);
        }
        fputs("\nThese results show what the foreign compiler emitted; they say nothing about weak-memory "
              "reorderings on real hardware. Which cells ran where: each cell's `platform` in report.json.\n",
              f);
    }
    free(labels.v);

    /* comparison across engines */
    json_t *cmp = json_object_get(r, "comparison"), *e;
    if (json_array_size(cmp)) {
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
    json_t *aud = json_object_get(r, "audit");
    if (json_array_size(aud)) {
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

    fputs("\n---\n\n", f);
    if (nst[2])
        fprintf(f, "**%zu unexpected verdict%s** out of %zu cells (%zu expected failures, %zu ok).\n", nst[2],
                nst[2] == 1 ? "" : "s", ncells, nst[1], nst[0]);
    else
        fprintf(f, "**0 unexpected verdicts** out of %zu cells (%zu expected failures, %zu ok).\n", ncells, nst[1],
                nst[0]);
    return ferror(f) ? -1 : 0;
}
