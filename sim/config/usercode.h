/* sim/config/usercode.h — what a user may name as their own code.
 *
 * The compiler decides by a file's suffix what it is: given /etc/passwd as a
 * source, gcc treats it as a linker input, "compiles" nothing, and the link
 * fails on a missing object inside the build cache.  So the options and
 * scenario keys that name the user's code (--hv, --backend, hv, backend: C
 * sources; --hv-lib, --backend-lib, hv-lib, backend-lib: libraries) are
 * checked where they are parsed, and the error names the option. */
#ifndef HVSIM_USERCODE_H
#define HVSIM_USERCODE_H

/* NULL when PATH can be used as a C source (lib=0) or a static library /
 * object (lib=1); otherwise why not, as a phrase ("not a C source file …"). */
const char *usercode_refuse(const char *path, int lib);

#endif
