/* tests/fuzz/fuzz_scenario.c — libFuzzer target for the scenario parser.
 *
 * Build and run (from the repository root):
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=undefined -Isim/include -Isim -I. \
 *         tests/fuzz/fuzz_scenario.c sim/config/scenario*.c sim/config/runcfg*.c \
 *         sim/config/device_model.c sim/config/usercode.c \
 *         -o build/fuzz_scenario
 *   mkdir -p build/fuzz_corpus
 *   build/fuzz_scenario -max_total_time=120 build/fuzz_corpus tests/fuzz/corpus_scenario
 *
 * The seed corpus is scenarios/NAME.hvs copied to tests/fuzz/corpus_scenario/.
 * Besides memory safety it checks the parser's contract: a return of 0 or -1
 * only; on error a "name:line:col: " prefix, a quoted line and a caret; on
 * success a configuration inside the limits of struct hvsim_runcfg.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/scenario.h"

static struct hvsim_runcfg cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char err[1024];
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;

    /* a small error buffer too: truncation must stay in bounds */
    char tiny[7];
    int rc = scenario_parse_string("fuzz.hvs", text, &cfg, tiny, sizeof tiny);
    if (rc != 0 && rc != -1)
        abort();

    runcfg_clear(&cfg); /* a parse into an empty config gives the same */
    rc = scenario_parse_string("fuzz.hvs", text, &cfg, err, sizeof err);
    if (rc == -1) {
        int line = 0, col = 0;
        if (sscanf(err, "fuzz.hvs:%d:%d: ", &line, &col) != 2 || line < 1 || col < 1)
            abort();
        if (!strchr(err, '^') && strlen(err) < sizeof err - 1)
            abort();
    } else if (rc == 0) {
        if (cfg.ncpus < 1 || cfg.ncpus > HVSIM_CPUS || cfg.ndevices > HVSIM_DEVS ||
            (cfg.nexpect && !cfg.expect) || cfg.runs < 1 || cfg.hang_ms >= cfg.timeout_ms)
            abort();
        for (unsigned c = 0; c < HVSIM_CPUS; c++) {
            if (cfg.naccess[c] > HVSIM_MAX_ACCESS || (c >= cfg.ncpus && cfg.naccess[c]))
                abort();
            for (unsigned i = 0; i < cfg.naccess[c]; i++) {
                uint32_t s = cfg.acc[c][i].size;
                if (s != 1 && s != 2 && s != 4 && s != 8)
                    abort();
            }
        }
        for (unsigned i = 0; i < cfg.nexpect; i++)
            if (cfg.expect[i].verdicts == 0 || cfg.expect[i].opt_mask >= 64)
                abort();
        for (unsigned s = 0; s < HVSIM_SITE__COUNT; s++)
            if (cfg.delay[s].min_ns > cfg.delay[s].max_ns ||
                cfg.delay[s].partner >= HVSIM_SITE__COUNT)
                abort();
    } else {
        abort();
    }
    runcfg_clear(&cfg);
    free(text);
    return 0;
}
