/* tests/fuzz/fuzz_report.c — libFuzzer target for the report.json readers:
 * report_load() (the file path the CLI uses: `hvsim report`, `hvsim merge`),
 * report_validate(), report_merge(), and the writers that consume whatever
 * validate accepts (summary.md, junit.xml, index.html).
 *
 * Input: one report, or two shards separated by a NUL byte (merge input).
 * Contract checked besides memory safety:
 *   - report_load returns a report iff report_validate accepts the text;
 *     on failure the message is non-empty and starts with the path;
 *   - the writers never fail or crash on a validated report;
 *   - report_merge of valid shards is itself valid (or fails with a message),
 *     and merging a report with itself fails (duplicate ids) unless it has
 *     no cells.
 * Build: make fuzz (build/fuzz/fuzz_report); corpus: tests/fuzz/corpus_report.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char mpath[64];
static FILE *devnull;

static json_t *load(const uint8_t *d, size_t n)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz-report", 0);
        if (memfd < 0)
            abort();
        snprintf(mpath, sizeof mpath, "/proc/self/fd/%d", memfd);
        devnull = fopen("/dev/null", "w");
        if (!devnull)
            abort();
    }
    if (ftruncate(memfd, 0) < 0 || pwrite(memfd, d, n, 0) != (ssize_t)n)
        abort();
    char err[512] = "";
    json_t *r = report_load(mpath, err, sizeof err);
    /* the same text through the in-memory parser + validate must agree */
    json_error_t je;
    json_t *j = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES, &je);
    char e2[512] = "";
    int valid = j && report_validate(j, e2, sizeof e2) == 0;
    if (j && !valid && !e2[0])
        abort();
    json_decref(j);
    if (!r) {
        if (strncmp(err, mpath, strlen(mpath)))
            abort();
        /* json_load_file and json_loadb can disagree only on NUL bytes */
        if (valid && !memchr(d, 0, n))
            abort();
        return NULL;
    }
    if (!valid && !memchr(d, 0, n))
        abort();
    return r;
}

static void write_all(json_t *r)
{
    if (report_write_summary_md(r, devnull) != 0 || report_write_junit(r, devnull) != 0 ||
        report_write_html(r, devnull) != 0)
        abort();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r, "cells"), i, c) {
        if (!report_cell_status(c))
            abort();
        report_verdict_short(json_string_value(json_object_get(c, "verdict")));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const uint8_t *sep = memchr(data, 0, size);
    size_t n1 = sep ? (size_t)(sep - data) : size;
    json_t *a = load(data, n1);
    json_t *b = sep ? load(sep + 1, size - n1 - 1) : NULL;
    char err[512];
    if (a)
        write_all(a);
    if (a && b) {
        json_t *sh[2] = { a, b };
        json_t *m = report_merge(sh, 2, err, sizeof err);
        if (m) {
            char e2[512];
            if (report_validate(m, e2, sizeof e2) != 0)
                abort();
            write_all(m);
            json_decref(m);
        } else if (!err[0]) {
            abort();
        }
    }
    if (a) {
        json_t *sh[2] = { a, a };
        json_t *m = report_merge(sh, 2, err, sizeof err);
        if (m && json_array_size(json_object_get(a, "cells")) > 0)
            abort(); /* duplicate ids must be refused */
        json_decref(m);
    }
    json_decref(a);
    json_decref(b);
    return 0;
}
