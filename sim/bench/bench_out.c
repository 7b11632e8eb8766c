/* sim/bench/bench_out.c — the results of `hvsim bench` as bench.json's
 * rows and host, the printed table and bench.svg (docs/bench.md). */
#define _GNU_SOURCE
#include "bench.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

json_t *bench_host_json(void)
{
    struct utsname u;
    uname(&u);
    json_t *h = json_pack("{s:s,s:s,s:i}", "kernel", u.release, "machine", u.machine, "cpus",
                          (int)sysconf(_SC_NPROCESSORS_ONLN));
    /* the first line of `gcc --version`; "" when it fails */
    char *argv[] = { "gcc", "--version", 0 };
    struct sbuf out = { 0 };
    const char *s = proc_run(argv, &out, 10000) == 0 && out.s ? out.s : "";
    json_object_set_new(h, "gcc", json_stringn(s, strcspn(s, "\n")));
    sbuf_free(&out);
    return h;
}

json_t *bench_rows_json(const struct bench *b)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < b->nrows; i++) {
        const struct bench_row *r = &b->rows[i];
        json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "section", r->section, "name", r->name, "unit",
                              r->unit, "baseline", r->base_name);
        if (r->nm[0]) {
            json_object_set_new(j, "ratio", json_string(r->nm));
            json_object_set_new(j, "not_measured", json_string(r->nm));
        } else if (r->absolute) {
            json_object_set_new(j, "value", json_real(r->value));
            if (r->p99 > 0)
                json_object_set_new(j, "p99", json_real(r->p99));
            json_object_set_new(j, "absolute", json_true());
            json_object_set_new(j, "ratio", json_null());
            if (r->base > 0)
                json_object_set_new(j, "context_value", json_real(r->base));
        } else {
            json_object_set_new(j, "value", json_real(r->value));
            if (r->p99 > 0)
                json_object_set_new(j, "p99", json_real(r->p99));
            json_object_set_new(j, "baseline_value", json_real(r->base));
            json_object_set_new(j, "ratio", json_real(r->ratio));
        }
        if (r->target[0]) {
            json_object_set_new(j, "target", json_string(r->target));
            json_object_set_new(j, "met", r->met < 0 ? json_null() : json_boolean(r->met));
        }
        json_array_append_new(a, j);
    }
    return a;
}

static const char *fmt_val(double v, const char *unit, char *buf, size_t n)
{
    if (!strcmp(unit, "share"))
        snprintf(buf, n, "%.1f%%", v * 100);
    else if (v >= 1e6)
        snprintf(buf, n, "%.3g%s%s", v, unit[0] == '/' ? "" : " ", unit);
    else if (v >= 100)
        snprintf(buf, n, "%.0f%s%s", v, unit[0] == '/' ? "" : " ", unit);
    else
        snprintf(buf, n, "%.3g%s%s", v, unit[0] == '/' ? "" : " ", unit);
    return buf;
}

void bench_print_table(const struct bench *b, FILE *f)
{
    fprintf(f, "%-9s %-78s %12s %12s  %-38s %12s %8s  %s\n", "section", "measure", "median", "p99",
            "baseline", "base median", "ratio", "target");
    for (unsigned i = 0; i < b->nrows; i++) {
        const struct bench_row *r = &b->rows[i];
        char v[40], p[40] = "", bs[40];
        if (r->nm[0]) {
            fprintf(f, "%-9s %-78s %s\n", r->section, r->name, r->nm);
            continue;
        }
        fmt_val(r->value, r->unit, v, sizeof v);
        if (r->p99 > 0)
            fmt_val(r->p99, r->unit, p, sizeof p);
        fmt_val(r->base, !strcmp(r->unit, "share") ? "" : r->unit, bs, sizeof bs);
        char t[80] = "";
        if (r->target[0])
            snprintf(t, sizeof t, "%s: %s", r->target, r->met < 0 ? "?" : r->met ? "met" : "NOT met");
        if (r->absolute) /* no ratio: the value alone; the baseline column is context */
            fprintf(f, "%-9s %-78s %12s %12s  %-38s %12s %8s  %s\n", r->section, r->name, v, p,
                    r->base_name, r->base > 0 ? bs : "", "absolute", t);
        else
            fprintf(f, "%-9s %-78s %12s %12s  %-38s %12s %7.2fx  %s\n", r->section, r->name, v, p,
                    r->base_name, bs, r->ratio, t);
    }
    struct utsname u;
    uname(&u);
    fprintf(f, "(absolute rows: this machine, %s, %ld CPUs, kernel %s)\n", u.machine,
            sysconf(_SC_NPROCESSORS_ONLN), u.release);
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

/* A horizontal bar per row: the ratio on a log scale, 1x marked. */
void bench_write_svg(const struct bench *b, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    const double lo = 0.1, hi = 1000; /* log10 axis */
    const int left = 560, width = 420, rowh = 22, top = 50;
    int h = top + (int)b->nrows * rowh + 40;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"11\">\n", left + width + 120, h);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">hvsim bench: ratio to "
               "the baseline measured in the same run (log scale)%s</text>\n", b->quick ? " — --quick" : "");
    for (int d = -1; d <= 3; d++) {
        double x = left + (d - log10(lo)) / (log10(hi) - log10(lo)) * width;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, top - 8, x,
                h - 30, d == 0 ? "#333" : "#ddd");
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%gx</text>\n", x, top - 12, pow(10, d));
    }
    for (unsigned i = 0; i < b->nrows; i++) {
        const struct bench_row *r = &b->rows[i];
        int y = top + (int)i * rowh;
        fprintf(f, "<text x=\"10\" y=\"%d\">", y + 14);
        xml_text(f, r->section);
        fputs(": ", f);
        char nm[80];
        snprintf(nm, sizeof nm, "%s", r->name);
        xml_text(f, nm);
        fputs("</text>\n", f);
        if (r->nm[0] || r->absolute || r->ratio <= 0) {
            fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#888\">", left, y + 14);
            char s[90];
            if (r->absolute)
                snprintf(s, sizeof s, "absolute: %.4g %s (no ratio)", r->value, r->unit);
            else
                snprintf(s, sizeof s, "%s", r->nm);
            xml_text(f, s);
            fputs("</text>\n", f);
            continue;
        }
        double v = r->ratio < lo ? lo : r->ratio > hi ? hi : r->ratio;
        double x1 = left + (0 - log10(lo)) / (log10(hi) - log10(lo)) * width;
        double x2 = left + (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * width;
        const char *col = r->met == 0 ? "#d9534f" : r->met == 1 ? "#5cb85c" : "#5b8def";
        fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                x1 < x2 ? x1 : x2, y + 3, fabs(x2 - x1) < 1 ? 1 : fabs(x2 - x1), rowh - 6, col);
        fprintf(f, "<text x=\"%d\" y=\"%d\">%.2fx</text>\n", left + width + 8, y + 14, r->ratio);
    }
    fprintf(f, "<text x=\"10\" y=\"%d\" fill=\"#555\">green: target met, red: target not met, "
               "blue: no target. Values and baselines in bench.json.</text>\n</svg>\n", h - 10);
    fclose(f);
}
