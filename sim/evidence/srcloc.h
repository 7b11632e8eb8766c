/* sim/evidence/srcloc.h — source locations, one way for every output.
 *
 * A location (file:line) reaches the one-line summary, the run's JSON,
 * summary.md and index.html from DWARF (PC samples, the loop checker, det
 * hooks, crash backtraces, TSan/Helgrind reports).  DWARF records names as
 * the compiler saw them: gcc the absolute path it was given, clang a path
 * relative to the directory it ran in (DW_AT_comp_dir), which for a cached
 * binary is some earlier hvsim's cwd.  So every name is made absolute
 * against its compile directory first (srcloc_resolve), then shown relative
 * to the hvsim tree, else to the user's cwd, else absolute (srcloc_show). */
#ifndef HVSIM_SRCLOC_H
#define HVSIM_SRCLOC_H

#include <stddef.h>

/* FILE as an absolute, lexically normalised path ("a/./b/../c" -> "a/c"):
 * relative names are joined to COMP_DIR (may be NULL: then left relative). */
void srcloc_resolve(const char *file, const char *comp_dir, char *out, size_t n);
/* The path to print: "hv/handler.c" inside the tree, "u/h.c" under the cwd,
 * the absolute path otherwise.  Returns out. */
const char *srcloc_show(const char *path, char *out, size_t n);

#endif
