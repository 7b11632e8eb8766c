/* sim/report/report_junit.c — junit.xml: one <testsuite> per scenario, one
 * <testcase> per cell; only "unexpected" cells are failures. */
#define _GNU_SOURCE
#include <stdarg.h>
#include "report.h"
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

/* XML 1.0 text/attribute escaping.  Control characters XML 1.0 cannot carry
 * become U+FFFD; in attributes newlines and tabs become character references
 * so they survive attribute-value normalisation. */
static void xml_esc(FILE *f, const char *s, int attr)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs(attr ? "&quot;" : "\"", f); break;
        case '\'': fputs(attr ? "&apos;" : "'", f); break;
        case '\n': fputs(attr ? "&#10;" : "\n", f); break;
        case '\t': fputs(attr ? "&#9;" : "\t", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if (*p < 0x20)
                fputs("\xEF\xBF\xBD", f);
            else
                fputc(*p, f);
        }
    }
}

static void xml_escf(FILE *f, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void xml_escf(FILE *f, int attr, const char *fmt, ...)
{
    char *buf = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&buf, fmt, ap) >= 0)
        xml_esc(f, buf, attr);
    va_end(ap);
    free(buf);
}

/* The plain-text evidence block (used in <failure> and <system-out>). */
static void evidence_text(FILE *f, json_t *c)
{
    json_t *ev = json_object_get(c, "evidence"), *e;
    size_t i;
    xml_escf(f, 0, "cell:     %s\n", rj_str(c, "id", "?"));
    xml_escf(f, 0, "verdict:  %s (%s)\n", rj_str(c, "verdict", "?"), report_cell_status(c));
    fputs("expected: ", f);
    json_t *exp = json_object_get(c, "expected");
    if (json_array_size(exp) == 0)
        fputs("(no expectation)", f);
    json_array_foreach(exp, i, e) {
        if (i)
            fputs(", ", f);
        xml_esc(f, json_is_string(e) ? json_string_value(e) : "?", 0);
    }
    fputc('\n', f);
    if (rj_str(c, "platform", NULL))
        xml_escf(f, 0, "platform: %s\n", rj_str(c, "platform", ""));
    if (rj_is_int(c, "runs"))
        xml_escf(f, 0, "runs:     %lld, seed %lld%s", rj_int(c, "runs", 0), rj_int(c, "seed", 0),
                 rj_is_int(c, "failing_seed") ? "" : "\n");
    if (rj_is_int(c, "failing_seed"))
        xml_escf(f, 0, ", failing seed %lld\n", rj_int(c, "failing_seed", 0));
    if (rj_str(c, "command", NULL))
        xml_escf(f, 0, "reproduce: %s\n", rj_str(c, "command", ""));
    if (!json_is_object(ev))
        return;
    if (rj_str(ev, "summary", NULL))
        xml_escf(f, 0, "summary:  %s\n", rj_str(ev, "summary", ""));
    if (rj_str(ev, "file", NULL) || rj_str(ev, "function", NULL)) {
        xml_escf(f, 0, "where:    %s", rj_str(ev, "function", "?"));
        if (rj_str(ev, "file", NULL))
            xml_escf(f, 0, " at %s", rj_str(ev, "file", ""));
        if (rj_is_int(ev, "line"))
            xml_escf(f, 0, ":%lld", rj_int(ev, "line", 0));
        if (rj_is_int(ev, "cpu"))
            xml_escf(f, 0, " (cpu %lld)", rj_int(ev, "cpu", 0));
        fputc('\n', f);
    }
    if (rj_is_int(ev, "flag_in_memory"))
        xml_escf(f, 0, "flag in memory: %lld, value waited on: %lld\n", rj_int(ev, "flag_in_memory", 0),
                 rj_int(ev, "flag_waited_on", 0));
    if (rj_str(ev, "text", NULL))
        xml_escf(f, 0, "\n%s\n", rj_str(ev, "text", ""));
    if (rj_str(ev, "loop_disasm", NULL))
        xml_escf(f, 0, "\nwait loop (-%s):\n%s\n", rj_str(c, "opt", "?"), rj_str(ev, "loop_disasm", ""));
}

/* One cell: a failure (unexpected verdict) or the evidence as output. */
static void junit_case(FILE *f, json_t *c, const char *scen)
{
    const char *st = report_cell_status(c);
    const char *id = rj_str(c, "id", "?");
    fputs("    <testcase classname=\"", f);
    xml_esc(f, scen, 1);
    fputs("\" name=\"", f);
    xml_esc(f, rp_id_rest(id), 1);
    fprintf(f, "\" time=\"%.3f\">\n", rj_int(c, "time_ms", 0) / 1000.0);
    if (!strcmp(st, "unexpected")) {
        json_t *ev = json_object_get(c, "evidence");
        fputs("      <failure type=\"", f);
        xml_esc(f, rj_str(c, "verdict", "?"), 1);
        fputs("\" message=\"", f);
        char *msg = NULL;
        size_t ml = 0;
        FILE *m = open_memstream(&msg, &ml);
        fprintf(m, "%s, expected ", rj_str(c, "verdict", "?"));
        json_t *exp = json_object_get(c, "expected"), *e;
        size_t k;
        if (json_array_size(exp) == 0)
            fputs("PASS", m);
        json_array_foreach(exp, k, e) fprintf(m, "%s%s", k ? " or " : "",
                                              json_is_string(e) ? json_string_value(e) : "?");
        if (rj_str(ev, "summary", NULL))
            fprintf(m, ": %s", rj_str(ev, "summary", ""));
        fclose(m);
        xml_esc(f, msg, 1);
        free(msg);
        fputs("\">", f);
        evidence_text(f, c);
        fputs("</failure>\n", f);
    } else {
        fputs("      <system-out>", f);
        if (!strcmp(st, "expected-failure"))
            fputs("expected failure: a known bug, detected as expected\n", f);
        evidence_text(f, c);
        fputs("</system-out>\n", f);
    }
    fputs("    </testcase>\n", f);
}

/* One scenario's testsuite element. */
static void junit_suite(FILE *f, json_t *r, json_t *cells, const char *scen)
{
    size_t i, n = 0, nf = 0;
    json_t *c;
    long long ms = 0;
    json_array_foreach(cells, i, c) {
        if (strcmp(rp_cell_scenario(c), scen))
            continue;
        n++;
        nf += !strcmp(report_cell_status(c), "unexpected");
        ms += rj_int(c, "time_ms", 0);
    }
    fputs("  <testsuite name=\"", f);
    xml_esc(f, scen, 1);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\"", n, nf, ms / 1000.0);
    if (rj_str(r, "generated", NULL)) {
        /* JUnit wants a local timestamp without zone: drop a trailing 'Z' */
        char ts[64];
        snprintf(ts, sizeof ts, "%s", rj_str(r, "generated", ""));
        size_t l = strlen(ts);
        if (l && ts[l - 1] == 'Z')
            ts[l - 1] = 0;
        fputs(" timestamp=\"", f);
        xml_esc(f, ts, 1);
        fputc('"', f);
    }
    json_t *host = json_object_get(r, "host");
    if (rj_str(host, "arch", NULL)) {
        fputs(" hostname=\"", f);
        xml_esc(f, rj_str(host, "arch", ""), 1);
        fputc('"', f);
    }
    fputs(">\n", f);
    json_array_foreach(cells, i, c) if (!strcmp(rp_cell_scenario(c), scen)) junit_case(f, c, scen);
    fputs("  </testsuite>\n", f);
}

int report_write_junit(json_t *r, FILE *f)
{
    json_t *cells = json_object_get(r, "cells"), *c;
    size_t i, nsc = 0;
    size_t total = 0, totfail = 0;
    long long totms = 0;
    json_array_foreach(cells, i, c) {
        total++;
        totfail += !strcmp(report_cell_status(c), "unexpected");
        totms += rj_int(c, "time_ms", 0);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"hvsim\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
            total, totfail, totms / 1000.0);
    const char **scs = rp_scenarios(r, &nsc);
    for (size_t s = 0; s < nsc; s++)
        junit_suite(f, r, cells, scs[s]);
    free(scs);
    fputs("</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}
