/* tests/unit/test_pc.c — PC sampling and symbolisation (sim/pc).
 *
 * A fixture (tests/unit/pc_fixture.c) is compiled at test time with -g -O2:
 * a thread spins in pc_fixture_spin() on a flag load hoisted out of the loop.
 * We sample that thread natively (ptrace) and under qemu-aarch64 /
 * qemu-riscv64 (gdbstub), and check every sample resolves to the spin
 * function, the fixture's file and a line inside the loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "evidence/pc.h"

#ifndef HVSIM_HOME_DEFAULT
#define HVSIM_HOME_DEFAULT "."
#endif

#define NSAMPLES 10
#define SPIN_FUNC "pc_fixture_spin"

struct fx {
    char dir[64];      /* temp dir, "" if none */
    char src[512];     /* fixture source */
    char bin[600];     /* compiled fixture */
    pid_t child;       /* running fixture (or qemu), 0 if none */
    int out_fd;        /* child's stdout pipe */
    struct pc_gdb *gdb;
    int loop_begin, loop_end;
};

static void msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int find_in_path(const char *tool)
{
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char *dup = strdup(path), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", d, tool);
        found = access(p, X_OK) == 0;
    }
    free(dup);
    return found;
}

static int run_cmd(char *const argv[])
{
    pid_t p = fork();
    if (p < 0) return -1;
    if (p == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(p, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int find_source(struct fx *f)
{
    const char *cands[3] = { "tests/unit/pc_fixture.c",
                             HVSIM_HOME_DEFAULT "/tests/unit/pc_fixture.c", NULL };
    char envp[512];
    const char *home = getenv("HVSIM_HOME");
    if (home) {
        snprintf(envp, sizeof envp, "%s/tests/unit/pc_fixture.c", home);
        cands[2] = envp;
    }
    for (int i = 0; i < 3; i++) {
        if (cands[i] && access(cands[i], R_OK) == 0) {
            if (!realpath(cands[i], f->src)) continue;
            return 0;
        }
    }
    return -1;
}

static int find_loop_lines(struct fx *f)
{
    FILE *fp = fopen(f->src, "r");
    if (!fp) return -1;
    char line[512];
    int n = 0;
    f->loop_begin = f->loop_end = 0;
    while (fgets(line, sizeof line, fp)) {
        n++;
        if (strstr(line, "/* PC_LOOP_BEGIN */")) f->loop_begin = n;
        if (strstr(line, "/* PC_LOOP_END */")) f->loop_end = n;
    }
    fclose(fp);
    return f->loop_begin > 0 && f->loop_end > f->loop_begin ? 0 : -1;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->out_fd = -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/hvsim_pc_XXXXXX");
    if (!mkdtemp(f->dir)) { free(f); return -1; }
    if (find_source(f) != 0 || find_loop_lines(f) != 0) {
        fprintf(stderr, "pc_fixture.c not found or has no loop markers\n");
        rmdir(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (!f) return 0;
    if (f->gdb) pc_gdb_close(f->gdb);
    if (f->child > 0) {
        kill(f->child, SIGKILL);
        while (waitpid(f->child, NULL, 0) < 0 && errno == EINTR) {}
    }
    if (f->out_fd >= 0) close(f->out_fd);
    if (f->dir[0]) {
        char *rm[] = { "rm", "-rf", f->dir, NULL };
        run_cmd(rm);
    }
    free(f);
    return 0;
}

/* Start argv with stdout on a pipe. */
static pid_t spawn(struct fx *f, char *const argv[])
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) return -1;
    pid_t p = fork();
    if (p < 0) { close(pfd[0]); close(pfd[1]); return -1; }
    if (p == 0) {
        dup2(pfd[1], 1);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) dup2(nul, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    f->out_fd = pfd[0];
    f->child = p;
    return p;
}

/* Read "tid N" from the fixture, within timeout_ms. */
static long read_tid(struct fx *f, int timeout_ms)
{
    char buf[256];
    size_t len = 0;
    for (int waited = 0; waited < timeout_ms;) {
        struct pollfd pfd = { f->out_fd, POLLIN, 0 };
        int r = poll(&pfd, 1, 100);
        waited += 100;
        if (r <= 0) continue;
        ssize_t n = read(f->out_fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0) return -1;
        len += (size_t)n;
        buf[len] = 0;
        char *nl = strchr(buf, '\n');
        if (nl) {
            long t = -1;
            if (sscanf(buf, "tid %ld", &t) == 1) return t;
            return -1;
        }
    }
    return -1;
}

static void check_sym(struct fx *f, const struct pc_sym *s)
{
    const char *base = strrchr(s->file, '/');
    base = base ? base + 1 : s->file;
    if (strcmp(s->function, SPIN_FUNC) != 0 || strcmp(base, "pc_fixture.c") != 0 ||
        s->line < f->loop_begin || s->line > f->loop_end)
        print_message("pc 0x%llx -> %s+0x%llx %s:%d (loop lines %d-%d)\n",
                      (unsigned long long)s->pc, s->function,
                      (unsigned long long)s->func_offset, s->file, s->line,
                      f->loop_begin, f->loop_end);
    assert_string_equal(s->function, SPIN_FUNC);
    assert_string_equal(base, "pc_fixture.c");
    assert_in_range(s->line, f->loop_begin, f->loop_end);
    assert_true(s->func_offset < 0x100);
}

static void assert_not_stopped_or_traced(pid_t pid, pid_t tid)
{
    char path[96], line[256];
    snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tid);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char state = '?';
    long tracer = -1;
    while (fgets(line, sizeof line, fp)) {
        if (!strncmp(line, "State:", 6)) sscanf(line + 6, " %c", &state);
        if (!strncmp(line, "TracerPid:", 10)) tracer = strtol(line + 10, NULL, 10);
    }
    fclose(fp);
    assert_true(state == 'R' || state == 'S');
    assert_int_equal(tracer, 0);
}

/* The spinner keeps a CPU busy: its CPU time must rise.  The machine may be
 * loaded (2 cores, other tests), so wait up to 3 s for +30 ms. */
static void assert_cpu_rises(pid_t pid, pid_t tid)
{
    long a = pc_thread_cpu_ms(pid, tid);
    assert_true(a >= 0);
    long b = a;
    for (int i = 0; i < 30 && b < a + 30; i++) {
        msleep(100);
        b = pc_thread_cpu_ms(pid, tid);
        assert_true(b >= 0);
    }
    if (b < a + 30)
        print_message("cpu %ld -> %ld ms\n", a, b);
    assert_true(b >= a + 30);
}

/* The spinner printed its tid just before entering its loop: wait until it
 * has burnt 10 ms of CPU time (it is spinning, not still starting up),
 * within 5 s, instead of sleeping a fixed time and hoping. */
static void wait_spinning(pid_t pid, pid_t tid)
{
    long a = pc_thread_cpu_ms(pid, tid), b = a;
    assert_true(a >= 0);
    for (int i = 0; i < 500 && b < a + 10; i++) {
        msleep(10);
        b = pc_thread_cpu_ms(pid, tid);
        assert_true(b >= 0);
    }
    if (b < a + 10)
        fail_msg("thread %d used %ld ms of CPU in 5 s: not spinning", (int)tid, b - a);
}

/* ---------------------------------------------------------------- native */

static void test_native(void **state)
{
    struct fx *f = *state;
    snprintf(f->bin, sizeof f->bin, "%s/fx_native", f->dir);
    char *cc[] = { "gcc", "-g", "-O2", "-pthread", "-o", f->bin, f->src, NULL };
    assert_int_equal(run_cmd(cc), 0);

    char *argv[] = { f->bin, NULL };
    pid_t pid = spawn(f, argv);
    assert_true(pid > 0);
    long tid = read_tid(f, 10000);
    assert_true(tid > 0);
    assert_true(tid != pid);
    wait_spinning(pid, (pid_t)tid);

    uint64_t pcs[NSAMPLES];
    memset(pcs, 0, sizeof pcs);
    int n = pc_sample_native(pid, (pid_t)tid, NSAMPLES, 20000, pcs);
    assert_int_equal(n, NSAMPLES);
    assert_not_stopped_or_traced(pid, (pid_t)tid);
    assert_not_stopped_or_traced(pid, pid);
    for (int i = 0; i < n; i++) {
        struct pc_sym s;
        assert_int_equal(pc_symbolize_pid(pid, pcs[i], &s), 0);
        assert_true(s.pc == pcs[i]);
        check_sym(f, &s);
    }
    assert_cpu_rises(pid, (pid_t)tid);

    /* a second round works (nothing left traced) */
    assert_int_equal(pc_sample_native(pid, (pid_t)tid, 2, 0, pcs), 2);
    assert_not_stopped_or_traced(pid, (pid_t)tid);

    /* the main thread is in pause(): sampling it works and leaves it alone */
    assert_int_equal(pc_sample_native(pid, pid, 1, 0, pcs), 1);
    assert_not_stopped_or_traced(pid, pid);
}

static void test_native_errors(void **state)
{
    (void)state;
    uint64_t pc;
    /* not a thread of ours */
    errno = 0;
    assert_int_equal(pc_sample_native(getpid(), 999999999, 1, 0, &pc), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(pc_sample_native(1, 1, -1, 0, &pc), -1);
    assert_int_equal(pc_thread_cpu_ms(getpid(), 999999999), -1);
    assert_true(pc_thread_cpu_ms(getpid(), getpid()) >= 0);
    struct pc_sym s;
    assert_int_equal(pc_symbolize_elf("/nonexistent/elf", 0x1000, &s), -1);
    /* symbolising our own code works */
    assert_int_equal(pc_symbolize_pid(getpid(), (uint64_t)(uintptr_t)&test_native_errors, &s), 0);
    assert_string_equal(s.function, "test_native_errors");
    assert_true(strstr(s.file, "test_pc.c") != NULL);
}

/* -------------------------------------------------------------- qemu-user */

static void run_qemu_case(struct fx *f, const char *arch, const char *cross_cc)
{
    char qemu[64];
    snprintf(qemu, sizeof qemu, "qemu-%s", arch);
    if (!find_in_path(qemu) || !find_in_path(cross_cc)) {
        print_message("SKIP: %s case: %s not installed\n", arch,
                      !find_in_path(qemu) ? qemu : cross_cc);
        skip();
        return;
    }
    snprintf(f->bin, sizeof f->bin, "%s/fx_%s", f->dir, arch);
    char *cc[] = { (char *)cross_cc, "-g", "-O2", "-no-pie", "-static", "-pthread",
                   "-o", f->bin, f->src, NULL };
    assert_int_equal(run_cmd(cc), 0);

    /* The gdbstub listens on a unix socket in this test's private directory
     * (as hvsim's native engine does): no TCP port to pick, so no window
     * between finding a free port and qemu binding it in which another
     * process takes it (or we connect to someone else's listener). */
    char sock[128];
    snprintf(sock, sizeof sock, "%s/gdb", f->dir);
    char *argv[] = { qemu, "-g", sock, f->bin, NULL };
    pid_t pid = spawn(f, argv);
    assert_true(pid > 0);

    char err[256] = "";
    f->gdb = pc_gdb_connect_unix(sock, arch, 10000, err, sizeof err);
    if (!f->gdb) print_message("pc_gdb_connect_unix: %s\n", err);
    assert_non_null(f->gdb);
    long tid = read_tid(f, 20000);
    assert_true(tid > 0);
    wait_spinning(pid, (pid_t)tid);

    assert_int_equal(pc_gdb_thread_count(f->gdb), 2);
    assert_int_equal(pc_gdb_thread_tid(f->gdb, 0), pid); /* main = qemu pid */
    assert_int_equal(pc_gdb_thread_tid(f->gdb, 1), tid); /* host tid */

    uint64_t pcs[NSAMPLES];
    memset(pcs, 0, sizeof pcs);
    int n = pc_gdb_sample(f->gdb, 1, NSAMPLES, 20000, pcs);
    assert_int_equal(n, NSAMPLES);
    for (int i = 0; i < n; i++) {
        struct pc_sym s;
        assert_int_equal(pc_symbolize_elf(f->bin, pcs[i], &s), 0);
        check_sym(f, &s);
    }
    /* the main thread (in pause) is somewhere else */
    uint64_t mpc = 0;
    assert_int_equal(pc_gdb_sample(f->gdb, 0, 1, 0, &mpc), 1);
    struct pc_sym ms;
    pc_symbolize_elf(f->bin, mpc, &ms);
    assert_string_not_equal(ms.function, SPIN_FUNC);
    /* any thread */
    assert_int_equal(pc_gdb_sample(f->gdb, -1, 2, 1000, pcs), 2);
    assert_int_equal(pc_gdb_sample(f->gdb, 5, 1, 0, pcs), -1);

    assert_cpu_rises(pid, (pid_t)tid);

    /* detach: the program keeps running, untouched by our signal */
    pc_gdb_close(f->gdb);
    f->gdb = NULL;
    /* it is still running well after the close (CPU time rose by 30 ms,
     * which takes at least 30 ms), and still alive */
    assert_cpu_rises(pid, (pid_t)tid);
    assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
}

static void test_qemu_aarch64(void **state)
{
    run_qemu_case(*state, "aarch64", "aarch64-linux-gnu-gcc");
}

static void test_qemu_riscv64(void **state)
{
    run_qemu_case(*state, "riscv64", "riscv64-linux-gnu-gcc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_native_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_native, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qemu_aarch64, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qemu_riscv64, setup, teardown),
    };
    return cmocka_run_group_tests_name("pc", tests, NULL, NULL);
}
