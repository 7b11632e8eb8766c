/* sim/evidence/loops.h — static "hoisted-load oracle".
 *
 * Finds loops (backward branches within a function) in a built ELF binary and
 * tells whether each loop body still contains a memory load that can observe
 * shared memory.  A wait loop `while (b->cfg_flags[cpu] == old) RELAX();`
 * whose load the compiler hoisted out of the loop shows up as a loop with
 * has_shared_load == 0: the CPU spins on a register forever.
 *
 * x86_64 and aarch64 are decoded with Capstone; riscv64 with
 * riscv64-linux-gnu-objdump (override with $HVSIM_RISCV_OBJDUMP).  Source
 * positions come from DWARF (libdw).  Addresses are ELF virtual addresses
 * (section offsets for relocatable objects, whose DWARF is not relocated:
 * file/line are then unreliable).
 */
#ifndef HVSIM_TOOLS_LOOPS_H
#define HVSIM_TOOLS_LOOPS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct loop_info {
    char function[128];   /* function containing the loop */
    char file[256];       /* source file of the loop's backward branch (DWARF), "" if unknown */
    int line;             /* source line of the loop head (DWARF), 0 if unknown */
    uint64_t start, end;  /* [branch target, backward branch] in ELF vaddr; the flags, counts
                             and disasm also cover the natural loop of that back edge
                             where the compiler placed it outside the range */
    int has_shared_load;  /* body has a load not relative to the stack/frame pointer, or a call */
    int has_call;
    int nloads;           /* memory-reading instructions in the body */
    int has_exit;         /* some path leaves the body (a branch out, a fall-through out, a
                             return or indirect jump); 0: the loop can never end, whatever
                             memory holds (the comparison was folded away) */
    char *disasm;         /* "  addr: mnemonic ops" lines, "  ; file:line: source" interleaved,
                             loads marked "  <-- load" */
};

/* arch: "x86_64" | "aarch64" | "riscv64" (NULL: take it from the ELF header).
 * functions: NULL-terminated list of function names (a name also matches its
 * compiler clones "name.part.0", "name.constprop.0", ...; every name must be
 * found), or NULL for all functions whose DWARF file path contains file_filter
 * (file_filter NULL = all).  On success *out (caller frees with loops_free)
 * holds *n loops in address order and 0 is returned; on failure -1 and a
 * one-line message in err. */
int loops_analyze(const char *elf_path, const char *arch, const char *const *functions,
                  const char *file_filter, struct loop_info **out, size_t *n, char *err,
                  size_t errlen);
void loops_free(struct loop_info *v, size_t n);

/* Whole-function disassembly with source interleaved (same format).  Caller
 * frees.  NULL and a message in err on failure. */
char *loops_disasm_function(const char *elf_path, const char *arch, const char *function,
                            char *err, size_t errlen);

/* {function,file,line,start,end,has_shared_load,has_call,nloads,disasm} */
json_t *loops_to_json(const struct loop_info *l);

#endif
