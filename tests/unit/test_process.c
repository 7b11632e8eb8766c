/* tests/unit/test_process.c — sim/util/process.{h,c}, process_dir.c and
 * sbuf.c: output capture, exit status, argv passed verbatim (no shell),
 * a time-out that kills and reaps the whole group, fd 3 and the environment
 * of a participant, temp dirs removed without a process. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util/process.h"
#include "util/sbuf.h"

static void no_children_left(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, 0, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* the strings sh -c used to split, unquote or expand reach the program as given */
static void argv_verbatim(void **st)
{
    (void)st;
    char *argv[] = { "printf", "[%s][%s][%s]", "a b", "it's \"q\" $HOME `x`", "semi;colon|pipe*", 0 };
    struct sbuf out = { 0 };
    assert_int_equal(proc_run(argv, &out, 10000), 0);
    assert_string_equal(sbuf_str(&out), "[a b][it's \"q\" $HOME `x`][semi;colon|pipe*]");
    sbuf_free(&out);
    no_children_left();
}

static void exit_status_and_capture(void **st)
{
    (void)st;
    struct sbuf out = { 0 };
    char *a[] = { "sh", "-c", "echo out; echo err >&2; exit 7", 0 };
    assert_int_equal(proc_run(a, &out, 10000), 7);
    assert_non_null(strstr(sbuf_str(&out), "out\n"));
    assert_non_null(strstr(sbuf_str(&out), "err\n"));
    sbuf_free(&out);
    char *k[] = { "sh", "-c", "kill -TERM $$", 0 };
    assert_int_equal(proc_run(k, 0, 10000), 128 + SIGTERM);
    /* more than a pipe's worth: the buffer grows, nothing is cut */
    char *big[] = { "head", "-c", "200000", "/dev/zero", 0 };
    assert_int_equal(proc_run(big, &out, 10000), 0);
    assert_int_equal(out.len, 200000);
    sbuf_free(&out);
    char *none[] = { "/nonexistent/hvsim-no-such-tool", 0 };
    assert_int_equal(proc_run(none, &out, 10000), PROC_NOSTART);
    assert_non_null(strstr(sbuf_str(&out), "cannot execute"));
    sbuf_free(&out);
    no_children_left();
}

/* state of pid: 0 gone or a zombie (killed), else its /proc state letter */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X' ? p[2] : 0;
}

static void wait_gone(pid_t pid)
{
    for (int i = 0; i < 200 && proc_state(pid); i++)
        usleep(10000);
    assert_int_equal(proc_state(pid), 0);
}

/* a grandchild in the background holds the output pipe: the time-out must
 * kill it too (the group), not only the child, and reap the child */
static void timeout_kills_group(void **st)
{
    (void)st;
    struct sbuf out = { 0 };
    char *a[] = { "sh", "-c", "sleep 30 & echo $!; wait", 0 };
    assert_int_equal(proc_run(a, &out, 300), PROC_TIMEOUT);
    pid_t gc = (pid_t)atoi(sbuf_str(&out));
    assert_true(gc > 0);
    wait_gone(gc);
    sbuf_free(&out);
    /* output closed, process still running: the wait after EOF is bounded too */
    char *b[] = { "sh", "-c", "exec >/dev/null 2>&1; sleep 30", 0 };
    assert_int_equal(proc_run(b, 0, 300), PROC_TIMEOUT);
    /* exits at once, leaving a process behind in its group: that one goes too */
    char *c[] = { "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!", 0 };
    assert_int_equal(proc_run(c, &out, 10000), 0);
    gc = (pid_t)atoi(sbuf_str(&out));
    assert_true(gc > 0);
    wait_gone(gc);
    sbuf_free(&out);
    no_children_left();
}

/* participants: fd 3, an added environment variable, a shared group, and
 * proc_wait's limit — through both ways of starting (fork for
 * die_with_parent, posix_spawn otherwise) */
static void participant_fd3_env_group(void **st)
{
    (void)st;
    for (int dwp = 0; dwp < 2; dwp++) {
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        char *a[] = { "sh", "-c", "printf '%s' \"$HVSIM_T\" >&3", 0 };
        pid_t pg = 0;
        struct proc pr[2];
        char err[200];
        struct proc_spec s = { .argv = a, .fd3 = p[1], .out_fd = -1, .pgid = &pg, .die_with_parent = dwp,
                               .env = "HVSIM_T=x y 'z'" };
        assert_int_equal(proc_start(&s, &pr[0], err, sizeof err), 0);
        assert_int_equal(pg, pr[0].pid);
        char *b[] = { "sleep", "30", 0 };
        struct proc_spec s2 = { .argv = b, .fd3 = -1, .out_fd = -1, .pgid = &pg, .die_with_parent = dwp };
        assert_int_equal(proc_start(&s2, &pr[1], err, sizeof err), 0);
        assert_int_equal(getpgid(pr[1].pid), pg);
        close(p[1]);
        char buf[64] = "";
        ssize_t n = read(p[0], buf, sizeof buf - 1);
        close(p[0]);
        assert_true(n > 0);
        buf[n] = 0;
        assert_string_equal(buf, "x y 'z'");
        assert_int_equal(proc_wait(&pr[0], pg, 10000, 0), 0); /* 0: the group lives on */
        assert_int_equal(proc_exit_code(pr[0].status), 0);
        assert_int_equal(proc_wait(&pr[1], pg, 200, 0), 1); /* sleep 30: limit, group killed */
        assert_true(pr[1].exited && WIFSIGNALED(pr[1].status));
        char *none[] = { "/nonexistent/hvsim-x", 0 };
        struct proc_spec s3 = { .argv = none, .fd3 = -1, .out_fd = -1, .die_with_parent = dwp };
        struct proc q;
        assert_int_equal(proc_start(&s3, &q, err, sizeof err), -1);
        assert_non_null(strstr(err, "cannot execute /nonexistent/hvsim-x"));
        no_children_left();
    }
}

static void in_path(void **st)
{
    (void)st;
    assert_true(proc_in_path("sh"));
    assert_false(proc_in_path("hvsim-no-such-tool-xyz"));
    assert_false(proc_in_path("/bin/sh")); /* a name, not a path */
}

static void touch(const char *dir, const char *name)
{
    struct sbuf p = { 0 };
    sbuf_printf(&p, "%s/%s", dir, name);
    FILE *f = fopen(p.s, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    sbuf_free(&p);
}

static void temp_dirs(void **st)
{
    (void)st;
    char *t = dir_make_temp(0, "hvsim-test-process");
    assert_non_null(t);
    char *outside = dir_make_temp(0, "hvsim-test-outside");
    assert_non_null(outside);
    touch(outside, "keep");
    struct sbuf d = { 0 }, l = { 0 }, k = { 0 };
    sbuf_printf(&d, "%s/a b//c'd/e/", t);
    assert_int_equal(dir_make_p(d.s, 0755), 0);
    assert_int_equal(dir_make_p(d.s, 0755), 0); /* exists: fine */
    touch(d.s, "f");
    touch(t, "g");
    /* a link to a directory outside: removed, its target is not */
    sbuf_printf(&l, "%s/a b/link", t);
    assert_int_equal(symlink(outside, l.s), 0);
    assert_int_equal(dir_remove_tree(t), 0);
    struct stat sb;
    assert_int_equal(stat(t, &sb), -1);
    sbuf_printf(&k, "%s/keep", outside);
    assert_int_equal(stat(k.s, &sb), 0);
    assert_int_equal(dir_remove_tree(t), 0); /* already gone */
    /* a file in the way */
    sbuf_free(&d);
    sbuf_printf(&d, "%s/sub", k.s);
    assert_int_equal(dir_make_p(d.s, 0755), -1);
    assert_int_equal(dir_remove_tree(outside), 0);
    sbuf_free(&d);
    sbuf_free(&l);
    sbuf_free(&k);
    free(t);
    free(outside);
}

static void sbuf_and_fmt_fit(void **st)
{
    (void)st;
    struct sbuf b = { 0 };
    assert_string_equal(sbuf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(sbuf_printf(&b, "%04d,", i), 0);
    assert_int_equal(b.len, 5000);
    assert_memory_equal(b.s + 4995, "0999,", 5);
    sbuf_free(&b);
    char s[8];
    assert_int_equal(fmt_fit(s, sizeof s, "%s", "1234567"), 0);
    assert_int_equal(fmt_fit(s, sizeof s, "%s", "12345678"), -1);
    assert_string_equal(s, "1234567");
    /* display text: a cut ends in "..." and says so */
    char w[10];
    assert_int_equal(fmt_cut(w, sizeof w, "%s", "123456789"), 0);
    assert_string_equal(w, "123456789");
    assert_int_equal(fmt_cut(w, sizeof w, "not measured: %s", "x"), -1);
    assert_string_equal(w, "not me...");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(argv_verbatim),
        cmocka_unit_test(exit_status_and_capture),
        cmocka_unit_test(timeout_kills_group),
        cmocka_unit_test(participant_fd3_env_group),
        cmocka_unit_test(in_path),
        cmocka_unit_test(temp_dirs),
        cmocka_unit_test(sbuf_and_fmt_fit),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
