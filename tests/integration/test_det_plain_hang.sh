#!/bin/sh
# Deterministic engine: the seed bug.  gcc -O2 with a plain wait hoists the
# load (the instrumented loop calls __tsan_read8 once, then spins): the token
# holder stops reaching scheduling points -> HANG_STALE_READ at the wait
# loop's line.  At -O0 every iteration re-reads: it passes.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" run --engine det --wait plain --relax none --opt O2 --runs 100 --json > "$t/o2" 2>"$t/err"
rc=$?
[ $rc -eq 1 ] || fail "O2: exit $rc ($(tail -n1 "$t/err"))"
v=$(jget "$t/o2" "L[-1]['verdict']")
[ "$v" = HANG_STALE_READ ] || fail "O2: verdict $v"
where=$(jget "$t/o2" "L[-1]['evidence'].get('file','')+':'+str(L[-1]['evidence'].get('line',0))+' '+L[-1]['evidence'].get('function','')")
case "$where" in hv/handler.c:*wait_for_response) ;; *) fail "O2: loop located at '$where'";; esac
"$HVSIM" run --engine det --wait plain --relax none --opt O0 --runs 30 --json > "$t/o0" 2>"$t/err"
rc=$?
bad=$(jget "$t/o0" "sum(1 for o in L if o['verdict']!='PASS')")
[ $rc -eq 0 ] && [ "$bad" = 0 ] || fail "O0: $bad finding(s), exit $rc"
pass "det plain wait: O2 HANG_STALE_READ at $where; O0 30 executions PASS"
