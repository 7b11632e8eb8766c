/* tests/unit/test_fuzz_regress.c — regression tests for findings of the fuzz
 * targets in tests/fuzz/ (each input is also in the target's corpus). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "engine/det/det.h"
#include "report/report.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* fuzz_replay, tests/fuzz/corpus_replay/emit_comment_injection.json: the
 * verdict of a failure JSON was copied into a C comment of the test that
 * `hvsim replay --emit-test` writes; "*" "/" in it closed the comment and the
 * rest became code. */
static void emit_test_verdict_cannot_close_comment(void **state)
{
    (void)state;
    json_error_t je;
    json_t *o = json_loads("{\"verdict\":\"HANG */ int injected = 1; /*\",\"evidence\":"
                           "{\"schedule\":\"det1:a\"}}", 0, &je);
    assert_non_null(o);
    char path[] = "/tmp/hvsim-fuzzregress-XXXXXX.c";
    int fd = mkstemps(path, 2);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    assert_int_equal(det_emit_test(o, path, err, sizeof err), 0);
    char *text = slurp(path);
    unlink(path);
    json_decref(o);
    assert_non_null(text);
    /* the header comment ends once, right before the #includes */
    char *end = strstr(text, "*/");
    assert_non_null(end);
    assert_true(strncmp(end, "*/\n#include", 11) == 0);
    assert_null(strstr(text, "int injected = 1; /*\n"));
}

static json_t *shard(const char *id, const char *label)
{
    json_error_t je;
    json_t *r = json_pack_ex(&je, 0, "{s:s, s:i, s:s, s:[{s:s, s:s, s:[s], s:{s:s}}]}",
                             "schema", REPORT_SCHEMA_NAME, "version", REPORT_SCHEMA_VERSION,
                             "shard", label, "cells", "id", id, "verdict", "PASS", "expected",
                             "PASS", "evidence", "summary", "s");
    assert_non_null(r);
    return r;
}

/* fuzz_report (found in CI), tests/fuzz/corpus_report/regress_shard_huge.json:
 * report_merge sized its shard table from the N of "K/N", so a label of
 * "1/LONG_MAX" asked calloc for 2^63 bytes (ASan aborts; without ASan the
 * calloc returned NULL and the label was dropped, so only the sanitizer
 * build, `make check-asan`, sees the old bug here; the fuzz corpus input
 * catches it in `make test`).  A huge N is now not a shard label. */
static void merge_huge_shard_count_is_not_a_label(void **state)
{
    (void)state;
    json_t *sh[2] = { shard("a", "1/9223372036854775807"), shard("b", "2/9223372036854775807") };
    char err[256] = "";
    json_t *m = report_merge(sh, 2, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(json_array_size(json_object_get(m, "cells")), 2);
    assert_null(json_object_get(m, "shard"));
    json_decref(m);
    json_decref(sh[0]);
    json_decref(sh[1]);
    /* the bound itself is still a shard count */
    json_t *ok[2] = { shard("a", "1/2"), shard("b", "2/2") };
    m = report_merge(ok, 2, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "shard")), "1/1");
    json_decref(m);
    json_decref(ok[0]);
    json_decref(ok[1]);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(emit_test_verdict_cannot_close_comment),
        cmocka_unit_test(merge_huge_shard_count_is_not_a_label),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
