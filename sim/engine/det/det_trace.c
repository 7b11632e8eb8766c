/* sim/engine/det/det_trace.c — the trace of one execution: text (one line per
 * event, stable: no addresses but bridge offsets, no times but decision
 * numbers — so the same schedule gives the same bytes) and Chrome
 * trace-event JSON (one track per participant; opens in Perfetto). */
#include "det.h"
#include "verdict/bridge_names.h"
#include "evidence/pc.h"
#include "util/sbuf.h"
#include <stdlib.h>
#include <string.h>

#define SYM_CACHE 512

struct det_syms {
    char bin[2][600];
    struct { uint64_t pc; int proc; char *line; } c[SYM_CACHE]; /* line: heap, whole */
    unsigned n;
};

struct det_syms *det_syms_new(const char *hv_bin, const char *be_bin)
{
    struct det_syms *s = calloc(1, sizeof *s);
    if (!s)
        return 0;
    snprintf(s->bin[0], sizeof s->bin[0], "%s", hv_bin);
    snprintf(s->bin[1], sizeof s->bin[1], "%s", be_bin);
    return s;
}

void det_syms_free(struct det_syms *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++)
        free(s->c[i].line);
    free(s);
}

const char *det_thread_name(const struct det_shm *S, int t, char *buf, size_t len)
{
    if (t < 0)
        snprintf(buf, len, "-");
    else if ((uint32_t)t < S->ncpus)
        snprintf(buf, len, "cpu%d", t);
    else if ((uint32_t)t == S->hc_tid)
        snprintf(buf, len, "hypercall");
    else if ((uint32_t)t == S->be_tid)
        snprintf(buf, len, "daemon");
    else { /* created by the code under test: numbered per process in creation order */
        unsigned k = 0;
        for (int i = (int)S->be_tid + 1; i <= t; i++)
            k += S->t[i].proc == S->t[t].proc;
        snprintf(buf, len, "%s-thread%u", S->t[t].proc == 1 ? "be" : "hv", k);
    }
    return buf;
}

const char *det_syms_line(struct det_syms *s, int proc, uint64_t pc, char *buf, size_t len)
{
    buf[0] = 0;
    if (!s || !pc)
        return buf;
    for (unsigned i = 0; i < s->n; i++)
        if (s->c[i].pc == pc && s->c[i].proc == proc) {
            snprintf(buf, len, "%s", s->c[i].line);
            return buf;
        }
    struct pc_sym y;
    struct sbuf line = { 0 };
    if (pc_symbolize_elf(s->bin[proc ? 1 : 0], pc - 1, &y) == 0) {
        const char *f = strrchr(y.file, '/');
        f = f ? f + 1 : y.file;
        sbuf_printf(&line, "%s:%d %s()", f[0] ? f : "?", y.line, y.function);
    }
    snprintf(buf, len, "%s", sbuf_str(&line));
    if (s->n < SYM_CACHE && !line.oom) {
        s->c[s->n].pc = pc;
        s->c[s->n].proc = proc;
        s->c[s->n].line = line.s ? line.s : strdup("");
        if (s->c[s->n].line) {
            s->n++;
            return buf;
        }
    }
    sbuf_free(&line);
    return buf;
}

static const char *const kind_name[EV__COUNT] = {
    "read", "write", "vread", "vwrite", "aload", "astore", "rmw", "fence", "sleep", "wake",
    "ipi", "hypercall", "hcdone", "delay", "begin", "done", "drain", "switch", "access", "result",
    "sync",
};

const char *det_event_kind_name(int kind)
{
    return kind >= 0 && kind < EV__COUNT && kind_name[kind] ? kind_name[kind] : "?";
}

/* A pthread call of the code under test (sim/runtime/det/det_threads.c): threads by
 * name, objects by their number in the execution (m1, m2, …: no addresses). */
void det_sync_describe(const struct det_shm *S, const struct det_event *e, char *buf, size_t len)
{
    static const char *const op[SY__COUNT] = {
        "create", "join", "exit", "lock", "blocked on", "unlock", "cond_wait", "cond_timedwait",
        "cond_signal", "cond_broadcast" };
    const char *o = e->off < SY__COUNT ? op[e->off] : "?";
    char tn[32];
    if (e->off == SY_CREATE || e->off == SY_JOIN || e->off == SY_EXIT)
        snprintf(buf, len, "%-6s %s", o, det_thread_name(S, (int)e->val, tn, sizeof tn));
    else
        snprintf(buf, len, "%-6s #%llu", o, (unsigned long long)e->val);
}

/* Threads of the code under test blocked in a pthread call at the end, with
 * the call's site: "be-thread1 in cond_wait #2 (worker_daemon.c:100 worker())".
 * Empty when none is. */
void det_blocked_note(const struct det_shm *S, struct det_syms *sy, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (uint32_t t = 0; t < S->nthreads; t++) {
        if (S->t[t].state != DT_BLOCKED || S->t[t].block != DB_SYNC)
            continue;
        const struct det_event *w = 0;
        for (uint32_t i = S->nev; i-- > 0 && !w;)
            if (S->ev[i].tid == t && S->ev[i].kind == EV_SYNC)
                w = &S->ev[i];
        char tn[32], d[96] = "?", line[96] = "";
        if (w) {
            det_sync_describe(S, w, d, sizeof d);
            det_syms_line(sy, S->t[t].proc == 1, w->pc, line, sizeof line);
        }
        int n = snprintf(buf + o, len - o, "%s%s blocked in %s%s%s%s", o ? ", " : "",
                         det_thread_name(S, (int)t, tn, sizeof tn), d, line[0] ? " (" : "", line,
                         line[0] ? ")" : "");
        if (n < 0 || (size_t)n >= len - o)
            break;
        o += (size_t)n;
    }
}

static const char *mo_name(int mo)
{
    static const char *const n[] = { "relaxed", "consume", "acquire", "release", "acq_rel", "seq_cst" };
    mo &= 0xff & ~DET_EV_BUFFERED;
    return (unsigned)mo < 6 ? n[mo] : "?";
}

void det_field_name(uint32_t off, char *buf, size_t len)
{
    if (off == UINT32_MAX)
        snprintf(buf, len, "(private)");
    else if (bridge_field_name(off, 0, buf, len) < 0)
        snprintf(buf, len, "+%u", off);
}

static void describe(const struct det_shm *S, const struct det_event *e, char *buf, size_t len)
{
    char fl[64];
    switch (e->kind) {
    case EV_READ: case EV_WRITE: case EV_VREAD: case EV_VWRITE:
        det_field_name(e->off, fl, sizeof fl);
        snprintf(buf, len, "%-6s %s/%u = %llu", kind_name[e->kind], fl, e->size, (unsigned long long)e->val);
        break;
    case EV_ALOAD: case EV_ASTORE: case EV_RMW:
        det_field_name(e->off, fl, sizeof fl);
        snprintf(buf, len, "%-6s %s/%u = %llu %s", kind_name[e->kind], fl, e->size,
                 (unsigned long long)e->val, mo_name(e->mo));
        break;
    case EV_DRAIN:
        det_field_name(e->off, fl, sizeof fl);
        snprintf(buf, len, "drain  %s/%u = %llu (store buffer -> memory)", fl, e->size,
                 (unsigned long long)e->val);
        break;
    case EV_FENCE:
        snprintf(buf, len, "fence  %s (%llu buffered store(s) before it)", mo_name(e->mo),
                 (unsigned long long)e->val);
        break;
    case EV_DELAY:
        if (e->off >= 0x100u && e->off < 0x108u) /* fn_delay.h HVSIM_FND_SITE0 */
            snprintf(buf, len, "delay  at function delay point #%u", e->off - 0x100u);
        else
            snprintf(buf, len, "delay  site %s", site_name((enum hvsim_site)e->off));
        break;
    case EV_ACCESS:
        snprintf(buf, len, "access #%u guest 0x%llx", e->off, (unsigned long long)e->val);
        break;
    case EV_RESULT:
        snprintf(buf, len, "result #%u = 0x%llx", e->off, (unsigned long long)e->val);
        break;
    case EV_SYNC:
        det_sync_describe(S, e, buf, len);
        break;
    case EV_IPI:
        snprintf(buf, len, "%s", e->off ? "ipi    DROPPED (fault injection)" : "ipi    to zone0");
        break;
    default:
        snprintf(buf, len, "%-6s %llu", kind_name[e->kind < EV__COUNT ? e->kind : 0], (unsigned long long)e->val);
        break;
    }
    (void)S;
}

void det_trace_text(FILE *f, const struct det_shm *S, struct det_syms *sy, const char *header)
{
    if (header)
        fputs(header, f);
    fprintf(f, "# participants: %u CPU thread(s), hypercall thread, daemon", S->ncpus);
    if (S->nthreads > S->ncpus + 2)
        fprintf(f, ", %u thread(s) created by the code under test", S->nthreads - S->ncpus - 2);
    fprintf(f, "; memory model %s\n",
            S->model == DM_ARM ? "arm" : S->model == DM_RISCV ? "riscv" : S->tso ? "tso" : "sc");
    fprintf(f, "# columns: decision  participant  event  [source]\n");
    for (uint32_t i = 0; i < S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        char tn[32], d[160], line[96] = "";
        det_thread_name(S, e->tid, tn, sizeof tn);
        describe(S, e, d, sizeof d);
        if (e->pc)
            det_syms_line(sy, S->t[e->tid].proc == 1, e->pc, line, sizeof line);
        fprintf(f, "%6u  %-9s  %s%s%s\n", e->step, tn, d, line[0] ? "  @ " : "", line);
    }
    fprintf(f, "# end: %s after %u decisions, %llu points, %u switches (%u preemptions), %u drains%s%s\n",
            verdict_name((enum hvsim_verdict)S->verdict), S->step, (unsigned long long)S->points,
            S->switches, S->preemptions, S->drains, S->vwhy[0] ? ": " : "", S->vwhy);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

void det_trace_chrome(FILE *f, const struct det_shm *S, struct det_syms *sy)
{
    /* Time axis = decision number (1 decision = 1 µs): deterministic, and the
     * token holder's runs show as slices on its own track. */
    fprintf(f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    int first = 1;
    for (uint32_t t = 0; t < S->nthreads; t++) {
        char tn[32];
        det_thread_name(S, (int)t, tn, sizeof tn);
        fprintf(f, "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"%s\"}}",
                first ? "" : ",\n", S->t[t].proc, t, tn);
        first = 0;
    }
    fprintf(f, ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":0,\"args\":{\"name\":\"hypervisor\"}}");
    fprintf(f, ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":\"backend\"}}");
    for (uint32_t i = 0; i < S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        char d[160], line[96] = "";
        describe(S, e, d, sizeof d);
        if (e->pc)
            det_syms_line(sy, S->t[e->tid].proc == 1, e->pc, line, sizeof line);
        fprintf(f, ",\n{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%u,\"dur\":1,\"name\":",
                S->t[e->tid].proc, e->tid, e->step);
        json_str(f, kind_name[e->kind < EV__COUNT ? e->kind : 0]);
        fprintf(f, ",\"args\":{\"what\":");
        json_str(f, d);
        fprintf(f, ",\"at\":");
        json_str(f, line);
        fprintf(f, "}}");
    }
    fprintf(f, "\n],\"otherData\":{\"verdict\":");
    json_str(f, verdict_name((enum hvsim_verdict)S->verdict));
    fprintf(f, "}}\n");
}
