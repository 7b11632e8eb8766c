/* sim/report/report_md_find.c — summary.md's findings: one paragraph per
 * distinct finding of a scenario (what the verdict means, the evidence,
 * how to reproduce it). */
#include "report.h"
#include "report_int.h"
#include "report_md_int.h"

#include <stdlib.h>
#include <string.h>

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

/* "gcc -O0, -O1; clang -O2": the builds of this row whose finding is key. */
static void md_builds(FILE *f, md_matrix *mx, const char *row, const char *key)
{
    char k2[1024];
    for (size_t ci = 0, first_cc = 1; ci < mx->ccs.n; ci++) {
        int any = 0;
        for (size_t oi = 0; oi < mx->opts.n; oi++) {
            json_t *c = md_matrix_find(mx, row, mx->ccs.v[ci], mx->opts.v[oi]);
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
            fputs(md_opt_sep(mx->opts.v[oi]), f);
            md_text(f, mx->opts.v[oi]);
        }
    }
}

/* What the verdict means, and what was expected when it was not. */
static void md_meaning(FILE *f, json_t *rep, const char *v, const char *st)
{
    if (!strcmp(v, "PASS") && !strcmp(st, "unexpected")) {
        fputs("The run passed, but the scenario expects ", f);
        md_expected_list(f, rep);
        fputs(": either the bug no longer shows in this build or the detector missed it. ", f);
        return;
    }
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

/* Where the waiter was: "CPU 1 was spinning in `f` at `file:line`. " */
static void md_where(FILE *f, json_t *ev, const char *v)
{
    const char *fn = rj_str(ev, "function", NULL), *file = rj_str(ev, "file", NULL);
    if (!fn && !file)
        return;
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

/* The flag's value in memory against the value the loop compared with, CPU
 * time, and where the PC samples fell. */
static void md_measures(FILE *f, json_t *ev, const char *v)
{
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

static void md_evidence(FILE *f, json_t *rep, json_t *ev, const char *v)
{
    const char *sum = rj_str(ev, "summary", NULL);
    fprintf(f, "Evidence (%s%s%s): ", rj_str(rep, "cc", "?"), md_opt_sep(rj_str(rep, "opt", "?")),
            rj_str(rep, "opt", "?"));
    if (sum) {
        md_text(f, sum);
        size_t l = strlen(sum);
        fputs(l && sum[l - 1] == '.' ? " " : ". ", f);
    }
    md_where(f, ev, v);
    md_measures(f, ev, v);
}

/* The loop checker's prediction, runs, shared binaries, qemu, the command. */
static void md_context(FILE *f, json_t *rep)
{
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
}

/* One finding: rep is its first cell, key its finding_key. */
static void md_paragraph(FILE *f, md_matrix *mx, json_t *rep, const char *row, const char *key)
{
    const char *st = report_cell_status(rep);
    const char *v = rj_str(rep, "verdict", "?");
    json_t *ev = json_object_get(rep, "evidence");

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
    md_builds(f, mx, row, key);
    fputs(". ", f);
    md_meaning(f, rep, v, st);
    if (ev && json_is_object(ev))
        md_evidence(f, rep, ev, v);
    md_context(f, rep);
    fputs("\n", f);
}

void md_findings(FILE *f, md_matrix *mx)
{
    md_strset done = {0};
    char key[1024];
    int any = 0;
    for (size_t ri = 0; ri < mx->rows.n; ri++) {
        const char *row = mx->rows.v[ri];
        for (size_t ci = 0; ci < mx->ccs.n; ci++) {
            for (size_t oi = 0; oi < mx->opts.n; oi++) {
                json_t *c = md_matrix_find(mx, row, mx->ccs.v[ci], mx->opts.v[oi]);
                if (!c || !strcmp(report_cell_status(c), "ok"))
                    continue;
                finding_key(c, row, key, sizeof key);
                int seen = 0;
                for (size_t k = 0; k < done.n && !seen; k++)
                    seen = !strcmp(done.v[k], key);
                if (seen)
                    continue;
                md_ss_add(&done, strdup(key));
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

