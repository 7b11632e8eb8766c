/* sim/bench/bench_suite.c — one `hvsim bench` run: the bench.json header,
 * the sections in order (or "not measured" for those --only leaves out), then
 * bench.json, bench.svg and the table.  The CLI (sim/cli/cmd_bench.c) only
 * parses options into struct bench and calls bench_suite_run(). */
#define _GNU_SOURCE
#include "bench.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* b->doc and b->sections: what is known before anything is measured. */
static void doc_begin(struct bench *b)
{
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
    json_object_set_new(b->doc, "host", bench_host_json());
    json_object_set_new(b->doc, "sections", b->sections);
}

static void run_sections(struct bench *b, const char *only)
{
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
}

/* bench.json, bench.svg, then the JSON on stdout (--json) and the table. */
static int write_out(struct bench *b)
{
    FILE *tf = b->json ? stderr : stdout;
    char path[800];
    snprintf(path, sizeof path, "%s/bench.json", b->out);
    if (json_dump_file(b->doc, path, JSON_INDENT(1)) < 0) {
        fprintf(stderr, "hvsim bench: cannot write %s\n", path);
        return -1;
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
    return 0;
}

int bench_suite_run(struct bench *b, const char *only)
{
    uint64_t t0 = bench_now_ns();
    doc_begin(b);
    if (bench_raw_build(b) < 0)
        fprintf(stderr, "hvsim bench: %s (raw baselines will say not measured)\n", b->raw_err);
    run_sections(b, only);
    json_object_set_new(b->doc, "clock_gettime_pair_ns", json_real(b->clock_ns));
    json_object_set_new(b->doc, "rows", bench_rows_json(b));
    json_object_set_new(b->doc, "wall_s", json_real((double)(bench_now_ns() - t0) / 1e9));
    int rc = write_out(b);
    json_decref(b->doc);
    b->doc = b->sections = 0;
    return rc;
}
