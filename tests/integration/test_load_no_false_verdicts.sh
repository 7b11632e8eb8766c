#!/bin/sh
# hvsim-test: alone
# test_load_no_false_verdicts.sh — the short version of tools/stress_check.sh:
# LOAD_RUNS (default 240) seeded native runs of the correct variants (wait
# volatile/acquire, wake fence, gcc/clang, O2) while stress-ng --cpu 2 loads
# the machine; any verdict but PASS is a false verdict and fails the test.
# The full 10,000-run version: tools/stress_check.sh 10000.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
command -v stress-ng >/dev/null 2>&1 || { echo "SKIP: stress-ng not installed"; exit 77; }
# the final line names the load that really ran: with a stress-ng that dies
# at once (a stand-in first in PATH), it must not claim "stress-ng --cpu 2"
fake=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-fake-stress.XXXXXX")
trap 'rm -rf "$fake"' EXIT
printf '#!/bin/sh\necho "stress-ng: cannot start (test stand-in)" >&2\nexit 1\n' >"$fake/stress-ng"
chmod +x "$fake/stress-ng"
fl=$(PATH="$fake:$PATH" HVSIM="$HVSIM" sh "$(dirname "$0")/../../tools/stress_check.sh" 4 2>&1 | grep '^false verdicts:')
case $fl in
  *"(load: none (stress-ng --cpu 2 did not start its workers: stress-ng: cannot start"*) ;;
  *) echo "FAIL: stress_check.sh with a stress-ng that died reports: $fl"; exit 1 ;;
esac
out=$(HVSIM="$HVSIM" sh "$(dirname "$0")/../../tools/stress_check.sh" "${LOAD_RUNS:-240}" 2>&1)
rc=$?
last=$(printf '%s\n' "$out" | grep '^false verdicts:')
case $rc in
  0) # a load test that ran without its load tested nothing
     printf '%s' "$last" | grep -q "(load: stress-ng --cpu 2, ran throughout)" ||
       { echo "FAIL: the load did not run throughout: $last"; exit 1; }
     echo "PASS: $last" ;;
  77) printf '%s\n' "$out" | grep -m1 SKIP; exit 77 ;;
  *) echo "FAIL: ${last:-stress_check exit $rc}"; printf '%s\n' "$out" | sed 's/^/  /'; exit 1 ;;
esac
exit 0
