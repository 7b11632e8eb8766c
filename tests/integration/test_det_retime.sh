#!/bin/sh
# test_det_retime.sh — a det verdict judged by the clock (HANG_STALE_READ,
# TIMEOUT) is reported only when a second run of the same plan judges it
# too (det_exec.c): an execution is deterministic, so a hang the code has
# repeats, and one that does not was the machine's timing.  A false hang
# (a vCPU the host did not run, charged as CPU time) once stopped a riscv
# verify_2x2 search 7.6 million executions in.  HVSIM_TEST_DET_FAKE_HANG=N
# makes the Nth execution's first run a hang whatever happened:
#  1. the search goes on and passes, and stderr says the first judgement
#     did not repeat;
#  2. with the rerun off (HVSIM_DET_NO_RERUN=1) the made-up hang is reported:
#     the hook bites, and the rerun is what saves the search;
#  3. a real hang (plain wait, -O2) is still HANG_STALE_READ, with no such
#     line: it repeated.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
S="$(dirname "$0")/../det/verify_1x1.hvs"
HVSIM_TEST_DET_FAKE_HANG=5 "$HVSIM" run --engine det --strategy dpor --bound 64 --scenario "$S" -q \
  >"$t/out" 2>"$t/err"
rc=$?
[ $rc -eq 0 ] && grep -q 'verified' "$t/out" ||
  fail "fake hang, rerun on: exit $rc, $(tail -n 1 "$t/out")"
grep -q 'execution 5 was judged HANG_STALE_READ .*run again it was PASS' "$t/err" ||
  fail "fake hang, rerun on: stderr does not say the first judgement did not repeat"
HVSIM_DET_NO_RERUN=1 HVSIM_TEST_DET_FAKE_HANG=5 "$HVSIM" run --engine det --strategy dpor --bound 64 \
  --scenario "$S" -q >"$t/out" 2>"$t/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^HANG_STALE_READ' "$t/out" ||
  fail "fake hang, rerun off: exit $rc, want the made-up HANG_STALE_READ ($(tail -n 1 "$t/out"))"
"$HVSIM" run --engine det --wait plain --relax none --runs 1 -q >"$t/out" 2>"$t/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^HANG_STALE_READ' "$t/out" ||
  fail "plain wait: exit $rc, want HANG_STALE_READ ($(tail -n 1 "$t/out"))"
grep -q 'run again it was' "$t/err" && fail "plain wait: the real hang did not repeat on the rerun"
pass "a time-judged det verdict stands only when a rerun repeats it: a made-up hang is dropped (reported with the rerun off), a real one kept"
