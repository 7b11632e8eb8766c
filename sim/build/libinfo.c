/* sim/build/libinfo.c — see libinfo.h.  Reads the file's bytes: an ar archive
 * of ELF objects needs no libelf walk to find a marker string or the first
 * member's ELF header. */
#define _GNU_SOURCE
#include "libinfo.h"
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *b = 0;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            char *nb = realloc(b, cap = cap ? cap * 2 : 1 << 16);
            if (!nb) {
                free(b);
                fclose(f);
                return 0;
            }
            b = nb;
        }
        size_t k = fread(b + len, 1, cap - len, f);
        if (!k)
            break;
        len += k;
    }
    fclose(f);
    *n = len;
    return b;
}

/* the printable run after 'key' in b, up to a NUL, newline or 80 chars */
static int after(const char *b, size_t n, const char *key, char *out, size_t outlen)
{
    const char *p = memmem(b, n, key, strlen(key));
    if (!p)
        return 0;
    p += strlen(key);
    size_t k = 0;
    while (p + k < b + n && k < 80 && p[k] >= ' ' && p[k] < 0x7f)
        k++;
    snprintf(out, outlen, "%.*s", (int)k, p);
    return 1;
}

int libinfo_label(const char *path, char *out, size_t outlen)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    char v[96];
    int known = 0;
    if (b && after(b, n, "hvsim-build: ", v, sizeof v)) {
        /* a marker of the opt-level alone takes rustc's version from .comment */
        char rv[40];
        if (strncmp(v, "rustc ", 6) && after(b, n, "rustc version ", rv, sizeof rv)) {
            char *sp = strchr(rv, ' ');
            if (sp)
                *sp = 0;
            snprintf(out, outlen, "rustc %s %s", rv, v);
        } else {
            snprintf(out, outlen, "%s", v);
        }
        known = !strstr(v, "opt-level=unknown");
    } else if (b && after(b, n, "rustc version ", v, sizeof v)) {
        char *sp = strchr(v, ' ');
        if (sp)
            *sp = 0;
        snprintf(out, outlen, "rustc %s, opt-level unknown", v);
    } else if (b && (after(b, n, "clang version ", v, sizeof v) || after(b, n, "GCC: ", v, sizeof v))) {
        snprintf(out, outlen, "%s %s, opt-level unknown",
                 memmem(b, n, "clang version ", 14) ? "clang" : "gcc", v);
    } else {
        snprintf(out, outlen, "prebuilt library");
    }
    free(b);
    return known;
}

void libinfo_split(const char *path, char *comp, size_t complen, char *opt, size_t optlen)
{
    char l[160];
    libinfo_label(path, l, sizeof l);
    snprintf(opt, optlen, "%s", "");
    char *o = strstr(l, "opt-level=");
    if (o) {
        size_t k = strcspn(o + 10, " ,;");
        snprintf(opt, optlen, "%.*s", (int)k, o + 10);
        while (o > l && (o[-1] == ' ' || o[-1] == ','))
            o--;
        *o = 0;
    }
    char *u = strstr(l, ", opt-level unknown");
    if (u)
        *u = 0;
    snprintf(comp, complen, "%s", l);
}

static const char *machine_name(unsigned m, int le)
{
    switch (m) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_RISCV: return "riscv64";
    case EM_PPC64: return le ? "ppc64le" : "ppc64";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    default: return 0;
    }
}

int libinfo_machine(const char *path, char *out, size_t outlen)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    if (!b) {
        snprintf(out, outlen, "cannot read it");
        return -1;
    }
    const unsigned char *e = 0;
    if (n >= 20 && !memcmp(b, ELFMAG, SELFMAG)) {
        e = (const unsigned char *)b;
    } else if (n >= 8 && !memcmp(b, "!<arch>\n", 8)) {
        /* members: 60-byte header, size in bytes 48..57, 2-aligned; the
         * first ELF member decides (symbol tables come first) */
        size_t off = 8;
        while (!e && off + 60 <= n) {
            size_t sz = strtoul(b + off + 48, 0, 10);
            const char *m = b + off + 60;
            if (off + 60 + 20 <= n && !memcmp(m, ELFMAG, SELFMAG))
                e = (const unsigned char *)m;
            off += 60 + sz + (sz & 1);
        }
    }
    if (!e) {
        snprintf(out, outlen, "not an ELF object or an archive of ELF objects");
        free(b);
        return -1;
    }
    int le = e[EI_DATA] == ELFDATA2LSB;
    unsigned m = le ? (unsigned)(e[18] | e[19] << 8) : (unsigned)(e[18] << 8 | e[19]);
    const char *nm = machine_name(m, le);
    if (nm)
        snprintf(out, outlen, "%s", nm);
    else
        snprintf(out, outlen, "EM_%u", m);
    free(b);
    return 0;
}
