#!/bin/sh
# tests/integration/test_wmm_cands_cut.sh — a limit of det's arm/riscv
# model must never pass for a result: a load is offered at most the newest
# WMM_CANDS (8) of the messages its view allows, so a search that met a
# load with more is not complete (det_wmm.h wmm_cands counts it,
# det_wmm.cut).  Before, hvsim litmus called MP+10W's allowed outcome
# (r1=1, r0=0) "Never" in a complete exploration: a false Forbidden.  Now
# the exploration says INCOMPLETE and why (exit 1, "complete": false,
# "loads_cut": true), under arm and riscv, with dfs and dpor; sc and tso
# cut no load (they have no value choices; dfs under tso stops at
# --max-runs, kept small: eleven buffered stores drain in many orders); a
# corpus test with few writes stays complete under arm.  And `hvsim run`'s
# dpor search over a daemon with more writes than candidates is "NOT
# verified" (the reference daemon's stays verified).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
L=$(dirname "$0")/../litmus
D=$(dirname "$0")/../det
B=$(dirname "$0")/../../backend
command -v gcc >/dev/null || skip "gcc not installed"
for s in dfs dpor; do
  "$HVSIM" litmus --strategy $s --opt O2 --memory-model sc,tso,arm,riscv --max-runs 2000 --json \
    "$L/limits/MP+10W.litmus" \
    > "$t/$s.json" 2>"$t/$s.err"
  rc=$?
  [ $rc -eq 1 ] || fail "$s: exit $rc, want 1 (incomplete): $(tail -n2 "$t/$s.err")"
  python3 - "$t/$s.json" "$s" <<'PY' || fail "$s: $(cat "$t/$s.json" | head -c 600)"
import json, sys
doc = json.load(open(sys.argv[1]))
by = {r["model"]: r for r in doc["results"]}
for m in ("sc", "tso"):
    assert not by[m]["loads_cut"], m + " cut a load"
assert by["sc"]["complete"], "sc should be complete"
# tso: dpor ends; dfs (deterministic) stops at --max-runs 2000
assert by["tso"]["complete"] == (sys.argv[2] == "dpor"), "tso complete: %s" % by["tso"]["complete"]
for m in ("arm", "riscv"):
    assert by[m]["loads_cut"], m + ": no load cut"
    assert not by[m]["complete"], m + " explored as complete though a load was cut"
PY
done
"$HVSIM" litmus --strategy dpor --opt O2 --memory-model arm "$L/limits/MP+10W.litmus" > "$t/text" 2>&1
grep -q "INCOMPLETE (a load was offered only the newest 8 of the writes it may read)" "$t/text" ||
  fail "the text does not say why it is incomplete: $(grep Explored "$t/text")"
"$HVSIM" litmus --strategy dpor --opt O2 --memory-model arm "$L/MP.litmus" > "$t/mp" 2>&1 ||
  fail "MP under arm: exit $? ($(grep Explored "$t/mp"))"
grep -q INCOMPLETE "$t/mp" && fail "MP (two writes) called incomplete: $(grep Explored "$t/mp")"
# hvsim run: the reference daemon with twelve relaxed stores to mmio_avail
# first, in need_wakeup's granule, which the CPU then reads with its view
# still at 0: the complete dpor search is NOT verified, and says how often
# a load was cut; the reference daemon's is verified.
cp "$B"/* "$t/"
sed -i 's|^    __atomic_store_n(&b->mmio_avail, 1, __ATOMIC_RELEASE);|    for (uint8_t v = 2; v < 14; v++) __atomic_store_n(\&b->mmio_avail, v, __ATOMIC_RELAXED);\n&|' "$t/daemon.c"
grep -q "v < 14" "$t/daemon.c" || fail "the daemon was not patched (backend/daemon.c changed?)"
vrun() { "$HVSIM" run --engine det --strategy dpor --bound 64 --memory-model arm --scenario "$D/verify_1x1.hvs" "$@"; }
vrun --backend "$t/daemon.c" --backend "$t/regs.c" >"$t/v.out" 2>"$t/v.err" || fail "patched daemon: exit $? ($(tail -n1 "$t/v.err"))"
grep -q "NOT verified: [0-9]* executions, all PASS (dpor) under ARMv8 (no promises), but in [1-9][0-9]* of them a load was offered only the newest 8" "$t/v.out" ||
  fail "patched daemon: $(grep -m1 PASS "$t/v.out")"
grep -q "[1-9][0-9]* executions with a load not offered every message its view allows" "$t/v.err" ||
  fail "patched daemon: the stats line does not count the cut loads"
vrun >"$t/r.out" 2>"$t/r.err" || fail "reference: exit $?"
grep -q "verified: [0-9]* executions, all PASS" "$t/r.out" && ! grep -q "NOT verified" "$t/r.out" ||
  fail "reference: $(grep -m1 PASS "$t/r.out")"
pass "MP+10W: arm and riscv explorations that cut a load's candidates say INCOMPLETE (dfs and dpor), sc/tso and MP stay complete; hvsim run: a daemon whose writes outnumber the candidates is NOT verified, the reference daemon verified"
