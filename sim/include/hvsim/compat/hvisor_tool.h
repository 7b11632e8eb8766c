/* hvsim/compat/hvisor_tool.h — run hvisor-tool's virtio daemon unchanged.
 *
 * `hvsim port hvisor-tool` force-includes this header (-include) into the
 * daemon's own files and links sim/runtime/port/hvisor_tool/compat.c beside them.
 * It does NOT include <hvsim/platform.h>: the daemon keeps its own hvisor.h
 * with its own `struct virtio_bridge`, `device_req`, `device_res` (same
 * layout as hvsim's, different declarations), and nothing here clashes with
 * them — every name hvsim adds starts with hvsim_tool_.
 *
 * The kernel module's calls become hvsim's machine:
 *   open("/dev/hvisor")                a descriptor standing for the module
 *   mmap(…, that fd, …)                the shared bridge (hvsim_bridge())
 *   ioctl(fd, HVISOR_FINISH_REQ)       hvsim_hypercall_finish_req()
 *   ioctl(fd, HVISOR_SET_EVENTFD, efd) remembers the eventfd to signal
 *   ioctl(fd, other)                   0 (init, zone calls: nothing to do)
 *   epoll_wait on a set holding that eventfd
 *                                      hvsim_daemon_sleep(); on a wakeup the
 *                                      eventfd is signalled, on stop the
 *                                      signalfd reads SIGTERM
 *   sigwait(set, &sig)                 hvsim_daemon_sleep(); sig = SIGHVI (10)
 *                                      on a wakeup, SIGTERM on stop
 *   signalfd(-1, mask, flags)          a pipe hvsim writes SIGTERM into on stop
 *   pthread_sigmask, sigprocmask, prctl   0: hvsim's own signal handling stays
 * Any other descriptor goes to the real call.  When the run stops and the
 * daemon has no way to hear it (no signalfd), hvsim ends backend_run itself.
 *
 * Entry: backend_run() calls the daemon's virtio_init() and then
 * handle_virtio_requests(), as hvisor-tool's `virtio start` does.
 * A delay point HVSIM_SITE_BE_AFTER_WAKE sits in the mapped wait (no edit of
 * the daemon's functions needed).
 */
#ifndef HVSIM_COMPAT_HVISOR_TOOL_H
#define HVSIM_COMPAT_HVISOR_TOOL_H

/* the system headers first: their prototypes are declared before the
 * macros below rename the calls */
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

int hvsim_tool_open(const char *path, int flags, ...);
int hvsim_tool_ioctl(int fd, unsigned long req, ...);
void *hvsim_tool_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int hvsim_tool_munmap(void *addr, size_t len);
int hvsim_tool_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int hvsim_tool_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout);
int hvsim_tool_signalfd(int fd, const sigset_t *mask, int flags);
int hvsim_tool_sigwait(const sigset_t *set, int *sig);
int hvsim_tool_sigmask(int how, const sigset_t *set, sigset_t *old);
int hvsim_tool_prctl(int option, ...);

#define open(...) hvsim_tool_open(__VA_ARGS__)
#define ioctl(...) hvsim_tool_ioctl(__VA_ARGS__)
#define mmap(...) hvsim_tool_mmap(__VA_ARGS__)
#define munmap(...) hvsim_tool_munmap(__VA_ARGS__)
#define epoll_ctl(...) hvsim_tool_epoll_ctl(__VA_ARGS__)
#define epoll_wait(...) hvsim_tool_epoll_wait(__VA_ARGS__)
#define signalfd(...) hvsim_tool_signalfd(__VA_ARGS__)
#define sigwait(...) hvsim_tool_sigwait(__VA_ARGS__)
#define pthread_sigmask(...) hvsim_tool_sigmask(__VA_ARGS__)
#define sigprocmask(...) hvsim_tool_sigmask(__VA_ARGS__)
#define prctl(...) hvsim_tool_prctl(__VA_ARGS__)

#endif
