#!/bin/sh
# dpor under arm: a fence's commit of an old buffered entry is ordered
# after that entry's store only, not after the newer entries the same
# fence commits (det_dpor.c, segments()).  Regression: the daemon stores
# its answer's cfg_flags[0] = 1 and polls; CPU 1 pushes; the daemon pops
# it and its release fence commits the old flag beside the new entries.
# The flag's commit took the fence's happens-before, so it came after
# CPU 1's push, and no reversal ever tried it before: the execution where
# the flag lands early and CPU 0 pushes its second request before CPU 1's
# first (plain dfs at bound 1: det1:a15c2d23a3D) was never reached.  dpor
# at bound 4 reached none of plain dfs's three such behaviours (76
# behaviours, 354 schedules); with the split it reaches all three.  The
# complete search is in tests/long (make check-dpor).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
W=$(dirname "$0")/../det/verify_2p1.hvs
run() { "$HVSIM" run --engine det --memory-model arm --scenario "$W" --json "$@"; }

# the witnesses' behaviours, as replaying their schedules shows them
run --strategy random --runs 1 > "$t/r.json" 2>"$t/r.err" || fail "random run: exit $? ($(tail -n1 "$t/r.err"))"
for s in det1:a15c2d23a3D det1:a15c2d23a3Da16d det1:a15c2d23a3b16D; do
  HVSIM_DET_BEHAVIOURS="$t/w1" "$HVSIM" replay "$t/r.json" --schedule "$s" --trace "$t/tr.txt" > "$t/rp.out" 2>&1 ||
    fail "replay of $s: exit $? ($(tail -n1 "$t/rp.out"))"
  grep -q "drain  cfg_flags\[0\]/8 = 1" "$t/tr.txt" || fail "$s: the trace shows no commit of the answer's flag"
  cat "$t/w1" >> "$t/w" # a replay writes its file anew
done
cut -d' ' -f1 "$t/w" | sort -u > "$t/w.s"
[ "$(wc -l < "$t/w.s")" -eq 3 ] || fail "the three witnesses showed $(wc -l < "$t/w.s") distinct behaviours, not 3"

HVSIM_DET_BEHAVIOURS="$t/d" run --strategy dpor --bound 4 --runs 100000 > "$t/d.json" 2>"$t/d.err" ||
  fail "dpor at bound 4: exit $? ($(tail -n1 "$t/d.err"))"
cut -d' ' -f1 "$t/d" | sort -u > "$t/d.s"
miss=$(comm -23 "$t/w.s" "$t/d.s" | wc -l)
[ "$miss" -eq 0 ] || fail "dpor at bound 4 under arm on verify_2p1: $miss of the 3 early-flag behaviours not reached ($(wc -l < "$t/d.s") behaviours)"
pass "dpor at bound 4 under arm reaches the 3 behaviours of an early-landing answer flag ($(wc -l < "$t/d.s") behaviours)"
