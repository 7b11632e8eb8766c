#!/bin/sh
# hvsim-test: long
# The fixes are never flagged: volatile and acquire waits PASS at every level
# with both compilers.  (The acceptance figure uses 200 seeds each:
#   SEEDS=200 sh tests/integration/test_native_fixed_pass.sh)
. "$(dirname "$0")/lib.sh"
seeds=${SEEDS:-10}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
total=0
for cc in gcc clang; do for o in O0 O1 O2 O3 Os Og; do for w in volatile acquire; do
  "$HVSIM" run --cc $cc --opt $o --wait $w --relax none --runs "$seeds" --keep-going --json > "$t/out" 2>"$t/err"
  rc=$?
  bad=$(jget "$t/out" "sum(1 for o in L if o['verdict']!='PASS')")
  [ $rc -eq 0 ] && [ "$bad" = 0 ] || fail "$cc -$o wait=$w: $bad of $seeds runs flagged (exit $rc): $(jget "$t/out" "[o['evidence']['summary'] for o in L if o['verdict']!='PASS'][:1]")"
  total=$((total + seeds))
done; done; done
pass "volatile and acquire: $total runs, 0 false verdicts"
