/* sim/runtime/port/hvisor_tool/compat.c — the kernel module of hvisor-tool, as
 * hvsim's platform (see <hvsim/compat/hvisor_tool.h> for the mapping).
 * Compiled with the daemon's flags, so the header may have been
 * force-included: the macros are undone here, this file calls the real
 * functions. */
#define _GNU_SOURCE
#include <hvsim/platform.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>
#undef open
#undef ioctl
#undef mmap
#undef munmap
#undef epoll_ctl
#undef epoll_wait
#undef signalfd
#undef sigwait
#undef pthread_sigmask
#undef sigprocmask
#undef prctl

/* hvisor-tool's kernel-module interface (include/hvisor.h): request numbers
 * _IO(1, 2) FINISH_REQ and _IOW(1, 7, int) SET_EVENTFD, signal SIGHVI 10 */
#define TOOL_FINISH_REQ _IO(1, 2)
#define TOOL_SET_EVENTFD _IOW(1, 7, int)
#define TOOL_SIGHVI 10

static int ko_fd = -1;             /* "/dev/hvisor" */
static int ev_fd = -1;             /* the daemon's eventfd (SET_EVENTFD) */
static int sig_rd = -1, sig_wr = -1; /* the "signalfd": a pipe */
static jmp_buf stop_jmp;           /* the run stopped and the daemon cannot hear it */

int hvsim_tool_open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    if (!strcmp(path, "/dev/hvisor")) {
        if (ko_fd < 0)
            ko_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        return ko_fd;
    }
    return open(path, flags, mode);
}

int hvsim_tool_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (fd != ko_fd || fd < 0)
        return ioctl(fd, req, arg);
    if (req == TOOL_FINISH_REQ)
        hvsim_hypercall_finish_req();
    else if (req == TOOL_SET_EVENTFD)
        ev_fd = (int)(intptr_t)arg;
    return 0;
}

void *hvsim_tool_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (fd >= 0 && fd == ko_fd)
        return hvsim_bridge();
    return mmap(addr, len, prot, flags, fd, off);
}

int hvsim_tool_munmap(void *addr, size_t len)
{
    return addr == (void *)hvsim_bridge() ? 0 : munmap(addr, len);
}

int hvsim_tool_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    return epoll_ctl(epfd, op, fd, ev);
}

/* hvsim's stop: SIGTERM into the signalfd if the daemon has one, else end
 * backend_run from here */
static void tell_stop(void)
{
    if (sig_wr < 0)
        longjmp(stop_jmp, 1);
    struct signalfd_siginfo si;
    memset(&si, 0, sizeof si);
    si.ssi_signo = SIGTERM;
    if (write(sig_wr, &si, sizeof si) != (ssize_t)sizeof si)
        longjmp(stop_jmp, 1);
}

int hvsim_tool_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
    /* anything already readable (a signal written earlier, a real fd) first */
    int n = epoll_wait(epfd, ev, max, 0);
    if (n != 0 || timeout == 0)
        return n;
    if (hvsim_daemon_sleep() < 0) {
        tell_stop();
    } else {
        hvsim_delay(HVSIM_SITE_BE_AFTER_WAKE);
        uint64_t one = 1;
        if (ev_fd < 0 || write(ev_fd, &one, sizeof one) != (ssize_t)sizeof one)
            return 0; /* a wakeup the daemon has no eventfd for: a spurious return */
    }
    return epoll_wait(epfd, ev, max, 0);
}

int hvsim_tool_signalfd(int fd, const sigset_t *mask, int flags)
{
    (void)mask;
    if (fd != -1)
        return fd;
    if (sig_rd < 0) {
        int p[2];
        if (pipe2(p, O_CLOEXEC | ((flags & SFD_NONBLOCK) ? O_NONBLOCK : 0)) < 0)
            return -1;
        sig_rd = p[0];
        sig_wr = p[1];
    }
    return sig_rd;
}

int hvsim_tool_sigwait(const sigset_t *set, int *sig)
{
    (void)set;
    if (hvsim_daemon_sleep() < 0) {
        *sig = SIGTERM;
        return 0;
    }
    hvsim_delay(HVSIM_SITE_BE_AFTER_WAKE);
    *sig = TOOL_SIGHVI;
    return 0;
}

int hvsim_tool_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how;
    (void)set;
    if (old)
        sigemptyset(old);
    return 0;
}

int hvsim_tool_prctl(int option, ...)
{
    (void)option;
    return 0;
}

/* the daemon's entry points, as hvisor-tool's `virtio start` calls them */
int virtio_init(void);
void handle_virtio_requests(void);

void backend_run(void)
{
    if (setjmp(stop_jmp))
        return;
    if (virtio_init() != 0)
        return;
    handle_virtio_requests();
}
