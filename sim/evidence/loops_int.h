/* sim/evidence/loops_int.h — internals shared by the sim/evidence files. */
#ifndef HVSIM_TOOLS_LOOPS_INT_H
#define HVSIM_TOOLS_LOOPS_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum loops_arch { LA_NONE = 0, LA_X86_64, LA_AARCH64, LA_RISCV64, LA_PPC64LE };

/* one decoded instruction */
enum {
    IN_BRANCH = 1u << 0, /* direct jump/branch with a known target */
    IN_CALL = 1u << 1,   /* call (direct or indirect) */
    IN_LOAD = 1u << 2,   /* reads memory */
    IN_SHARED = 1u << 3, /* ... and not through the stack/frame pointer */
    IN_NOFALL = 1u << 5, /* never falls through: unconditional jump, return */
    IN_FPBASE = 1u << 4, /* load based on rbp/x29/s0: stack only if the function
                            sets it up as frame pointer (see frame_fixup) */
};
struct insn {
    uint64_t addr;
    uint64_t target; /* IN_BRANCH */
    unsigned flags;
    char text[128];  /* "mnemonic ops" (truncated) */
};
struct insn_vec {
    struct insn *v;
    size_t n, cap;
};
struct insn *insn_push(struct insn_vec *iv);
void insn_vec_free(struct insn_vec *iv);

/* growable string */
struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
};
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(struct sbuf *b); /* NULL if allocation failed */

void loops_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* elfsyms.c — the ELF file, its functions and their bytes */
struct lfunc {
    char *name;
    uint64_t addr, size;
    const uint8_t *code; /* size bytes, owned by the Elf */
};
struct lelf {
    int fd;
    void *elf; /* Elf * */
    enum loops_arch arch;
    int is_rel;
    struct lfunc *fn;
    size_t nfn;
};
int lelf_open(struct lelf *e, const char *path, const char *arch, char *err, size_t errlen);
void lelf_close(struct lelf *e);
/* does symbol name `sym` match requested `want` (exactly or as a clone `want.xxx`) */
int lelf_name_matches(const char *sym, const char *want);

/* dwarfline.c — address -> file:line */
struct dwline;
struct dwline *dwline_open(void *elf); /* NULL if no DWARF (not an error) */
void dwline_close(struct dwline *d);
/* file is valid until dwline_close; returns 0 if found */
int dwline_lookup(struct dwline *d, uint64_t addr, const char **file, int *line);
/* name of the compile unit containing addr (comp_dir joined), NULL if unknown */
const char *dwline_cu_name(struct dwline *d, uint64_t addr);

/* srccache.c — source text by file:line */
struct srccache;
struct srccache *srccache_new(void);
void srccache_free(struct srccache *c);
const char *srccache_line(struct srccache *c, const char *file, int line); /* NULL if unreadable */

/* disasm_capstone.c (x86_64, aarch64) */
int disasm_capstone(enum loops_arch arch, const uint8_t *code, size_t size, uint64_t addr,
                    struct insn_vec *out, char *err, size_t errlen);
/* disasm_objdump.c (riscv64, ppc64le): decode [start, stop) of the file, or
 * all of it if stop == 0 */
int disasm_objdump(enum loops_arch arch, const char *path, uint64_t start, uint64_t stop,
                   struct insn_vec *out, char *err, size_t errlen);
/* the branch target of objdump operands "..., 1234 <sym+0x10>"; 1 if found */
int parse_branch_target(const char *ops, uint64_t *target);
/* classify_ppc64.c: one objdump line of ppc64le code */
unsigned ppc64_classify(const char *mnem, const char *ops, uint64_t *target);
/* riscv: classify one objdump line's mnemonic/operands into flags/target (exposed for tests) */
unsigned riscv_classify(const char *mnem, const char *ops, uint64_t *target);

/* framereg.c — loads based on rbp/x29/s0 become shared unless the function
 * sets that register up as its frame pointer (at -O2 it is often a plain
 * callee-saved register holding, e.g., the shared-page pointer) */
void frame_fixup(enum loops_arch arch, struct insn *v, size_t n);

/* listing.c — text of insns with source interleaved; notes: NULL or n
 * optional suffixes, one per insn */
char *listing_render(const struct insn *v, size_t n, struct dwline *d, struct srccache *sc,
                     char *const *notes);

/* loopfind.c — loops among the insns of one function */
struct loop_info;
int loopfind(const struct lfunc *f, const struct insn *v, size_t n, struct dwline *d,
             struct srccache *sc, struct loop_info **out, size_t *nout, size_t *cap);

/* loopexit.c — 1 when an instruction leaving f is reachable from the loop
 * head (the loop can end), 0 when none is (the loop has no exit), -1 unknown.
 * Refines loopfind's has_exit: a branch out of the body that only comes back
 * (hvisor's log-every-10^8 path) is no exit. */
int loop_has_exit(const struct lfunc *f, const struct insn *v, size_t n, uint64_t head);
/* The index of the instruction at ADDR in V (sorted by address), else N (loops_util.c). */
size_t insn_index(const struct insn *v, size_t n, uint64_t addr);

#endif
