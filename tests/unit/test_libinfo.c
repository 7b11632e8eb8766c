/* tests/unit/test_libinfo.c — a prebuilt library's machine (ELF object or ar
 * archive of them) and its build label, from hand-made files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build/libinfo.h"

static char dir[] = "/tmp/hvsim-libinfo.XXXXXX";

static const char *put(const char *name, const void *data, size_t n)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return p;
}

static void elf_header(unsigned char *e, unsigned machine)
{
    memset(e, 0, 64);
    memcpy(e, ELFMAG, SELFMAG);
    e[EI_CLASS] = ELFCLASS64;
    e[EI_DATA] = ELFDATA2LSB;
    e[18] = (unsigned char)(machine & 0xff);
    e[19] = (unsigned char)(machine >> 8);
}

static void machines(void **st)
{
    (void)st;
    unsigned char e[64];
    char m[64];
    elf_header(e, EM_RISCV);
    assert_int_equal(libinfo_machine(put("a.o", e, sizeof e), m, sizeof m), 0);
    assert_string_equal(m, "riscv64");
    /* an archive: a symbol-table member first, then the object */
    char ar[8 + 60 + 4 + 60 + 64];
    memset(ar, ' ', sizeof ar);
    memcpy(ar, "!<arch>\n", 8);
    memcpy(ar + 8, "/", 1);
    memcpy(ar + 8 + 48, "4", 1);
    memcpy(ar + 8 + 58, "`\n", 2);
    memcpy(ar + 68, "\0\0\0\0", 4);
    memcpy(ar + 72, "x.o/", 4);
    memcpy(ar + 72 + 48, "64", 2);
    memcpy(ar + 72 + 58, "`\n", 2);
    elf_header((unsigned char *)ar + 132, EM_X86_64);
    assert_int_equal(libinfo_machine(put("lib.a", ar, sizeof ar), m, sizeof m), 0);
    assert_string_equal(m, "x86_64");
    assert_int_equal(libinfo_machine(put("t.txt", "hello, world", 12), m, sizeof m), -1);
    assert_non_null(strstr(m, "not an ELF"));
    assert_int_equal(libinfo_machine("/nonexistent/x.a", m, sizeof m), -1);
}

static void labels(void **st)
{
    (void)st;
    char l[96];
    static const char built[] = "junk\0hvsim-build: rustc 1.95.0 opt-level=s\0/more/paths";
    assert_int_equal(libinfo_label(put("b.a", built, sizeof built), l, sizeof l), 1);
    assert_string_equal(l, "rustc 1.95.0 opt-level=s");
    static const char rust[] = "\0rustc version 1.95.0 (59807616e 2026-04-14)\0";
    assert_int_equal(libinfo_label(put("r.a", rust, sizeof rust), l, sizeof l), 0);
    assert_string_equal(l, "rustc 1.95.0, opt-level unknown");
    assert_int_equal(libinfo_label(put("c.a", "GCC: (Debian) 12", 16), l, sizeof l), 0);
    assert_string_equal(l, "gcc (Debian) 12, opt-level unknown");
    assert_int_equal(libinfo_label(put("d.a", "\x7f\x01\x02", 3), l, sizeof l), 0);
    assert_string_equal(l, "prebuilt library");
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest t[] = { cmocka_unit_test(machines), cmocka_unit_test(labels) };
    int rc = cmocka_run_group_tests(t, 0, 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
