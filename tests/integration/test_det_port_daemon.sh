#!/bin/sh
# tests/integration/test_det_port_daemon.sh — issue 18: the daemon of
# hvisor-tool's shape (tests/data/port_hvisor/hvisor-tool, through
# <hvsim/compat/hvisor_tool.h>) under the det engine: with 'boot daemon-first'
# (scenarios/port_hvisor.hvs) 0 false verdicts in 200 executions per memory
# model; without it det finds the LOST_WAKEUP of hvsim's own making (guests
# pushing before the daemon's first need_wakeup = 1) — the control that
# shows the boot order is what makes the difference.
. "$(dirname "$0")/test_byo_lib.inc"
D=$ROOT/tests/data/port_hvisor/hvisor-tool
export HVSIM_BUILD_DIR=$T/cache
be="--backend $D/tools/virtio/virtio.c --backend $ROOT/sim/runtime/port/hvisor_tool/compat.c -I $D/include"
S=$ROOT/scenarios/port_hvisor.hvs
for mm in sc tso; do
  # shellcheck disable=SC2086
  out=$($HV run --scenario "$S" --engine det --memory-model $mm --runs 200 $be \
        --cflags "-include hvsim/compat/hvisor_tool.h" 2>&1); rc=$?
  [ $rc -eq 0 ] && echo "$out" | grep -q "200 PASS" ||
    fail "det $mm, boot daemon-first: exit $rc, want 200 PASS: $(echo "$out" | tail -3)"
done
grep -v '^boot' "$S" >"$T/together.hvs"
# shellcheck disable=SC2086
out=$($HV run --scenario "$T/together.hvs" --engine det --runs 200 $be \
      --cflags "-include hvsim/compat/hvisor_tool.h" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^LOST_WAKEUP" ||
  fail "det, boot together: want the LOST_WAKEUP of hvsim's making, got exit $rc: $(echo "$out" | tail -3)"
no_leftovers "$T/cache"
pass "hvisor-tool-shaped daemon under det: 200 PASS (sc), 200 PASS (tso) with boot daemon-first; LOST_WAKEUP without it"
