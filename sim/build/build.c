/* sim/build/build.c — compile the participants of one variant, with a cache. */
#define _GNU_SOURCE
#include "build.h"
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

#ifndef HVSIM_HOME_DEFAULT
#define HVSIM_HOME_DEFAULT "."
#endif

/* HVSIM_HOME, else an installed layout (PREFIX/bin/hvsim finds
 * PREFIX/share/hvsim, recognised by its sim/include/hvsim/platform.h), else
 * the source tree the binary was built from. */
const char *hvsim_home(void)
{
    const char *h = getenv("HVSIM_HOME");
    if (h && *h)
        return h;
    static char inst[600];
    static int looked;
    if (!looked) {
        looked = 1;
        char exe[512];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = 0;
            char *sl = strrchr(exe, '/');
            if (sl) {
                *sl = 0;
                char probe[700];
                snprintf(inst, sizeof inst, "%s/../share/hvsim", exe);
                snprintf(probe, sizeof probe, "%s/sim/include/hvsim/platform.h", inst);
                char *rp = access(probe, R_OK) == 0 ? realpath(inst, 0) : 0;
                if (rp) {
                    snprintf(inst, sizeof inst, "%s", rp);
                    free(rp);
                } else {
                    inst[0] = 0;
                }
            }
        }
    }
    return inst[0] ? inst : HVSIM_HOME_DEFAULT;
}

/* HVSIM_BUILD_DIR, else HOME/build in a source tree, else (installed, where
 * PREFIX/share may not be writable) $XDG_CACHE_HOME/hvsim or ~/.cache/hvsim. */
static const char *build_root(void)
{
    const char *b = getenv("HVSIM_BUILD_DIR");
    static char def[600];
    if (b && *b)
        return b;
    const char *home = hvsim_home();
    if (strcmp(home, HVSIM_HOME_DEFAULT) && !getenv("HVSIM_HOME")) {
        const char *x = getenv("XDG_CACHE_HOME"), *u = getenv("HOME");
        if (x && *x)
            snprintf(def, sizeof def, "%s/hvsim", x);
        else if (u && *u)
            snprintf(def, sizeof def, "%s/.cache/hvsim", u);
        else
            snprintf(def, sizeof def, "/tmp/hvsim-%d", (int)getuid());
        char up[600];
        snprintf(up, sizeof up, "%s", def);
        char *sl = strrchr(up, '/');
        if (sl && sl != up) {
            *sl = 0;
            mkdir(up, 0777); /* ~/.cache may not exist yet */
        }
        return def;
    }
    snprintf(def, sizeof def, "%s/build", home);
    return def;
}

const char *build_compiler(const char *cc, const char *arch)
{
    static const struct { const char *cc, *arch, *cmd; } t[] = {
        { "gcc", "x86_64", "gcc" },
        { "clang", "x86_64", "clang" },
        { "gcc", "aarch64", "aarch64-linux-gnu-gcc" },
        { "clang", "aarch64", "clang --target=aarch64-linux-gnu" },
        { "gcc", "riscv64", "riscv64-linux-gnu-gcc" },
        { "clang", "riscv64", "clang --target=riscv64-linux-gnu" },
        { "gcc", "ppc64le", "powerpc64le-linux-gnu-gcc" },
        { "clang", "ppc64le", "clang --target=powerpc64le-linux-gnu" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].cc, cc) && !strcmp(t[i].arch, arch))
            return t[i].cmd;
    return 0;
}

static int foreign(const char *arch) { return strcmp(arch, "x86_64") != 0; }

int build_compiler_available(const char *cc, const char *arch)
{
    const char *c = build_compiler(cc, arch);
    if (!c)
        return 0;
    char tool[64];
    /* clang --target needs the cross gcc toolchain for headers and libs */
    if (!strncmp(c, "clang ", 6))
        snprintf(tool, sizeof tool, "%s-linux-gnu-gcc",
                 !strcmp(arch, "ppc64le") ? "powerpc64le" : arch); /* Debian's triple */
    else
        snprintf(tool, sizeof tool, "%s", c);
    /* `command -v` in C: the compiler driver, the cross gcc clang needs, and
     * for a foreign arch its qemu-user */
    char qemu[64];
    snprintf(qemu, sizeof qemu, "qemu-%s", arch);
    return proc_in_path(tool) && proc_in_path(!strncmp(c, "clang", 5) ? "clang" : tool) &&
           (!foreign(arch) || proc_in_path(qemu));
}

/* ---- hashing ------------------------------------------------------------ */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) { return fnv(h, s, strlen(s) + 1); }

static uint64_t fnv_file(uint64_t h, const char *path)
{
    h = fnv_str(h, path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fnv_str(h, "<missing>");
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv(h, buf, n);
    fclose(f);
    return h;
}

/* Hash every .c/.h of a directory (sorted, so the order is stable). */
static uint64_t fnv_dir(uint64_t h, const char *dir)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, 0, alphasort);
    if (n < 0)
        return h;
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        size_t l = strlen(nm);
        if (l > 2 && (!strcmp(nm + l - 2, ".c") || !strcmp(nm + l - 2, ".h"))) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, nm);
            h = fnv_file(h, p);
        }
        free(ents[i]);
    }
    free(ents);
    return h;
}

uint64_t build_text_hash(const char *path)
{
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t h = 0;
    Elf *e = elf_begin(fd, ELF_C_READ, 0);
    size_t shstrndx;
    if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
        for (Elf_Scn *s = 0; (s = elf_nextscn(e, s));) {
            GElf_Shdr sh;
            if (!gelf_getshdr(s, &sh))
                continue;
            const char *nm = elf_strptr(e, shstrndx, sh.sh_name);
            if (!nm || (strcmp(nm, ".text") && strcmp(nm, ".rodata")))
                continue;
            Elf_Data *d = elf_getdata(s, 0);
            if (d && d->d_buf) {
                if (!h)
                    h = 0xcbf29ce484222325ull;
                h = fnv(h, d->d_buf, d->d_size);
            }
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return h;
}

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
    if (under_test && c->extra_cflags[0]) {
        /* every word of --cflags (split on spaces, as before), however many */
        char x[sizeof c->extra_cflags], *save = 0;
        snprintf(x, sizeof x, "%s", c->extra_cflags);
        for (char *t = strtok_r(x, " ", &save); t; t = strtok_r(0, " ", &save))
            add(&a, "%s", t);
    }
    add(&a, "%s", "-c");
    add(&a, "%s", src);
    add(&a, "%s", "-o");
    add(&a, "%s", obj);
    return argvb_run(&a, log, loglen);
}

/* Sources of each side.  Code under test first, runtime after. */
struct side { const char *name; const char *test[9]; const char *rt[8]; };

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
        for (unsigned i = 0; i < c->n_be_src && *ntest < 16; i++) test[(*ntest)++] = c->be_src[i];
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
        rt[(*nrt)++] = P("%s/sim/runtime/det/det_runtime.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/det/det_wmm_rt.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/det/det_syscalls.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/det/det_threads.c", home);
        rt[(*nrt)++] = P("%s/sim/runtime/det/det_platform.c", home);
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

static int is_valid_relax(const char *relax, const char *arch)
{
    if (!strcmp(relax, "none") || !strcmp(relax, "barrier") || !strcmp(relax, "asm") ||
        !strcmp(relax, "default"))
        return 1;
    if (!strcmp(relax, "pause"))
        return !strcmp(arch, "x86_64");
    if (!strcmp(relax, "yield") || !strcmp(relax, "isb"))
        return !strcmp(arch, "aarch64");
    return 0;
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

/* The entry points <hvsim/platform.h> says the user's code provides that a
 * failed link reports as undefined, as "a, b" (one side only: the first
 * missing one decides which); 0 when none is missing. */
static int missing_entry_points(const char *log, char *out, size_t n)
{
    static const char *const eps[] = { "hv_mmio_access", "hv_finish_req", "backend_run" };
    int found = 0, hv_side = -1;
    out[0] = 0;
    for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "undefined reference to `%s'", eps[i]);
        if (!strstr(log, pat))
            continue;
        int is_hv = !strncmp(eps[i], "hv_", 3);
        if (hv_side >= 0 && is_hv != hv_side)
            continue;
        hv_side = is_hv;
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", found ? " or " : "", eps[i]);
        found++;
    }
    return found;
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

/* The build cache's temporary directory is nobody's business: in compiler
 * and linker output, TMP/hvN.o (beN.o) becomes the source it was compiled
 * from, and any other TMP/ path loses that prefix. */
static void scrub_tmp_paths(char *log, size_t cap, const char *tmp, const char *const *srcs, int nsrc)
{
    static char outb[sizeof ((struct build_out *)0)->log];
    size_t tl = strlen(tmp), o = 0;
    if (cap > sizeof outb)
        cap = sizeof outb;
    for (const char *p = log; *p && o + 1 < cap;) {
        if (strncmp(p, tmp, tl) || p[tl] != '/') {
            outb[o++] = *p++;
            continue;
        }
        p += tl + 1;
        int k;
        char side[3];
        int used = 0;
        if (sscanf(p, "%2[hvbe]%d.o%n", side, &k, &used) == 2 && used && k >= 0 && k < nsrc &&
            (!strcmp(side, "hv") || !strcmp(side, "be"))) {
            o += (size_t)snprintf(outb + o, cap - o, "%s", srcs[k]);
            p += used;
        }
        if (o >= cap)
            o = cap - 1;
    }
    outb[o] = 0;
    memcpy(log, outb, o + 1);
}

int build_participants(const struct hvsim_runcfg *c, enum build_profile prof,
                       struct build_out *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!build_compiler(c->v.cc, c->v.arch)) {
        snprintf(err, errlen, "unknown compiler/architecture '%s/%s'", c->v.cc, c->v.arch);
        return -1;
    }
    if (!wait_define(c->v.wait)) {
        snprintf(err, errlen, "unknown wait variant '%s' (plain|volatile|acquire)", c->v.wait);
        return -1;
    }
    if (!is_valid_relax(c->v.relax, c->v.arch)) {
        snprintf(err, errlen, "relax hint '%s' does not exist on %s", c->v.relax, c->v.arch);
        return -1;
    }
    const char *test[16], *rt[8];
    int nt[2], nr[2];
    const char *ts[2][16], *rs[2][8];
    for (int hv = 1; hv >= 0; hv--) {
        side_sources(c, prof, hv, test, &nt[hv], rt, &nr[hv]);
        memcpy(ts[hv], test, sizeof test);
        memcpy(rs[hv], rt, sizeof rt);
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
    /* side_sources reuses a static buffer; recompute per side below */
    uint64_t h = 0xcbf29ce484222325ull;
    char pk[8];
    snprintf(pk, sizeof pk, "%d", (int)prof);
    h = fnv_str(h, pk);
    h = fnv_str(h, cc_version(c->v.cc, c->v.arch));
    h = fnv_str(h, build_compiler(c->v.cc, c->v.arch));
    h = fnv_str(h, c->v.opt);
    h = fnv_str(h, c->v.wait);
    h = fnv_str(h, c->v.relax);
    h = fnv_str(h, c->v.wake);
    h = fnv_str(h, c->v.layout_old ? "old" : "new");
    h = fnv_str(h, c->v.lto ? "lto" : "");
    h = fnv_str(h, c->extra_cflags);
    for (unsigned i = 0; i < c->n_incdir; i++)
        h = fnv_dir(fnv_str(h, c->incdir[i]), c->incdir[i]);
    const char *home = hvsim_home();
    const char *dirs[] = { "sim/include/hvsim", "sim/runtime/common", "sim/runtime/native", "hv", "backend", "sim/runtime/det",
                           "sim/runtime/threads" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char d[700];
        snprintf(d, sizeof d, "%s/%s", home, dirs[i]);
        h = fnv_dir(h, d);
    }
    for (unsigned i = 0; i < c->n_hv_src; i++) h = fnv_file(h, c->hv_src[i]);
    for (unsigned i = 0; i < c->n_be_src; i++) h = fnv_file(h, c->be_src[i]);
    /* a user file's own headers ("x.h" next to it) change the binary too */
    for (unsigned i = 0; i < c->n_hv_src + c->n_be_src; i++) {
        char d[256];
        snprintf(d, sizeof d, "%s", i < c->n_hv_src ? c->hv_src[i] : c->be_src[i - c->n_hv_src]);
        char *sl = strrchr(d, '/');
        if (sl && sl != d) {
            *sl = 0;
            h = fnv_dir(h, d);
        }
    }
    for (unsigned i = 0; i < c->n_hv_lib; i++) h = fnv_file(fnv_str(h, "hvlib"), c->hv_lib[i]);
    for (unsigned i = 0; i < c->n_be_lib; i++) h = fnv_file(fnv_str(h, "belib"), c->be_lib[i]);

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
    for (int hv = 1; hv >= 0; hv--) {
        if (!hv && (prof == BUILD_THREADS || prof == BUILD_TSAN)) {
            /* one process: the backend path names the same binary */
            char lnk[sizeof tmp + 16]; /* fits: tmp + "/backend" */
            snprintf(lnk, sizeof lnk, "%s/backend", tmp);
            if (symlink("hv", lnk) < 0) {
                snprintf(err, errlen, "symlink %s: %s", lnk, strerror(errno));
                rm_rf(tmp);
                return -1;
            }
            continue;
        }
        side_sources(c, prof, hv, ts[hv], &nt[hv], rs[hv], &nr[hv]);
        struct argvb link = { .n = 0 };
        add_compiler(&link, c->v.cc, c->v.arch);
        if (c->v.lto)
            add(&link, "%s", "-flto");
        add(&link, "%s", "-o");
        char outp[sizeof tmp + 16]; /* fits: tmp + "/backend" */
        snprintf(outp, sizeof outp, "%s/%s", tmp, hv ? "hv" : "backend");
        add(&link, "%s", outp);
        for (int i = 0; i < nt[hv] + nr[hv]; i++) {
            int under_test = i < nt[hv];
            const char *src = under_test ? ts[hv][i] : rs[hv][i - nt[hv]];
            char obj[sizeof tmp + 24]; /* fits: tmp + "/be" + an int + ".o" */
            snprintf(obj, sizeof obj, "%s/%s%d.o", tmp, hv ? "hv" : "be", i);
            int rc = compile_obj(c, src, obj, under_test ? c->v.opt : "O2", under_test, prof,
                                 out->log, sizeof out->log);
            if (rc != 0) {
                scrub_tmp_paths(out->log, sizeof out->log, tmp, NULL, 0);
                snprintf(err, errlen, "compiling %s failed (%s -%s)", src, c->v.cc, c->v.opt);
                argvb_free(&link);
                rm_rf(tmp);
                return -1;
            }
            add(&link, "%s", obj);
        }
        /* the user's static libraries after every object that refers to them */
        int both = hv && (prof == BUILD_THREADS || prof == BUILD_TSAN);
        if (hv)
            for (unsigned i = 0; i < c->n_hv_lib; i++) add(&link, "%s", c->hv_lib[i]);
        if (!hv || both)
            for (unsigned i = 0; i < c->n_be_lib; i++) add(&link, "%s", c->be_lib[i]);
        add(&link, "%s", "-pthread");
        if (foreign(c->v.arch)) {
            add(&link, "%s", "-static");
            add(&link, "%s", "-no-pie");
        } else if (prof != BUILD_NATIVE) {
            add(&link, "%s", "-no-pie");
        }
        if (prof == BUILD_TSAN)
            add(&link, "%s", "-fsanitize=thread");
        if (prof == BUILD_DET) /* the code under test's pthread calls: sim/runtime/det/det_threads.c */
            add(&link, "%s", "-Wl,--wrap=pthread_create,--wrap=pthread_join,--wrap=pthread_exit,"
                             "--wrap=pthread_mutex_lock,--wrap=pthread_mutex_trylock,"
                             "--wrap=pthread_mutex_unlock,--wrap=pthread_cond_wait,"
                             "--wrap=pthread_cond_timedwait,--wrap=pthread_cond_signal,"
                             "--wrap=pthread_cond_broadcast,--wrap=pthread_spin_lock,"
                             "--wrap=pthread_spin_unlock");
        if (argvb_run(&link, out->log, sizeof out->log) != 0) {
            const char *srcs[32];
            int ns = 0;
            for (int i = 0; i < nt[hv] + nr[hv] && ns < 32; i++)
                srcs[ns++] = i < nt[hv] ? ts[hv][i] : rs[hv][i - nt[hv]];
            scrub_tmp_paths(out->log, sizeof out->log, tmp, srcs, ns);
            const char *miss = strstr(out->log, "undefined reference to `");
            char ep[160];
            if (missing_entry_points(out->log, ep, sizeof ep)) {
                /* one line that says what to write; the linker's noise is not shown */
                int hv_ep = !strncmp(ep, "hv_", 3);
                snprintf(err, errlen, "your %s code does not define %s (see <hvsim/platform.h>)",
                         hv_ep ? "hypervisor" : "backend", ep);
                out->log[0] = 0;
            } else if (miss) {
                char sym[128];
                sscanf(miss + 24, "%127[^']", sym);
                snprintf(err, errlen, "linking the %s side failed: '%s' is not defined (the linker's output follows)",
                         hv ? "hypervisor" : "backend", sym);
            } else {
                snprintf(err, errlen, "linking the %s side failed", hv ? "hypervisor" : "backend");
            }
            rm_rf(tmp);
            return -1;
        }
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
