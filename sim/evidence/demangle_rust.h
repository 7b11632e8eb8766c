/* sim/evidence/demangle_rust.h — Rust symbol names for people.
 * rustc's default ("legacy") mangling is Itanium-shaped: _ZN 3foo 3bar
 * 17h<16 hex> E, identifiers with $..$ escapes.  rust_demangle writes
 * "foo::bar" (hash dropped) into out and returns 1; for anything else (C
 * names, v0 "_R" names, malformed input) it copies the name and returns 0.
 * Debian has no rustc-demangle library; binutils' c++filt also reads v0. */
#ifndef HVSIM_DEMANGLE_RUST_H
#define HVSIM_DEMANGLE_RUST_H
#include <stddef.h>
int rust_demangle(const char *in, char *out, size_t outlen);
#endif
