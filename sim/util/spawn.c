/* sim/util/spawn.c — fork/exec of participants and their cleanup. */
#define _GNU_SOURCE
#include "spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t current_pgid;

void spawn_set_current_group(pid_t pgid) { current_pgid = pgid; }

static void on_fatal_signal(int sig)
{
    /* async-signal-safe: kill the participants, then die of the same signal */
    if (current_pgid > 0)
        kill(-current_pgid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

void spawn_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGTERM, &sa, 0);
    sigaction(SIGHUP, &sa, 0);
    signal(SIGPIPE, SIG_IGN);
}

int spawn_participant(char *const argv[], int region_fd, pid_t *pgid, struct proc *p,
                      char *err, size_t errlen)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, *pgid);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) /* hvsim died before prctl took effect */
            _exit(127);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        if (region_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(region_fd, 3) < 0)
            _exit(127);
        execv(argv[0], argv);
        int e = errno;
        if (write(pfd[1], &e, sizeof e) < 0) { /* nothing more to do */ }
        _exit(127);
    }
    /* Set the group from the parent too, so there is no window where the
     * child is outside it. */
    setpgid(pid, *pgid ? *pgid : pid);
    if (!*pgid)
        *pgid = pid;
    close(pfd[1]);
    int e = 0;
    ssize_t n = read(pfd[0], &e, sizeof e);
    close(pfd[0]);
    p->pid = pid;
    p->exited = 0;
    p->status = 0;
    if (n == (ssize_t)sizeof e) {
        waitpid(pid, &p->status, 0);
        p->exited = 1;
        snprintf(err, errlen, "cannot execute %s: %s", argv[0], strerror(e));
        return -1;
    }
    return 0;
}

int spawn_poll(struct proc *p)
{
    if (p->pid <= 0 || p->exited)
        return p->exited;
    int st;
    pid_t r = waitpid(p->pid, &st, WNOHANG);
    if (r == p->pid) {
        p->exited = 1;
        p->status = st;
    }
    return p->exited;
}

void spawn_kill_all(pid_t pgid, struct proc *ps, int n)
{
    if (pgid > 0)
        kill(-pgid, SIGKILL);
    for (int i = 0; i < n; i++) {
        if (ps[i].pid <= 0 || ps[i].exited)
            continue;
        kill(ps[i].pid, SIGKILL);
        int st;
        if (waitpid(ps[i].pid, &st, 0) == ps[i].pid) {
            ps[i].exited = 1;
            ps[i].status = st;
        }
    }
    if (current_pgid == pgid)
        current_pgid = 0;
}
