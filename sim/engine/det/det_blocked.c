/* sim/engine/det/det_blocked.c — name the system call a participant thread is
 * blocked in (det engine: a token holder that neither reaches a scheduling
 * point nor burns CPU sits in a call the engine does not model).
 * Reads /proc/PID/task/TID/syscall; participants under qemu-user are host
 * processes, so the numbers are the host's (x86_64 here). */
#define _GNU_SOURCE
#include "det.h"
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *syscall_name(long nr)
{
    static const struct { long nr; const char *name; } tab[] = {
#ifdef __x86_64__
        { SYS_read, "read" }, { SYS_pread64, "pread64" }, { SYS_readv, "readv" },
        { SYS_poll, "poll" }, { SYS_select, "select" }, { SYS_pause, "pause" },
        { SYS_nanosleep, "nanosleep" }, { SYS_wait4, "wait4" }, { SYS_msgrcv, "msgrcv" },
        { SYS_flock, "flock" }, { SYS_accept, "accept" }, { SYS_epoll_wait, "epoll_wait" },
#endif
        { SYS_write, "write" }, { SYS_recvfrom, "recvfrom" }, { SYS_recvmsg, "recvmsg" },
        { SYS_futex, "futex (a lock or condition variable det does not schedule)" },
        { SYS_clock_nanosleep, "clock_nanosleep" }, { SYS_ppoll, "ppoll" },
        { SYS_pselect6, "pselect6" }, { SYS_epoll_pwait, "epoll_pwait" },
        { SYS_rt_sigtimedwait, "rt_sigtimedwait (sigwait)" }, { SYS_rt_sigsuspend, "rt_sigsuspend" },
        { SYS_accept4, "accept4" }, { SYS_waitid, "waitid" }, { SYS_ioctl, "ioctl" },
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].nr == nr)
            return tab[i].name;
    return 0;
}

void det_blocked_call(pid_t pid, pid_t tid, char *buf, size_t len)
{
    char path[64], line[256] = "";
    snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    long nr = -1;
    unsigned long a0 = 0;
    if (sscanf(line, "%ld %lx", &nr, &a0) < 1 || nr < 0) {
        snprintf(buf, len, "an unknown call (%s)", line[0] ? "not in a system call" : "unreadable");
        return;
    }
    const char *name = syscall_name(nr);
    char target[128] = "";
    /* for calls on a file descriptor, say what it is (pipe:[…], socket:[…]) */
    if (name && (!strncmp(name, "read", 4) || !strncmp(name, "recv", 4) || !strcmp(name, "write") ||
                 !strncmp(name, "accept", 6) || !strcmp(name, "ioctl"))) {
        char fdp[64], to[96];
        snprintf(fdp, sizeof fdp, "/proc/%d/fd/%lu", (int)pid, a0);
        ssize_t n = readlink(fdp, to, sizeof to - 1);
        if (n > 0) {
            to[n] = 0;
            snprintf(target, sizeof target, " on fd %lu (%s)", a0, to);
        }
    }
    if (name)
        snprintf(buf, len, "%s(2)%s", name, target);
    else
        snprintf(buf, len, "system call %ld", nr);
}

int det_thread_sleeping(pid_t pid, pid_t tid)
{
    /* state S or D: waiting in the kernel; R: runnable, only not given a
     * CPU on a loaded machine — that is no blocked call */
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fgets(line, sizeof line, f) != 0;
    fclose(f);
    const char *p = ok ? strrchr(line, ')') : 0; /* comm may hold spaces */
    return p && (p[2] == 'S' || p[2] == 'D');
}
