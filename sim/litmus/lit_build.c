/* sim/litmus/lit_build.c — compiling a litmus test into a det participant.
 *
 * The generated test is compiled like the code under test of a det build
 * (sim/build/build.c): the chosen compiler at the chosen -O level with
 * -fsanitize=thread (volatile accesses distinguished), -fno-pie, linked
 * -no-pie against hvsim's TSan-ABI runtime (sim/runtime/det: det_runtime.c
 * and its parts, det_wmm_rt.c) and the litmus participant main
 * (det_litmus_main.c).  The runtime objects are compiled once per compiler per run (at -O2, as build.c
 * does) into a scratch directory removed at the end. */
#define _GNU_SOURCE
#include "litmus.h"
#include "build/build.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIT_RT_N 11
static const char *const rt_src[LIT_RT_N] = {
    "sim/runtime/det/det_runtime.c",  "sim/runtime/det/det_events.c",
    "sim/runtime/det/det_progress.c", "sim/runtime/det/det_storebuf.c",
    "sim/runtime/det/det_decide.c",   "sim/runtime/det/det_access.c",
    "sim/runtime/det/det_atomics.c",  "sim/runtime/det/det_wmm_rt.c",
    "sim/runtime/det/det_sleep.c",    "sim/runtime/det/det_litmus_main.c",
    "sim/runtime/common/participant.c"
};

struct lit_build {
    char dir[256];
    char rt_cc[4][16];     /* compilers whose runtime objects are built */
    int nrt;
    unsigned seq;
};

int lit_build_open(struct lit_build **out, char *err, size_t errlen)
{
    struct lit_build *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(b->dir, sizeof b->dir, "%s/hvsim-litmus.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b->dir)) {
        snprintf(err, errlen, "mkdtemp %s: %s", b->dir, strerror(errno));
        free(b);
        return -1;
    }
    *out = b;
    return 0;
}

void lit_build_close(struct lit_build *b)
{
    if (!b)
        return;
    if (dir_remove_tree(b->dir) < 0) { /* best effort: a temporary directory left behind */ }
    free(b);
}

/* argv from the compiler command ("clang --target=…" splits) plus words */
static int run(const char *cc, const char *const *words, char *log, size_t loglen)
{
    char c[160];
    const char *comp = build_compiler(cc, "x86_64");
    snprintf(c, sizeof c, "%s", comp ? comp : cc);
    char *argv[64];
    int n = 0;
    /* the compiler table's own strings: split on spaces, no quoting */
    for (char *tok = strtok(c, " "); tok && n < 7; tok = strtok(0, " "))
        argv[n++] = tok;
    for (int i = 0; words[i] && n < 63; i++)
        argv[n++] = (char *)words[i];
    argv[n] = 0;
    struct sbuf out = { 0 };
    int rc = proc_run(argv, log ? &out : NULL, 0);
    if (log && loglen)
        fmt_cut(log, loglen, "%s", sbuf_str(&out));
    sbuf_free(&out);
    return rc;
}

static int runtime_objs(struct lit_build *b, const char *cc, char *err, size_t errlen)
{
    for (int i = 0; i < b->nrt; i++)
        if (!strcmp(b->rt_cc[i], cc))
            return 0;
    if (b->nrt == 4) {
        snprintf(err, errlen, "too many compilers");
        return -1;
    }
    const char *home = hvsim_home();
    char inc1[600], inc2[600], src[700], obj[400], log[4096];
    snprintf(inc1, sizeof inc1, "-I%s/sim/include", home);
    snprintf(inc2, sizeof inc2, "-I%s/sim", home);
    for (int i = 0; i < LIT_RT_N; i++) {
        snprintf(src, sizeof src, "%s/%s", home, rt_src[i]);
        snprintf(obj, sizeof obj, "%s/rt-%s-%d.o", b->dir, cc, i);
        const char *w[] = { "-std=gnu11", "-g", "-O2", "-fno-pie", inc1, inc2, "-c", src, "-o", obj, 0 };
        if (run(cc, w, log, sizeof log) != 0) {
            snprintf(err, errlen, "compiling the det runtime %s with %s failed:\n%s", src, cc, log);
            return -1;
        }
    }
    snprintf(b->rt_cc[b->nrt++], sizeof b->rt_cc[0], "%s", cc);
    return 0;
}

int lit_build_test(struct lit_build *b, const struct lit_test *t, const char *cc, const char *opt,
                   char *bin, size_t binlen, char *err, size_t errlen)
{
    if (!build_compiler(cc, "x86_64") || !build_compiler_available(cc, "x86_64")) {
        snprintf(err, errlen, "compiler '%s' is not available", cc);
        return -1;
    }
    if (runtime_objs(b, cc, err, errlen) < 0)
        return -1;
    char *code = lit_gen_c(t);
    if (!code) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    unsigned k = b->seq++;
    char src[400], obj[400], o[8], log[8192];
    snprintf(src, sizeof src, "%s/t%u-%s-%s.c", b->dir, k, cc, opt);
    snprintf(obj, sizeof obj, "%s/t%u-%s-%s.o", b->dir, k, cc, opt);
    snprintf(bin, binlen, "%s/t%u-%s-%s", b->dir, k, cc, opt);
    snprintf(o, sizeof o, "-%s", opt);
    FILE *f = fopen(src, "w");
    if (!f || fputs(code, f) < 0 || fclose(f) != 0) {
        snprintf(err, errlen, "writing %s failed", src);
        free(code);
        return -1;
    }
    free(code);
    const char *home = hvsim_home();
    char inc[600];
    snprintf(inc, sizeof inc, "-I%s/sim/runtime/det", home);
    const char *vol1 = !strcmp(cc, "gcc") ? "--param=tsan-distinguish-volatile=1" : "-mllvm";
    const char *vol2 = !strcmp(cc, "gcc") ? 0 : "-tsan-distinguish-volatile";
    const char *wc[] = { "-std=gnu11", "-g", o, "-fno-pie", "-fsanitize=thread", inc, "-c", src, "-o", obj,
                         vol1, vol2, 0 };
    if (run(cc, wc, log, sizeof log) != 0) {
        /* the #line directives make the compiler name the litmus file */
        snprintf(err, errlen, "%s -%s rejects %s:\n%s", cc, opt, t->path, log);
        return 2;
    }
    char rto[LIT_RT_N][400];
    for (int i = 0; i < LIT_RT_N; i++)
        snprintf(rto[i], sizeof rto[i], "%s/rt-%s-%d.o", b->dir, cc, i);
    const char *wl[LIT_RT_N + 7] = { "-no-pie", "-o", bin, obj };
    int nw = 4;
    for (int i = 0; i < LIT_RT_N; i++)
        wl[nw++] = rto[i];
    wl[nw++] = "-pthread";
    wl[nw] = 0;
    if (run(cc, wl, log, sizeof log) != 0) {
        snprintf(err, errlen, "linking %s failed:\n%s", bin, log);
        return -1;
    }
    return 0;
}
