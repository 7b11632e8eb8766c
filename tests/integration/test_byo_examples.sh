#!/bin/sh
# tests/integration/test_byo_examples.sh — issue 10: the C examples run from
# their scenario files (hv/backend statements, paths relative to the .hvs)
# and meet their expectations: seqcount (fixed: PASS; buggy: HANG_STALE_READ
# at gcc -O2, PASS at -O0) and relaxed_atomic_fixed (PASS) under `hvsim test`,
# and seqcount in a small matrix.
. "$(dirname "$0")/test_byo_lib.inc"
C=$T/cache
H="env HVSIM_BUILD_DIR=$C $HV"
E="$ROOT/examples"
out=$($H run --scenario "$E/seqcount/seqcount.hvs" 2>&1) || fail "seqcount (fixed): $out"
out=$($H run --scenario "$E/seqcount/seqcount_buggy.hvs" --opt O2 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^HANG_STALE_READ.*hv_common.h" ||
  fail "seqcount_buggy -O2: exit $rc, want HANG_STALE_READ: $(echo "$out" | head -2)"
out=$($H run --scenario "$E/seqcount/seqcount_buggy.hvs" --opt O0 2>&1) || fail "seqcount_buggy -O0: $out"
out=$($H run --scenario "$E/relaxed_atomic/relaxed_atomic_fixed.hvs" --runs 100 -q 2>&1) ||
  fail "relaxed_atomic_fixed: $(echo "$out" | tail -2)"
out=$($H matrix --scenario "$E/seqcount/seqcount.hvs" --scenario "$E/seqcount/seqcount_buggy.hvs" \
      --cc gcc --opt O0,O2 --out "$T/rep" 2>&1) || fail "matrix over the seqcount examples: $(echo "$out" | tail -3)"
no_leftovers "$C"
pass "seqcount fixed PASS, buggy HANG at -O2 / PASS at -O0, relaxed_atomic_fixed 100 runs PASS, matrix as expected"
