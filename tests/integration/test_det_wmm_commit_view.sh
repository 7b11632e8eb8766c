#!/bin/sh
# tests/integration/test_det_wmm_commit_view.sh — under det's arm/riscv
# models a commit lands in G only; the uninstrumented runtime and the
# protocol oracle read M, which det_wmm_settle now brings up to date at every
# scheduling point (sim/runtime/det/det_wmm_rt.c).  Before, hvsim's own
# reference code on tests/variants/notify_small.hvs was PROTOCOL_VIOLATION
# ("an entry naming no CPU": the FINISH_REQ snapshot saw a res_list entry
# the handler itself read correctly) at the first random execution under
# arm.  Correct code: every verdict but PASS is false.
. "$(dirname "$0")/test_byo_lib.inc"
export HVSIM_BUILD_DIR=$T/cache
for mm in arm riscv; do
  out=$($HV run --scenario "$ROOT/tests/variants/notify_small.hvs" --engine det --strategy random \
        --memory-model $mm --runs 40 2>&1); rc=$?
  [ $rc -eq 0 ] && echo "$out" | grep -q ": 40 PASS" ||
    fail "reference code, det $mm random: want 40 PASS, got exit $rc: $(echo "$out" | tail -2)"
done
no_leftovers "$T/cache"
pass "reference code on notify_small.hvs under det arm and riscv (random): 40/40 PASS each"
