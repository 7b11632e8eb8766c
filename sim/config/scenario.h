/* sim/config/scenario.h — scenario scripts (scenarios/NAME.hvs): the parser
 * (the device model it uses is in device_model.h).
 * The format is documented in docs/scenarios.md.
 */
#ifndef HVSIM_SCENARIO_H
#define HVSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "runcfg.h"
#include "device_model.h" /* the parser fills devices and checks reads with it */

/* Parse a scenario file into *out: runcfg_defaults() overlaid with what the
 * file says.  *out must be zeroed or a valid config: on success what it
 * owned is freed (runcfg_clear) and it owns the new lists.  Returns 0 on
 * success.  On error returns -1, leaves *out untouched and writes into err (when errlen > 0):
 *
 *     path:LINE:COL: message
 *     <the offending line>
 *     <spaces>^
 *
 * (the caret sits under COL; COL is a 1-based byte column).  A CLI that
 * loads a scenario should print err and exit with status 2. */
int scenario_load(const char *path, struct hvsim_runcfg *out, char *err, size_t errlen);

/* The same from a NUL-terminated string; 'name' is used in messages and,
 * without a 'name' line, for out->name (its basename, less ".hvs"). */
int scenario_parse_string(const char *name, const char *text, struct hvsim_runcfg *out,
                          char *err, size_t errlen);

#endif
