/* tests/unit/test_code_record.c — sim/build/code_record.c: SHA-256 of files
 * against the FIPS 180-2 test vectors, and the record's round trip: a
 * recorded file is put back into a runcfg; a changed one is refused (-2,
 * the file named) unless allowed; a missing one always; a reference record
 * clears user code. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "build/code_record.h"

static char dir[] = "/tmp/hvsim-code-XXXXXX";

static void put(const char *name, const char *data, size_t n, char *path)
{
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void test_sha256_vectors(void **s)
{
    (void)s;
    char p[128], hex[65];
    put("empty", "", 0, p);
    assert_int_equal(code_sha256_file(p, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    put("abc", "abc", 3, p);
    assert_int_equal(code_sha256_file(p, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    put("two", two, strlen(two), p);
    assert_int_equal(code_sha256_file(p, hex), 0);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *m = malloc(1000000); /* one million 'a': more than one read buffer */
    memset(m, 'a', 1000000);
    put("million", m, 1000000, p);
    free(m);
    assert_int_equal(code_sha256_file(p, hex), 0);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sprintf(p, "%s/none", dir);
    assert_int_equal(code_sha256_file(p, hex), -1);
}

static void test_round_trip(void **s)
{
    (void)s;
    static struct hvsim_runcfg c, d;
    char src[128], hdr[128], err[600];
    memset(&c, 0, sizeof c);
    put("h.c", "int x;\n", 7, src);
    put("h.h", "#define Y 1\n", 12, hdr);
    assert_int_equal(runcfg_list_add(&c.hv_src, &c.n_hv_src, src), 0);
    assert_int_equal(runcfg_set_str(&c.extra_cflags, "-DZ=2"), 0);
    json_t *rec = code_record_json(&c);
    assert_false(json_is_true(json_object_get(rec, "reference")));

    memset(&d, 0, sizeof d);
    assert_int_equal(code_record_apply(rec, &d, 0, err, sizeof err), 0);
    assert_int_equal(d.n_hv_src, 1);
    assert_string_equal(d.hv_src[0], src);
    assert_string_equal(d.extra_cflags, "-DZ=2");

    put("h.h", "#define Y 2\n", 12, hdr); /* the header beside the source changed */
    assert_int_equal(code_record_apply(rec, &d, 0, err, sizeof err), -2);
    assert_non_null(strstr(err, hdr));
    assert_non_null(strstr(err, "changed since the failure was recorded"));
    assert_int_equal(code_record_apply(rec, &d, 1, err, sizeof err), 0); /* allowed: listed */
    assert_string_equal(err, hdr);

    unlink(src);
    assert_int_equal(code_record_apply(rec, &d, 1, err, sizeof err), -2);
    assert_non_null(strstr(err, ": missing"));
    json_decref(rec);
    unlink(hdr);

    static struct hvsim_runcfg none; /* no user code: hvsim's reference hv/, backend/ */
    json_t *ref = code_record_json(&none);
    assert_true(json_is_true(json_object_get(ref, "reference")));
    assert_int_equal(code_record_apply(ref, &d, 0, err, sizeof err), 0);
    assert_int_equal(d.n_hv_src, 0); /* hvsim's own code again */
    json_decref(ref);

    json_t *bad = json_pack("{s:[{s:i}]}", "hv", "path", 3);
    assert_int_equal(code_record_apply(bad, &d, 0, err, sizeof err), -1);
    json_decref(bad);
    runcfg_clear(&c);
    runcfg_clear(&d);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_round_trip),
    };
    int rc = cmocka_run_group_tests(t, 0, 0);
    const char *names[] = { "empty", "abc", "two", "million" };
    for (size_t i = 0; i < 4; i++) {
        char p[128];
        sprintf(p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return rc;
}
