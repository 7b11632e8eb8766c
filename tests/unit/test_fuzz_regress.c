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
#include "det/sup/det.h"

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

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(emit_test_verdict_cannot_close_comment),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
