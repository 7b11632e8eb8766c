/* sim/evidence/pc_sym.c — PC -> function + file:line with libdwfl.
 *
 * Live native processes: dwfl_linux_proc_report (modules from
 * /proc/pid/maps, ELF found via dwfl_linux_proc_find_elf).  ELF files
 * offline (any architecture, e.g. aarch64/riscv64 guests under qemu-user):
 * dwfl_report_offline, addresses as in the file.
 */
#define _GNU_SOURCE
#include "pc.h"

#include "srcloc.h"
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static char *debuginfo_path;

static const Dwfl_Callbacks proc_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src) { dst[0] = 0; return; }
    snprintf(dst, cap, "%s", src);
}

/* dwfl_module_getsrc finds the compile unit through .debug_aranges, which
 * clang does not emit (clang 14 --target=aarch64/riscv64 static binaries
 * gave no line at all).  Then scan the CUs' own address ranges. */
static void getsrc_scan(Dwfl_Module *mod, uint64_t pc, struct pc_sym *out)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = NULL;
    while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
        Dwarf_Addr base, lo, hi, a = (Dwarf_Addr)pc - bias;
        ptrdiff_t off = 0;
        while ((off = dwarf_ranges(cu, off, &base, &lo, &hi)) > 0) {
            if (a < lo || a >= hi)
                continue;
            Dwarf_Line *l = dwarf_getsrc_die(cu, a);
            int lineno = 0;
            const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
            if (src && dwarf_lineno(l, &lineno) == 0) {
                Dwarf_Attribute at;
                srcloc_resolve(src, dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &at)), out->file,
                               sizeof out->file);
                out->line = lineno;
            }
            return;
        }
    }
}

static int lookup(Dwfl *dwfl, uint64_t pc, struct pc_sym *out)
{
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, (Dwarf_Addr)pc);
    if (!mod) {
        errno = ENOENT;
        return -1;
    }
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, (GElf_Addr)pc, &off, &sym,
                                            NULL, NULL, NULL);
    if (!name)
        name = dwfl_module_addrname(mod, (GElf_Addr)pc);
    if (name) {
        copy_str(out->function, sizeof out->function, name);
        out->func_offset = off;
    }
    Dwfl_Line *line = dwfl_module_getsrc(mod, (Dwarf_Addr)pc);
    if (!line)
        getsrc_scan(mod, pc, out);
    if (line) {
        int lineno = 0;
        const char *src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
        if (src) {
            /* clang names files relative to the directory it ran in */
            srcloc_resolve(src, dwfl_line_comp_dir(line), out->file, sizeof out->file);
            out->line = lineno;
        }
    }
    if (!name) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

static void init_out(struct pc_sym *out, uint64_t pc)
{
    memset(out, 0, sizeof *out);
    out->pc = pc;
}

int pc_symbolize_pid(pid_t pid, uint64_t pc, struct pc_sym *out)
{
    if (!out || pid <= 0) {
        errno = EINVAL;
        return -1;
    }
    init_out(out, pc);
    Dwfl *dwfl = dwfl_begin(&proc_callbacks);
    if (!dwfl) {
        errno = ENOMEM;
        return -1;
    }
    int rc = -1;
    dwfl_report_begin(dwfl);
    int r = dwfl_linux_proc_report(dwfl, pid);
    if (dwfl_report_end(dwfl, NULL, NULL) != 0 || r != 0) {
        errno = r > 0 ? r : ESRCH;
        goto done;
    }
    rc = lookup(dwfl, pc, out);
done:
    {
        int e = errno;
        dwfl_end(dwfl);
        errno = e;
    }
    return rc;
}

int pc_symbolize_elf(const char *elf_path, uint64_t vaddr, struct pc_sym *out)
{
    if (!out || !elf_path) {
        errno = EINVAL;
        return -1;
    }
    init_out(out, vaddr);
    Dwfl *dwfl = dwfl_begin(&offline_callbacks);
    if (!dwfl) {
        errno = ENOMEM;
        return -1;
    }
    int rc = -1;
    dwfl_report_begin(dwfl);
    Dwfl_Module *mod = dwfl_report_offline(dwfl, elf_path, elf_path, -1);
    if (dwfl_report_end(dwfl, NULL, NULL) != 0 || !mod) {
        errno = ENOENT;
        goto done;
    }
    /* libdwfl may lay an ET_DYN (PIE) file out at a base of its choosing:
     * translate the file's vaddr into that address space. */
    GElf_Addr bias = 0;
    if (dwfl_module_getelf(mod, &bias) == NULL)
        bias = 0;
    rc = lookup(dwfl, vaddr + bias, out);
    out->pc = vaddr;
done:
    {
        int e = errno;
        dwfl_end(dwfl);
        errno = e;
    }
    return rc;
}
