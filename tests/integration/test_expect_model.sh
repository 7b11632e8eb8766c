#!/bin/sh
# `expect … when model=…` (issue 17): one scenario states "PASS under sc,tso,
# WRONG_VALUE under arm,riscv" for the daemon without its write barrier
# (tests/wmm/no_write_barrier.hvs) and `hvsim test` holds each det model to
# its own rule; the same scenario with the rules swapped fails under arm (the
# model is what decides); the matrix gives each --memory-model cell the
# expectation of its model.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
S=$(dirname "$0")/../wmm/no_write_barrier.hvs

# model VERDICT: hvsim test under det with --memory-model MODEL is ok with VERDICT
model() {
  "$HVSIM" test "$S" --memory-model "$1" >"$t/tap" 2>"$t/err"; rc=$?
  [ $rc -eq 0 ] || fail "under $1: exit $rc: $(grep -m1 'ok' "$t/tap") $(tail -n1 "$t/err")"
  grep -q "^ok 1 - wmm_no_write_barrier: $2 as expected" "$t/tap" || fail "under $1: $(grep -m1 ok "$t/tap")"
}
model arm WRONG_VALUE
model riscv WRONG_VALUE
model tso PASS
model sc PASS

# the rules swapped: the arm run's WRONG_VALUE is now unexpected
sed -e 's/^expect PASS when model=sc,tso/expect WRONG_VALUE when model=sc,tso/' \
    -e 's/^expect WRONG_VALUE when model=arm,riscv/expect PASS when model=arm,riscv/' \
    -e 's#^backend .*#backend '"$(cd "$(dirname "$S")" && pwd)"'/daemon_no_write_barrier.c '"$(cd "$(dirname "$S")/../.." && pwd)"'/backend/regs.c#' \
    "$S" >"$t/swapped.hvs"
"$HVSIM" test "$t/swapped.hvs" --memory-model arm >"$t/tap" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "swapped rules under arm: exit $rc, want 1 ($(tail -n1 "$t/err"))"
grep -q "^not ok 1 - wmm_no_write_barrier: WRONG_VALUE, expected PASS" "$t/tap" \
  || fail "swapped rules under arm: $(grep -m1 ok "$t/tap")"

# the matrix: each model's cell carries its model's expectation
"$HVSIM" matrix --scenario "$S" --engine det --memory-model tso,arm --cc gcc --opt O2 --wait acquire \
  --runs 20 --no-compare --out "$t/m" >/dev/null 2>"$t/err"; rc=$?
[ $rc -le 1 ] || fail "matrix: exit $rc ($(tail -n1 "$t/err"))"
got=$(python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
print(' '.join('%s=%s' % (c['memory_model'], '|'.join(c['expected'])) for c in sorted(r['cells'], key=lambda c: c['memory_model'])))
" "$t/m/report.json")
[ "$got" = "arm=WRONG_VALUE tso=PASS" ] || fail "matrix expectations per model: $got"

pass "model= rules: WRONG_VALUE under arm,riscv and PASS under tso,sc as stated; swapped rules fail under arm; matrix cells get their model's expectation"
