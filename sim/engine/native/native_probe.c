/* sim/engine/native/native_probe.c — what the native watchdog reads from
 * the live participants: a thread's CPU time and scheduler state, PC samples
 * symbolised into function/file:line, and whether the loop at a sampled PC
 * re-reads memory (native_probe.h). */
#define _GNU_SOURCE
#include "config/variants.h"
#include "native_probe.h"
#include "native_stall.h"
#include "evidence/loops.h"
#include "evidence/pc.h"
#include "evidence/srcloc.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sample the spinning thread and put function/file:line in the result.
 * Native (x86_64): ptrace, symbolised in the live process.  Foreign: the
 * guest thread is sampled through qemu-user's gdbstub (the connection made
 * at spawn, *gdb; dropped here as soon as the samples are taken) and the
 * guest PCs are symbolised offline in the -no-pie static binary. */
void native_sample_pc(struct run_result *r, const struct build_out *b, const struct hvsim_runcfg *c,
                      pid_t pid, pid_t tid, struct pc_gdb **gdb)
{
    uint64_t pcs[RESULT_MAX_PCS];
    int n = -1;
    if (arch_is_host(c->v.arch))
        n = pc_sample_native(pid, tid, 8, 1000, pcs);
    else if (*gdb) {
        /* qemu-user reports the host tids of guest threads as gdb thread
         * ids: the tid the participant published (gettid) names it. */
        int nt = pc_gdb_thread_count(*gdb);
        for (int i = 0; i < nt; i++)
            if (pc_gdb_thread_tid(*gdb, i) == (long)tid) {
                n = pc_gdb_sample(*gdb, i, 8, 2000, pcs);
                break;
            }
        pc_gdb_drop(*gdb);
        *gdb = 0;
    }
    if (n <= 0)
        return;
    r->npcs = n;
    memcpy(r->pcs, pcs, sizeof(uint64_t) * (size_t)n);
    int foreign = !arch_is_host(c->v.arch);
#define SYM(pc, out) (foreign ? pc_symbolize_elf(b->hv, (pc), (out)) : pc_symbolize_pid(pid, (pc), (out)))
    struct pc_sym s;
    char shown[256];
    for (int k = 0; k < n; k++)
        if (SYM(pcs[k], &s) == 0) {
            snprintf(r->pc_where[k], sizeof r->pc_where[k], "%s\t%s\t%d", s.function,
                     srcloc_show(s.file, shown, sizeof shown), s.line);
        }
    int ok = SYM(pcs[n - 1], &s) == 0;
    /* A compiler may give the spin instruction itself line 0 (clang's
     * `jmp .`); the closest earlier instruction with a line tells the loop. */
    for (uint64_t back = 1; ok && s.line == 0 && back <= 16; back++) {
        struct pc_sym t;
        if (SYM(pcs[n - 1] - back, &t) == 0 && t.line && !strcmp(t.function, s.function))
            s = t;
    }
#undef SYM
    if (ok) {
        snprintf(r->function, sizeof r->function, "%s", s.function);
        srcloc_show(s.file, r->file, sizeof r->file);
        r->line = s.line;
    }
}

/* On-CPU time of a thread in µs: /proc/PID/task/TID/schedstat has it in ns
 * (clock-tick-free, unlike utime/stime); fall back to those when absent. */
long native_thread_run_us(pid_t pid, pid_t tid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    unsigned long long ns;
    if (f) {
        int ok = fscanf(f, "%llu", &ns) == 1;
        fclose(f);
        if (ok)
            return (long)(ns / 1000ull);
    }
    long ms = pc_thread_cpu_ms(pid, tid);
    return ms < 0 ? -1 : ms * 1000;
}

long native_workers_run_us(pid_t pid, int *runnable)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    *runnable = 0;
    if (!d)
        return -1;
    long sum = -1;
    for (struct dirent *e; (e = readdir(d));) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0 || tid == pid)
            continue;
        long us = native_thread_run_us(pid, tid);
        if (us < 0)
            continue; /* gone meanwhile */
        sum = (sum < 0 ? 0 : sum) + us;
        *runnable |= thread_sched_state(pid, tid) == 'R';
    }
    closedir(d);
    return sum;
}

/* Scheduler state of a process ('R', 'S', 'T' stopped, ...; '?' unknown):
 * its main thread's, which /proc/PID/stat reports. */
char native_proc_state(pid_t pid)
{
    return thread_sched_state(pid, pid);
}

/* ELF virtual address of a runtime PC in the participant's main binary: the
 * mapping that holds it in /proc/PID/maps gives the load bias.  Foreign
 * participants are -no-pie: their guest PCs already are ELF addresses. */
static uint64_t pc_to_vaddr(pid_t pid, const char *bin, uint64_t pc, int foreign)
{
    if (foreign)
        return pc;
    char path[64], line[1200], *rp = realpath(bin, 0);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    uint64_t v = 0;
    while (f && rp && fgets(line, sizeof line, f)) {
        unsigned long long lo, hi, off;
        char name[1024] = "";
        if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %1023s", &lo, &hi, &off, name) >= 3 &&
            pc >= lo && pc < hi && !strcmp(name, rp)) {
            v = pc - lo + off;
            break;
        }
    }
    if (f)
        fclose(f);
    free(rp);
    return v;
}

/* Does the sampled PC sit in a loop that still loads from memory?  Then the
 * waiter is not spinning on a stale register: it re-reads, and the condition
 * it waits for never becomes true (a protocol mismatch, not a hoisted load).
 * Returns 1 re-reads, 0 register-only or no loop found, -1 unknown.  The
 * deciding loop's head goes to lfile and lline: a loop has one location (the
 * loop checker's), a PC sample lands on any of its lines. */
int native_loop_reloads(const struct build_out *b, const struct hvsim_runcfg *c, pid_t pid,
                           const struct run_result *r, char *lfile, size_t lflen, int *lline,
                           int *has_exit)
{
    *has_exit = -1;
    if (!r->npcs || !r->function[0])
        return -1;
    uint64_t v = pc_to_vaddr(pid, b->hv, r->pcs[r->npcs - 1], !arch_is_host(c->v.arch));
    if (!v)
        return -1;
    const char *fn[] = { r->function, 0 };
    struct loop_info *l = 0;
    size_t n = 0;
    char err[256];
    if (loops_analyze(b->hv, c->v.arch, fn, 0, &l, &n, err, sizeof err) < 0)
        return -1;
    int res = -1;
    for (size_t i = 0; i < n; i++)
        if (v >= l[i].start && v <= l[i].end) {
            res = l[i].nloads > 0 || l[i].has_call;
            *has_exit = l[i].has_exit;
            srcloc_show(l[i].file, lfile, lflen);
            *lline = l[i].line;
            if (res == 0)
                break; /* innermost register-only loop decides */
        }
    loops_free(l, n);
    return res;
}
