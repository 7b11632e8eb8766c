/* sim/report/report.h — report writers for hvsim report.json (schema
 * "hvsim-report" version 1, see docs/report-schema.md).
 *
 * All writers take the parsed report object (jansson) and never modify it.
 * Missing optional fields are tolerated; the writers only require what
 * report_validate() checks.
 */
#ifndef HVSIM_REPORT_H
#define HVSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define REPORT_SCHEMA_NAME    "hvsim-report"
#define REPORT_SCHEMA_VERSION 1
/* Largest N in a "K/N" shard label.  A matrix has a few hundred cells, so
 * more shards than this is a typo; bounding it keeps merge from sizing a
 * table by an untrusted number read from report.json. */
#define REPORT_SHARD_MAX      4096

/* Check the fields the writers and merge rely on: schema/version, a "cells"
 * array of objects each with a string "id" and "verdict", unique ids.
 * 0 ok, -1 + message in err. */
int report_validate(json_t *report, char *err, size_t errlen);

/* Load and validate a report file.  JSON syntax errors are reported as
 * "file:line:col: text"; schema errors as "file: what is wrong".
 * Returns a new reference or NULL + message. */
json_t *report_load(const char *path, char *err, size_t errlen);

/* Write summary.md, junit.xml, index.html, report.sarif into outdir (created if missing)
 * from the report object.  0 ok, -1 + message. */
int report_write_all(json_t *report, const char *outdir, char *err, size_t errlen);
int report_write_summary_md(json_t *report, FILE *f);
int report_write_junit(json_t *report, FILE *f);
int report_write_html(json_t *report, FILE *f);
/* SARIF 2.1.0 (report.sarif): one rule per verdict kind, one result per
 * non-PASS cell at its file:line, level error (unexpected) / note
 * (expected failure).  report_to_sarif returns a new reference. */
json_t *report_to_sarif(json_t *report);
int report_write_sarif(json_t *report, FILE *f);

/* Merge shard reports (same schema) into one; cells concatenated and sorted
 * by id, duplicates by id are an error.  Returns a new reference or NULL +
 * message. */
json_t *report_merge(json_t *const *shards, size_t n, char *err, size_t errlen);

/* The status of a cell: its "status" field if present and valid, otherwise
 * derived from verdict and expected ("ok", "expected-failure", "unexpected"). */
const char *report_cell_status(json_t *cell);

/* Short verdict used in tables: PASS, HANG, WRONG, LOST, CRASH, TIMEOUT,
 * DEADLOCK, LIVELOCK, RACE, BUILD; unknown verdicts are returned as is. */
const char *report_verdict_short(const char *verdict);

/* CLI entry points (argv[0] = "report" / "merge").
 *   hvsim report REPORT.json [--out DIR]
 *   hvsim merge -o OUT.json A.json B.json... [--out DIR]
 * Exit status: 0 ok, 1 output could not be written, 2 bad usage/input
 * (message "file: what is wrong" on stderr). */
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
