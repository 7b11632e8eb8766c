/* sim/util/process.c — starting, waiting for and ending programs; see
 * process.h.  Directories are in process_dir.c. */
#define _GNU_SOURCE
#include "process.h"
#include "sbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* the groups a fatal signal must take down with hvsim: the participants'
 * (set by the engines) and the tool proc_run is waiting for */
static volatile sig_atomic_t current_pgid, tool_pgid;

void proc_set_current_group(pid_t pgid) { current_pgid = pgid; }

/* Two buffers: the handler writes the one note_cur names, the caller fills
 * the other and then switches (a sig_atomic_t store). */
static char note_buf[2][256];
static size_t note_len[2];
static volatile sig_atomic_t note_cur = -1;

void proc_set_stop_note(const char *line)
{
    if (!line) {
        note_cur = -1;
        return;
    }
    int i = note_cur == 0 ? 1 : 0;
    snprintf(note_buf[i], sizeof note_buf[i], "%s", line);
    note_len[i] = strlen(note_buf[i]);
    note_cur = i;
}

static void on_fatal_signal(int sig)
{
    /* async-signal-safe: kill the groups, say what was done, then die of
     * the same signal */
    if (current_pgid > 0)
        kill(-current_pgid, SIGKILL);
    if (tool_pgid > 0)
        kill(-tool_pgid, SIGKILL);
    int i = note_cur;
    if (i >= 0 && write(2, note_buf[i], note_len[i]) < 0)
        i = -1;
    signal(sig, SIG_DFL);
    raise(sig);
}

void proc_install_signal_handlers(void)
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

static uint64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* environ with s->env added (replacing a variable of the same name); the
 * array is new, its strings are not.  NULL when out of memory. */
static char **child_env(const char *add)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **e = calloc(n + 2, sizeof *e);
    if (!e)
        return 0;
    size_t k = 0, name = add ? strcspn(add, "=") + 1 : 0;
    for (size_t i = 0; i < n; i++)
        if (!add || strncmp(environ[i], add, name))
            e[k++] = environ[i];
    if (add)
        e[k++] = (char *)add;
    e[k] = 0;
    return e;
}

/* fork+exec: only for die_with_parent (see process.h) */
static int start_forked(const struct proc_spec *s, char **envp, pid_t pg, struct proc *p,
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
        setpgid(0, pg);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) /* hvsim died before prctl took effect */
            _exit(127);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        if (s->stdin_null) {
            int in = open("/dev/null", O_RDONLY);
            if (in < 0 || dup2(in, 0) < 0)
                _exit(127);
            if (in != 0)
                close(in);
        }
        if (s->out_fd >= 0 && (dup2(s->out_fd, 1) < 0 || dup2(s->out_fd, 2) < 0))
            _exit(127);
        if (s->fd3 >= 0 && (s->fd3 == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(s->fd3, 3) < 0))
            _exit(127);
        execvpe(s->argv[0], s->argv, envp);
        int e = errno;
        if (write(pfd[1], &e, sizeof e) < 0) { /* nothing more to do */ }
        _exit(127);
    }
    /* Set the group from the parent too, so there is no window where the
     * child is outside it. */
    setpgid(pid, pg ? pg : pid);
    close(pfd[1]);
    int e = 0;
    ssize_t n = read(pfd[0], &e, sizeof e);
    close(pfd[0]);
    p->pid = pid;
    if (n == (ssize_t)sizeof e) {
        waitpid(pid, &p->status, 0);
        p->exited = 1;
        snprintf(err, errlen, "cannot execute %s: %s", s->argv[0], strerror(e));
        return -1;
    }
    return 0;
}

static int start_spawned(const struct proc_spec *s, char **envp, pid_t pg, struct proc *p,
                         char *err, size_t errlen)
{
    posix_spawnattr_t at;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_init(&fa);
    sigset_t def, none;
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGHUP);
    sigaddset(&def, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setpgroup(&at, pg);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    int tmp3 = -1, rc = 0;
    if (s->stdin_null)
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (s->out_fd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, s->out_fd, 1);
        posix_spawn_file_actions_adddup2(&fa, s->out_fd, 2);
    }
    if (s->fd3 >= 0) {
        /* dup2(3, 3) would leave FD_CLOEXEC set: go through another fd */
        tmp3 = fcntl(s->fd3, F_DUPFD_CLOEXEC, 10);
        if (tmp3 < 0)
            rc = errno;
        else
            posix_spawn_file_actions_adddup2(&fa, tmp3, 3);
    }
    pid_t pid = -1;
    if (!rc)
        rc = posix_spawnp(&pid, s->argv[0], &fa, &at, s->argv, envp);
    if (tmp3 >= 0)
        close(tmp3);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc) {
        snprintf(err, errlen, "cannot execute %s: %s", s->argv[0], strerror(rc));
        return -1;
    }
    p->pid = pid;
    return 0;
}

int proc_start(const struct proc_spec *s, struct proc *p, char *err, size_t errlen)
{
    p->pid = 0;
    p->exited = 0;
    p->status = 0;
    char **envp = s->env ? child_env(s->env) : environ;
    if (!envp) {
        snprintf(err, errlen, "out of memory starting %s", s->argv[0]);
        return -1;
    }
    pid_t pg = s->pgid ? *s->pgid : 0;
    int rc = s->die_with_parent ? start_forked(s, envp, pg, p, err, errlen)
                                : start_spawned(s, envp, pg, p, err, errlen);
    if (envp != environ)
        free(envp);
    if (rc == 0 && s->pgid && !*s->pgid)
        *s->pgid = p->pid;
    return rc;
}

int proc_start_participant(char *const argv[], int region_fd, pid_t *pgid, struct proc *p,
                           char *err, size_t errlen)
{
    struct proc_spec s = { .argv = argv, .fd3 = region_fd, .out_fd = -1, .pgid = pgid, .die_with_parent = 1 };
    return proc_start(&s, p, err, errlen);
}

int proc_poll(struct proc *p)
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

/* 1 once pid has exited; it stays a zombie (WNOWAIT): its pid and group id
 * are not reused until it is reaped */
static int exited_unreaped(pid_t pid, int block)
{
    for (;;) {
        siginfo_t si;
        si.si_pid = 0;
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) == 0)
            return si.si_pid == pid;
        if (errno != EINTR)
            return 1; /* not our child (any more): nothing to wait for */
    }
}

int proc_wait(struct proc *p, pid_t pgid, unsigned timeout_ms, int end_group)
{
    if (p->pid <= 0 || p->exited)
        return 0;
    if (!timeout_ms) {
        exited_unreaped(p->pid, 1);
    } else {
        uint64_t limit = mono_ms() + timeout_ms;
        /* a short sleep first (most waits are short), then 5 ms steps */
        for (unsigned us = 200; !exited_unreaped(p->pid, 0); us = us < 5000 ? us * 2 : 5000) {
            if (mono_ms() > limit) {
                proc_kill_group(pgid, p, 1);
                return 1;
            }
            usleep(us);
        }
    }
    if (end_group && pgid > 0)
        kill(-pgid, SIGKILL);
    while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR) {}
    p->exited = 1;
    return 0;
}

void proc_kill_group(pid_t pgid, struct proc *ps, int n)
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

int proc_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* read the pipe until EOF or the deadline (0: none); 0 at EOF, 1 at the deadline */
static int drain(int fd, struct sbuf *out, uint64_t limit)
{
    char buf[4096];
    for (;;) {
        int ms = -1;
        if (limit) {
            uint64_t now = mono_ms();
            if (now >= limit)
                return 1;
            ms = (int)(limit - now);
        }
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        int r = poll(&pf, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return 1;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (out)
            sbuf_add(out, buf, (size_t)n);
    }
}

int proc_run(char *const argv[], struct sbuf *out, unsigned timeout_ms)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return PROC_NOSTART;
    pid_t pg = 0;
    struct proc pr;
    char err[256];
    struct proc_spec s = { .argv = argv, .fd3 = -1, .out_fd = p[1], .pgid = &pg, .stdin_null = 1 };
    int started = proc_start(&s, &pr, err, sizeof err) == 0;
    close(p[1]);
    if (!started) {
        close(p[0]);
        if (out)
            sbuf_printf(out, "hvsim: %s\n", err);
        return PROC_NOSTART;
    }
    tool_pgid = pg;
    uint64_t limit = timeout_ms ? mono_ms() + timeout_ms : 0;
    int late = drain(p[0], out, limit);
    close(p[0]);
    if (!late) { /* then anything it left running in its group goes too */
        uint64_t now = mono_ms();
        late = proc_wait(&pr, pg, !limit ? 0 : now < limit ? (unsigned)(limit - now) : 1, 1);
    }
    if (late)
        proc_kill_group(pg, &pr, 1);
    tool_pgid = 0;
    return late ? PROC_TIMEOUT : proc_exit_code(pr.status);
}

int proc_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!name || !*name || strchr(name, '/') || !path)
        return 0;
    int found = 0;
    for (const char *d = path; !found; d += strcspn(d, ":") + 1) {
        size_t k = strcspn(d, ":");
        struct sbuf b = { 0 };
        /* an empty PATH entry is the current directory */
        sbuf_printf(&b, "%.*s/%s", (int)(k ? k : 1), k ? d : ".", name);
        struct stat st;
        found = !b.oom && stat(b.s, &st) == 0 && S_ISREG(st.st_mode) && access(b.s, X_OK) == 0;
        sbuf_free(&b);
        if (!d[k])
            break;
    }
    return found;
}
