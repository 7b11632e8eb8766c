#!/bin/sh
# tests/integration/test_byo_rust.sh — issue 10: a Rust handler
# (examples/rust_handler/lib.rs, #![no_std] staticlib, extern "C") built with
# rustc alone and linked with --hv-lib.  The example's raw-pointer loop
# `while unsafe { *p } == old { spin_loop() }` (not hvisor's loop, which has
# no hint and hangs: test_port_hvisor.sh) must run (PASS) at opt-level 2
# on x86_64 (spin_loop = pause keeps the load in the loop: measured); the same
# loop without spin_loop (--cfg relax_none) must be caught as HANG_STALE_READ
# at lib.rs.  Skips only when there is no rustc or the host is not x86_64:
# tools/deps.sh installs neither, so the skip says so (tests/run.sh lets such
# a skip through in CI).  A rustc that is there but cannot build the example
# (its host target, x86_64) is a failure.
. "$(dirname "$0")/test_byo_lib.inc"
command -v rustc >/dev/null 2>&1 || { echo "SKIP (not in tools/deps.sh): rustc is not installed (the Rust example needs it)"; exit 77; }
[ "$(uname -m)" = x86_64 ] || { echo "SKIP (not in tools/deps.sh): the example is built for x86_64-unknown-linux-gnu, this host is $(uname -m)"; exit 77; }
C=$T/cache
B="$ROOT/examples/rust_handler/build.sh"
sh "$B" "$T/spin" 2 >"$T/rustc.log" 2>&1 || { cat "$T/rustc.log"; fail "rustc $(rustc --version | cut -d' ' -f2) cannot build the no_std x86_64 staticlib"; }
sh "$B" "$T/none" 2 --cfg relax_none >>"$T/rustc.log" 2>&1 || { cat "$T/rustc.log"; fail "rustc --cfg relax_none failed"; }
S="$ROOT/examples/rust_handler/rust_handler.hvs"
H="env HVSIM_BUILD_DIR=$C $HV"
out=$($H run --hv-lib "$T/spin/librust_handler.a" --scenario "$S" 2>&1); rc=$?
[ $rc -eq 0 ] || fail "Rust plain loop + spin_loop at opt-level 2: exit $rc, want PASS: $(echo "$out" | head -3)"
out=$($H run --hv-lib "$T/none/librust_handler.a" --scenario "$S" --runs 1 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^HANG_STALE_READ.*lib.rs" ||
  fail "Rust plain loop without spin_loop at opt-level 2: exit $rc, want HANG_STALE_READ at lib.rs: $(echo "$out" | head -3)"
# and in a matrix: the library does not change with --opt, so the cells dedup
out=$($H matrix --hv-lib "$T/spin/librust_handler.a" --scenario "$S" --cc gcc --opt O0,O2 --out "$T/rep" 2>&1) ||
  fail "matrix --hv-lib: $(echo "$out" | tail -3)"
no_leftovers "$C"
pass "rustc $(rustc --version | cut -d' ' -f2): plain read + spin_loop at opt-level 2 PASS; without spin_loop HANG_STALE_READ at lib.rs; matrix ok"
