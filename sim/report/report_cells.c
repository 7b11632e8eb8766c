/* sim/report/report_cells.c — reading a report's cells: field access with
 * defaults, axis order, verdict words, a cell's status.  Shared by the
 * writers, validation and merge (report_int.h); it calls none of them. */
#include "report.h"
#include "report_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *rj_str(json_t *o, const char *key, const char *def)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : def;
}

long long rj_int(json_t *o, const char *key, long long def)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    if (json_is_real(v))
        return (long long)json_real_value(v);
    return def;
}

int rj_is_int(json_t *o, const char *key)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_integer(v) || json_is_real(v);
}

static const char *const OPT_ORDER[] = {"O0", "O1", "O2", "O3", "Os", "Og", "Oz", "Ofast", NULL};
static const char *const CC_ORDER[] = {"gcc", "clang", NULL};
static const char *const ARCH_ORDER[] = {"x86_64", "aarch64", "riscv64", "ppc64le", "loongarch64", NULL};
static const char *const ENGINE_ORDER[] = {"native", "det", "deterministic", "threads", "tsan", NULL};
static const char *const WAIT_ORDER[] = {"plain", "volatile", "acquire", "seq_cst", NULL};
static const char *const RELAX_ORDER[] = {"none", "asm", "pause", "isb", "yield", "asm-memory", NULL};
static const char *const WAKE_ORDER[] = {"fence", "seq_cst", "nofence", NULL};

int rp_axis_rank(const char *axis, const char *value)
{
    const char *const *list = NULL;
    if (!strcmp(axis, "opt"))
        list = OPT_ORDER;
    else if (!strcmp(axis, "cc"))
        list = CC_ORDER;
    else if (!strcmp(axis, "arch"))
        list = ARCH_ORDER;
    else if (!strcmp(axis, "engine"))
        list = ENGINE_ORDER;
    else if (!strcmp(axis, "wait"))
        list = WAIT_ORDER;
    else if (!strcmp(axis, "relax"))
        list = RELAX_ORDER;
    else if (!strcmp(axis, "wake"))
        list = WAKE_ORDER;
    if (!list || !value)
        return 1000;
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], value))
            return i;
    return 1000;
}

const char *rp_id_rest(const char *id)
{
    const char *s = strchr(id, '/');
    return s && s[1] ? s + 1 : id;
}

int rp_is_qemu(json_t *cell)
{
    const char *p = rj_str(cell, "platform", "");
    return strncmp(p, "qemu", 4) == 0;
}

const char *rp_cell_scenario(json_t *cell)
{
    return rj_str(cell, "scenario", "(no scenario)");
}

const char **rp_scenarios(json_t *report, size_t *n)
{
    json_t *cells = json_object_get(report, "cells");
    size_t cap = json_array_size(cells) + 1, cnt = 0, i;
    const char **out = calloc(cap, sizeof *out);
    json_t *c;
    if (!out) {
        *n = 0;
        return NULL;
    }
    json_array_foreach(cells, i, c) {
        const char *s = rp_cell_scenario(c);
        size_t j;
        int seen = 0;
        for (j = 0; j < cnt; j++) {
            if (!strcmp(out[j], s)) {
                seen = 1;
                break;
            }
        }
        if (!seen)
            out[cnt++] = s;
    }
    *n = cnt;
    return out;
}

const char *report_verdict_short(const char *v)
{
    static const struct { const char *l, *s; } T[] = {
        {"PASS", "PASS"}, {"HANG_STALE_READ", "HANG"}, {"WRONG_VALUE", "WRONG"},
        {"LOST_WAKEUP", "LOST"}, {"CRASH", "CRASH"}, {"TIMEOUT", "TIMEOUT"},
        {"DEADLOCK", "DEADLOCK"}, {"LIVELOCK", "LIVELOCK"}, {"DATA_RACE", "RACE"},
        {"BUILD_ERROR", "BUILD"}, {"LOST_COMPLETION", "LOSTCOMP"}, {"MISSING_IRQ", "NOIRQ"},
        {"PROTOCOL_VIOLATION", "PROTO"}, {"MISSED_ANSWER", "MISSED"}, {"DAEMON_STALLED", "STALL"},
        {"ASSERTION", "ASSERT"},
    };
    if (!v)
        return "?";
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (!strcmp(T[i].l, v))
            return T[i].s;
    return v;
}

const char *rp_verdict_words(const char *v)
{
    if (!v)
        return "no verdict";
    if (!strcmp(v, "PASS"))
        return "the run completed and every access returned the right value";
    if (!strcmp(v, "HANG_STALE_READ"))
        return "the waiting CPU kept spinning on a value it had loaded once: the compiler hoisted the flag load out of the wait loop, so the CPU never saw the flag change in memory";
    if (!strcmp(v, "WRONG_VALUE"))
        return "the guest got a wrong value back (for example a loop the compiler removed returned the stale value at once)";
    if (!strcmp(v, "LOST_WAKEUP"))
        return "a wake-up was lost: the hypervisor pushed a request but saw need_wakeup clear while the daemon saw an empty ring and went to sleep, so nobody served the request";
    if (!strcmp(v, "CRASH"))
        return "a participant crashed";
    if (!strcmp(v, "TIMEOUT"))
        return "the run did not finish in time and the cause could not be pinned down";
    if (!strcmp(v, "DEADLOCK"))
        return "all participants were blocked waiting for each other";
    if (!strcmp(v, "LIVELOCK"))
        return "participants kept running without making progress";
    if (!strcmp(v, "DATA_RACE"))
        return "two unsynchronised accesses to the same location, at least one a write, were observed";
    if (!strcmp(v, "BUILD_ERROR"))
        return "the variant failed to build";
    if (!strcmp(v, "LOST_COMPLETION"))
        return "a queue notification never got its completion: fewer result entries were consumed than notifies were issued (lost or overwritten in res_list)";
    if (!strcmp(v, "MISSING_IRQ"))
        return "a queue completion was consumed by FINISH_REQ without injecting its guest interrupt, or was left in res_list with nobody draining it";
    if (!strcmp(v, "PROTOCOL_VIOLATION"))
        return "a handshake invariant broke: an answer nobody waited for, or a result entry consumed that was never pushed";
    if (!strcmp(v, "MISSED_ANSWER"))
        return "a CPU waits for a flag change that already happened: it sampled the flag after the daemon's answer arrived";
    if (!strcmp(v, "DAEMON_STALLED"))
        return "requests were waiting and the daemon was running, but it served none of them: it is stuck (sampled where)";
    if (!strcmp(v, "ASSERTION"))
        return "an HVSIM_ASSERT in the code under test failed (file:line and message)";
    return "unknown verdict";
}

void rp_fmt_ms(long long ms, char *buf, size_t len)
{
    if (ms < 0)
        snprintf(buf, len, "unknown");
    else if (ms < 1000)
        snprintf(buf, len, "%lld ms", ms);
    else if (ms < 60000)
        snprintf(buf, len, "%.1f s", ms / 1000.0);
    else if (ms < 3600000)
        snprintf(buf, len, "%lld min %.0f s", ms / 60000, (ms % 60000) / 1000.0);
    else
        snprintf(buf, len, "%lld h %lld min", ms / 3600000, (ms % 3600000) / 60000);
}

const char *report_cell_status(json_t *cell)
{
    const char *st = rj_str(cell, "status", NULL);
    if (st && (!strcmp(st, "ok") || !strcmp(st, "expected-failure") || !strcmp(st, "unexpected")))
        return st;
    const char *v = rj_str(cell, "verdict", "");
    json_t *exp = json_object_get(cell, "expected");
    size_t i;
    json_t *e;
    int allowed = 0;
    if (json_array_size(exp) == 0)
        allowed = !strcmp(v, "PASS");
    else
        json_array_foreach(exp, i, e) if (json_is_string(e) && !strcmp(json_string_value(e), v)) allowed = 1;
    if (!allowed)
        return "unexpected";
    return strcmp(v, "PASS") ? "expected-failure" : "ok";
}

void rp_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}


int rp_cmp_id(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(rj_str(x, "id", ""), rj_str(y, "id", ""));
}
