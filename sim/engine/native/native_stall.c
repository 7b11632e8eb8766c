/* sim/engine/native/native_stall.c — see native_stall.h. */
#define _GNU_SOURCE
#include "native_stall.h"
#include "build/build.h"
#include "evidence/pc.h"
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t stall_signature(const struct oracle_snap *s)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
    MIX(s->req_front);
    MIX(s->res_rear);
    MIX(s->res_front);
    MIX(s->hc_sent);
    MIX(s->hc_done);
    MIX(s->daemon_sleeps);
    MIX(s->daemon_wakes);
    for (unsigned i = 0; i < s->ncpus; i++)
        MIX(s->cpu[i].flag_now);
#undef MIX
    return h;
}

int stall_work_waiting(const struct oracle_snap *s, int *cpu)
{
    *cpu = -1;
    for (unsigned i = 0; i < s->ncpus; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        if (c->state == HVSIM_CPU_IN_HANDLER && c->cur_sync && c->flag_now == c->flag_before) {
            *cpu = (int)i;
            return 1;
        }
    }
    return s->req_front != s->req_rear;
}

char thread_sched_state(pid_t pid, pid_t tid)
{
    char path[96], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* Every thread of pid stopped ('T', or 't' under a tracer)?  1 yes, 0 not
 * yet, -1 gone. */
static int all_threads_stopped(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int all = 1, any = 0;
    for (struct dirent *e; (e = readdir(d)) && all > 0;) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char st = thread_sched_state(pid, (pid_t)atoi(e->d_name));
        if (st == '?')
            continue; /* a thread that just ended */
        if (st == 'Z' || st == 'X')
            all = -1;
        else if (st != 'T' && st != 't')
            all = 0;
        any = 1;
    }
    closedir(d);
    return any ? all : -1;
}

int native_stop_and_wait(pid_t pid, unsigned ms)
{
    if (kill(pid, SIGSTOP) < 0)
        return -1;
    for (unsigned i = 0; i <= ms; i++) {
        int r = all_threads_stopped(pid);
        if (r)
            return r;
        usleep(1000);
    }
    return 0;
}

static const char *tree_rel(const char *f)
{
    const char *home = hvsim_home();
    size_t hl = strlen(home);
    return !strncmp(f, home, hl) && f[hl] == '/' ? f + hl + 1 : f;
}

int stall_sample_where(pid_t pid, pid_t tid, struct run_result *r, char *where, size_t n)
{
    uint64_t pcs[RESULT_MAX_PCS];
    int k = pc_sample_native(pid, tid, 8, 1000, pcs);
    snprintf(where, n, "not sampled");
    if (k <= 0)
        return -1;
    r->npcs = k;
    memcpy(r->pcs, pcs, sizeof(uint64_t) * (size_t)k);
    struct pc_sym s;
    for (int i = 0; i < k; i++)
        if (pc_symbolize_pid(pid, pcs[i], &s) == 0)
            snprintf(r->pc_where[i], sizeof r->pc_where[i], "%s\t%s\t%d", s.function,
                     tree_rel(s.file), s.line);
    if (pc_symbolize_pid(pid, pcs[k - 1], &s) != 0) {
        snprintf(where, n, "at 0x%llx (no symbol)", (unsigned long long)pcs[k - 1]);
        return -1;
    }
    /* a compiler clone ("f.constprop.0", "f.part.1", "f.isra.0") is f */
    char *dot = strchr(s.function, '.');
    if (dot && dot != s.function)
        *dot = 0;
    snprintf(r->function, sizeof r->function, "%s", s.function);
    snprintf(r->file, sizeof r->file, "%s", tree_rel(s.file));
    r->line = s.line;
    if (s.file[0])
        snprintf(where, n, "in %s() at %s:%d", s.function, tree_rel(s.file), s.line);
    else
        snprintf(where, n, "in %s()", s.function);
    return 0;
}
