/* sim/build/build.c — compile the participants of one variant, with a cache. */
#define _GNU_SOURCE
#include "build.h"
#include "config/variants.h"
#include "build_log.h"
#include "build_rtcache.h"
#include "fndelay.h"
#include "libinfo.h"
#include "util/process.h"
#include "util/sbuf.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int foreign(const char *arch) { return !arch_is_host(arch); }

/* ---- compiling ---------------------------------------------------------- */
/* A compiler/linker argv on the heap: it grows with the user's -I dirs and
 * --cflags words, so no argument is ever dropped.  Out of memory is
 * remembered (oom) and turned into an error by argvb_run, not ignored. */
struct argvb { char **v; int n, cap, oom; };

static void add(struct argvb *a, const char *fmt, const char *s)
{
    if (a->oom)
        return;
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? a->cap * 2 : 64;
        char **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v) { a->oom = 1; return; }
        a->v = v;
        a->cap = cap;
    }
    char *arg;
    if (asprintf(&arg, fmt, s) < 0) { a->oom = 1; return; }
    a->v[a->n++] = arg;
    a->v[a->n] = 0;
}

static void argvb_free(struct argvb *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* Run the command (proc_run) unless building argv ran out of memory; frees
 * argv.  Its output goes to log; a longer one is cut and says so. */
static int argvb_run(struct argvb *a, char *log, size_t loglen)
{
    int rc;
    struct sbuf out = { 0 };
    if (a->oom || !a->v) {
        sbuf_printf(&out, "hvsim: out of memory building the compiler command line\n");
        rc = -1;
    } else {
        rc = proc_run(a->v, &out, 0);
    }
    argvb_free(a);
    static const char cut[] = "\n[hvsim: output cut here]\n";
    if (fmt_fit(log, loglen, "%s", sbuf_str(&out)) < 0 && loglen > sizeof cut)
        memcpy(log + loglen - sizeof cut, cut, sizeof cut);
    sbuf_free(&out);
    return rc;
}

/* the compiler column of the table: a driver and its fixed options, split on
 * spaces (the table's own strings: no quoting needed) */
static int split_words(char *s, char **argv, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " "); tok && n < max - 1; tok = strtok(0, " "))
        argv[n++] = tok;
    argv[n] = 0;
    return n;
}

static void add_compiler(struct argvb *a, const char *cc, const char *arch)
{
    char c[128];
    snprintf(c, sizeof c, "%s", build_compiler(cc, arch));
    char *parts[8];
    int n = split_words(c, parts, 8);
    for (int i = 0; i < n; i++)
        add(a, "%s", parts[i]);
}

static const char *wait_define(const char *w)
{
    if (!strcmp(w, "plain")) return "-DHV_WAIT_PLAIN";
    if (!strcmp(w, "volatile")) return "-DHV_WAIT_VOLATILE";
    if (!strcmp(w, "acquire")) return "-DHV_WAIT_ACQUIRE";
    return 0;
}

static void add_variant_flags(struct argvb *a, const struct hvsim_runcfg *c)
{
    const char *home = hvsim_home();
    add(a, "%s", "-std=gnu11");
    add(a, "%s", "-g");
    add(a, "-I%s/sim/include", home);
    add(a, "-I%s/sim", home);
    add(a, "%s", wait_define(c->v.wait));
    char r[32];
    snprintf(r, sizeof r, "-DHV_RELAX_%s", c->v.relax);
    for (char *p = r + 10; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    add(a, "%s", r);
    if (!strcmp(c->v.wake, "nofence"))
        add(a, "%s", "-DHVSIM_WAKE_NOFENCE");
    if (c->v.layout_old)
        add(a, "%s", "-DHVSIM_LAYOUT_OLD");
    for (unsigned i = 0; i < c->n_incdir; i++)
        add(a, "-I%s", c->incdir[i]);
}

static int compile_obj(const struct hvsim_runcfg *c, const char *src, const char *obj,
                       const char *opt, int under_test, enum build_profile prof,
                       char *log, size_t loglen)
{
    struct argvb a = { .n = 0 };
    add_compiler(&a, c->v.cc, c->v.arch);
    add_variant_flags(&a, c);
    add(&a, "-%s", opt);
    if (foreign(c->v.arch) || prof != BUILD_NATIVE)
        add(&a, "%s", "-fno-pie");
    if (c->v.lto && under_test)
        add(&a, "%s", "-flto");
    if (under_test && (prof == BUILD_DET || prof == BUILD_TSAN)) {
        add(&a, "%s", "-fsanitize=thread");
        if (prof == BUILD_DET) {
            if (!strcmp(c->v.cc, "gcc"))
                add(&a, "%s", "--param=tsan-distinguish-volatile=1");
            else {
                add(&a, "%s", "-mllvm");
                add(&a, "%s", "-tsan-distinguish-volatile");
            }
        }
    }
    if (under_test && c->n_fndelay && fndelay_instruments(c, src)) {
        /* `delay at entry|return of F` / FILE:LINE: only the files that name
         * F get the hooks (they are calls at every function entry and return
         * in the file, sim/runtime/common/fn_delay.h); gcc can keep them out
         * of hvsim's and the system's inline functions, clang cannot */
        add(&a, "%s", "-finstrument-functions");
        if (!strcmp(c->v.cc, "gcc")) {
            char x[700];
            snprintf(x, sizeof x, "-finstrument-functions-exclude-file-list=%s/sim/include,/usr/include",
                     hvsim_home());
            add(&a, "%s", x);
        }
    }
    if (under_test && c->extra_cflags) {
        /* every word of --cflags (split on spaces, as before), however many */
        char *x = strdup(c->extra_cflags), *save = 0;
        a.oom |= !x;
        for (char *t = x ? strtok_r(x, " ", &save) : 0; t; t = strtok_r(0, " ", &save))
            add(&a, "%s", t);
        free(x);
    }
    add(&a, "%s", "-c");
    add(&a, "%s", src);
    add(&a, "%s", "-o");
    add(&a, "%s", obj);
    return argvb_run(&a, log, loglen);
}

/* Sources of each side.  Code under test first (test: room for SIDE_TEST_CAP,
 * the user's files or 2 bundled ones per side), runtime after (rt: BUILD_RT_MAX). */
#define SIDE_TEST_CAP(c) ((size_t)(c)->n_hv_src + (c)->n_be_src + 4)
#define BUILD_RT_MAX 20

static void side_sources(const struct hvsim_runcfg *c, enum build_profile prof, int hv,
                         const char **test, int *ntest, const char **rt, int *nrt)
{
    static char paths[24][600];
    int np = 0;
    const char *home = hvsim_home();
    *ntest = *nrt = 0;
#define P(...) (snprintf(paths[np], sizeof paths[np], __VA_ARGS__), paths[np++])
    /* threads/tsan: ONE binary holding both sides (built on the hv pass;
     * the backend path becomes a link to it). */
    int both = hv && (prof == BUILD_THREADS || prof == BUILD_TSAN);
    /* The user's code (--hv/--hv-lib, --backend/--backend-lib) replaces the
     * bundled side entirely, the same way for every profile. */
    if (hv && (c->n_hv_src || c->n_hv_lib))
        for (unsigned i = 0; i < c->n_hv_src; i++) test[(*ntest)++] = c->hv_src[i];
    else if (hv) {
        test[(*ntest)++] = P("%s/hv/handler.c", home);
        test[(*ntest)++] = P("%s/hv/result.c", home);
    }
    if ((!hv || both) && (c->n_be_src || c->n_be_lib))
        for (unsigned i = 0; i < c->n_be_src; i++) test[(*ntest)++] = c->be_src[i];
    else if (!hv || both) {
        test[(*ntest)++] = P("%s/backend/daemon.c", home);
        test[(*ntest)++] = P("%s/backend/regs.c", home);
    }
    if (prof == BUILD_THREADS || prof == BUILD_TSAN) {
        rt[(*nrt)++] = P("%s/sim/runtime/threads/threads_main.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/threads/platform_threads.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/threads/threads_quiesce.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/common/guest.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/native/delay.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/common/platform_common.c", home);
    } else if (prof == BUILD_DET) {
        rt[(*nrt)++] = P("%s/sim/runtime/det/%s", home, hv ? "det_hv_main.c" : "det_be_main.c");
        static const char *const det_rt[] = { "det_runtime.c", "det_events.c", "det_progress.c", "det_storebuf.c",
                                              "det_decide.c", "det_access.c", "det_atomics.c", "det_wmm_rt.c",
                                              "det_syscalls.c", "det_threads.c", "det_platform.c", "det_sleep.c" };
        for (size_t i = 0; i < sizeof det_rt / sizeof det_rt[0]; i++)
            rt[(*nrt)++] = P("%s/sim/runtime/det/%s", home, det_rt[i]);
        rt[(*nrt)++] = P("%s/sim/runtime/common/participant.c", home);
    } else {
        rt[(*nrt)++] = P("%s/sim/runtime/native/%s", home, hv ? "hv_main.c" : "be_main.c");
        rt[(*nrt)++] = P("%s/sim/runtime/common/participant.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/native/platform_native.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/native/delay.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/common/platform_common.c", home);
        if (hv) {
            rt[(*nrt)++] = P("%s/sim/runtime/common/guest.c", home);
            rt[(*nrt)++] = P("%s/sim/runtime/common/hypercall.c", home);
        }
    }
#undef P
}


static const char *cc_version(const char *cc, const char *arch)
{
    static char cache[6][2][200];
    static char keys[6][48];
    char key[48];
    snprintf(key, sizeof key, "%s/%s", cc, arch);
    for (int i = 0; i < 6; i++)
        if (!strcmp(keys[i], key))
            return cache[i][0];
    int slot = 0;
    while (slot < 5 && keys[slot][0])
        slot++;
    struct argvb a = { .n = 0 };
    add_compiler(&a, cc, arch);
    add(&a, "%s", "--version");
    char out[4096] = "";
    argvb_run(&a, out, sizeof out);
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = 0;
    snprintf(cache[slot][0], sizeof cache[slot][0], "%s", out);
    snprintf(keys[slot], sizeof keys[slot], "%s", key);
    return cache[slot][0];
}

static void rm_rf(const char *dir)
{
    if (dir_remove_tree(dir) < 0) { /* best effort: a tmp dir left is swept by a later build */ }
}

/* A build killed half-way (SIGKILL, a crash: nothing can clean up) leaves
 * CACHE/<key>.tmp.<pid>.  Remove those whose pid no longer exists, so the
 * cache does not fill with them; a live pid's (a build running now, this
 * process's parallel builds included) is left alone. */
static void sweep_dead_tmp(const char *cache)
{
    DIR *d = opendir(cache);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *t = strstr(e->d_name, ".tmp.");
        char *end;
        if (!t)
            continue;
        long pid = strtol(t + 5, &end, 10);
        if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", cache, e->d_name);
        rm_rf(p);
    }
    closedir(d);
}

/* The variant is one this machine can build, and every input is there: the
 * sources of both sides (into ts/nt, rs/nr), and the user's libraries, built
 * for this run's architecture. */
static int check_inputs(const struct hvsim_runcfg *c, enum build_profile prof, const char **ts[2],
                        int nt[2], const char *rs[2][BUILD_RT_MAX], int nr[2], char *err, size_t errlen)
{
    if (!build_compiler(c->v.cc, c->v.arch)) {
        snprintf(err, errlen, "unknown compiler/architecture '%s/%s'", c->v.cc, c->v.arch);
        return -1;
    }
    if (!wait_define(c->v.wait)) {
        snprintf(err, errlen, "unknown wait variant '%s' (plain|volatile|acquire)", c->v.wait);
        return -1;
    }
    if (!relax_exists_on(c->v.relax, c->v.arch)) {
        snprintf(err, errlen, "relax hint '%s' does not exist on %s", c->v.relax, c->v.arch);
        return -1;
    }
    for (int hv = 1; hv >= 0; hv--) {
        side_sources(c, prof, hv, ts[hv], &nt[hv], rs[hv], &nr[hv]);
        for (int i = 0; i < nt[hv]; i++)
            if (access(ts[hv][i], R_OK) != 0) {
                snprintf(err, errlen, "%s: %s", ts[hv][i], strerror(errno));
                return -1;
            }
    }
    for (unsigned i = 0; i < c->n_hv_lib + c->n_be_lib; i++) {
        const char *l = i < c->n_hv_lib ? c->hv_lib[i] : c->be_lib[i - c->n_hv_lib];
        if (access(l, R_OK) != 0) {
            snprintf(err, errlen, "%s: %s", l, strerror(errno));
            return -1;
        }
        /* a library for another machine would fail at link time with
         * hundreds of lines; say it in one, before anything is built */
        char m[64];
        if (libinfo_machine(l, m, sizeof m) < 0) {
            snprintf(err, errlen, "%s: %s", l, m);
            return -1;
        }
        if (strcmp(m, c->v.arch)) {
            snprintf(err, errlen, "%s is built for %s, this run is for %s: rebuild the library "
                     "for %s (or run with --arch %s)", l, m, c->v.arch, c->v.arch, m);
            return -1;
        }
    }
    return 0;
}

/* The link flags after the objects: the user's libraries, threads, static
 * or no-pie, the sanitizer, det's pthread wrappers. */
static void add_link_tail(struct argvb *link, const struct hvsim_runcfg *c, enum build_profile prof, int hv)
{
    /* the user's static libraries after every object that refers to them */
    int both = hv && (prof == BUILD_THREADS || prof == BUILD_TSAN);
    if (hv)
        for (unsigned i = 0; i < c->n_hv_lib; i++) add(link, "%s", c->hv_lib[i]);
    if (!hv || both)
        for (unsigned i = 0; i < c->n_be_lib; i++) add(link, "%s", c->be_lib[i]);
    add(link, "%s", "-pthread");
    if (foreign(c->v.arch)) {
        add(link, "%s", "-static");
        add(link, "%s", "-no-pie");
    } else if (prof != BUILD_NATIVE) {
        add(link, "%s", "-no-pie");
    }
    if (prof == BUILD_TSAN)
        add(link, "%s", "-fsanitize=thread");
    if (prof == BUILD_DET) /* the code under test's pthread calls: sim/runtime/det/det_threads.c */
        add(link, "%s", "-Wl,--wrap=pthread_create,--wrap=pthread_join,--wrap=pthread_exit,"
                        "--wrap=pthread_mutex_lock,--wrap=pthread_mutex_trylock,"
                        "--wrap=pthread_mutex_unlock,--wrap=pthread_cond_wait,"
                        "--wrap=pthread_cond_timedwait,--wrap=pthread_cond_signal,"
                        "--wrap=pthread_cond_broadcast,--wrap=pthread_spin_lock,"
                        "--wrap=pthread_spin_unlock");
}

/* `delay at …`: the placeholder table of one side, compiled to fnd_o and
 * linked first (the real one needs the binary's addresses). */
static int fnd_placeholder(const struct hvsim_runcfg *c, enum build_profile prof, const char *fnd_c,
                           const char *fnd_o, unsigned *found, struct build_out *out, char *err,
                           size_t errlen)
{
    err[0] = 0;
    if (fndelay_write_table(c, NULL, fnd_c, found, err, errlen) < 0 ||
        compile_obj(c, fnd_c, fnd_o, "O2", 0, prof, out->log, sizeof out->log) != 0) {
        if (!err[0])
            snprintf(err, errlen, "compiling the delay-point table %s failed", fnd_c);
        return -1;
    }
    return 0;
}

/* `delay at …`: the binary OUTP is linked with a placeholder table; resolve
 * the delay points in it, compile the real table and link again (frees
 * RELINK).  The table is data of a fixed size, so no code moves: checked. */
static int fnd_relink(const struct hvsim_runcfg *c, struct argvb *relink, const char *outp,
                      const char *fnd_c, const char *fnd_o, enum build_profile prof,
                      unsigned *found, struct build_out *out, char *err, size_t errlen)
{
    uint64_t before = build_layout_hash(outp);
    err[0] = 0;
    if (fndelay_write_table(c, outp, fnd_c, found, err, errlen) < 0 ||
        compile_obj(c, fnd_c, fnd_o, "O2", 0, prof, out->log, sizeof out->log) != 0) {
        if (!err[0])
            snprintf(err, errlen, "compiling the delay-point table %s failed", fnd_c);
        argvb_free(relink);
        return -1;
    }
    if (argvb_run(relink, out->log, sizeof out->log) != 0) {
        snprintf(err, errlen, "relinking %s with its delay-point table failed", outp);
        return -1;
    }
    if (build_layout_hash(outp) != before) {
        snprintf(err, errlen, "internal: relinking %s with its delay-point table moved code", outp);
        return -1;
    }
    return 0;
}

/* Compile one side's sources (ts: the code under test at the variant's
 * level; rs: hvsim's runtime at -O2) into tmp and link tmp/hv or
 * tmp/backend.  On failure err and out->log say why. */
static int build_side(const struct hvsim_runcfg *c, enum build_profile prof, int hv, const char *tmp,
                      const char *const *ts, int nt, const char *const *rs, int nr,
                      unsigned *fnd_found, struct build_out *out, char *err, size_t errlen)
{
    struct argvb link = { .n = 0 };
    add_compiler(&link, c->v.cc, c->v.arch);
    if (c->v.lto)
        add(&link, "%s", "-flto");
    add(&link, "%s", "-o");
    char outp[700];
    snprintf(outp, sizeof outp, "%s/%s", tmp, hv ? "hv" : "backend");
    add(&link, "%s", outp);
    uint64_t rt_base = build_rt_base(c, prof, cc_version(c->v.cc, c->v.arch), build_compiler(c->v.cc, c->v.arch),
                                     hvsim_home());
    for (int i = 0; i < nt + nr; i++) {
        int under_test = i < nt;
        const char *src = under_test ? ts[i] : rs[i - nt];
        char obj[700];
        snprintf(obj, sizeof obj, "%s/%s%d.o", tmp, hv ? "hv" : "be", i);
        char slot[800] = ""; /* hvsim's own runtime: compiled once per compiler and flags */
        uint64_t k = under_test ? 0 : build_rt_key(rt_base, src);
        int rc = !under_test && build_rt_fetch(build_root(), c->v.arch, c->v.cc, k, obj, slot, sizeof slot)
                     ? 0 : compile_obj(c, src, obj, under_test ? c->v.opt : "O2", under_test, prof, out->log, sizeof out->log);
        if (rc == 0 && slot[0])
            build_rt_keep(obj, slot);
        if (rc != 0) {
            scrub_tmp_paths(out->log, sizeof out->log, tmp, NULL, 0);
            snprintf(err, errlen, "compiling %s failed (%s -%s)", src, c->v.cc, c->v.opt);
            argvb_free(&link);
            return -1;
        }
        add(&link, "%s", obj);
    }
    /* `delay at …`: a placeholder table now, the resolved one after the link */
    char fnd_c[700], fnd_o[700];
    snprintf(fnd_c, sizeof fnd_c, "%s/fnd_%s.c", tmp, hv ? "hv" : "be");
    snprintf(fnd_o, sizeof fnd_o, "%s/fnd_%s.o", tmp, hv ? "hv" : "be");
    if (c->n_fndelay) {
        if (fnd_placeholder(c, prof, fnd_c, fnd_o, fnd_found, out, err, errlen)) {
            argvb_free(&link);
            return -1;
        }
        add(&link, "%s", fnd_o);
    }
    add_link_tail(&link, c, prof, hv);
    struct argvb relink = { .n = 0 }; /* argvb_run frees link */
    for (int i = 0; c->n_fndelay && i < link.n; i++)
        add(&relink, "%s", link.v[i]);
    if (argvb_run(&link, out->log, sizeof out->log) != 0) {
        argvb_free(&relink);
        const char **srcs = calloc((size_t)(nt + nr) + 1, sizeof *srcs);
        int ns = 0;
        for (int i = 0; srcs && i < nt + nr; i++)
            srcs[ns++] = i < nt ? ts[i] : rs[i - nt];
        scrub_tmp_paths(out->log, sizeof out->log, tmp, srcs, ns);
        free(srcs);
        build_link_error(out->log, hv, err, errlen);
        return -1;
    }
    if (c->n_fndelay &&
        fnd_relink(c, &relink, outp, fnd_c, fnd_o, prof, fnd_found, out, err, errlen) < 0)
        return -1;
    argvb_free(&relink);
    return 0;
}

/* Build both sides into tmp (a fresh directory). */
static int build_into(const struct hvsim_runcfg *c, enum build_profile prof, const char *tmp,
                      const char **ts[2], int nt[2], const char *rs[2][BUILD_RT_MAX], int nr[2],
                      struct build_out *out, char *err, size_t errlen)
{
    unsigned fnd_found = 0; /* bit i: delay point i resolved in some binary */
    for (int hv = 1; hv >= 0; hv--) {
        if (!hv && (prof == BUILD_THREADS || prof == BUILD_TSAN)) {
            /* one process: the backend path names the same binary */
            char lnk[700];
            snprintf(lnk, sizeof lnk, "%s/backend", tmp);
            if (symlink("hv", lnk) < 0) {
                snprintf(err, errlen, "symlink %s: %s", lnk, strerror(errno));
                return -1;
            }
            continue;
        }
        /* side_sources reuses a static buffer: recompute per side */
        side_sources(c, prof, hv, ts[hv], &nt[hv], rs[hv], &nr[hv]);
        if (build_side(c, prof, hv, tmp, ts[hv], nt[hv], rs[hv], nr[hv], &fnd_found, out, err,
                       errlen))
            return -1;
    }
    if (c->n_fndelay && fndelay_check_found(c, fnd_found, err, errlen) < 0) {
        out->log[0] = 0;
        return -1;
    }
    return 0;
}

static int build_participants_with(const struct hvsim_runcfg *c, enum build_profile prof,
                                   const char **ts[2], struct build_out *out, char *err,
                                   size_t errlen)
{
    int nt[2], nr[2];
    const char *rs[2][BUILD_RT_MAX];
    if (check_inputs(c, prof, ts, nt, rs, nr, err, errlen))
        return -1;
    uint64_t h = build_key(c, prof, cc_version(c->v.cc, c->v.arch), build_compiler(c->v.cc, c->v.arch),
                           hvsim_home());
    /* out->dir is the one length limit here (HVSIM_BUILD_DIR is the user's):
     * a longer one is an error; every path below it fits by its size */
    if (fmt_fit(out->dir, sizeof out->dir, "%s/cache/%s-%s-%s-%016llx", build_root(), c->v.arch,
                c->v.cc, c->v.opt, (unsigned long long)h) < 0) {
        snprintf(err, errlen, "build directory path too long (a cache entry must fit in %zu bytes): %s",
                 sizeof out->dir, build_root());
        return -1;
    }
    snprintf(out->hv, sizeof out->hv, "%s/hv", out->dir);
    snprintf(out->backend, sizeof out->backend, "%s/backend", out->dir);
    if (access(out->hv, X_OK) == 0 && access(out->backend, X_OK) == 0) {
        out->cached = 1;
        out->hv_text_hash = build_text_hash(out->hv);
        out->be_text_hash = build_text_hash(out->backend);
        return 0;
    }

    char tmp[sizeof out->dir + 24]; /* fits: out->dir + ".tmp." + a pid */
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", out->dir, (int)getpid());
    char mk[800];
    snprintf(mk, sizeof mk, "%s/cache", build_root());
    mkdir(build_root(), 0777);
    mkdir(mk, 0777);
    sweep_dead_tmp(mk);
    rm_rf(tmp);
    if (mkdir(tmp, 0777) < 0) {
        snprintf(err, errlen, "mkdir %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (build_into(c, prof, tmp, ts, nt, rs, nr, out, err, errlen)) {
        rm_rf(tmp);
        return -1;
    }
    if (rename(tmp, out->dir) < 0) {
        rm_rf(tmp); /* a parallel build of the same key won the race */
        if (access(out->hv, X_OK) != 0) {
            snprintf(err, errlen, "rename to %s: %s", out->dir, strerror(errno));
            return -1;
        }
    }
    out->hv_text_hash = build_text_hash(out->hv);
    out->be_text_hash = build_text_hash(out->backend);
    return 0;
}

int build_participants(const struct hvsim_runcfg *c, enum build_profile prof,
                       struct build_out *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    /* the code under test of each side: as many files as the user gave */
    const char **ts[2] = { calloc(SIDE_TEST_CAP(c), sizeof(char *)),
                           calloc(SIDE_TEST_CAP(c), sizeof(char *)) };
    int rc = ts[0] && ts[1] ? build_participants_with(c, prof, ts, out, err, errlen)
                            : (snprintf(err, errlen, "out of memory"), -1);
    free(ts[0]);
    free(ts[1]);
    return rc;
}
