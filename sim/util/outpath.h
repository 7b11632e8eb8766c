/* sim/util/outpath.h — check an output path before any build or run.
 *
 * A matrix that cannot write its reports used to find out after minutes of
 * work.  Every command checks each output option first and stops with exit 2
 * and "OPTION PATH: reason" (strerror) when it cannot be written. */
#ifndef HVSIM_OUTPATH_H
#define HVSIM_OUTPATH_H

#include <stddef.h>

/* A file to be written: it exists and can be opened for writing, or it can
 * be created (it is then removed again).  A directory is refused.  0 ok; -1
 * with "reason" in err. */
int outpath_check_file(const char *path, char *err, size_t errlen);
/* A directory to write into: created (with its parents) when missing, a
 * probe file created in it and removed, and what was created removed again.
 * 0 ok; -1 with "reason". */
int outpath_check_dir(const char *dir, char *err, size_t errlen);

#endif
