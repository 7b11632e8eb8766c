/* sim/engine/det/det_emit.c — `hvsim replay FAILURE.json --emit-test FILE.c`:
 * turn one deterministic failure into a CMocka regression test.
 *
 * The emitted test embeds the failure JSON, replays its schedule through
 * `hvsim replay` and asserts the run PASSes — so it fails while the bug is
 * there and passes once it is fixed.  HVSIM_REGRESS_ARGS (e.g. "--wake fence")
 * is appended to the replay command, so the same test can be pointed at the
 * fixed variant; HVSIM (default build/hvsim) names the binary. */
#include "det.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static void c_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n\"\n    \"", f);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\%03o", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

int det_emit_test(json_t *failure, const char *path, char *err, size_t errlen)
{
    char *js = json_dumps(failure, JSON_INDENT(1) | JSON_SORT_KEYS);
    if (!js) {
        snprintf(err, errlen, "cannot serialise the failure");
        return -1;
    }
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write", path);
        free(js);
        return -1;
    }
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    const char *verdict = json_string_value(json_object_get(failure, "verdict"));
    /* The verdict goes into a C comment of the emitted file: only a verdict
     * word (A-Z, _) may: a crafted failure JSON whose verdict closes the
     * comment would inject code into the test the user compiles (found by
     * fuzz_replay; regression: tests/unit/test_fuzz_regress.c). */
    for (const char *q = verdict; q && *q; q++)
        if (!((*q >= 'A' && *q <= 'Z') || *q == '_')) {
            verdict = 0;
            break;
        }
    fprintf(f,
        "/* %s — regression test emitted by `hvsim replay --emit-test`.\n"
        " * Replays a %s found by the deterministic engine and asserts the\n"
        " * replay now PASSes: it fails on the buggy variant, passes on the fixed one.\n"
        " * HVSIM_REGRESS_ARGS (e.g. \"--wake fence\") is appended to the replay. */\n"
        "#include <setjmp.h>\n#include <stdarg.h>\n#include <stddef.h>\n#include <stdio.h>\n"
        "#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <cmocka.h>\n\n"
        "static const char failure_json[] =\n    ",
        name, verdict ? verdict : "failure");
    c_string(f, js);
    fprintf(f, ";\n\n"
        "static void replay_passes(void **state)\n{\n"
        "    (void)state;\n"
        "    char path[] = \"/tmp/hvsim-regress-XXXXXX\";\n"
        "    int fd = mkstemp(path);\n"
        "    assert_true(fd >= 0);\n"
        "    assert_int_equal(write(fd, failure_json, sizeof failure_json - 1), (long)(sizeof failure_json - 1));\n"
        "    close(fd);\n"
        "    const char *hv = getenv(\"HVSIM\"), *extra = getenv(\"HVSIM_REGRESS_ARGS\");\n"
        "    char cmd[2048];\n"
        "    /* --allow-changed: the failure records the code it ran (evidence.code);\n"
        "     * this test is meant to pass once that code is fixed, so an edited file\n"
        "     * is replayed as it is now.  A missing one still fails the test. */\n"
        "    snprintf(cmd, sizeof cmd, \"%%s replay %%s --allow-changed %%s >/dev/null\", hv ? hv : \"build/hvsim\", path,\n"
        "             extra ? extra : \"\");\n"
        /* a shell on purpose, in the emitted test only: HVSIM_REGRESS_ARGS is
         * a user-given option string ("--wake fence") the shell splits */
        "    int rc = system(cmd);\n"
        "    unlink(path);\n"
        "    assert_int_equal(rc, 0); /* 0: the replay passed — the bug is gone */\n"
        "}\n\n"
        "int main(void)\n{\n"
        "    const struct CMUnitTest t[] = { cmocka_unit_test(replay_passes) };\n"
        "    return cmocka_run_group_tests(t, 0, 0);\n}\n");
    free(js);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return 0;
}
