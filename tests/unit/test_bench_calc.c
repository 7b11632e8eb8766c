/* tests/unit/test_bench_calc.c — the parts of `hvsim bench` that need no
 * process: medians and percentiles over repeats, the matrix section's dedup
 * accounting (sim/bench/bench_matrix.c), the row table and its printed
 * format (sim/bench/bench_out.c: what `make bench` shows). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "bench/bench.h"

static void median_and_pct(void **state)
{
    (void)state;
    double odd[] = { 5, 1, 3 };
    assert_true(bench_median(odd, 3) == 3);
    double even[] = { 4, 1, 3, 2 };
    assert_true(bench_median(even, 4) == 2.5);
    assert_true(bench_median(even, 0) == 0);
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = 100 - i; /* 100..1, unsorted on purpose */
    assert_true(bench_pct(v, 100, 0.99) == 99); /* nearest rank: the 99th of 100 */
    assert_true(bench_pct(v, 100, 0.5) == 50);
    assert_true(bench_pct(v, 100, 0) == 1);
    assert_true(bench_pct(v, 0, 0.5) == 0);
}

static json_t *cell(const char *hash, int ms, int deduped)
{
    return json_pack("{s:s,s:i,s:b}", "binary_hash", hash, "time_ms", ms, "deduped", deduped);
}

/* Leaders' run time is what ran; without dedup each deduped cell costs its
 * leader's time, and one whose leader is not in the report costs nothing. */
static void matrix_dedup(void **state)
{
    (void)state;
    json_t *cells = json_array();
    json_array_append_new(cells, cell("h1", 2000, 0));
    json_array_append_new(cells, cell("h1", 0, 1));
    json_array_append_new(cells, cell("h1", 0, 1));
    json_array_append_new(cells, cell("h2", 1000, 0));
    json_array_append_new(cells, cell("h3", 0, 1));
    struct bench_dedup d;
    bench_matrix_dedup(cells, &d);
    assert_int_equal(d.cells, 5);
    assert_int_equal(d.deduped, 3);
    assert_true(d.run_s > 2.999 && d.run_s < 3.001);
    assert_true(d.run_nodedup_s > 6.999 && d.run_nodedup_s < 7.001); /* 2+2+2+1 */
    json_decref(cells);

    cells = json_array(); /* nothing deduped: the two figures agree */
    json_array_append_new(cells, cell("a", 500, 0));
    json_array_append_new(cells, cell("b", 250, 0));
    bench_matrix_dedup(cells, &d);
    assert_int_equal(d.deduped, 0);
    assert_true(d.run_s == d.run_nodedup_s);
    json_decref(cells);
}

/* Past BENCH_MAX_ROWS a row is a scratch row that is never printed. */
static void rows_bounded(void **state)
{
    (void)state;
    struct bench *b = calloc(1, sizeof *b);
    assert_non_null(b);
    for (int i = 0; i < BENCH_MAX_ROWS + 5; i++) {
        struct bench_row *r = bench_row_add(b, "det", "x", "/s");
        assert_int_equal(r->met, -1);
        r->value = i;
    }
    assert_int_equal(b->nrows, BENCH_MAX_ROWS);
    assert_true(b->rows[BENCH_MAX_ROWS - 1].value == BENCH_MAX_ROWS - 1);
    free(b);
}

/* The printed table: a ratio row with value, p99, baseline and target, an
 * absolute row with no ratio, a not-measured row with its reason, a share. */
static void print_format(void **state)
{
    (void)state;
    struct bench *b = calloc(1, sizeof *b);
    assert_non_null(b);
    struct bench_row *r = bench_row_add(b, "handshake", "round trip", "ns");
    snprintf(r->base_name, sizeof r->base_name, "raw ping-pong");
    r->value = 150, r->p99 = 400, r->base = 100, r->ratio = 1.5;
    snprintf(r->target, sizeof r->target, "<= 3x");
    r->met = 1;
    r = bench_row_add(b, "det", "points", "/s");
    r->value = 2.5e6, r->absolute = 1;
    r = bench_row_add(b, "sleeping", "wake", "ns");
    bench_row_nm(r, "not measured: %s", "no IPI sent");
    r = bench_row_add(b, "matrix", "dedup", "share");
    r->value = 0.125, r->base = 8, r->ratio = 0.875;
    char *s = 0;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    assert_non_null(f);
    bench_print_table(b, f);
    assert_int_equal(fclose(f), 0);
    char *l1 = strchr(s, '\n') + 1, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    char *l4 = strchr(l3, '\n') + 1, *l5 = strchr(l4, '\n') + 1;
    assert_memory_equal(s, "section   measure ", 18);
    assert_memory_equal(l1, "handshake round trip ", 21);
    assert_non_null(strstr(l1, "150 ns"));
    assert_non_null(strstr(l1, "400 ns"));
    assert_non_null(strstr(l1, "raw ping-pong"));
    assert_true(strstr(l1, "   1.50x  <= 3x: met\n") == l2 - strlen("   1.50x  <= 3x: met\n"));
    assert_non_null(strstr(l2, "2.5e+06/s"));
    assert_true(strstr(l2, "absolute") && strstr(l2, "absolute") < l3);
    assert_true(strncmp(l3, "sleeping  wake", 14) == 0);
    assert_true(strstr(l3, " not measured: no IPI sent\n") == l4 - strlen(" not measured: no IPI sent\n"));
    assert_true(strstr(l4, "12.5%") && strstr(l4, "12.5%") < l5);
    assert_true(strstr(l4, "   0.88x") && strstr(l4, "   0.88x") < l5);
    assert_memory_equal(l5, "(absolute rows: this machine, ", 30);
    free(s);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_and_pct),
        cmocka_unit_test(matrix_dedup),
        cmocka_unit_test(rows_bounded),
        cmocka_unit_test(print_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
