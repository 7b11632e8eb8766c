/* sim/build/build_key.c — what identifies a built variant: the cache key
 * (every input that changes the binaries, hashed) and the hash of a built
 * binary's code (build.h). */
#include "build.h"
#include "util/fnv.h"
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
            h = fnv1a_file(h, p);
        }
        free(ents[i]);
    }
    free(ents);
    return h;
}

/* .text and .rodata (build_text_hash), or .text alone (build_layout_hash:
 * `delay at`'s table is .rodata that changes at the relink) */
static uint64_t text_hash(const char *path, int with_rodata);
uint64_t build_text_hash(const char *path) { return text_hash(path, 1); }

static uint64_t text_hash(const char *path, int with_rodata)
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
            if (!nm || (strcmp(nm, ".text") && (!with_rodata || strcmp(nm, ".rodata"))))
                continue;
            Elf_Data *d = elf_getdata(s, 0);
            if (d && d->d_buf) {
                if (!h)
                    h = FNV1A_BASIS;
                h = fnv1a(h, d->d_buf, d->d_size);
            }
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return h;
}

uint64_t build_layout_hash(const char *path)
{
    uint64_t h = text_hash(path, 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    Elf *e = fd < 0 ? 0 : elf_begin(fd, ELF_C_READ, 0);
    for (Elf_Scn *s = 0; e && (s = elf_nextscn(e, s));) {
        GElf_Shdr sh;
        if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC)) {
            uint64_t w[2] = { sh.sh_addr, sh.sh_size };
            h = fnv1a(h, w, sizeof w);
        }
    }
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    return h;
}

/* What every object of a variant is compiled with: the profile, the
 * compiler, the variant's defines, the include dirs, hvsim's own headers
 * and sources (home's dirs). */
static uint64_t key_common(uint64_t h, const struct hvsim_runcfg *c, enum build_profile prof,
                           const char *cc_version, const char *compiler, const char *home)
{
    char pk[8];
    snprintf(pk, sizeof pk, "%d", (int)prof);
    h = fnv1a_str(h, pk);
    h = fnv1a_str(h, cc_version);
    h = fnv1a_str(h, compiler);
    h = fnv1a_str(h, c->v.arch);
    h = fnv1a_str(h, c->v.wait);
    h = fnv1a_str(h, c->v.relax);
    h = fnv1a_str(h, c->v.wake);
    h = fnv1a_str(h, c->v.layout_old ? "old" : "new");
    for (unsigned i = 0; i < c->n_incdir; i++)
        h = fnv_dir(fnv1a_str(h, c->incdir[i]), c->incdir[i]);
    const char *dirs[] = { "sim/include/hvsim", "sim/runtime/common", "sim/runtime/native", "hv", "backend", "sim/runtime/det",
                           "sim/runtime/threads" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char d[700];
        snprintf(d, sizeof d, "%s/%s", home, dirs[i]);
        h = fnv_dir(h, d);
    }
    return h;
}

uint64_t build_rt_base(const struct hvsim_runcfg *c, enum build_profile prof, const char *cc_version,
                       const char *compiler, const char *home)
{
    return key_common(fnv1a_str(FNV1A_BASIS, "rt1"), c, prof, cc_version, compiler, home);
}

uint64_t build_rt_key(uint64_t base, const char *src) { return fnv1a_file(base, src); }

uint64_t build_key(const struct hvsim_runcfg *c, enum build_profile prof, const char *cc_version,
                   const char *compiler, const char *home)
{
    uint64_t h = key_common(FNV1A_BASIS, c, prof, cc_version, compiler, home);
    h = fnv1a_str(h, c->v.opt);
    h = fnv1a_str(h, c->v.lto ? "lto" : "");
    h = fnv1a_str(h, runcfg_str(c->extra_cflags));
    for (unsigned i = 0; i < c->n_fndelay; i++) { /* instrumented files, the table */
        const struct hvsim_fndelay *f = &c->fndelay[i];
        h = fnv1a_str(fnv1a_str(fnv1a_str(h, "fnd"), f->sym), f->file);
        uint64_t w[5] = { f->line, (uint64_t)f->at_return, f->min_ns, f->max_ns, f->every };
        h = fnv1a(h, w, sizeof w);
    }
    for (unsigned i = 0; i < c->n_hv_src; i++) h = fnv1a_file(h, c->hv_src[i]);
    for (unsigned i = 0; i < c->n_be_src; i++) h = fnv1a_file(h, c->be_src[i]);
    /* a user file's own headers ("x.h" next to it) change the binary too */
    for (unsigned i = 0; i < c->n_hv_src + c->n_be_src; i++) {
        char *d = strdup(i < c->n_hv_src ? c->hv_src[i] : c->be_src[i - c->n_hv_src]);
        char *sl = d ? strrchr(d, '/') : NULL;
        if (sl && sl != d) {
            *sl = 0;
            h = fnv_dir(h, d);
        }
        free(d);
    }
    for (unsigned i = 0; i < c->n_hv_lib; i++) h = fnv1a_file(fnv1a_str(h, "hvlib"), c->hv_lib[i]);
    for (unsigned i = 0; i < c->n_be_lib; i++) h = fnv1a_file(fnv1a_str(h, "belib"), c->be_lib[i]);
    return h;
}
