/* sim/build/code_record.h — which code a run built, recorded in its result
 * JSON (evidence.code) so that `hvsim replay` rebuilds exactly that code, or
 * refuses: a replay that is not of the same code is worse than none.
 *
 * Recorded: the user's --hv/--backend sources, --hv-lib/--backend-lib
 * libraries and the headers beside them or in -I directories (the files the
 * build cache key covers), each with its SHA-256; -I directories; extra
 * compiler flags.  With none of them the run built hvsim's own hv/ and
 * backend/: "reference": true. */
#ifndef HVSIM_CODE_RECORD_H
#define HVSIM_CODE_RECORD_H

#include "config/runcfg.h"
#include <jansson.h>
#include <stddef.h>

/* SHA-256 of a file's bytes as 64 lower-case hex digits.  0 ok, -1 errno. */
int code_sha256_file(const char *path, char hex[65]);

/* New reference: the "code" object for c. */
json_t *code_record_json(const struct hvsim_runcfg *c);

/* Put the recorded code into c (sources, libraries, include directories,
 * flags; replacing what c had) after checking every recorded file is there
 * with the recorded hash.
 *   0   ok (also for a reference record);
 *  -1   the record is malformed (err says which field);
 *  -2   a file is missing or changed: err = "PATH: missing (…)" or
 *       "PATH: changed since the failure was recorded (sha256 A…, now B…)".
 * With allow_changed a changed file is taken as it is now (err then lists
 * them, "" if none) — a missing one still refuses. */
int code_record_apply(json_t *rec, struct hvsim_runcfg *c, int allow_changed, char *err, size_t errlen);

#endif
