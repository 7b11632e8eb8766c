#!/bin/sh
# tests/integration/test_threads_boot_order.sh — issue 18: `boot daemon-first`
# in the tsan and helgrind engines (sim/runtime/threads/threads_main.c), with
# a race-free daemon that sets need_wakeup and sleeps before looking at the
# ring, 200 ms after its start (tests/data/boot_threads/):
#   boot together      -> LOST_WAKEUP of hvsim's making (the guests trap first)
#   boot daemon-first  -> PASS, and no data race reported
. "$(dirname "$0")/test_byo_lib.inc"
cp "$ROOT"/tests/data/boot_threads/* "$T/"
H="env HVSIM_BUILD_DIR=$T/cache $HV"
for e in tsan helgrind; do
  if [ $e = helgrind ] && ! command -v valgrind >/dev/null 2>&1; then
    echo "note: valgrind missing, helgrind not checked"; continue
  fi
  cp "$T/boot.hvs" "$T/t.hvs"; echo "boot together" >>"$T/t.hvs"
  out=$($H run --scenario "$T/t.hvs" --engine $e --runs 1 2>&1); rc=$?
  [ $rc -eq 1 ] && echo "$out" | grep -q "^LOST_WAKEUP" ||
    fail "$e, boot together: want LOST_WAKEUP (exit 1), got exit $rc: $(echo "$out" | tail -2)"
  cp "$T/boot.hvs" "$T/d.hvs"; echo "boot daemon-first" >>"$T/d.hvs"
  out=$($H run --scenario "$T/d.hvs" --engine $e --runs 2 2>&1); rc=$?
  [ $rc -eq 0 ] && echo "$out" | grep -q "seeds 1..2: 2 PASS" ||
    fail "$e, boot daemon-first: want 2 PASS, got exit $rc: $(echo "$out" | tail -2)"
done
no_leftovers "$T/cache"
pass "tsan and helgrind: boot together LOST_WAKEUP, boot daemon-first 2 PASS"
