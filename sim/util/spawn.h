/* sim/util/spawn.h — starting and ending participant processes.
 *
 * Every participant runs in one process group led by the first one, with
 * PR_SET_PDEATHSIG(SIGKILL): if hvsim dies, even by SIGKILL, the kernel kills
 * them.  spawn_kill_all() kills the whole group and reaps it. */
#ifndef HVSIM_SPAWN_H
#define HVSIM_SPAWN_H

#include <sys/types.h>

struct proc {
    pid_t pid;
    int exited;      /* reaped */
    int status;      /* waitpid status when exited */
};

/* Start argv (argv[0] a path) with region fd dup'ed to 3 and joined to
 * process group *pgid (0: make a new group and store it). */
int spawn_participant(char *const argv[], int region_fd, pid_t *pgid, struct proc *p,
                      char *err, size_t errlen);
/* Non-blocking: update p->exited/status. Returns 1 if it has exited. */
int spawn_poll(struct proc *p);
void spawn_kill_all(pid_t pgid, struct proc *ps, int n);
/* Install SIGINT/SIGTERM/SIGHUP handlers that kill the current group and exit. */
void spawn_install_signal_handlers(void);
void spawn_set_current_group(pid_t pgid);

#endif
