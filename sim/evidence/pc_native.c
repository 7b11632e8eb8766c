/* sim/evidence/pc_native.c — ptrace PC sampling of a native thread, thread CPU time.
 *
 * The thread is seized once (PTRACE_SEIZE does not stop it), then for every
 * sample: PTRACE_INTERRUPT, waitpid(tid, __WALL) for the PTRACE_EVENT_STOP,
 * PTRACE_GETREGSET(NT_PRSTATUS), PTRACE_CONT.  The last sample detaches from
 * the stop directly.  Signals that arrive while we trace it are re-injected.
 * Every exit path goes through release(), which makes sure the thread ends up
 * neither stopped nor traced.
 */
#define _GNU_SOURCE
#include "pc.h"

#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int read_pc(pid_t tid, uint64_t *pc)
{
#if defined(__x86_64__)
    struct user_regs_struct r;
    struct iovec iov = { &r, sizeof r };
    if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) != 0)
        return -1;
    *pc = r.rip;
    return 0;
#elif defined(__aarch64__)
    struct user_regs_struct r;
    struct iovec iov = { &r, sizeof r };
    if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) != 0)
        return -1;
    *pc = r.pc;
    return 0;
#elif defined(__riscv) && __riscv_xlen == 64
    struct user_regs_struct r;
    struct iovec iov = { &r, sizeof r };
    if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) != 0)
        return -1;
    *pc = r.pc;
    return 0;
#else
    (void)tid; (void)pc;
    errno = ENOSYS;
    return -1;
#endif
}

/* Wait until tid is in a ptrace-stop we can use.  Signal-delivery-stops are
 * re-injected (PTRACE_CONT with the signal) and the wait goes on, since the
 * pending PTRACE_INTERRUPT will still trap.  Returns 0 when stopped, -1 with
 * errno = ESRCH when the thread is gone, other errno on failure. */
static int wait_stop(pid_t tid, int *gone)
{
    for (;;) {
        int st;
        pid_t r = waitpid(tid, &st, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECHILD) { *gone = 1; errno = ESRCH; }
            return -1;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            *gone = 1;
            errno = ESRCH;
            return -1;
        }
        if (!WIFSTOPPED(st))
            continue;
        int event = (unsigned)st >> 16;
        int sig = WSTOPSIG(st);
        if (event == PTRACE_EVENT_STOP)
            return 0; /* interrupt stop or group-stop */
        if (event != 0) {
            /* another ptrace event (we set no options: should not happen) */
            if (ptrace(PTRACE_CONT, tid, NULL, NULL) != 0) { *gone = 1; return -1; }
            continue;
        }
        /* signal-delivery-stop: give the signal back to the thread */
        if (ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig) != 0) {
            if (errno == ESRCH) *gone = 1;
            return -1;
        }
    }
}

/* Ensure tid is neither stopped nor traced by us. stopped: we know it is in a
 * ptrace-stop right now. */
static void release(pid_t tid, int stopped)
{
    int saved = errno;
    if (stopped && ptrace(PTRACE_DETACH, tid, NULL, NULL) == 0)
        goto out;
    /* Running (or detach failed): PTRACE_DETACH needs a stop; make one. */
    for (int tries = 0; tries < 5; tries++) {
        if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0)
            break; /* not traced by us any more or gone */
        int gone = 0;
        if (wait_stop(tid, &gone) != 0) {
            if (gone) break;
            continue;
        }
        if (ptrace(PTRACE_DETACH, tid, NULL, NULL) == 0 || errno != ESRCH)
            break;
    }
out:
    errno = saved;
}

int pc_sample_native(pid_t pid, pid_t tid, int n, int interval_us, uint64_t *pcs)
{
    if (pid <= 0 || tid <= 0 || n < 0 || (n > 0 && !pcs) || interval_us < 0) {
        errno = EINVAL;
        return -1;
    }
    if (n == 0)
        return 0;
    /* tid must be a thread of pid (protects against a recycled tid) */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d", (int)pid, (int)tid);
    if (access(path, F_OK) != 0) {
        errno = ESRCH;
        return -1;
    }
    if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0)
        return -1;

    int got = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && interval_us > 0)
            sleep_us(interval_us);
        if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0) {
            int e = errno;
            release(tid, 0);
            errno = e;
            return got > 0 && e == ESRCH ? got : -1;
        }
        int gone = 0;
        if (wait_stop(tid, &gone) != 0) {
            int e = errno;
            if (!gone)
                release(tid, 0);
            errno = e;
            return got > 0 && gone ? got : -1;
        }
        if (read_pc(tid, &pcs[got]) != 0) {
            int e = errno;
            release(tid, 1);
            errno = e;
            return -1;
        }
        got++;
        if (i == n - 1)
            break;
        if (ptrace(PTRACE_CONT, tid, NULL, NULL) != 0) {
            int e = errno;
            release(tid, 1);
            errno = e;
            return -1;
        }
    }
    /* in a ptrace-stop now: detach leaves it running and untraced */
    if (ptrace(PTRACE_DETACH, tid, NULL, NULL) != 0) {
        int e = errno;
        release(tid, 0);
        if (e != ESRCH) { errno = e; return -1; }
    }
    return got;
}

long pc_thread_cpu_ms(pid_t pid, pid_t tid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;
    char *p = strrchr(buf, ')'); /* comm may contain spaces and parens */
    if (!p)
        return -1;
    p++;
    /* after ")": state(3) ppid(4) ... utime(14) stime(15) */
    unsigned long long utime = 0, stime = 0;
    int field = 2;
    char *save = NULL;
    for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        field++;
        if (field == 14)
            utime = strtoull(tok, NULL, 10);
        else if (field == 15) {
            stime = strtoull(tok, NULL, 10);
            break;
        }
    }
    if (field != 15)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    return (long)((utime + stime) * 1000ULL / (unsigned long long)hz);
}
