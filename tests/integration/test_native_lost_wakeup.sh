#!/bin/sh
# The historical lost wakeup: wake=nofence is caught as LOST_WAKEUP within
# 1,000 seeded native runs (a CPU store→load reordering made observable by the
# hv_publish/be_before_sleep rendezvous); wake=fence is never flagged.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" run --wake nofence --runs 1000 --json > "$t/nf" 2>"$t/err"
rc=$?
[ $rc -eq 1 ] || fail "nofence: exit $rc after $(jget "$t/nf" "len(L)") runs, no finding"
v=$(jget "$t/nf" "L[-1]['verdict']")
[ "$v" = LOST_WAKEUP ] || fail "nofence: verdict $v"
k=$(jget "$t/nf" "len(L)")
"$HVSIM" run --wake fence --runs ${FENCE_RUNS:-200} --keep-going --json > "$t/f" 2>"$t/err"
rc=$?
bad=$(jget "$t/f" "sum(1 for o in L if o['verdict']!='PASS')")
[ $rc -eq 0 ] && [ "$bad" = 0 ] || fail "fence flagged in $bad runs"
pass "nofence: LOST_WAKEUP after $k run(s); fence: ${FENCE_RUNS:-200} runs clean"
