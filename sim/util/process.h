/* sim/util/process.h — the one way hvsim starts other programs, waits for
 * them, ends them, and makes and removes the directories they work in.
 *
 * No shell anywhere: argv reaches the program verbatim, so a path with
 * spaces, quotes or `$` stays one argument.  Every child runs in a process
 * group (its own, or the one it is told to join); ending a child kills its
 * whole group and reaps it, so a compiler's cc1 or valgrind's tool process
 * cannot outlive it.  On SIGINT/SIGTERM/SIGHUP hvsim kills the groups that
 * are running (proc_install_signal_handlers) and dies of the same signal.
 *
 * Programs are started with posix_spawnp, except participants that must die
 * with hvsim (die_with_parent): PR_SET_PDEATHSIG has to be set by the child
 * between fork and exec, which posix_spawn cannot do, and it is what kills
 * them when hvsim itself is SIGKILLed (tests/integration/test_kill_hvsim.sh). */
#ifndef HVSIM_PROCESS_H
#define HVSIM_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

struct sbuf;

struct proc {
    pid_t pid;
    int exited;      /* reaped */
    int status;      /* waitpid status when exited */
};

struct proc_spec {
    char *const *argv;    /* argv[0]: a path, or a name looked up in PATH */
    int fd3;              /* >= 0: the child's fd 3 (the shared region); -1: none */
    int out_fd;           /* >= 0: the child's stdout and stderr; -1: inherited */
    pid_t *pgid;          /* NULL or *pgid == 0: a new group led by the child
                           * (stored in *pgid); else join group *pgid */
    int die_with_parent;  /* PR_SET_PDEATHSIG(SIGKILL) (forces fork+exec) */
    const char *env;      /* "NAME=value" added to the child's environment, or NULL */
    int stdin_null;       /* stdin from /dev/null (else inherited) */
};

/* Start s->argv; 0, or -1 with err set (also when the program cannot be
 * executed: nothing is left running then). */
int proc_start(const struct proc_spec *s, struct proc *p, char *err, size_t errlen);
/* proc_start() of a participant: fd 3 the region, in group *pgid (0: a new
 * one, stored), output inherited, dies with hvsim. */
int proc_start_participant(char *const argv[], int region_fd, pid_t *pgid, struct proc *p,
                           char *err, size_t errlen);
/* Non-blocking: update p->exited/status. Returns 1 if it has exited. */
int proc_poll(struct proc *p);
/* Wait for p; timeout_ms 0: no limit.  Returns 0 when it exited, 1 when the
 * limit passed first (group pgid is then killed).  end_group: when p exits,
 * kill what it left running in group pgid too — before p is reaped, so that
 * the group id cannot have been reused meanwhile.  p is reaped on return. */
int proc_wait(struct proc *p, pid_t pgid, unsigned timeout_ms, int end_group);
/* SIGKILL group pgid and every listed process, and reap them. */
void proc_kill_group(pid_t pgid, struct proc *ps, int n);
/* exit status (0..255) or 128+signal, as a shell reports it */
int proc_exit_code(int status);

#define PROC_NOSTART (-1)  /* could not be started */
#define PROC_TIMEOUT (-2)  /* killed (with its group) after timeout_ms */
/* Run argv to completion in its own process group, stdin from /dev/null,
 * stdout+stderr appended to out (NULL: discarded).  Returns proc_exit_code()
 * of it, PROC_NOSTART or PROC_TIMEOUT (timeout_ms 0: no limit). */
int proc_run(char *const argv[], struct sbuf *out, unsigned timeout_ms);
/* 1 if name (without '/') is an executable file in $PATH — `command -v`. */
int proc_in_path(const char *name);

/* Install SIGINT/SIGTERM/SIGHUP handlers that kill the running groups and
 * exit by the signal; ignore SIGPIPE (children get it back at default). */
void proc_install_signal_handlers(void);
/* The participants' group the signal handlers kill (0: none). */
void proc_set_current_group(pid_t pgid);
/* A line the signal handlers write to stderr before hvsim dies (what a
 * long search had done so far); NULL: none.  Kept up to date by the
 * caller: each call replaces it (the handler never sees a half-written
 * one). */
void proc_set_stop_note(const char *line);

/* mkdir -p: 0, or -1 with errno set. */
int dir_make_p(const char *path, mode_t mode);
/* A new empty directory PARENT/PREFIX.XXXXXX (parent NULL: $TMPDIR or
 * /tmp); a heap string, or NULL with errno set. */
char *dir_make_temp(const char *parent, const char *prefix);
/* rm -rf without a process: the tree under path (symlinks not followed);
 * a path that does not exist is success.  0, or -1 with errno set. */
int dir_remove_tree(const char *path);

#endif
