#!/bin/sh
# Deterministic engine: wake=nofence is LOST_WAKEUP under tso within 100
# pct executions, and never under sc (SC forbids the store->load reordering);
# wake=fence stays clean under tso.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" run --engine det --strategy pct --wake nofence --runs 100 --json > "$t/tso" 2>"$t/err"
rc=$?
[ $rc -eq 1 ] || fail "tso: exit $rc, no finding in 100 executions ($(tail -n1 "$t/err"))"
v=$(jget "$t/tso" "L[-1]['verdict']")
[ "$v" = LOST_WAKEUP ] || fail "tso: verdict $v"
n=$(jget "$t/tso" "L[-1]['evidence']['executions']")
s=$(jget "$t/tso" "L[-1]['evidence']['schedule']")
case "$s" in det1:*) ;; *) fail "no schedule string in the evidence";; esac
"$HVSIM" run --engine det --strategy pct --wake nofence --memory-model sc --runs 100 --json > "$t/sc" 2>"$t/err"
rc=$?
bad=$(jget "$t/sc" "sum(1 for o in L if o['verdict']!='PASS')")
[ $rc -eq 0 ] && [ "$bad" = 0 ] || fail "sc: $bad finding(s), exit $rc"
grep -q "SC\|sequential consistency" "$t/err" || fail "sc: no explanation printed"
"$HVSIM" run --engine det --strategy pct --wake fence --runs 100 --json > "$t/f" 2>"$t/err"
[ $? -eq 0 ] || fail "fence flagged under tso"
pass "det nofence: LOST_WAKEUP under tso after $n execution(s); none under sc; fence clean"
