/* tests/fuzz/fuzz_replay.c — libFuzzer target for the reader of the run-result
 * JSON (`hvsim run --json`, one object per run) as `hvsim replay FILE.json`
 * reads it (sim/engine/det/det_replay.c): jansson with JSON_DISABLE_EOF_CHECK
 * (a JSON-lines file: the first object counts; `hvsim replay` then looks for
 * the first that did not pass, sim/cli/cmd_replay.c), the variant fields, and the
 * det schedule string evidence.schedule, decoded by det_sched_decode().
 *
 * Contract checked besides memory safety:
 *   - det_sched_decode returns -1 (malformed), -2 (a det2: string, an older
 *     hvsim's value choices) or a count <= max, never writes past max;
 *   - a decoded schedule re-encodes (det_sched_encode) and decodes back to
 *     the same actions (replay strings are stable);
 *   - the raw input is also fed to det_sched_decode as a string (the
 *     --schedule option);
 *   - det_emit_test (`replay --emit-test`) writes C whose header comment
 *     ends once, before the #includes: nothing in the JSON becomes code.
 * Build: make fuzz (build/fuzz/fuzz_replay); corpus: tests/fuzz/corpus_replay.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/det/det.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXACT 4096

static void check_schedule(const char *s)
{
    static uint8_t acts[MAXACT + 16], back[MAXACT];
    memset(acts + MAXACT, 0xee, 16);
    int n = det_sched_decode(s, acts, MAXACT);
    for (int i = 0; i < 16; i++)
        if (acts[MAXACT + i] != 0xee)
            abort();
    if (n < -2 || n > MAXACT || (n == -2 && strncmp(s, "det2:", 5)))
        abort();
    if (n <= 0)
        return;
    static char enc[MAXACT * 4 + 16];
    int w = det_sched_encode(acts, (uint32_t)n, enc, sizeof enc);
    if (w < 0)
        return; /* did not fit: allowed */
    int m = det_sched_decode(enc, back, MAXACT);
    if (m != n || memcmp(acts, back, (size_t)n))
        abort();
}

/* `hvsim replay F.json --emit-test T.c` writes C from the failure JSON: its
 * header comment must end exactly once, right before the #includes, whatever
 * the JSON holds (no code injected into the test the user compiles). */
static void check_emit(json_t *o)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz-replay-emit-%d.c", (int)getpid());
    char err[256];
    if (det_emit_test(o, path, err, sizeof err) != 0)
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    static char text[1 << 18];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    unlink(path);
    text[n] = 0;
    char *end = strstr(text, "*/");
    if (!end || strncmp(end, "*/\n#include <setjmp.h>", 22))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    check_schedule(s); /* hvsim replay --schedule STR */

    json_error_t je;
    json_t *o = json_loadb((const char *)data, size, JSON_DISABLE_EOF_CHECK, &je);
    if (o && json_is_object(o)) {
        json_t *ev = json_object_get(o, "evidence");
        const char *sched = json_string_value(json_object_get(ev, "schedule"));
        if (sched)
            check_schedule(sched);
        /* the variant fields replay copies into fixed-size buffers */
        static const char *const keys[] = { "cc", "opt", "arch", "wait", "relax", "wake" };
        char buf[16];
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *v = json_string_value(json_object_get(o, keys[i]));
            if (v)
                snprintf(buf, sizeof buf, "%s", v);
        }
        (void)json_integer_value(json_object_get(o, "seed"));
        (void)json_integer_value(json_object_get(ev, "ncpus"));
        check_emit(o);
    }
    json_decref(o);
    free(s);
    return 0;
}
