#!/bin/sh
# The det false-verdict sweep, a fast slice: four scenarios with correct
# code x sc/tso x random/pct, 20 executions each, every one must PASS.
# The full sweep (every scenario and example, 200 each, dfs) is
# tools/det_sweep.sh.
. "$(dirname "$0")/lib.sh"
out=$(RUNS=20 QUICK=1 HVSIM="$HVSIM" sh "$(dirname "$0")/../../tools/det_sweep.sh" 2>&1)
rc=$?
[ $rc -eq 0 ] || { printf '%s\n' "$out"; fail "false verdicts on correct code (exit $rc)"; }
n=$(printf '%s\n' "$out" | grep -c '^ok ')
[ "$n" -eq 16 ] || { printf '%s\n' "$out"; fail "$n cells ran, want 16"; }
pass "det sweep slice: 16 cells x 20 executions, 0 false verdicts"
