/* sim/build/libinfo.h — what a prebuilt library (--hv-lib) says about its own
 * build, for labels: hvsim's port shims embed "hvsim-build: rustc X
 * opt-level=N" in a .hvsim_build section; any rustc object carries "rustc
 * version X" in .comment; a C object "GCC: (…) X" or "clang version X". */
#ifndef HVSIM_LIBINFO_H
#define HVSIM_LIBINFO_H
#include <stddef.h>

/* Writes e.g. "rustc 1.95.0 opt-level=2" (or "rustc 1.95.0, opt-level
 * unknown", or "prebuilt library") into out.  Returns 1 when the opt-level is
 * known, 0 otherwise. */
int libinfo_label(const char *path, char *out, size_t outlen);

/* libinfo_label split for matrix labels and `expect … when lib-opt=`:
 * comp = "rustc 1.95.0" (or "gcc 12.2.0", "prebuilt library"), opt = "2",
 * "s", … or "" when the library does not say. */
void libinfo_split(const char *path, char *comp, size_t complen, char *opt, size_t optlen);

/* The e_machine of an ELF object or of the first member of an ar archive,
 * named ("x86_64", "aarch64", "riscv64", "ppc64le", or "EM_<n>"), into out.
 * Returns 0, or -1 (out says why: not an ELF object or archive). */
int libinfo_machine(const char *path, char *out, size_t outlen);
#endif
