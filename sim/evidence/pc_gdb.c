/* sim/evidence/pc_gdb.c — PC sampling of qemu-user guests through qemu's gdbstub.
 *
 * Facts about qemu-user 7.2's gdbstub (Debian 1:7.2+dfsg-7+deb12u18, checked
 * by experiment against qemu-aarch64 and qemu-riscv64, -g <port>):
 *  - `qemu-<arch> -g port` listens on the port and does not run the guest
 *    until a debugger connects; '?' then answers "T05thread:<tid>;".
 *  - Thread ids are the HOST kernel tids of the guest threads (hex; with
 *    multiprocess+ negotiated they read "p01.<tid>").  The main thread's id is
 *    qemu's pid.  qfThreadInfo/qsThreadInfo return one thread per packet, in
 *    creation order ("m<tid>" ..., then "l").  qemu's own helper thread (RCU)
 *    is not listed.  qC answers the main thread, not the one that stopped.
 *  - vCont is supported: "vCont?" -> "vCont;c;C;s;S".
 *  - 'p' answers an EMPTY packet until the client has read
 *    qXfer:features:read:target.xml (gdb_has_xml); after that 'p20' (regnum
 *    32) returns the PC on aarch64 (x0-x30, sp, pc) and on riscv64 (x0-x31,
 *    pc).  'g' always works (PC at byte offset 32*8 on both).
 *  - 0x03 (interrupt) does NOTHING while the guest runs in user mode: the stub
 *    only reads the socket inside gdb_handlesig(), i.e. when a guest thread
 *    stops for a signal or breakpoint.  A buffered 0x03 is then answered with
 *    an extra, unsolicited stop reply after the real one.
 *  - A host signal sent to one guest thread (tgkill on its host tid) stops
 *    that thread in gdb_handlesig and reports "T<gdbsig>thread:<tid>;" with
 *    that thread's registers.  Only signals whose default action is fatal
 *    get a qemu host handler unless the guest installed one (SIGURG/SIGWINCH
 *    are ignored silently); we use SIGPWR (gdb signal 32, "T20").  Resuming
 *    with "c"/"vCont;c" (no signal) discards the signal: the guest never sees
 *    it.  If no debugger were attached, SIGPWR would kill the guest, so we
 *    only send it while connected and wait for its stop before detaching.
 *  - Only the signalled thread stops; the other guest threads keep running
 *    (their 'p'/'g' values are stale snapshots).  So we stop exactly the
 *    thread we want to sample, which makes per-thread sampling possible.
 *  - 'D' is only processed while a thread is stopped; it answers "OK" and
 *    the program continues without the debugger.
 *
 *  - `-g /path` (a path instead of a number) makes qemu listen on a unix
 *    socket there instead: no port to choose, nothing on the network (a TCP
 *    port is bound on 0.0.0.0).  pc_gdb_connect_unix connects to it.
 *  - While a debugger is attached, a guest signal with a fatal default
 *    action (SIGSEGV...) STOPS the guest ("T0b...") and qemu waits for the
 *    debugger forever.  Closing the connection makes qemu go on without a
 *    debugger and deliver the signal it was holding (the guest dies of it);
 *    closing while the guest runs just lets it run.  So dropping the
 *    connection is a detach that can never leave qemu stopped, provided our
 *    own SIGPWR is not pending (pc_gdb_drop takes care of that).
 *
 * Fallback: if the thread cannot be signalled locally (not a local qemu),
 * 0x03 is sent and whichever thread the stub reports is sampled.
 */
#define _GNU_SOURCE
#include "pc.h"
#include "pc_gdb_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int thread_alive(long tgid, long tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task/%ld", tgid, tid);
    return access(path, F_OK) == 0;
}

/* Stop the guest thread tid (tid <= 0: any thread).  On success the stub is
 * stopped, g->stop_tid tells which thread reported. */
static int stop_thread(struct pc_gdb *g, long tid)
{
    int use_signal = 0;
    if (g->main_tid > 0 && thread_alive(g->main_tid, tid > 0 ? tid : g->main_tid)) {
        int r = tid > 0 ? (int)syscall(SYS_tgkill, g->main_tid, tid, SIGPWR)
                        : kill((pid_t)g->main_tid, SIGPWR);
        if (r == 0) {
            use_signal = 1;
            g->sig_pending = 1;
        }
    }
    if (!use_signal) {
        if (gw_write_all(g->fd, "\x03", 1) != 0) { g->dead = 1; return -1; }
        g->stray_int++;
    }
    long deadline = gw_now_ms() + STOP_TIMEOUT_MS;
    for (;;) {
        long left = deadline - gw_now_ms();
        int n = gw_get_packet(g, left > 0 ? (int)left : 0);
        if (n < 0)
            return -1;
        if (g->pkt[0] == 'W' || g->pkt[0] == 'X') {
            g->dead = 1;
            errno = ESRCH;
            return -1;
        }
        if (!gw_is_stop_reply(g->pkt))
            continue; /* late reply or console output */
        int sig;
        long stid;
        gw_parse_stop(g->pkt, &sig, &stid);
        if (use_signal) {
            if (sig != GDB_SIG_PWR) {
                /* a genuine guest stop (its own signal or a breakpoint):
                 * resume it passing the signal on, keep waiting for ours */
                char c[16];
                if (sig != 0)
                    snprintf(c, sizeof c, "C%02x", sig);
                else
                    snprintf(c, sizeof c, "c");
                if (gw_send_cont(g, c) != 0)
                    return -1;
                continue;
            }
            g->sig_pending = 0;
        } else if (g->stray_int > 0) {
            g->stray_int--;
        }
        g->stop_tid = stid;
        return 0;
    }
}

static int refresh_threads(struct pc_gdb *g)
{
    g->ntids = 0;
    const char *q = "qfThreadInfo";
    for (int iter = 0; iter < MAX_THREADS + 2; iter++) {
        if (gw_request(g, q) < 0)
            return -1;
        q = "qsThreadInfo";
        if (g->pkt[0] == 'l')
            return 0;
        if (g->pkt[0] != 'm') { errno = EPROTO; return -1; }
        char *p = g->pkt + 1;
        while (*p) {
            if (*p == 'p') {
                char *dot = strchr(p, '.');
                if (!dot) break;
                p = dot + 1;
            }
            char *end;
            long t = strtol(p, &end, 16);
            if (end == p) break;
            if (g->ntids < MAX_THREADS)
                g->tids[g->ntids++] = t;
            p = end;
            if (*p == ',') p++;
        }
    }
    errno = EPROTO;
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* little-endian target register (16 hex digits) */
static int parse_le64(const char *s, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        r |= (uint64_t)(hi * 16 + lo) << (8 * i);
    }
    *v = r;
    return 0;
}

static int read_pc(struct pc_gdb *g, long tid, uint64_t *pc)
{
    char q[64];
    if (tid > 0) {
        snprintf(q, sizeof q, "Hg%lx", tid);
        if (gw_request(g, q) < 0)
            return -1;
    }
    snprintf(q, sizeof q, "p%x", g->pcreg);
    if (gw_request(g, q) < 0)
        return -1;
    if (strlen(g->pkt) >= 16 && parse_le64(g->pkt, pc) == 0)
        return 0;
    /* 'p' unsupported (no xml read) or error: fall back to 'g' */
    int n = gw_request(g, "g");
    if (n < 0)
        return -1;
    size_t off = (size_t)g->pcreg * 16;
    if ((size_t)n < off + 16 || parse_le64(g->pkt + off, pc) != 0) {
        errno = EPROTO;
        return -1;
    }
    return 0;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void drop(struct pc_gdb *g)
{
    if (g->fd >= 0) close(g->fd);
    free(g);
}

static int arch_info(const char *arch, const char **want, int *pcreg)
{
    if (!arch) arch = "";
    if (!strcmp(arch, "aarch64")) { *want = "aarch64"; *pcreg = 32; }
    else if (!strcmp(arch, "riscv64")) { *want = "riscv:rv64"; *pcreg = 32; }
    else if (!strcmp(arch, "ppc64le")) { *want = "powerpc:common64"; *pcreg = 64; } /* r0-31, f0-31, pc */
    else if (!strcmp(arch, "x86_64")) { *want = "i386:x86-64"; *pcreg = 16; }
    else return -1;
    return 0;
}

static struct pc_gdb *handshake(struct pc_gdb *g, const char *want, const char *where,
                                char *err, size_t errlen);

/* Connect to a gdbstub at sa (TCP on loopback, or a unix socket), retrying
 * until timeout_ms: qemu opens the stub a moment after it starts.  'where'
 * names it in messages; 'retry_us' is the pause between attempts. */
static struct pc_gdb *connect_stub(const struct sockaddr *sa, socklen_t salen, const char *arch,
                                   int timeout_ms, long retry_us, const char *where,
                                   char *err, size_t errlen)
{
    const char *want;
    int pcreg;
    if (arch_info(arch, &want, &pcreg) != 0) {
        seterr(err, errlen, "unsupported arch '%s'", arch ? arch : "");
        errno = EINVAL;
        return NULL;
    }
    struct pc_gdb *g = calloc(1, sizeof *g);
    if (!g) { seterr(err, errlen, "out of memory"); return NULL; }
    g->fd = -1;
    g->pcreg = pcreg;
    long deadline = gw_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        g->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (g->fd < 0) { seterr(err, errlen, "socket: %s", strerror(errno)); drop(g); return NULL; }
        if (connect(g->fd, sa, salen) == 0)
            break;
        int e = errno;
        close(g->fd);
        g->fd = -1;
        if (gw_now_ms() >= deadline) {
            seterr(err, errlen, "connect %s: %s", where, strerror(e));
            free(g);
            errno = e;
            return NULL;
        }
        gw_sleep_us(retry_us);
    }
    if (sa->sa_family == AF_INET) {
        int one = 1;
        setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return handshake(g, want, where, err, errlen);
}

struct pc_gdb *pc_gdb_connect(int port, const char *arch, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char where[40];
    snprintf(where, sizeof where, "127.0.0.1:%d", port);
    return connect_stub((const struct sockaddr *)&sa, sizeof sa, arch, timeout_ms, 20000, where,
                        err, errlen);
}

struct pc_gdb *pc_gdb_connect_unix(const char *path, const char *arch, int timeout_ms,
                                   char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!path || strlen(path) >= sizeof sa.sun_path) {
        seterr(err, errlen, "bad socket path");
        errno = EINVAL;
        return NULL;
    }
    strcpy(sa.sun_path, path);
    return connect_stub((const struct sockaddr *)&sa, sizeof sa, arch, timeout_ms, 2000, path,
                        err, errlen);
}

static struct pc_gdb *handshake(struct pc_gdb *g, const char *want, const char *where,
                                char *err, size_t errlen)
{
    /* handshake: the program is stopped at its entry point */
    if (gw_request(g, "qSupported:vContSupported+") < 0) goto fail;
    if (gw_put_packet(g, "?") != 0 || gw_get_packet(g, REPLY_TIMEOUT_MS) < 0) goto fail;
    if (!gw_is_stop_reply(g->pkt)) {
        seterr(err, errlen, "unexpected reply to '?': %.60s", g->pkt);
        errno = EPROTO;
        drop(g);
        return NULL;
    }
    int sig;
    gw_parse_stop(g->pkt, &sig, &g->main_tid);
    g->stop_tid = g->main_tid;
    /* read target.xml: checks the architecture and enables 'p' */
    char xml[4096] = "";
    size_t xl = 0;
    for (;;) {
        char q[96];
        snprintf(q, sizeof q, "qXfer:features:read:target.xml:%zx,ffb", xl);
        int n = gw_request(g, q);
        if (n < 0) goto fail;
        if (g->pkt[0] != 'm' && g->pkt[0] != 'l') break; /* unsupported */
        size_t add = (size_t)n - 1;
        if (xl + add >= sizeof xml) add = sizeof xml - 1 - xl;
        memcpy(xml + xl, g->pkt + 1, add);
        xl += add;
        xml[xl] = 0;
        if (g->pkt[0] == 'l' || add == 0) break;
    }
    char *a = strstr(xml, "<architecture>");
    if (a && strncmp(a + 14, want, strlen(want)) != 0) {
        char *e = strchr(a + 14, '<');
        seterr(err, errlen, "target architecture is '%.*s', expected '%s'",
               e ? (int)(e - a - 14) : 20, a + 14, want);
        errno = EPROTO;
        drop(g);
        return NULL;
    }
    if (gw_request(g, "vCont?") < 0) goto fail;
    g->has_vcont = strncmp(g->pkt, "vCont", 5) == 0 && strstr(g->pkt, ";c") != NULL;
    if (gw_resume(g) != 0) goto fail;
    return g;
fail:
    seterr(err, errlen, "gdb handshake on %s: %s", where, strerror(errno));
    {
        int e = errno;
        drop(g);
        errno = e;
    }
    return NULL;
}

static long index_tid(struct pc_gdb *g, int idx, int refresh)
{
    if (!refresh && idx < g->ntids && thread_alive(g->main_tid, g->tids[idx]))
        return g->tids[idx];
    if (stop_thread(g, g->main_tid) != 0)
        return -1;
    int r = refresh_threads(g);
    int e = errno;
    if (gw_resume(g) != 0)
        return -1;
    if (r != 0) { errno = e; return -1; }
    if (idx >= g->ntids) { errno = ESRCH; return -1; }
    return g->tids[idx];
}

int pc_gdb_sample(struct pc_gdb *g, int thread_index, int n, int interval_us, uint64_t *pcs)
{
    if (!g || n < 0 || (n > 0 && !pcs) || thread_index < -1 || interval_us < 0) {
        errno = EINVAL;
        return -1;
    }
    if (g->dead) { errno = ESRCH; return -1; }
    long tid = -1;
    if (thread_index >= 0) {
        tid = index_tid(g, thread_index, 0);
        if (tid < 0)
            return -1;
    }
    int got = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && interval_us > 0)
            gw_sleep_us(interval_us);
        if (tid > 0 && !thread_alive(g->main_tid, tid)) {
            errno = ESRCH;
            return got > 0 ? got : -1;
        }
        if (stop_thread(g, tid) != 0)
            return got > 0 && !g->dead ? got : -1;
        int r = read_pc(g, tid > 0 ? tid : g->stop_tid, &pcs[got]);
        int e = errno;
        if (gw_resume(g) != 0)
            return -1;
        if (r != 0) { errno = e; return -1; }
        got++;
    }
    return got;
}

int pc_gdb_thread_count(struct pc_gdb *g)
{
    if (!g) { errno = EINVAL; return -1; }
    if (g->dead) { errno = ESRCH; return -1; }
    if (index_tid(g, 0, 1) < 0)
        return -1;
    return g->ntids;
}

long pc_gdb_thread_tid(struct pc_gdb *g, int thread_index)
{
    if (!g || thread_index < 0) { errno = EINVAL; return -1; }
    if (g->dead) { errno = ESRCH; return -1; }
    return index_tid(g, thread_index, 0);
}

void pc_gdb_close(struct pc_gdb *g)
{
    if (!g)
        return;
    if (!g->dead && g->fd >= 0) {
        /* 'D' is only read while a thread is stopped: stop main, detach */
        if (stop_thread(g, g->main_tid) == 0) {
            gw_request(g, "D");
        } else if (g->sig_pending && !g->dead) {
            /* never leave our SIGPWR to be delivered without a debugger */
            if (gw_get_packet(g, STOP_TIMEOUT_MS) >= 0 && gw_is_stop_reply(g->pkt))
                gw_request(g, "D");
        }
    }
    drop(g);
}

int pc_gdb_guest_stopped(struct pc_gdb *g)
{
    if (!g || g->dead || g->fd < 0)
        return 0;
    struct pollfd pfd = { g->fd, POLLIN, 0 };
    if (poll(&pfd, 1, 0) <= 0)
        return 0;
    if (gw_get_packet(g, 100) < 0) /* readable: the packet is there or nearly */
        return 0;
    if (g->pkt[0] == 'W' || g->pkt[0] == 'X') {
        g->dead = 1;
        return 0;
    }
    return gw_is_stop_reply(g->pkt);
}

void pc_gdb_drop(struct pc_gdb *g)
{
    if (!g)
        return;
    if (!g->dead && g->fd >= 0 && g->sig_pending) {
        /* our SIGPWR must not reach the guest: take its stop, discard it */
        for (int i = 0; i < 4; i++) {
            if (gw_get_packet(g, STOP_TIMEOUT_MS) < 0)
                break;
            if (gw_is_stop_reply(g->pkt)) {
                int sig;
                long tid;
                gw_parse_stop(g->pkt, &sig, &tid);
                if (sig == GDB_SIG_PWR) {
                    gw_send_cont(g, "c");
                    break;
                }
            }
        }
    }
    drop(g);
}
