#!/bin/sh
# tests/integration/test_threads_helgrind.sh — issue 8 acceptance, engine helgrind:
# the plain wait (the seed bug) is a DATA_RACE on cfg_flags; the C11 acquire
# wait is clean; hvsim's own runtime contributes no finding.
# Exit 0 pass, 77 skip (tool missing), 1 fail.
HVSIM=${HVSIM:-build/hvsim}
ENGINE=helgrind
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM is not built"; exit 77; }
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
[ -f /usr/include/valgrind/helgrind.h ] || { echo "SKIP: valgrind/helgrind.h is missing"; exit 77; }
run() { # wait
  "$HVSIM" run --engine "$ENGINE" --cc gcc --opt O2 --relax none --wait "$1" --wake fence --json 2>&1
}
plain=$(run plain)
case "$plain" in *"is not part of this build"*)
  echo "FAIL: $HVSIM has no $ENGINE engine (tools/threads not linked: libhvsim.a member with a weak-only reference)"; exit 1;; esac
echo "$plain" | grep -q '"verdict": *"DATA_RACE"' || { echo "FAIL: plain wait under $ENGINE: not DATA_RACE: $(echo "$plain" | head -c 600)"; exit 1; }
echo "$plain" | grep -q '"field": *"cfg_flags\[0\]"' || { echo "FAIL: plain wait under $ENGINE: race not named cfg_flags[0]: $(echo "$plain" | head -c 600)"; exit 1; }
echo "$plain" | grep -q '"file": *"hv/handler.c"' || { echo "FAIL: plain wait under $ENGINE: hv/handler.c site missing"; exit 1; }
echo "$plain" | grep -q '"harness_findings": *0' || { echo "FAIL: plain wait under $ENGINE: findings in hvsim's own runtime"; exit 1; }
acq=$(run acquire)
echo "$acq" | grep -q '"verdict": *"PASS"' || { echo "FAIL: acquire wait under $ENGINE: not clean: $(echo "$acq" | head -c 600)"; exit 1; }
echo "$acq" | grep -q '"harness_findings": *0' || { echo "FAIL: acquire wait under $ENGINE: findings in hvsim's own runtime"; exit 1; }
echo "PASS: $ENGINE: plain wait = DATA_RACE on cfg_flags[0] (hv/handler.c vs backend/daemon.c), acquire wait clean, 0 harness findings"
exit 0
