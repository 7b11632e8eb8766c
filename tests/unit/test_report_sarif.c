/* tests/unit/test_report_sarif.c — report.sarif (sim/report/report_sarif.c):
 * the fields SARIF 2.1.0 requires (sarifLog.version, runs, run.tool.driver
 * .name, reportingDescriptor.id, result.message.text, region.startLine ≥ 1)
 * and what a code-scanning view needs from hvsim: one rule per verdict kind,
 * one result per non-PASS cell, ruleIndex pointing at its rule, level error
 * for unexpected / note for expected, file:line as a tree-relative URI (an
 * absolute file: URI for a user's file outside the tree), the race's second
 * site as a related location; and that report_write_all writes report.sarif.
 * (The SARIF JSON schema is not in any Debian package — checked
 * golang-github-haya14busa-go-sarif-dev and python3-sarif-python-om — so the
 * required fields are checked here by hand.) */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report/report.h"

static json_t *sample(void)
{
    json_error_t e;
    json_t *r = json_loads(
        "{\"schema\":\"hvsim-report\",\"version\":1,\"hvsim_version\":\"0.1\",\"cells\":["
        "{\"id\":\"s/native/x86_64/gcc/O2/plain/none/fence\",\"verdict\":\"HANG_STALE_READ\",\"expected\":[],"
        " \"engine\":\"native\",\"evidence\":{\"summary\":\"cfg_flags[0] is 1 in memory\",\"text\":\"the loop has no load\","
        " \"file\":\"hv/handler.c\",\"line\":73}},"
        "{\"id\":\"s/det/x86_64/gcc/O2/acquire/none/nofence\",\"verdict\":\"LOST_WAKEUP\",\"expected\":[\"LOST_WAKEUP\"],"
        " \"evidence\":{\"summary\":\"the daemon sleeps\",\"file\":\"backend/daemon.c\",\"line\":141}},"
        "{\"id\":\"s/native/x86_64/gcc/O0/plain/none/fence\",\"verdict\":\"PASS\",\"expected\":[]},"
        "{\"id\":\"s/native/x86_64/gcc/O1/plain/none/fence\",\"verdict\":\"BUILD_ERROR\",\"expected\":[],"
        " \"evidence\":{\"summary\":\"gcc failed\"}},"
        "{\"id\":\"s/tsan/x86_64/gcc/O2/volatile/none/fence\",\"verdict\":\"DATA_RACE\",\"expected\":[\"DATA_RACE\"],"
        " \"evidence\":{\"summary\":\"data race on cfg_flags[0]\",\"file\":\"hv/handler.c\",\"line\":73,"
        "  \"race\":{\"sites\":[{\"file\":\"backend/daemon.c\",\"line\":79,\"kind\":\"atomic write\"},"
        "                      {\"file\":\"hv/handler.c\",\"line\":73,\"kind\":\"plain read\"}]}}},"
        "{\"id\":\"u/native/x86_64/gcc/O2/plain/none/fence\",\"verdict\":\"HANG_STALE_READ\",\"expected\":[\"HANG_STALE_READ\"],"
        " \"evidence\":{\"summary\":\"user loop\",\"file\":\"/home/u/my handler.c\",\"line\":12}},"
        "{\"id\":\"s/x/x86_64/gcc/O2/plain/none/fence\",\"verdict\":\"NEW_KIND\",\"expected\":[],"
        " \"evidence\":{\"summary\":\"a verdict this writer does not know\",\"file\":\"hv/result.c\",\"line\":9}}"
        "]}", 0, &e);
    assert_non_null(r);
    return r;
}

static const char *s(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_t *result_for(json_t *results, const char *cell)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
        if (!strcmp(s(json_object_get(r, "properties"), "cell"), cell))
            return r;
    return 0;
}

static void test_required_fields(void **st)
{
    (void)st;
    json_t *rep = sample(), *log = report_to_sarif(rep);
    assert_non_null(log);
    assert_string_equal(s(log, "version"), "2.1.0");
    json_t *runs = json_object_get(log, "runs");
    assert_true(json_is_array(runs));
    assert_int_equal(json_array_size(runs), 1);
    json_t *run = json_array_get(runs, 0);
    json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
    assert_string_equal(s(driver, "name"), "hvsim");
    json_t *rules = json_object_get(driver, "rules");
    assert_true(json_is_array(rules));
    /* one rule per verdict kind, ids unique, the unknown one appended */
    for (size_t i = 0; i < json_array_size(rules); i++) {
        const char *id = s(json_array_get(rules, i), "id");
        assert_string_not_equal(id, "PASS");
        for (size_t j = i + 1; j < json_array_size(rules); j++)
            assert_string_not_equal(id, s(json_array_get(rules, j), "id"));
    }
    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 6); /* every cell but the PASS */
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        json_int_t k = json_integer_value(json_object_get(r, "ruleIndex"));
        assert_true(k >= 0 && (size_t)k < json_array_size(rules));
        assert_string_equal(s(json_array_get(rules, (size_t)k), "id"), s(r, "ruleId"));
        assert_true(strlen(s(json_object_get(r, "message"), "text")) > 0);
        json_t *locs = json_object_get(r, "locations");
        for (size_t q = 0; locs && q < json_array_size(locs); q++) {
            json_t *pl = json_object_get(json_array_get(locs, q), "physicalLocation");
            assert_non_null(json_object_get(pl, "artifactLocation"));
            json_t *reg = json_object_get(pl, "region");
            assert_true(json_integer_value(json_object_get(reg, "startLine")) >= 1);
        }
    }
    json_decref(log);
    json_decref(rep);
}

static void test_levels_locations_messages(void **st)
{
    (void)st;
    json_t *rep = sample(), *log = report_to_sarif(rep);
    json_t *results = json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results");

    json_t *hang = result_for(results, "s/native/x86_64/gcc/O2/plain/none/fence");
    assert_non_null(hang);
    assert_string_equal(s(hang, "ruleId"), "HANG_STALE_READ");
    assert_string_equal(s(hang, "level"), "error"); /* not expected: unexpected */
    assert_string_equal(s(json_object_get(hang, "message"), "text"), "cfg_flags[0] is 1 in memory\n\nthe loop has no load");
    json_t *pl = json_object_get(json_array_get(json_object_get(hang, "locations"), 0), "physicalLocation");
    json_t *art = json_object_get(pl, "artifactLocation");
    assert_string_equal(s(art, "uri"), "hv/handler.c");
    assert_string_equal(s(art, "uriBaseId"), "SRCROOT");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(pl, "region"), "startLine")), 73);

    json_t *lost = result_for(results, "s/det/x86_64/gcc/O2/acquire/none/nofence");
    assert_string_equal(s(lost, "level"), "note"); /* a known bug, as declared */
    assert_string_equal(s(json_object_get(lost, "message"), "text"), "the daemon sleeps");

    assert_null(result_for(results, "s/native/x86_64/gcc/O0/plain/none/fence")); /* PASS */
    json_t *build = result_for(results, "s/native/x86_64/gcc/O1/plain/none/fence");
    assert_null(json_object_get(build, "locations")); /* no file:line: no invented location */

    json_t *race = result_for(results, "s/tsan/x86_64/gcc/O2/volatile/none/fence");
    json_t *rel = json_object_get(race, "relatedLocations");
    assert_int_equal(json_array_size(rel), 1); /* the daemon's side; the primary is not repeated */
    json_t *rart = json_object_get(json_object_get(json_array_get(rel, 0), "physicalLocation"), "artifactLocation");
    assert_string_equal(s(rart, "uri"), "backend/daemon.c");

    json_t *user = result_for(results, "u/native/x86_64/gcc/O2/plain/none/fence");
    json_t *uart = json_object_get(json_object_get(json_array_get(json_object_get(user, "locations"), 0),
                                                   "physicalLocation"), "artifactLocation");
    assert_string_equal(s(uart, "uri"), "file:///home/u/my%20handler.c"); /* percent-encoded */
    assert_null(json_object_get(uart, "uriBaseId"));

    json_t *nk = result_for(results, "s/x/x86_64/gcc/O2/plain/none/fence");
    assert_string_equal(s(nk, "ruleId"), "NEW_KIND");
    json_decref(log);
    json_decref(rep);
}

static void test_written_with_the_others(void **st)
{
    (void)st;
    char dir[] = "/tmp/hvsim-sarif-XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    json_t *rep = sample();
    assert_int_equal(report_write_all(rep, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/report.sarif", dir);
    json_error_t e;
    json_t *back = json_load_file(path, 0, &e);
    assert_non_null(back);
    assert_string_equal(s(back, "version"), "2.1.0");
    json_decref(back);
    json_decref(rep);
    const char *names[] = { "report.sarif", "summary.md", "junit.xml", "index.html" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_required_fields),
        cmocka_unit_test(test_levels_locations_messages),
        cmocka_unit_test(test_written_with_the_others),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
