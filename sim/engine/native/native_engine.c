/* sim/engine/native/native_engine.c — the native engine's entry: build
 * uninstrumented, run c->runs seeded runs, and add the wait loop's listing
 * (and its -O0 twin) as evidence to a hang or a wrong value. */
#include "engine/engine.h"
#include "native.h"
#include "build/libinfo.h"
#include "evidence/loops.h"
#include "evidence/demangle_rust.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Evidence for a hang or a wrong value: the wait function's listing at the
 * failing level and the same function built at -O0, side by side in the
 * reports.  The -O0 build is the same variant otherwise (cached). */
/* Replace the first 'from' in buf (of size n) with 'to'. */
static void replace_in(char *buf, size_t n, const char *from, const char *to)
{
    char *h = strstr(buf, from);
    if (!h)
        return;
    char tail[4096];
    snprintf(tail, sizeof tail, "%s", h + strlen(from));
    snprintf(h, n - (size_t)(h - buf), "%s%s", to, tail);
}

/* A prebuilt library has no -O0 twin and its wait loop is not in a function
 * of a known name (rustc inlines hvisor's handler into hv_mmio_access): the
 * evidence is the loop of r->function at the sampled line (sim/evidence: its
 * has_exit), labelled with the library's own build.  1 when it set it. */
static int add_lib_loop(struct run_result *r, const struct hvsim_runcfg *c, const struct build_out *b)
{
    if (!r->function[0])
        return 0;
    char dmf[sizeof r->function];
    if (rust_demangle(r->function, dmf, sizeof dmf))
        for (int i = 0; i < 4; i++) /* the engines' text names the symbol as linked */
            replace_in(r->text, sizeof r->text, r->function, dmf);
    const char *fn[] = { r->function, 0 };
    struct loop_info *l = 0;
    size_t n = 0;
    char err[256];
    if (loops_analyze(b->hv, c->v.arch, fn, 0, &l, &n, err, sizeof err) < 0)
        return 0;
    /* the loop at the sampled line that cannot be left, else one that
     * spins on registers, else any loop at that line */
    const struct loop_info *best = 0;
    int score = 0;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(l[i].file, '/');
        const char *rb = strrchr(r->file, '/');
        int same = l[i].line == r->line && !strcmp(base ? base : l[i].file, rb ? rb : r->file);
        int sc = same * 4 + !l[i].has_exit * 2 + !l[i].has_shared_load;
        if (sc > score || (sc == score && best && l[i].end - l[i].start > best->end - best->start)) {
            score = sc;
            best = &l[i];
        }
    }
    int done = 0;
    if (best && best->disasm && score >= 2) {
        snprintf(r->loop_disasm, sizeof r->loop_disasm, "%s", best->disasm);
        if (r->verdict == V_HANG_STALE_READ) {
            /* the native watchdog said what the loop is (no exit, or a hoisted
             * load); name the build that made it, which --cc/--opt do not */
            char lib[96];
            libinfo_label(c->hv_lib[0], lib, sizeof lib);
            size_t k = strlen(r->text);
            snprintf(r->text + k, sizeof r->text - k,
                     " The library as built: %s; the loop at %s:%d %s.", lib, best->file,
                     best->line, best->has_exit ? "has an exit branch"
                                                : "has no exit (the loop only spins, counts and logs)");
        }
        done = 1;
    }
    loops_free(l, n);
    return done;
}

static void add_disasm(struct run_result *r, const struct hvsim_runcfg *c, const struct build_out *b)
{
    if (c->n_hv_lib && !c->n_hv_src) {
        add_lib_loop(r, c, b);
        return;
    }
    const char *fn = r->function[0] && strcmp(r->function, "hv_mmio_access") ? r->function
                                                                              : "wait_for_response";
    char err[256];
    char *d = loops_disasm_function(b->hv, c->v.arch, fn, err, sizeof err);
    if (!d && strcmp(fn, r->function) && r->function[0])
        d = loops_disasm_function(b->hv, c->v.arch, fn = r->function, err, sizeof err);
    if (!d)
        return;
    snprintf(r->loop_disasm, sizeof r->loop_disasm, "%s", d);
    free(d);
    struct hvsim_runcfg *c0 = runcfg_dup(c);
    if (!c0)
        return;
    snprintf(c0->v.opt, sizeof c0->v.opt, "O0");
    c0->v.lto = 0;
    struct build_out b0;
    if (build_participants(c0, BUILD_NATIVE, &b0, err, sizeof err) == 0 &&
        (d = loops_disasm_function(b0.hv, c->v.arch, fn, err, sizeof err))) {
        snprintf(r->loop_disasm_o0, sizeof r->loop_disasm_o0, "%s", d);
        free(d);
    }
    runcfg_free(c0);
}

int native_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                       struct engine_info *info, char *err, size_t errlen)
{
    struct build_out b;
    if (build_participants(c, BUILD_NATIVE, &b, err, errlen) < 0) {
        snprintf(info->buildlog, sizeof info->buildlog, "%s", b.log);
        return -2;
    }
    info->hv_text_hash = b.hv_text_hash;
    info->be_text_hash = b.be_text_hash;
    snprintf(info->binary, sizeof info->binary, "%s", b.hv);
    for (unsigned i = 0; i < c->runs; i++) {
        struct run_result r;
        if (native_run(c, &b, c->seed + i, &r, err, errlen) < 0)
            return -1;
        if (r.verdict == V_HANG_STALE_READ || r.verdict == V_WRONG_VALUE)
            add_disasm(&r, c, &b);
        if (cb(&r, ud))
            break;
    }
    return 0;
}
