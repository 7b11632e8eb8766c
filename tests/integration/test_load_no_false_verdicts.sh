#!/bin/sh
# test_load_no_false_verdicts.sh — the short version of tools/stress_check.sh:
# LOAD_RUNS (default 240) seeded native runs of the correct variants (wait
# volatile/acquire, wake fence, gcc/clang, O2) while stress-ng --cpu 2 loads
# the machine; any verdict but PASS is a false verdict and fails the test.
# The full 10,000-run version: tools/stress_check.sh 10000.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
command -v stress-ng >/dev/null 2>&1 || { echo "SKIP: stress-ng not installed"; exit 77; }
out=$(HVSIM="$HVSIM" sh "$(dirname "$0")/../../tools/stress_check.sh" "${LOAD_RUNS:-240}" 2>&1)
rc=$?
last=$(printf '%s\n' "$out" | grep '^false verdicts:')
case $rc in
  0) echo "PASS: $last" ;;
  77) printf '%s\n' "$out" | grep -m1 SKIP; exit 77 ;;
  *) echo "FAIL: ${last:-stress_check exit $rc}"; printf '%s\n' "$out" | sed 's/^/  /'; exit 1 ;;
esac
exit 0
