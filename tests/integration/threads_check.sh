# tests/integration/threads_check.sh — sourced by test_threads_tsan.sh and
# test_threads_helgrind.sh once they have checked their tool is there: the
# issue 8 acceptance for engine $ENGINE — the plain wait is a DATA_RACE on
# cfg_flags[0] at hv/handler.c, the acquire wait is clean, and hvsim's own
# runtime contributes no finding.  Exits 0 on pass, 1 on failure.
run() { # wait
  "$HVSIM" run --engine "$ENGINE" --cc gcc --opt O2 --relax none --wait "$1" --wake fence --json 2>&1
}
plain=$(run plain)
case "$plain" in *"is not part of this build"*)
  echo "FAIL: $HVSIM has no $ENGINE engine (sim/engine/threads not linked: libhvsim.a member with a weak-only reference)"; exit 1;; esac
echo "$plain" | grep -q '"verdict": *"DATA_RACE"' || { echo "FAIL: plain wait under $ENGINE: not DATA_RACE: $(echo "$plain" | head -c 600)"; exit 1; }
echo "$plain" | grep -q '"field": *"cfg_flags\[0\]"' || { echo "FAIL: plain wait under $ENGINE: race not named cfg_flags[0]: $(echo "$plain" | head -c 600)"; exit 1; }
echo "$plain" | grep -q '"file": *"hv/handler.c"' || { echo "FAIL: plain wait under $ENGINE: hv/handler.c site missing"; exit 1; }
echo "$plain" | grep -q '"harness_findings": *0' || { echo "FAIL: plain wait under $ENGINE: findings in hvsim's own runtime"; exit 1; }
acq=$(run acquire)
echo "$acq" | grep -q '"verdict": *"PASS"' || { echo "FAIL: acquire wait under $ENGINE: not clean: $(echo "$acq" | head -c 600)"; exit 1; }
echo "$acq" | grep -q '"harness_findings": *0' || { echo "FAIL: acquire wait under $ENGINE: findings in hvsim's own runtime"; exit 1; }
echo "PASS: $ENGINE: plain wait = DATA_RACE on cfg_flags[0] (hv/handler.c vs backend/daemon.c), acquire wait clean, 0 harness findings"
exit 0
