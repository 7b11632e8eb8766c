/* sim/cli/cmd_bench.c — `hvsim bench`: measure, write bench.json and
 * bench.svg, print the table.  Every figure is measured against a baseline
 * measured in the same run and shown as a ratio (docs/bench.md). */
#define _GNU_SOURCE
#include "bench/bench.h"
#include "commands.h"
#include "options.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <math.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hvsim bench [OPTIONS]\n\n"
        "Benchmarks of hvsim itself, each against a baseline measured in the same run and\n"
        "printed as a ratio (medians over repeats: the machine is shared and noisy):\n"
        "  handshake  guest read -> response seen, spin path, gcc -O2 volatile|acquire x\n"
        "             none|pause|barrier (plain at -O0), vs a raw two-process ping-pong\n"
        "  sleeping   need_wakeup -> IPI -> daemon awake -> answer, vs raw futex and eventfd wakes\n"
        "  det        deterministic engine points/s and executions/s vs a raw futex handoff\n"
        "  hang       hang detection latency (flag change -> verdict), native and qemu-user\n"
        "  matrix     the default matrix: wall time, cells/s, share saved by binary dedup\n\n"
        "  --out DIR        write DIR/bench.json and DIR/bench.svg (default reports)\n"
        "  --quick          few repeats and short runs (for tests; figures are rougher)\n"
        "  --repeats N      repeats per measurement (default 7, --quick 2)\n"
        "  --only LIST      comma-separated sections to run (the others say \"not measured\")\n"
        "  --json           print bench.json on stdout (the table goes to stderr)\n\n"
        "exit status: 0 measured (targets missed are reported, not failures), 2 bad usage\n"
        "(an --out that cannot be written included), "
        "3 harness failure (nothing could be written)\n");
}

static int wanted(const char *only, const char *sec)
{
    if (!only)
        return 1;
    char buf[200];
    snprintf(buf, sizeof buf, ",%s,", only);
    char pat[40];
    snprintf(pat, sizeof pat, ",%s,", sec);
    return strstr(buf, pat) != 0;
}

static void skipped(struct bench *b, const char *sec)
{
    struct bench_row *r = bench_row_add(b, sec, "section", "");
    bench_row_nm(r, "not measured: section not selected (--only)");
    json_object_set_new(b->sections, sec, json_pack("{s:s}", "not_measured", r->nm));
}

static json_t *host_json(void)
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

static json_t *rows_json(const struct bench *b)
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

int cmd_bench(int argc, char **argv)
{
    static struct bench B;
    struct bench *b = &B;
    memset(b, 0, sizeof *b);
    b->out = "reports";
    const char *only = 0;
    unsigned repeats = 0;
    static const struct option longopts[] = {
        { "quick", no_argument, 0, 'k' }, { "json", no_argument, 0, 'j' },
        { "out", required_argument, 0, 'o' }, { "only", required_argument, 0, 'n' },
        { "repeats", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' }, { 0 },
    };
    int id;
    opterr = 0;
    optind = 0; /* '-': arguments in order (none is taken); ':': a missing value */
    while ((id = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
        const char *v = optarg;
        if (id == 'h') { usage(stdout); return 0; }
        else if (id == 'k') b->quick = 1;
        else if (id == 'j') b->json = 1;
        else if (id == 'o') b->out = v;
        else if (id == 'n') only = v;
        else if (id == 'r') {
            char *e;
            unsigned long x = strtoul(v, &e, 10);
            if (*e || x < 1 || x > 32) {
                fprintf(stderr, "hvsim bench: --repeats wants 1..32, not '%s'\n", v);
                return EXIT_USAGE;
            }
            repeats = (unsigned)x;
        } else {
            fprintf(stderr, "hvsim bench: unknown option or missing value '%s' (try hvsim bench --help)\n",
                    id == 1 ? v : argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    b->repeats = repeats ? repeats : b->quick ? 2 : 7;
    if (options_check_outdir("bench", "--out", b->out))
        return EXIT_USAGE;
    FILE *tf = b->json ? stderr : stdout;
    uint64_t t0 = bench_now_ns();
    b->doc = json_object();
    b->sections = json_object();
    json_object_set_new(b->doc, "schema", json_string("hvsim-bench"));
    json_object_set_new(b->doc, "version", json_integer(1));
    char ts[32];
    time_t now = time(0);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_object_set_new(b->doc, "generated", json_string(ts));
    json_object_set_new(b->doc, "quick", json_boolean(b->quick));
    json_object_set_new(b->doc, "repeats", json_integer(b->repeats));
    json_object_set_new(b->doc, "host", host_json());
    json_object_set_new(b->doc, "sections", b->sections);
    if (bench_raw_build(b) < 0)
        fprintf(stderr, "hvsim bench: %s (raw baselines will say not measured)\n", b->raw_err);
    static const struct { const char *name; void (*fn)(struct bench *); } secs[] = {
        { "handshake", bench_handshake }, { "sleeping", bench_sleeping }, { "det", bench_det },
        { "hang", bench_hang }, { "matrix", bench_matrix },
    };
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        if (!wanted(only, secs[i].name)) {
            skipped(b, secs[i].name);
            continue;
        }
        fprintf(stderr, "hvsim bench: %s ...\n", secs[i].name);
        uint64_t s0 = bench_now_ns();
        secs[i].fn(b);
        json_t *sj = json_object_get(b->sections, secs[i].name);
        if (sj)
            json_object_set_new(sj, "section_wall_s", json_real((double)(bench_now_ns() - s0) / 1e9));
    }
    json_object_set_new(b->doc, "clock_gettime_pair_ns", json_real(b->clock_ns));
    json_object_set_new(b->doc, "rows", rows_json(b));
    json_object_set_new(b->doc, "wall_s", json_real((double)(bench_now_ns() - t0) / 1e9));
    char path[800];
    snprintf(path, sizeof path, "%s/bench.json", b->out);
    if (json_dump_file(b->doc, path, JSON_INDENT(1)) < 0) {
        fprintf(stderr, "hvsim bench: cannot write %s\n", path);
        json_decref(b->doc);
        return EXIT_HARNESS;
    }
    snprintf(path, sizeof path, "%s/bench.svg", b->out);
    bench_write_svg(b, path);
    if (b->json) {
        json_dumpf(b->doc, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
    }
    bench_print_table(b, tf);
    fprintf(tf, "\n(both timings include one clock_gettime pair, %.0f ns; medians over %u repeats%s)\n"
                "wrote %s/bench.json and %s/bench.svg\n", b->clock_ns, b->repeats,
            b->quick ? ", --quick" : "", b->out, b->out);
    json_decref(b->doc);
    return 0;
}
