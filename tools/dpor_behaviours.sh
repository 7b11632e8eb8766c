#!/bin/sh
# tools/dpor_behaviours.sh — do two searches reach the same behaviours?
#   tools/dpor_behaviours.sh BUILD_A BUILD_B MODEL SCENARIO [hvsim run ARGS...]
# Runs `hvsim run --engine det --strategy dpor --bound 64` from each build
# (STRATEGY_A, STRATEGY_B, BOUND_A, BOUND_B, RUNS_A, RUNS_B override;
# STRATEGY_A=random RUNS_A=10000 samples seeds no reduction touched) with
# HVSIM_DET_BEHAVIOURS (sim/engine/det/det_behaviour.c) and compares the
# sets of distinct behaviours: what only A reached is what B's reduction
# may have lost (B unsound if A's search was complete and correct), what
# only B reached, the reverse, each with the schedule that first showed
# it (replay it with `hvsim replay --schedule S --trace FILE` and the same
# run arguments).  Exit 1 when A reached one B did not.  GRAPHS=1 compares
# execution graphs instead (HVSIM_DET_GRAPHS, sim/engine/det/det_graph.c):
# finer than behaviours, the same rule for complete searches.
# A random sample's behaviours must all be among a complete dpor search's.
# Used to measure each DPOR rule before it is kept (docs/det-engine.md).
[ $# -ge 4 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
var=HVSIM_DET_BEHAVIOURS what=behaviours
[ "${GRAPHS:-0}" = 1 ] && var=HVSIM_DET_GRAPHS what=graphs
A=$1 B=$2 M=$3 S=$4; shift 4
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT INT TERM
for x in A B; do
  if [ $x = A ]; then b=$A s=${STRATEGY_A:-dpor} k=${BOUND_A:-64} n=${RUNS_A:-5000000}
  else b=$B s=${STRATEGY_B:-dpor} k=${BOUND_B:-64} n=${RUNS_B:-5000000}; fi
  env "$var=$t/$x" "$b/hvsim" run --engine det --strategy "$s" --bound "$k" --runs "$n" \
    --memory-model "$M" --scenario "$S" "$@" >"$t/$x.out" 2>&1
  cut -d' ' -f1 "$t/$x" 2>/dev/null | sort -u > "$t/$x.s" || : > "$t/$x.s"
  echo "$x ($b, $s, bound $k): $(wc -l < "$t/$x.s") $what; $(grep -o '[0-9]* executions, all PASS\|interrupted.*\|NOT exhaustive' "$t/$x.out" | head -1)"
done
a=$(comm -23 "$t/A.s" "$t/B.s" | wc -l); b=$(comm -13 "$t/A.s" "$t/B.s" | wc -l)
echo "only A: $a, only B: $b"
for h in $(comm -23 "$t/A.s" "$t/B.s" | head -5); do echo "  only A: $(grep "^$h" "$t/A")"; done
for h in $(comm -13 "$t/A.s" "$t/B.s" | head -5); do echo "  only B: $(grep "^$h" "$t/B")"; done
[ "$a" -eq 0 ]
