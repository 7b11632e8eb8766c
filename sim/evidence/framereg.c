/* sim/evidence/framereg.c — is rbp / x29 / s0 / r31 this function's frame pointer?
 * Only if the function sets it from the stack pointer; otherwise (typical at
 * -O2) it is an ordinary callee-saved register and loads through it may read
 * shared memory. */
#include <string.h>

#include "loops_int.h"

static int sets_fp(enum loops_arch arch, const char *t)
{
    switch (arch) {
    case LA_X86_64:
        return !strcmp(t, "mov rbp, rsp");
    case LA_AARCH64:
        return !strcmp(t, "mov x29, sp") || !strncmp(t, "add x29, sp,", 12);
    case LA_PPC64LE:
        return !strcmp(t, "mr r31,r1");
    case LA_RISCV64:
        return !strncmp(t, "add s0,sp,", 10) || !strncmp(t, "addi s0,sp,", 11) ||
               !strcmp(t, "mv s0,sp") || !strncmp(t, "c.addi4spn s0,", 14);
    default:
        return 0;
    }
}

void frame_fixup(enum loops_arch arch, struct insn *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sets_fp(arch, v[i].text))
            return; /* frame pointer: fp-based loads are stack loads */
    for (size_t i = 0; i < n; i++)
        if (v[i].flags & IN_FPBASE)
            v[i].flags |= IN_SHARED;
}
