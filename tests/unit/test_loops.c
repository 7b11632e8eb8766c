/* tests/unit/test_loops.c — the static hoisted-load oracle (sim/evidence).
 *
 * A fixture C file (embedded below) is compiled at test time, into a mkdtemp
 * directory removed afterwards, by gcc and clang (x86_64) and by the aarch64 /
 * riscv64 cross compilers, at -O0 and -O2.  The plain wait loop must lose its
 * load at -O2 (has_shared_load 0) and keep it at -O0; the volatile one keeps it
 * everywhere.  A cross case whose compiler is missing is skipped with a
 * message. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "evidence/loops.h"
#include "evidence/loops_int.h"

extern char **environ;

static const char fixture_src[] =
    "#include <stdint.h>\n"
    "struct page { uint64_t pad[4]; uint64_t flag[32]; };\n"
    "void relax_hook(void);\n"
    "__attribute__((noinline)) uint64_t wait_plain(struct page *p, int cpu, uint64_t old)\n"
    "{\n"
    "    while (p->flag[cpu] == old) { /* LOOP_PLAIN */\n"
    "    }\n"
    "    return p->flag[cpu];\n"
    "}\n"
    "__attribute__((noinline)) uint64_t wait_volatile(struct page *p, int cpu, uint64_t old)\n"
    "{\n"
    "    while (*(volatile uint64_t *)&p->flag[cpu] == old) { /* LOOP_VOLATILE */\n"
    "    }\n"
    "    return p->flag[cpu];\n"
    "}\n"
    "__attribute__((noinline)) uint64_t wait_call(struct page *p, int cpu, uint64_t old)\n"
    "{\n"
    "    while (p->flag[cpu] == old) /* LOOP_CALL */\n"
    "        relax_hook();\n"
    "    return p->flag[cpu];\n"
    "}\n"
    "__attribute__((noinline)) uint64_t wait_barrier(struct page *p, int cpu, uint64_t old)\n"
    "{\n"
    "    while (p->flag[cpu] == old) /* LOOP_BARRIER */\n"
    "        __asm__ volatile(\"\" ::: \"memory\");\n"
    "    return p->flag[cpu];\n"
    "}\n"
    "__attribute__((noinline)) int wait_nested(struct page *p, int n)\n"
    "{\n"
    "    int s = 0;\n"
    "    for (int i = 0; i < n; i++) {\n"
    "        while (p->flag[i & 31] == 0) { /* LOOP_NESTED */\n"
    "        }\n"
    "        s += i;\n"
    "    }\n"
    "    return s;\n"
    "}\n"
    "int main(void)\n"
    "{\n"
    "    static struct page pg;\n"
    "    pg.flag[1] = 1;\n"
    "    return (int)(wait_plain(&pg, 1, 0) + wait_volatile(&pg, 1, 0) + wait_call(&pg, 1, 0) +\n"
    "                 wait_barrier(&pg, 1, 0)) + wait_nested(&pg, 0);\n"
    "}\n";

/* in its own file so the compiler cannot see that it touches no memory */
static const char hook_src[] = "void relax_hook(void) { }\n";

static char tmpdir[] = "/tmp/hvsim_test_loops_XXXXXX";
static char fixture_path[512], hook_path[512];

static int line_of(const char *marker)
{
    const char *p = strstr(fixture_src, marker);
    assert_non_null(p);
    int line = 1;
    for (const char *c = fixture_src; c < p; c++)
        line += *c == '\n';
    return line;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(fixture_path, sizeof fixture_path, "%s/loops_fx.c", tmpdir);
    snprintf(hook_path, sizeof hook_path, "%s/loops_hook.c", tmpdir);
    return write_file(fixture_path, fixture_src) || write_file(hook_path, hook_src);
}

static int teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* run argv quietly; exit status, or -1 if it could not be started */
static int run(const char *const *argv)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int have_tool(const char *tool)
{
    const char *argv[] = { tool, "--version", NULL };
    return run(argv) == 0;
}

/* compile the fixture; returns 0, or 1 = skip (message printed) */
static int build(const char *cc, const char *target, const char *opt, char *out, size_t outlen)
{
    /* Skipped (CMocka skip(), reported as SKIPPED, not PASSED) only for the
     * missing thing itself: the compiler, or clang's cross sysroot.  Any
     * other build failure fails the test. */
    if (!have_tool(cc)) {
        print_message("SKIP: compiler %s not installed\n", cc);
        skip();
    }
    if (target) {
        char sysroot[128];
        snprintf(sysroot, sizeof sysroot, "/usr/%s/include", target + 9);
        if (access(sysroot, R_OK) != 0) {
            print_message("SKIP: no cross sysroot %s for clang %s\n", sysroot, target);
            skip();
        }
    }
    snprintf(out, outlen, "%s/fx_%s%s%s%s", tmpdir, cc, target ? "_" : "",
             target ? target + 9 : "", opt);
    char tflag[64] = "";
    if (target)
        snprintf(tflag, sizeof tflag, "%s", target);
    const char *argv[12];
    int k = 0;
    argv[k++] = cc;
    if (target)
        argv[k++] = tflag;
    argv[k++] = "-g";
    argv[k++] = opt;
    argv[k++] = "-o";
    argv[k++] = out;
    argv[k++] = fixture_path;
    argv[k++] = hook_path;
    argv[k] = NULL;
    int rc = run(argv);
    if (rc != 0)
        fail_msg("%s %s %s: building the fixture failed (status %d)", cc, target ? target : "", opt,
                 rc);
    return 0;
}

static const struct loop_info *find_loop(const struct loop_info *v, size_t n, const char *fn,
                                         int innermost)
{
    const struct loop_info *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(v[i].function, fn, strlen(fn)) != 0)
            continue;
        if (!best || (innermost ? v[i].end - v[i].start < best->end - best->start
                                : v[i].end - v[i].start > best->end - best->start))
            best = &v[i];
    }
    return best;
}

/* clang --target=powerpc64le puts an empty-bodied wait's `b .` on the line
 * of the `return` after it (DWARF says line 8 for a loop written on line 6):
 * for that build the loop's line may lie up to 2 lines after its marker. */
static int line_slack;

static void check_loop(const struct loop_info *v, size_t n, const char *fn, const char *marker,
                       int want_shared)
{
    const struct loop_info *l = find_loop(v, n, fn, 1);
    if (!l)
        fail_msg("no loop found in %s", fn);
    if (l->has_shared_load != want_shared)
        fail_msg("%s: has_shared_load %d, want %d\n%s", fn, l->has_shared_load, want_shared,
                 l->disasm);
    assert_true(l->start <= l->end);
    size_t fl = strlen(l->file);
    assert_true(fl >= 10 && !strcmp(l->file + fl - 10, "loops_fx.c"));
    if (l->line < line_of(marker) || l->line > line_of(marker) + line_slack)
        fail_msg("%s: loop line %d, want %d (%s)\n%s", fn, l->line, line_of(marker), marker,
                 l->disasm);
    assert_non_null(strstr(l->disasm, ": "));
    if (want_shared)
        assert_non_null(strstr(l->disasm, "  <-- load"));
}

/* has_exit of the plain wait at -O2, when known for the build: clang x86_64
 * folds it to `jmp .` (no exit); -1 = not checked */
static int plain_o2_exit = -1;

/* one build: plain / volatile (and, at -O2, the barrier and call variants) */
static void check_build(const char *cc, const char *target, const char *arch, const char *opt)
{
    char bin[600], err[256] = "";
    if (build(cc, target, opt, bin, sizeof bin))
        return;
    const char *fns[] = { "wait_plain", "wait_volatile", "wait_call", "wait_barrier",
                          "wait_nested", NULL };
    struct loop_info *v = NULL;
    size_t n = 0;
    if (loops_analyze(bin, arch, fns, NULL, &v, &n, err, sizeof err) != 0)
        fail_msg("loops_analyze(%s): %s", bin, err);
    int o0 = !strcmp(opt, "-O0");
    check_loop(v, n, "wait_plain", "LOOP_PLAIN", o0);
    check_loop(v, n, "wait_volatile", "LOOP_VOLATILE", 1);
    check_loop(v, n, "wait_barrier", "LOOP_BARRIER", 1);
    check_loop(v, n, "wait_nested", "LOOP_NESTED", o0);
    /* loops that re-read memory can end; the -O0 plain one too */
    assert_int_equal(find_loop(v, n, "wait_volatile", 1)->has_exit, 1);
    assert_int_equal(find_loop(v, n, "wait_barrier", 1)->has_exit, 1);
    if (o0)
        assert_int_equal(find_loop(v, n, "wait_plain", 1)->has_exit, 1);
    else if (plain_o2_exit >= 0 && find_loop(v, n, "wait_plain", 1)->has_exit != plain_o2_exit)
        fail_msg("wait_plain -O2: has_exit %d, want %d\n%s", find_loop(v, n, "wait_plain", 1)->has_exit,
                 plain_o2_exit, find_loop(v, n, "wait_plain", 1)->disasm);
    const struct loop_info *c = find_loop(v, n, "wait_call", 1);
    assert_non_null(c);
    assert_int_equal(c->has_exit, 1);
    assert_int_equal(c->has_call, 1);
    assert_int_equal(c->has_shared_load, 1);
    /* wait_nested: both loops reported; where the compiler keeps the inner
     * loop inside the outer one's address range (-O0; gcc also at -O2),
     * the outer range contains the inner one.  clang -O2 moves the hoisted
     * spin after the function's ret. */
    const struct loop_info *in = find_loop(v, n, "wait_nested", 1);
    const struct loop_info *out = find_loop(v, n, "wait_nested", 0);
    assert_true(in != out);
    if (o0 || strstr(cc, "gcc"))
        assert_true(out->start <= in->start && in->end <= out->end);
    loops_free(v, n);
}

static void test_x86_gcc(void **state)
{
    (void)state;
    check_build("gcc", NULL, "x86_64", "-O0");
    check_build("gcc", NULL, "x86_64", "-O2");
}

static void test_x86_clang(void **state)
{
    (void)state;
    check_build("clang", NULL, "x86_64", "-O0");
    plain_o2_exit = 0; /* `jmp .`: the comparison folded away, no exit */
    check_build("clang", NULL, "x86_64", "-O2");
    plain_o2_exit = -1;
}

static void test_aarch64_gcc(void **state)
{
    (void)state;
    check_build("aarch64-linux-gnu-gcc", NULL, "aarch64", "-O0");
    check_build("aarch64-linux-gnu-gcc", NULL, "aarch64", "-O2");
}

static void test_riscv64_gcc(void **state)
{
    (void)state;
    check_build("riscv64-linux-gnu-gcc", NULL, "riscv64", "-O0");
    check_build("riscv64-linux-gnu-gcc", NULL, "riscv64", "-O2");
}

static void test_cross_clang(void **state)
{
    (void)state;
    check_build("clang", "--target=aarch64-linux-gnu", "aarch64", "-O2");
    check_build("clang", "--target=riscv64-linux-gnu", "riscv64", "-O2");
    line_slack = 2;
    check_build("clang", "--target=powerpc64le-linux-gnu", "ppc64le", "-O2");
    line_slack = 0;
}

static void test_ppc64le_gcc(void **state)
{
    (void)state;
    check_build("powerpc64le-linux-gnu-gcc", NULL, "ppc64le", "-O0");
    check_build("powerpc64le-linux-gnu-gcc", NULL, "ppc64le", "-O2");
}

static void test_ppc64_classify(void **state)
{
    (void)state;
    uint64_t t = 0;
    assert_int_equal(ppc64_classify("ld", "r9,0(r9)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(ppc64_classify("ldx", "r9,r3,r9", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(ppc64_classify("lwz", "r9,40(r31)", &t), IN_LOAD | IN_FPBASE);
    assert_int_equal(ppc64_classify("ld", "r31,-8(r1)", &t), IN_LOAD);
    assert_int_equal(ppc64_classify("lfd", "f1,8(r4)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(ppc64_classify("lwarx", "r9,0,r3", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(ppc64_classify("li", "r3,1", &t), 0);
    assert_int_equal(ppc64_classify("lis", "r3,4096", &t), 0);
    assert_int_equal(ppc64_classify("lwsync", "", &t), 0);
    assert_int_equal(ppc64_classify("std", "r3,32(r31)", &t), 0);
    assert_int_equal(ppc64_classify("beq", "10000d10 <wait_for_response+0x10>", &t), IN_BRANCH);
    assert_int_equal(t, 0x10000d10);
    assert_int_equal(ppc64_classify("bne-", "cr7,100010a0 <f+0x20>", &t), IN_BRANCH);
    assert_int_equal(t, 0x100010a0);
    assert_int_equal(ppc64_classify("bdnz", "10000ea0 <f+0x170>", &t), IN_BRANCH);
    assert_int_equal(ppc64_classify("b", "10000e20 <f+0x30>", &t), IN_BRANCH | IN_NOFALL);
    assert_int_equal(t, 0x10000e20);
    assert_int_equal(ppc64_classify("bl", "10002768 <hvsim_bridge+0x8>", &t), IN_CALL);
    assert_int_equal(ppc64_classify("bctrl", "", &t), IN_CALL);
    assert_int_equal(ppc64_classify("blr", "", &t), IN_NOFALL);
    assert_int_equal(ppc64_classify("bctr", "", &t), IN_NOFALL);
    assert_int_equal(ppc64_classify("bnelr", "", &t), 0); /* conditional return: falls through */
    assert_int_equal(ppc64_classify("blt", "10000ea0 <f+0x170>", &t), IN_BRANCH); /* not "bl" */
}

/* functions == NULL: file filter, auto-detected arch, many functions (riscv:
 * one objdump run for the whole file) */
static void test_file_filter(void **state)
{
    (void)state;
    static const struct {
        const char *cc, *arch;
    } cases[] = { { "gcc", "x86_64" }, { "riscv64-linux-gnu-gcc", "riscv64" } };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char bin[600], err[256];
        if (build(cases[c].cc, NULL, "-O2", bin, sizeof bin))
            continue;
        struct loop_info *v = NULL;
        size_t n = 0;
        assert_int_equal(loops_analyze(bin, NULL, NULL, "loops_fx.c", &v, &n, err, sizeof err), 0);
        assert_true(n >= 5);
        for (size_t i = 0; i < n; i++)
            assert_non_null(strstr(v[i].file, "loops_fx.c"));
        check_loop(v, n, "wait_plain", "LOOP_PLAIN", 0);
        check_loop(v, n, "wait_volatile", "LOOP_VOLATILE", 1);
        loops_free(v, n);
        /* no filter: every function */
        assert_int_equal(loops_analyze(bin, cases[c].arch, NULL, NULL, &v, &n, err, sizeof err), 0);
        check_loop(v, n, "wait_plain", "LOOP_PLAIN", 0);
        check_loop(v, n, "wait_volatile", "LOOP_VOLATILE", 1);
        loops_free(v, n);
        assert_int_equal(loops_analyze(bin, NULL, NULL, "no_such_file.c", &v, &n, err, sizeof err),
                         0);
        assert_int_equal(n, 0);
        loops_free(v, n);
    }
}

static void test_disasm_function_and_json(void **state)
{
    (void)state;
    char bin[600], err[256];
    if (build("gcc", NULL, "-O2", bin, sizeof bin))
        return;
    char *s = loops_disasm_function(bin, "x86_64", "wait_volatile", err, sizeof err);
    if (!s)
        fail_msg("loops_disasm_function: %s", err);
    assert_non_null(strstr(s, "loops_fx.c:"));
    assert_non_null(strstr(s, "/* LOOP_VOLATILE */"));
    assert_non_null(strstr(s, "  <-- load"));
    assert_non_null(strstr(s, "ret"));
    /* the back edge carries the oracle's word for its loop */
    assert_non_null(strstr(s, "<== loop back (re-reads memory)"));
    assert_null(strstr(s, "<== loop back: NO load"));
    free(s);
    s = loops_disasm_function(bin, "x86_64", "wait_plain", err, sizeof err);
    if (!s)
        fail_msg("loops_disasm_function: %s", err);
    assert_non_null(strstr(s, "<== loop back: NO load inside"));
    assert_null(strstr(s, "(re-reads memory)"));
    free(s);
    assert_null(loops_disasm_function(bin, "x86_64", "no_such_function", err, sizeof err));
    assert_non_null(strstr(err, "no_such_function"));

    const char *fns[] = { "wait_plain", NULL };
    struct loop_info *v = NULL;
    size_t n = 0;
    assert_int_equal(loops_analyze(bin, "x86_64", fns, NULL, &v, &n, err, sizeof err), 0);
    assert_true(n >= 1);
    json_t *j = loops_to_json(&v[0]);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "function")), v[0].function);
    assert_string_equal(json_string_value(json_object_get(j, "file")), v[0].file);
    assert_int_equal(json_integer_value(json_object_get(j, "line")), v[0].line);
    assert_int_equal(json_integer_value(json_object_get(j, "start")), (json_int_t)v[0].start);
    assert_int_equal(json_integer_value(json_object_get(j, "end")), (json_int_t)v[0].end);
    assert_true(json_is_false(json_object_get(j, "has_shared_load")));
    assert_true(json_is_false(json_object_get(j, "has_call")));
    assert_int_equal(json_integer_value(json_object_get(j, "nloads")), v[0].nloads);
    assert_string_equal(json_string_value(json_object_get(j, "disasm")), v[0].disasm);
    json_decref(j);
    loops_free(v, n);
}

static void test_errors(void **state)
{
    (void)state;
    char err[256] = "";
    struct loop_info *v = (void *)1;
    size_t n = 7;
    assert_int_equal(loops_analyze("/nonexistent/hvsim.elf", "x86_64", NULL, NULL, &v, &n, err,
                                   sizeof err),
                     -1);
    assert_non_null(strstr(err, "/nonexistent/hvsim.elf"));
    assert_null(strchr(err, '\n'));
    assert_null(v);
    assert_int_equal(n, 0);

    err[0] = 0; /* not ELF */
    assert_int_equal(loops_analyze(fixture_path, "x86_64", NULL, NULL, &v, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an ELF"));

    char bin[600];
    if (build("gcc", NULL, "-O0", bin, sizeof bin))
        return;
    err[0] = 0; /* wrong arch */
    assert_int_equal(loops_analyze(bin, "aarch64", NULL, NULL, &v, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "x86_64"));
    err[0] = 0;
    assert_int_equal(loops_analyze(bin, "mips", NULL, NULL, &v, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "mips"));
    err[0] = 0; /* unknown function */
    const char *fns[] = { "wait_plain", "no_such_function", NULL };
    assert_int_equal(loops_analyze(bin, "x86_64", fns, NULL, &v, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "no_such_function"));
    assert_null(loops_disasm_function("/nonexistent/x", NULL, "main", err, sizeof err));
    loops_free(NULL, 0);
}

static void test_riscv_classify(void **state)
{
    (void)state;
    uint64_t t = 0;
    assert_int_equal(riscv_classify("ld", "a5,32(a0)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(riscv_classify("lw", "a5,-28(s0)", &t), IN_LOAD | IN_FPBASE);
    assert_int_equal(riscv_classify("ld", "ra,24(sp)", &t), IN_LOAD);
    assert_int_equal(riscv_classify("lbu", "a0,0(a1)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(riscv_classify("flw", "fa0,0(a1)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(riscv_classify("lr.w.aq", "a5,(a0)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(riscv_classify("amoadd.w", "a5,a4,(a0)", &t), IN_LOAD | IN_SHARED);
    assert_int_equal(riscv_classify("li", "a0,1", &t), 0);
    assert_int_equal(riscv_classify("lui", "a0,0x12", &t), 0);
    assert_int_equal(riscv_classify("sd", "a0,8(a1)", &t), 0);
    assert_int_equal(riscv_classify("beq", "a0,a2,668 <wait_plain+0x8>", &t), IN_BRANCH);
    assert_int_equal(t, 0x668);
    assert_int_equal(riscv_classify("bnez", "a5,10610 <f+0x10>", &t), IN_BRANCH);
    assert_int_equal(t, 0x10610);
    assert_int_equal(riscv_classify("j", "600 <f>", &t), IN_BRANCH | IN_NOFALL);
    assert_int_equal(t, 0x600);
    assert_int_equal(riscv_classify("jal", "660 <wait_plain>", &t), IN_CALL);
    assert_int_equal(riscv_classify("jalr", "a5", &t), IN_CALL);
    assert_int_equal(riscv_classify("ret", "", &t), IN_NOFALL);
    assert_int_equal(riscv_classify("jr", "a5", &t), IN_NOFALL);
}

/* rbp/x29/s0-based loads are stack loads only if the function sets up a frame pointer */
static void test_frame_fixup(void **state)
{
    (void)state;
    struct insn v[3] = { { .text = "push rbp" },
                         { .text = "mov rbp, rsp" },
                         { .text = "mov rax, qword ptr [rbp - 8]", .flags = IN_LOAD | IN_FPBASE } };
    frame_fixup(LA_X86_64, v, 3);
    assert_int_equal(v[2].flags, IN_LOAD | IN_FPBASE);
    frame_fixup(LA_X86_64, v + 2, 1); /* no `mov rbp, rsp`: rbp is a plain register */
    assert_int_equal(v[2].flags, IN_LOAD | IN_FPBASE | IN_SHARED);
    struct insn r[2] = { { .text = "add s0,sp,48" },
                         { .text = "ld a5,-24(s0)", .flags = IN_LOAD | IN_FPBASE } };
    frame_fixup(LA_RISCV64, r, 2);
    assert_int_equal(r[1].flags, IN_LOAD | IN_FPBASE);
    struct insn a[2] = { { .text = "mov x29, sp" },
                         { .text = "ldr x0, [x29, #0x18]", .flags = IN_LOAD | IN_FPBASE } };
    frame_fixup(LA_AARCH64, a, 2);
    assert_int_equal(a[1].flags, IN_LOAD | IN_FPBASE);
    frame_fixup(LA_AARCH64, a + 1, 1);
    assert_int_equal(a[1].flags, IN_LOAD | IN_FPBASE | IN_SHARED);
}

/* a backward jump to a shared epilogue that returns is no loop; a real one is */
static void test_loopfind_synthetic(void **state)
{
    (void)state;
    struct insn v[] = {
        { .addr = 0x10, .text = "add rsp, 8" },
        { .addr = 0x14, .text = "pop rbx", .flags = IN_LOAD },
        { .addr = 0x15, .text = "ret", .flags = IN_LOAD | IN_NOFALL },
        { .addr = 0x16, .text = "mov eax, 1" },
        { .addr = 0x18, .text = "jmp 0x10", .flags = IN_BRANCH | IN_NOFALL, .target = 0x10 },
        { .addr = 0x20, .text = "cmp rax, rdx" },
        { .addr = 0x23, .text = "je 0x20", .flags = IN_BRANCH, .target = 0x20 },
        { .addr = 0x25, .text = "jmp 0x25", .flags = IN_BRANCH | IN_NOFALL, .target = 0x25 },
        { .addr = 0x27, .text = "jmp 0x0", .flags = IN_BRANCH | IN_NOFALL, .target = 0x0 },
    };
    char name[] = "f";
    struct lfunc f = { .name = name, .addr = 0x10, .size = 0x19 };
    struct loop_info *out = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(loopfind(&f, v, sizeof v / sizeof v[0], NULL, NULL, &out, &n, &cap), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].start, 0x20);
    assert_int_equal(out[0].end, 0x23);
    assert_int_equal(out[0].has_shared_load, 0);
    assert_string_equal(out[0].disasm, "  20: cmp rax, rdx\n  23: je 0x20\n");
    assert_int_equal(out[1].start, 0x25);
    assert_int_equal(out[1].end, 0x25);
    assert_string_equal(out[1].function, "f");
    assert_string_equal(out[1].file, "");
    assert_int_equal(out[1].line, 0);
    loops_free(out, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_riscv_classify),
        cmocka_unit_test(test_ppc64_classify),
        cmocka_unit_test(test_ppc64le_gcc),
        cmocka_unit_test(test_frame_fixup),
        cmocka_unit_test(test_loopfind_synthetic),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_x86_gcc),
        cmocka_unit_test(test_x86_clang),
        cmocka_unit_test(test_aarch64_gcc),
        cmocka_unit_test(test_riscv64_gcc),
        cmocka_unit_test(test_cross_clang),
        cmocka_unit_test(test_file_filter),
        cmocka_unit_test(test_disasm_function_and_json),
    };
    return cmocka_run_group_tests_name("loops", tests, setup, teardown);
}
