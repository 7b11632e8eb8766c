/* sim/engine/native/native_crash.c — a participant that exited or died
 * before the run ended: CRASH, with the backtrace its signal handler left in
 * the control area, symbolised offline (native_probe.h). */
#define _GNU_SOURCE
#include "native_probe.h"
#include "evidence/pc.h"
#include "evidence/srcloc.h"
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *sig_name(int s)
{
    const char *n = sigabbrev_np(s);
    return n ? n : "?";
}

/* ELF address of a function symbol, 0 if absent. */
static uint64_t elf_func_addr(const char *path, const char *name)
{
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t a = 0;
    Elf *e = elf_begin(fd, ELF_C_READ, 0);
    for (Elf_Scn *scn = 0; e && !a && (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *d = elf_getdata(scn, 0);
        for (size_t i = 0; d && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
            GElf_Sym sym;
            if (gelf_getsym(d, (int)i, &sym) && GELF_ST_TYPE(sym.st_info) == STT_FUNC) {
                const char *nm = elf_strptr(e, sh.sh_link, sym.st_name);
                if (nm && !strcmp(nm, name)) {
                    a = sym.st_value;
                    break;
                }
            }
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return a;
}

/* The crashing participant's backtrace (left in the control area by its
 * signal handler), symbolised offline with the load bias from main(). */
static void crash_backtrace(struct run_result *r, const struct hvsim_ctl *ctl, const char *bin)
{
    uint32_t n = __atomic_load_n(&ctl->crash.npcs, __ATOMIC_ACQUIRE);
    if (!n || n > 16)
        return;
    uint64_t mv = elf_func_addr(bin, "main");
    uint64_t bias = mv ? ctl->crash.main_addr - mv : 0;
    size_t len = strlen(r->text);
    len += (size_t)snprintf(r->text + len, sizeof r->text - len, " Backtrace (thread %d):",
                            ctl->crash.tid);
    for (uint32_t i = 0; i < n && len < sizeof r->text; i++) {
        struct pc_sym s;
        uint64_t pc = ctl->crash.pcs[i];
        if (i < (uint32_t)RESULT_MAX_PCS)
            r->pcs[r->npcs++] = pc;
        if (mv && pc_symbolize_elf(bin, pc - bias - (i ? 1 : 0), &s) == 0) {
            char f[256];
            srcloc_show(s.file, f, sizeof f);
            len += (size_t)snprintf(r->text + len, sizeof r->text - len, "\n  #%u %s() %s:%d", i,
                                    s.function, f, s.line);
            if (!r->function[0] && strcmp(s.function, "on_crash") && strncmp(s.function, "__", 2) &&
                strcmp(s.function, "raise") && strcmp(s.function, "backtrace")) {
                snprintf(r->function, sizeof r->function, "%s", s.function);
                snprintf(r->file, sizeof r->file, "%s", f);
                r->line = s.line;
            }
        } else {
            len += (size_t)snprintf(r->text + len, sizeof r->text - len, "\n  #%u 0x%llx", i,
                                    (unsigned long long)pc);
        }
    }
}

int native_judge_exit(struct run_result *r, struct proc *p, const char *who, uint64_t t_us,
                      const struct hvsim_ctl *ctl, const char *bin)
{
    int st = p->status;
    if (WIFSIGNALED(st)) {
        r->verdict = V_CRASH;
        r->signal = WTERMSIG(st);
        snprintf(r->summary, sizeof r->summary, "the %s process died of SIG%s", who, sig_name(r->signal));
    } else {
        r->verdict = V_CRASH;
        snprintf(r->summary, sizeof r->summary, "the %s process exited with status %d before the run ended",
                 who, WEXITSTATUS(st));
    }
    snprintf(r->text, sizeof r->text, "%s.", r->summary);
    if (ctl->crash.who == (who[0] == 'h' ? 1u : 2u))
        crash_backtrace(r, ctl, bin);
    result_event(r, t_us, "watchdog", "%s", r->summary);
    return 1;
}
