/* sim/evidence/elfsyms.c — open an ELF file, check its architecture, list its
 * functions (STT_FUNC symbols with a size) and locate their bytes. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loops_int.h"

static const char *arch_name(enum loops_arch a)
{
    switch (a) {
    case LA_X86_64: return "x86_64";
    case LA_AARCH64: return "aarch64";
    case LA_RISCV64: return "riscv64";
    case LA_PPC64LE: return "ppc64le";
    default: return "unknown";
    }
}

static enum loops_arch arch_of_machine(unsigned m)
{
    switch (m) {
    case EM_X86_64: return LA_X86_64;
    case EM_AARCH64: return LA_AARCH64;
    case EM_RISCV: return LA_RISCV64;
    case EM_PPC64: return LA_PPC64LE; /* little-endian checked by the caller */
    default: return LA_NONE;
    }
}

static int cmp_fn(const void *a, const void *b)
{
    const struct lfunc *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return strcmp(x->name, y->name);
}

int lelf_name_matches(const char *sym, const char *want)
{
    size_t k = strlen(want);
    return strncmp(sym, want, k) == 0 && (sym[k] == 0 || sym[k] == '.');
}

static int add_fn(struct lelf *e, size_t *cap, const char *name, uint64_t addr, uint64_t size,
                  const uint8_t *code)
{
    if (e->nfn == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        struct lfunc *nf = realloc(e->fn, nc * sizeof *nf);
        if (!nf)
            return -1;
        e->fn = nf;
        *cap = nc;
    }
    char *nm = strdup(name);
    if (!nm)
        return -1;
    e->fn[e->nfn++] = (struct lfunc){ nm, addr, size, code };
    return 0;
}

/* functions from one symbol table */
static int read_symtab(struct lelf *e, Elf_Scn *scn, GElf_Shdr *sh, size_t *cap)
{
    Elf *elf = e->elf;
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || !sh->sh_entsize)
        return 0;
    size_t nsym = sh->sh_size / sh->sh_entsize;
    for (size_t i = 0; i < nsym; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
            s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
        Elf_Scn *ts = elf_getscn(elf, s.st_shndx);
        GElf_Shdr tsh;
        if (!name || !*name || !ts || !gelf_getshdr(ts, &tsh) || tsh.sh_type != SHT_PROGBITS)
            continue;
        uint64_t off = e->is_rel ? s.st_value : s.st_value - tsh.sh_addr;
        Elf_Data *td = elf_getdata(ts, NULL);
        if (!td || !td->d_buf || off > td->d_size || s.st_size > td->d_size - off)
            continue;
        if (add_fn(e, cap, name, s.st_value, s.st_size, (const uint8_t *)td->d_buf + off) < 0)
            return -1;
    }
    return 0;
}

int lelf_open(struct lelf *e, const char *path, const char *arch, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->fd = -1;
    enum loops_arch want = LA_NONE;
    if (arch && *arch) {
        if (!strcmp(arch, "x86_64") || !strcmp(arch, "x86-64") || !strcmp(arch, "amd64"))
            want = LA_X86_64;
        else if (!strcmp(arch, "aarch64") || !strcmp(arch, "arm64"))
            want = LA_AARCH64;
        else if (!strcmp(arch, "riscv64"))
            want = LA_RISCV64;
        else if (!strcmp(arch, "ppc64le"))
            want = LA_PPC64LE;
        else {
            loops_err(err, errlen, "unsupported architecture '%s' (x86_64, aarch64, riscv64, ppc64le)", arch);
            return -1;
        }
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        loops_err(err, errlen, "libelf: %s", elf_errmsg(-1));
        return -1;
    }
    e->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (e->fd < 0) {
        loops_err(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    Elf *elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
    e->elf = elf;
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        loops_err(err, errlen, "%s: not an ELF file", path);
        goto fail;
    }
    e->arch = arch_of_machine(eh.e_machine);
    if (gelf_getclass(elf) != ELFCLASS64 || e->arch == LA_NONE ||
        (e->arch == LA_PPC64LE && eh.e_ident[EI_DATA] != ELFDATA2LSB)) {
        loops_err(err, errlen, "%s: unsupported ELF machine %u (need 64-bit x86_64/aarch64/riscv64/ppc64le)",
                  path, (unsigned)eh.e_machine);
        goto fail;
    }
    if (want != LA_NONE && want != e->arch) {
        loops_err(err, errlen, "%s: ELF is %s, not %s", path, arch_name(e->arch), arch);
        goto fail;
    }
    e->is_rel = eh.e_type == ET_REL;
    size_t cap = 0;
    int have_symtab = 0;
    for (int pass = 0; pass < 2; pass++) { /* .symtab, else .dynsym */
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(elf, scn))) {
            GElf_Shdr sh;
            if (!gelf_getshdr(scn, &sh))
                continue;
            if (sh.sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB))
                continue;
            have_symtab = 1;
            if (read_symtab(e, scn, &sh, &cap) < 0) {
                loops_err(err, errlen, "out of memory");
                goto fail;
            }
        }
        if (have_symtab)
            break;
    }
    if (e->nfn > 1) /* aliases (same address) stay: callers dedupe by code pointer */
        qsort(e->fn, e->nfn, sizeof *e->fn, cmp_fn);
    return 0;
fail:
    lelf_close(e);
    return -1;
}

void lelf_close(struct lelf *e)
{
    for (size_t i = 0; i < e->nfn; i++)
        free(e->fn[i].name);
    free(e->fn);
    if (e->elf)
        elf_end(e->elf);
    if (e->fd >= 0)
        close(e->fd);
    memset(e, 0, sizeof *e);
    e->fd = -1;
}
