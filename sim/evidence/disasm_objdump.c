/* sim/evidence/disasm_objdump.c — riscv64 (Capstone 4 has no RISC-V) and
 * ppc64le (Capstone 4 loses conditional branch targets): run the cross
 * binutils' `objdump -d --no-show-raw-insn` (posix_spawn + pipe, no shell)
 * and parse its listing.  $HVSIM_RISCV_OBJDUMP / $HVSIM_PPC64_OBJDUMP
 * override the tool. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loops_int.h"

extern char **environ;

static int is_reg(const char *r, size_t k, const char *name)
{
    return strlen(name) == k && !strncmp(r, name, k);
}

/* flags of a load whose address is "off(reg)" in ops: sp-based = stack,
 * s0(fp)-based = IN_FPBASE, anything else shared */
static unsigned load_base(const char *ops)
{
    const char *p = strchr(ops, '(');
    const char *q = p ? strchr(++p, ')') : NULL;
    if (!q)
        return IN_SHARED;
    size_t k = (size_t)(q - p);
    if (is_reg(p, k, "sp") || is_reg(p, k, "x2"))
        return 0;
    if (is_reg(p, k, "s0") || is_reg(p, k, "fp") || is_reg(p, k, "x8"))
        return IN_FPBASE;
    return IN_SHARED;
}

static int is_load_mnem(const char *m)
{
    if (!strncmp(m, "c.", 2))
        m += 2;
    if (!strncmp(m, "lr.", 3) || !strncmp(m, "amo", 3))
        return 1;
    if (*m == 'f')
        m++;
    if (*m++ != 'l' || !*m || !strchr("bhwdq", *m))
        return 0;
    m++;
    if (*m == 'u')
        m++;
    if (!strcmp(m, "sp"))
        m += 2;
    return *m == 0;
}

unsigned riscv_classify(const char *m, const char *ops, uint64_t *target)
{
    static const char *const br[] = { "beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez",
                                      "blez", "bgez", "bltz", "bgtz", "bgt", "ble", "bgtu", "bleu",
                                      "j", "c.j", "c.beqz", "c.bnez", NULL };
    unsigned f = 0;
    int rd_zero = !strncmp(ops, "zero,", 5) || !strncmp(ops, "x0,", 3);
    int branch = 0;
    for (int i = 0; br[i]; i++)
        if (!strcmp(m, br[i]))
            branch = 1;
    if ((!strcmp(m, "jal") || !strcmp(m, "jalr")) && rd_zero)
        branch = !strcmp(m, "jal");
    else if (!strcmp(m, "jal") || !strcmp(m, "jalr") || !strcmp(m, "c.jal") ||
             !strcmp(m, "c.jalr") || !strcmp(m, "call"))
        f |= IN_CALL;
    if (!strcmp(m, "j") || !strcmp(m, "c.j") || !strcmp(m, "jr") || !strcmp(m, "c.jr") ||
        !strcmp(m, "ret") || !strcmp(m, "tail") || (!strcmp(m, "jal") && rd_zero) ||
        (!strcmp(m, "jalr") && rd_zero))
        f |= IN_NOFALL;
    if (branch && parse_branch_target(ops, target))
        f |= IN_BRANCH;
    if (is_load_mnem(m)) {
        f |= IN_LOAD | load_base(ops);
    }
    return f;
}

/* " 660:\tadd\ta1,a1,4" */
static int parse_line(enum loops_arch arch, char *s, struct insn_vec *out)
{
    while (*s == ' ')
        s++;
    char *e;
    uint64_t addr = strtoull(s, &e, 16);
    if (e == s || e[0] != ':' || e[1] != '\t')
        return 0;
    char *m = e + 2;
    while (*m == ' ' || *m == '\t')
        m++;
    if (!*m)
        return 0;
    char *ops = m + strcspn(m, " \t");
    if (*ops)
        *ops++ = 0;
    while (*ops == ' ' || *ops == '\t')
        ops++;
    size_t ol = strlen(ops);
    while (ol && (ops[ol - 1] == ' ' || ops[ol - 1] == '\t' || ops[ol - 1] == '\r'))
        ops[--ol] = 0;
    struct insn *in = insn_push(out);
    if (!in)
        return -1;
    in->addr = addr;
    snprintf(in->text, sizeof in->text, "%.31s%s%.94s", m, *ops ? " " : "", ops);
    char *hash = strchr(ops, '#'); /* "# 1234 <sym>" comments */
    if (hash)
        *hash = 0;
    in->flags = arch == LA_PPC64LE ? ppc64_classify(m, ops, &in->target)
                                   : riscv_classify(m, ops, &in->target);
    return 0;
}

static pid_t spawn_objdump(enum loops_arch arch, const char *path, uint64_t start, uint64_t stop,
                           int *rfd, char *err, size_t errlen)
{
    char a1[40], a2[40];
    snprintf(a1, sizeof a1, "--start-address=0x%llx", (unsigned long long)start);
    snprintf(a2, sizeof a2, "--stop-address=0x%llx", (unsigned long long)stop);
    int ppc = arch == LA_PPC64LE;
    const char *env = getenv(ppc ? "HVSIM_PPC64_OBJDUMP" : "HVSIM_RISCV_OBJDUMP");
    const char *rv[] = { env && *env ? env : "riscv64-linux-gnu-objdump",
                         "riscv64-unknown-linux-gnu-objdump", "riscv64-unknown-elf-objdump", NULL };
    const char *pp[] = { env && *env ? env : "powerpc64le-linux-gnu-objdump", NULL };
    const char **tools = ppc ? pp : rv;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        loops_err(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int rc = ENOENT;
    for (int i = 0; tools[i] && pid < 0; i++) {
        const char *argv[8];
        int k = 0;
        argv[k++] = tools[i];
        argv[k++] = "-d";
        argv[k++] = "--no-show-raw-insn";
        if (stop) {
            argv[k++] = a1;
            argv[k++] = a2;
        }
        argv[k++] = "--";
        argv[k++] = path;
        argv[k] = NULL;
        rc = posix_spawnp(&pid, tools[i], &fa, NULL, (char *const *)argv, environ);
        if (rc != 0)
            pid = -1;
        if (env && *env)
            break;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        loops_err(err, errlen, "cannot run %s: %s", tools[0], strerror(rc));
        return -1;
    }
    *rfd = p[0];
    return pid;
}

int disasm_objdump(enum loops_arch arch, const char *path, uint64_t start, uint64_t stop,
                   struct insn_vec *out, char *err, size_t errlen)
{
    int fd;
    pid_t pid = spawn_objdump(arch, path, start, stop, &fd, err, errlen);
    if (pid < 0)
        return -1;
    FILE *fp = fdopen(fd, "r");
    int rc = 0;
    if (!fp) {
        close(fd);
        rc = -1;
        loops_err(err, errlen, "fdopen: %s", strerror(errno));
    } else {
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, fp) > 0) {
            line[strcspn(line, "\n")] = 0;
            if (rc == 0 && parse_line(arch, line, out) < 0) {
                rc = -1;
                loops_err(err, errlen, "out of memory");
            }
        }
        free(line);
        fclose(fp);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        loops_err(err, errlen, "%s objdump failed on %s (status %d)",
                  arch == LA_PPC64LE ? "ppc64le" : "riscv64", path, st);
        rc = -1;
    }
    return rc;
}
