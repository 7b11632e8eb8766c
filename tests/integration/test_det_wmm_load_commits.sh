#!/bin/sh
# tests/integration/test_det_wmm_load_commits.sh — gcc maps a RISC-V
# acquire load to `ld; fence iorw,iorw` (the model's strong mapping): the
# fence commits the thread's buffer.  Those commits are traced after the
# load (det_wmm_load_done, sim/runtime/det/det_wmm_rt.c), so dpor sees them
# as a segment of their own and may move them before the load.  Traced
# before it, they were part of the load's step: the daemon's answer,
# committed by its next poll of req_rear, was never tried alone before
# that poll, and the complete riscv search of verify_1x2 said "verified"
# with 9 of sc's 36 behaviours missing (one: det1:a15b2c15Ca).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D=$(dirname "$0")/../det

# 1. the trace: an acquire load's commits follow it, none comes before it
"$HVSIM" run --engine det --runs 1 --memory-model riscv --scenario "$D/verify_1x1.hvs" --json > "$t/one.json" 2>"$t/one.err" ||
  fail "run: exit $? ($(tail -n1 "$t/one.err"))"
"$HVSIM" replay "$t/one.json" --schedule det1: --trace "$t/tr.txt" > "$t/rp.out" 2>&1 || fail "replay: exit $?"
awk '
  { dec = $1; who = $2; ev = $3 }
  ev == "aload" && / acquire / && pdec == dec && pwho == who && pev == "drain" { before++ }
  pev == "aload" && pacq && pdec == dec && pwho == who && ev == "drain" { after++ }
  { pdec = dec; pwho = who; pev = ev; pacq = / acquire / }
  END { printf "%d %d\n", before + 0, after + 0 }' "$t/tr.txt" > "$t/n"
read before after < "$t/n"
[ "$before" -eq 0 ] || fail "$before acquire load(s) traced after commits of their own step ($t/tr.txt)"
[ "$after" -ge 1 ] || fail "no acquire load's fence committed anything on verify_1x1 under riscv (the daemon's poll commits its answer)"

# 2. the search: the answer committed alone before the daemon's poll is
# reached by dpor at bound 2 (70 executions; 57, without it, before)
"$HVSIM" run --engine det --runs 1 --memory-model riscv \
  --scenario "$D/verify_1x2.hvs" --json > "$t/one2.json" 2>/dev/null
HVSIM_DET_BEHAVIOURS="$t/want" "$HVSIM" replay "$t/one2.json" --schedule det1:a15b2c15Ca > /dev/null 2>&1 ||
  fail "replay of det1:a15b2c15Ca: exit $?"
h=$(cut -d' ' -f1 "$t/want")
[ -n "$h" ] || fail "the replay of det1:a15b2c15Ca wrote no behaviour"
HVSIM_DET_BEHAVIOURS="$t/got" "$HVSIM" run --engine det --strategy dpor --bound 2 --runs 5000000 \
  --memory-model riscv --scenario "$D/verify_1x2.hvs" > /dev/null 2>&1 || fail "dpor bound 2: exit $?"
grep -q "^$h " "$t/got" || fail "dpor at bound 2 under riscv did not reach the behaviour of det1:a15b2c15Ca ($h)"
pass "riscv: acquire loads' commits traced after them ($after on verify_1x1); dpor bound 2 reaches det1:a15b2c15Ca's behaviour on verify_1x2"
