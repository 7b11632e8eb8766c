/* sim/evidence/disasm_capstone.c — decode x86_64 / aarch64 code with Capstone
 * and classify each instruction: direct branch (+target), call, memory load,
 * load that is not stack/frame-pointer relative ("shared"). */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "loops_int.h"

static int is_group(csh h, const cs_insn *in, int g)
{
    return cs_insn_group(h, in, (uint8_t)g);
}

static unsigned classify_x86(csh h, const cs_insn *in, uint64_t *target)
{
    const cs_x86 *x = &in->detail->x86;
    unsigned f = 0;
    if (is_group(h, in, CS_GRP_CALL))
        f |= IN_CALL;
    else if (is_group(h, in, CS_GRP_JUMP) && x->op_count >= 1 && x->operands[0].type == X86_OP_IMM) {
        f |= IN_BRANCH;
        *target = (uint64_t)x->operands[0].imm;
    }
    if (in->id == X86_INS_JMP || in->id == X86_INS_LJMP || in->id == X86_INS_RET ||
        in->id == X86_INS_UD2)
        f |= IN_NOFALL;
    switch (in->id) {
    case X86_INS_LEA: case X86_INS_NOP: case X86_INS_PREFETCH: case X86_INS_PREFETCHNTA:
    case X86_INS_PREFETCHT0: case X86_INS_PREFETCHT1: case X86_INS_PREFETCHT2:
    case X86_INS_PREFETCHW: case X86_INS_CLFLUSH: case X86_INS_CLFLUSHOPT:
        return f; /* address operands that read nothing */
    case X86_INS_POP: case X86_INS_POPF: case X86_INS_POPFQ: case X86_INS_LEAVE:
    case X86_INS_RET:
        f |= IN_LOAD; /* implicit stack read */
        break;
    default:
        break;
    }
    for (int i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type != X86_OP_MEM)
            continue;
        /* access 0 = Capstone does not know: assume read (conservative) */
        if (op->access && !(op->access & CS_AC_READ))
            continue;
        f |= IN_LOAD;
        unsigned b = op->mem.base;
        if (b == X86_REG_RBP || b == X86_REG_EBP)
            f |= IN_FPBASE;
        else if (b != X86_REG_RSP && b != X86_REG_ESP)
            f |= IN_SHARED;
    }
    return f;
}

static int a64_is_load(const char *m)
{
    if (!strncmp(m, "prfm", 4) || !strncmp(m, "prfum", 5))
        return 0;
    return !strncmp(m, "ld", 2) || !strncmp(m, "cas", 3) || !strncmp(m, "swp", 3);
}

static unsigned classify_a64(csh h, const cs_insn *in, uint64_t *target)
{
    const cs_arm64 *a = &in->detail->arm64;
    unsigned f = 0;
    const char *m = in->mnemonic;
    int call = !strcmp(m, "bl") || !strcmp(m, "blr") || !strncmp(m, "blra", 4);
    int jump = !strcmp(m, "b") || !strncmp(m, "b.", 2) || !strcmp(m, "cbz") || !strcmp(m, "cbnz") ||
               !strcmp(m, "tbz") || !strcmp(m, "tbnz") || (is_group(h, in, CS_GRP_JUMP) && !call);
    if (!strcmp(m, "b") || !strcmp(m, "br") || !strcmp(m, "ret") || !strncmp(m, "braa", 4) ||
        !strncmp(m, "reta", 4))
        f |= IN_NOFALL;
    if (call)
        f |= IN_CALL;
    else if (jump) {
        for (int i = a->op_count - 1; i >= 0; i--)
            if (a->operands[i].type == ARM64_OP_IMM) {
                f |= IN_BRANCH;
                *target = (uint64_t)a->operands[i].imm;
                break;
            }
    }
    if (a64_is_load(m)) {
        f |= IN_LOAD | IN_SHARED; /* literal (pc-relative) loads count as shared */
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm64_op *op = &a->operands[i];
            if (op->type != ARM64_OP_MEM)
                continue;
            unsigned b = op->mem.base;
            if (b == ARM64_REG_SP || b == ARM64_REG_WSP)
                f &= ~IN_SHARED;
            else if (b == ARM64_REG_X29)
                f = (f & ~IN_SHARED) | IN_FPBASE;
            break;
        }
    }
    return f;
}

int disasm_capstone(enum loops_arch arch, const uint8_t *code, size_t size, uint64_t addr,
                    struct insn_vec *out, char *err, size_t errlen)
{
    csh h;
    cs_err ce = arch == LA_X86_64 ? cs_open(CS_ARCH_X86, CS_MODE_64, &h)
                                  : cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h);
    if (ce != CS_ERR_OK) {
        loops_err(err, errlen, "capstone: %s", cs_strerror(ce));
        return -1;
    }
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *ci = cs_malloc(h);
    int rc = 0;
    if (!ci) {
        loops_err(err, errlen, "capstone: out of memory");
        rc = -1;
        goto done;
    }
    while (size > 0) {
        struct insn *in = insn_push(out);
        if (!in) {
            loops_err(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        in->addr = addr;
        if (!cs_disasm_iter(h, &code, &size, &addr, ci)) {
            size_t skip = arch == LA_X86_64 ? 1 : (size < 4 ? size : 4);
            snprintf(in->text, sizeof in->text, "(bad)");
            code += skip;
            size -= skip;
            addr += skip;
            continue;
        }
        snprintf(in->text, sizeof in->text, "%.31s%s%.94s", ci->mnemonic, ci->op_str[0] ? " " : "",
                 ci->op_str);
        in->flags = arch == LA_X86_64 ? classify_x86(h, ci, &in->target)
                                      : classify_a64(h, ci, &in->target);
    }
done:
    if (ci)
        cs_free(ci, 1);
    cs_close(&h);
    return rc;
}
