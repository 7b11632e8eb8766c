/* sim/evidence/classify_ppc64.c — classify one line of
 * `powerpc64le-linux-gnu-objdump -d` (mnemonic, operands) for the loop
 * oracle.  Capstone 4 decodes ppc64 but drops the target of conditional
 * branches ("beq" with no operand), which the oracle needs, so ppc64le goes
 * through objdump like riscv64. */
#include <string.h>

#include "loops_int.h"

static int in_list(const char *m, const char *const *l)
{
    for (; *l; l++)
        if (!strcmp(m, *l))
            return 1;
    return 0;
}

static int ends_with(const char *m, const char *suf)
{
    size_t a = strlen(m), b = strlen(suf);
    return a >= b && !strcmp(m + a - b, suf);
}

/* "off(rN)": r1 is the stack pointer, r31 the frame pointer when the
 * function sets it up (frame_fixup); indexed forms "ldx rT,rA,rB" read
 * through general registers: shared */
static unsigned ppc_load_base(const char *ops)
{
    const char *p = strchr(ops, '(');
    if (!p)
        return IN_SHARED;
    p++;
    size_t k = strcspn(p, ")");
    if (k == 2 && !strncmp(p, "r1", 2))
        return 0;
    if (k == 3 && !strncmp(p, "r31", 3))
        return IN_FPBASE;
    return IN_SHARED;
}

unsigned ppc64_classify(const char *m0, const char *ops, uint64_t *target)
{
    static const char *const calls[] = { "bl", "bla", "bctrl", "blrl", "bcl", "bcctrl", "bclrl",
                                         NULL };
    static const char *const nofall[] = { "b", "ba", "blr", "bctr", "trap", NULL };
    static const char *const not_loads[] = { "li", "lis", "la", "lwsync", "lnia", NULL };
    char m[32];
    size_t n = strcspn(m0, "+-"); /* static prediction hints: "beq-", "bne+" */
    if (n >= sizeof m)
        return 0;
    memcpy(m, m0, n);
    m[n] = 0;
    unsigned f = 0;
    if (in_list(m, calls))
        f |= IN_CALL;
    if (in_list(m, nofall))
        f |= IN_NOFALL;
    /* direct branches: b, bc, beq, bne, bdnz, ... but not the indirect
     * ones through the link or count register (blr, bnelr, bctr, ...) */
    if (m[0] == 'b' && !(f & IN_CALL) && !ends_with(m, "lr") && !ends_with(m, "ctr") &&
        strcmp(m, "brinc") && parse_branch_target(ops, target))
        f |= IN_BRANCH;
    if (m[0] == 'l' && !in_list(m, not_loads))
        f |= IN_LOAD | ppc_load_base(ops);
    return f;
}
