/* tests/unit/test_report.c — the report writers and merge (sim/report). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

static char g_sample[4096];

static void find_sample(void)
{
    const char *cands[] = {getenv("HVSIM_SRCDIR"),
#ifdef HVSIM_HOME_DEFAULT
                           HVSIM_HOME_DEFAULT,
#endif
                           ".", "..", "../.."};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        if (!cands[i])
            continue;
        snprintf(g_sample, sizeof g_sample, "%s/tests/data/report_sample.json", cands[i]);
        if (access(g_sample, R_OK) == 0)
            return;
    }
    snprintf(g_sample, sizeof g_sample, "tests/data/report_sample.json");
}

static json_t *load_sample(void)
{
    char err[1024] = "";
    json_t *r = report_load(g_sample, err, sizeof err);
    if (!r)
        fail_msg("cannot load %s: %s", g_sample, err);
    return r;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    return b;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static size_t n_status(json_t *r, const char *st)
{
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(json_object_get(r, "cells"), i, c) n += !strcmp(report_cell_status(c), st);
    return n;
}

static void rm_rf(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* ---- write all three ---- */
static void test_write_all(void **state)
{
    (void)state;
    json_t *r = load_sample();
    char dir[] = "/tmp/hvsim-report-XXXXXX", err[1024] = "", path[4400];
    assert_non_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/sub/out", dir); /* created on demand */
    assert_int_equal(report_write_all(r, out, err, sizeof err), 0);

    snprintf(path, sizeof path, "%s/summary.md", out);
    char *md = slurp(path);
    assert_non_null(md);
    assert_non_null(strstr(md, "# hvsim report"));
    assert_non_null(strstr(md, "## Scenario `seed_hang`"));
    assert_non_null(strstr(md, "## Scenario `lost_wakeup`"));
    /* a table per scenario: header row with cc x opt, one row per variant */
    assert_int_equal(count(md, "| gcc -O0 | gcc -O1 | gcc -O2 | gcc -O3 | gcc -Os | gcc -Og | clang -O0"), 2);
    assert_non_null(strstr(md, "| plain/none/fence · x86_64 |"));
    assert_non_null(strstr(md, "| plain/none/fence · aarch64 † |"));
    assert_non_null(strstr(md, "| volatile/none/nofence |"));
    assert_non_null(strstr(md, "HANG°"));
    assert_non_null(strstr(md, "**HANG!**"));
    assert_non_null(strstr(md, "**TIMEOUT!**"));
    /* finding paragraphs with evidence */
    assert_int_equal(count(md, "**Findings**"), 2);
    assert_non_null(strstr(md, "`hv/handler.c:88`"));
    assert_non_null(strstr(md, "The flag in memory was 1 while the value the loop kept comparing was 0"));
    assert_non_null(strstr(md, "Reproduce: `build/hvsim run --scenario seed_hang"));
    assert_non_null(strstr(md, "**unexpected** in `plain/none/fence · x86_64`, built with clang -Og"));
    /* qemu note, comparison, closing line */
    assert_non_null(strstr(md, "## Platform notes"));
    assert_non_null(strstr(md, "- every aarch64 row ran under qemu-user (6 cells, marked † in the tables)"));
    assert_null(strstr(md, "Cells: `seed_hang/native/aarch64"));
    assert_non_null(strstr(md, "## Comparison with other engines"));
    assert_non_null(strstr(md, "**2 unexpected verdicts** out of 78 cells"));
    free(md);

    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *x = slurp(path);
    assert_non_null(x);
    size_t ncells = json_array_size(json_object_get(r, "cells"));
    size_t nunexp = n_status(r, "unexpected");
    assert_int_equal(ncells, 78);
    assert_int_equal(nunexp, 2);
    assert_int_equal(count(x, "<testcase "), ncells);
    assert_int_equal(count(x, "<failure "), nunexp);
    assert_int_equal(count(x, "<testsuite "), 2);
    char want[128];
    snprintf(want, sizeof want, "<testsuites name=\"hvsim\" tests=\"%zu\" failures=\"%zu\"", ncells, nunexp);
    assert_non_null(strstr(x, want));
    assert_non_null(strstr(x, "<testcase classname=\"seed_hang\" name=\"native/x86_64/clang/Og/plain/none/fence\""));
    /* expected failures pass, with their evidence in system-out */
    assert_int_equal(count(x, "expected failure: a known bug"), n_status(r, "expected-failure"));
    assert_null(strstr(x, "<-- load")); /* escaped */
    assert_non_null(strstr(x, "&lt;-- load"));
    free(x);

    snprintf(path, sizeof path, "%s/index.html", out);
    char *h = slurp(path);
    assert_non_null(h);
    assert_non_null(strstr(h, "<!DOCTYPE html>"));
    assert_int_equal(count(h, "</script>"), 2);
    assert_null(strstr(h, "src=\"http"));
    assert_null(strstr(h, "href=\"http"));
    assert_non_null(strstr(h, "seed_hang/native/x86_64/clang/Og/plain/none/fence"));
    free(h);

    rm_rf(dir);
    json_decref(r);
}

/* ---- hostile strings are escaped in every output ---- */
static void test_escaping(void **state)
{
    (void)state;
    json_t *r = load_sample();
    json_t *c = json_array_get(json_object_get(r, "cells"), 0);
    json_t *ev = json_object();
    json_object_set_new(ev, "summary", json_string("bad </script><script>alert(1)</script> & \"q\" | *x* \x01 ]]>"));
    json_object_set_new(ev, "text", json_string("<!-- x --> </ScRiPt> \x1b[0m"));
    json_object_set_new(c, "evidence", ev);
    json_object_set_new(c, "status", json_string("unexpected"));
    json_object_set_new(c, "command", json_string("run `x` | y <z>"));

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(report_write_html(r, f), 0);
    fclose(f);
    assert_int_equal(count(buf, "</script>"), 2);
    assert_null(strstr(buf, "<script>alert"));
    assert_null(strstr(buf, "<!-- x"));
    assert_null(strstr(buf, "</ScRiPt>"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(report_write_junit(r, f), 0);
    fclose(f);
    assert_null(strstr(buf, "<script"));
    assert_null(strstr(buf, "\x01"));
    assert_null(strstr(buf, "\x1b"));
    assert_null(strstr(buf, "]]>"));
    assert_non_null(strstr(buf, "&lt;/script&gt;"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(report_write_summary_md(r, f), 0);
    fclose(f);
    assert_null(strstr(buf, "<script"));
    assert_non_null(strstr(buf, "**3 unexpected verdicts**"));
    free(buf);
    json_decref(r);
}

/* ---- merge ---- */
static json_t *half(json_t *whole, int parity, const char *shard)
{
    json_t *h = json_deep_copy(whole);
    json_t *cells = json_array(), *c;
    size_t i;
    json_array_foreach(json_object_get(whole, "cells"), i, c) if ((int)(i % 2) == parity) json_array_append(cells, c);
    json_object_set_new(h, "cells", cells);
    json_object_set_new(h, "shard", json_string(shard));
    return h;
}

static void test_merge_halves(void **state)
{
    (void)state;
    json_t *whole = load_sample();
    json_t *sh[2] = {half(whole, 1, "2/2"), half(whole, 0, "1/2")}; /* out of order on purpose */
    char err[1024] = "";
    json_t *m = report_merge(sh, 2, err, sizeof err);
    assert_non_null(m);
    if (!json_equal(m, whole)) {
        char *a = json_dumps(m, JSON_SORT_KEYS | JSON_INDENT(1));
        fail_msg("merged report differs from the whole: %.400s", a);
    }
    json_decref(m);

    /* a partial merge keeps the shard labels */
    json_t *one[1] = {sh[0]};
    m = report_merge(one, 1, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "shard")), "2/2");
    json_decref(m);
    json_decref(sh[0]);
    json_decref(sh[1]);
    json_decref(whole);
}

static void test_merge_duplicates(void **state)
{
    (void)state;
    json_t *whole = load_sample();
    json_t *sh[2] = {whole, whole};
    char err[1024] = "";
    assert_null(report_merge(sh, 2, err, sizeof err));
    assert_non_null(strstr(err, "duplicate cell id"));

    /* a duplicate inside one report is rejected by validation too */
    json_t *r = json_deep_copy(whole);
    json_t *cells = json_object_get(r, "cells");
    json_array_append_new(cells, json_deep_copy(json_array_get(cells, 3)));
    assert_int_equal(report_validate(r, err, sizeof err), -1);
    assert_non_null(strstr(err, "duplicate cell id"));
    json_decref(r);

    /* schema mismatch */
    r = json_deep_copy(whole);
    json_object_set_new(r, "version", json_integer(2));
    json_t *sh2[2] = {whole, r};
    assert_null(report_merge(sh2, 2, err, sizeof err));
    assert_non_null(strstr(err, "version"));
    json_decref(r);
    json_decref(whole);
}

/* ---- malformed input ---- */
static void test_malformed(void **state)
{
    (void)state;
    char path[] = "/tmp/hvsim-bad-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *bad = "{\n  \"schema\": \"hvsim-report\",\n  \"version\": 1,\n  \"cells\": [ oops ]\n}\n";
    assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);

    char err[1024] = "", want[1200];
    assert_null(report_load(path, err, sizeof err));
    snprintf(want, sizeof want, "%s:4:", path);
    if (strncmp(err, want, strlen(want)))
        fail_msg("error '%s' does not start with '%s'", err, want);
    int line = 0, col = 0;
    assert_int_equal(sscanf(err + strlen(path), ":%d:%d:", &line, &col), 2);
    assert_int_equal(line, 4);
    assert_true(col > 0);

    /* the CLI says the same and exits 2 */
    char *argv[] = {"report", path, NULL};
    assert_int_equal(cmd_report(2, argv), 2);

    /* valid JSON, wrong schema: "file: what is wrong" */
    FILE *f = fopen(path, "w");
    fputs("{\"schema\":\"other\",\"version\":1,\"cells\":[]}", f);
    fclose(f);
    assert_null(report_load(path, err, sizeof err));
    snprintf(want, sizeof want, "%s: \"schema\"", path);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    unlink(path);

    char *noargs[] = {"report", NULL};
    assert_int_equal(cmd_report(1, noargs), 2);
    char *help[] = {"report", "--help", NULL};
    assert_int_equal(cmd_report(2, help), 0);
    char *mhelp[] = {"merge", "-h", NULL};
    assert_int_equal(cmd_merge(2, mhelp), 0);
    char *mbad[] = {"merge", "a.json", NULL}; /* no -o */
    assert_int_equal(cmd_merge(2, mbad), 2);
}

/* ---- CLI merge end to end ---- */
static void test_cli_merge(void **state)
{
    (void)state;
    json_t *whole = load_sample();
    char dir[] = "/tmp/hvsim-merge-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[256], b[256], o[256], od[256];
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(o, sizeof o, "%s/merged.json", dir);
    snprintf(od, sizeof od, "%s/html", dir);
    json_t *h0 = half(whole, 0, "1/2"), *h1 = half(whole, 1, "2/2");
    assert_int_equal(json_dump_file(h0, a, 0), 0);
    assert_int_equal(json_dump_file(h1, b, 0), 0);
    char *argv[] = {"merge", "-o", o, a, b, "--out", od, NULL};
    assert_int_equal(cmd_merge(7, argv), 0);
    char err[1024];
    json_t *m = report_load(o, err, sizeof err);
    assert_non_null(m);
    assert_true(json_equal(m, whole));
    char p[512];
    snprintf(p, sizeof p, "%s/index.html", od);
    assert_int_equal(access(p, R_OK), 0);
    snprintf(p, sizeof p, "%s/junit.xml", od);
    assert_int_equal(access(p, R_OK), 0);
    /* overlapping shards: exit 2 */
    char *dup[] = {"merge", "-o", o, a, a, NULL};
    assert_int_equal(cmd_merge(5, dup), 2);
    json_decref(m);
    json_decref(h0);
    json_decref(h1);
    json_decref(whole);
    rm_rf(dir);
}

int main(void)
{
    find_sample();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_all),     cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_merge_halves),  cmocka_unit_test(test_merge_duplicates),
        cmocka_unit_test(test_malformed),     cmocka_unit_test(test_cli_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
