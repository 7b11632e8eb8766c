/* sim/build/fndelay.h — building `delay at entry|return of F` and
 * `delay at FILE:LINE` (scenario, issue 18) into the participants:
 * which files get -finstrument-functions, and the table of resolved
 * addresses linked into each binary (sim/runtime/common/fn_delay.h). */
#ifndef HVSIM_FNDELAY_H
#define HVSIM_FNDELAY_H

#include <stddef.h>
#include "config/runcfg.h"

/* Nonzero when SRC (a file of the code under test) must be instrumented:
 * its text names a delayed function, or it is a FILE of a FILE:LINE. */
int fndelay_instruments(const struct hvsim_runcfg *c, const char *src);
/* Write the C source of the table for the binary BIN (NULL: a placeholder
 * of the same size, for the first link).  Bit i of *found is set for every
 * delay point resolved in BIN.  0 ok; -1 with a reason in err. */
int fndelay_write_table(const struct hvsim_runcfg *c, const char *bin, const char *out_c,
                        unsigned *found, char *err, size_t errlen);
/* After every binary of the build: -1 with "scenario:line:col: …" in err
 * for the first delay point no binary holds. */
int fndelay_check_found(const struct hvsim_runcfg *c, unsigned found, char *err, size_t errlen);

#endif
