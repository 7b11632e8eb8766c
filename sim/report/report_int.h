/* sim/report/report_int.h — helpers shared by the report writers (private). */
#ifndef HVSIM_REPORT_INT_H
#define HVSIM_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* Field access with defaults; never NULL for rj_str unless def is NULL. */
const char *rj_str(json_t *o, const char *key, const char *def);
long long rj_int(json_t *o, const char *key, long long def);
int rj_is_int(json_t *o, const char *key);

/* Canonical rank of an axis value (opt, cc, arch) for ordering columns;
 * unknown values rank after the known ones. */
int rp_axis_rank(const char *axis, const char *value);

/* "seed_hang/native/x86_64/gcc/O2/plain/none/fence" -> pointer just past the
 * first '/' (the test name in JUnit); the whole id if there is none. */
const char *rp_id_rest(const char *id);

/* Is this cell run under qemu-user (platform label starts with "qemu")? */
int rp_is_qemu(json_t *cell);

/* Scenario names in order of first appearance; caller frees the array
 * (not the strings, which belong to the report). */
const char **rp_scenarios(json_t *report, size_t *n);
const char *rp_cell_scenario(json_t *cell);

/* One-line description of a verdict in plain words. */
const char *rp_verdict_words(const char *verdict);

/* Format milliseconds as "2 min 3.4 s" / "812 ms". */
void rp_fmt_ms(long long ms, char *buf, size_t len);

/* printf into err (when errlen > 0): the error texts of validation, loading,
 * writing and merging. */
void rp_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* qsort comparator of cells (json_t *) by "id". */
int rp_cmp_id(const void *a, const void *b);
#endif
