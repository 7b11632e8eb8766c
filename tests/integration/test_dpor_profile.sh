#!/bin/sh
# HVSIM_DPOR_PROFILE=FILE (det_profile.c): a dfs/dpor search counts its
# executions by the decision where each left the one before.  Each
# execution but the first is counted once; under arm the reads' value
# choices are decisions (stale messages, a wait's failed turns among
# them), under sc there are none; the sources are named.  A column counts
# the executions that showed a new execution graph (det_graph.c).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
W=$(dirname "$0")/../det/verify_1x1.hvs
for m in arm sc; do
  HVSIM_DPOR_PROFILE="$t/$m" HVSIM_DET_GRAPHS="$t/$m.g" "$HVSIM" run --engine det --strategy dpor --bound 64 --memory-model $m \
    --scenario "$W" --json > "$t/$m.json" 2>"$t/$m.err" || fail "$m: exit $? ($(tail -n1 "$t/$m.err"))"
  n=$(sed -n 's/.*"summary": *"verified: \([0-9]*\) executions.*/\1/p' "$t/$m.json")
  [ -n "$n" ] || fail "$m: not verified ($(grep -o '"summary": *"[^"]*"' "$t/$m.json"))"
  head -n1 "$t/$m" | grep -q "($((n - 1)) of them, [0-9]* with a new graph)" || fail "$m: header '$(head -n1 "$t/$m")' for $n executions"
  sum=$(grep -v '^#' "$t/$m" | awk '{ s += $1 } END { print s + 0 }')
  [ "$sum" -eq $((n - 1)) ] || fail "$m: the rows count $sum executions, not $((n - 1))"
  # new graphs: per row at most its executions, and the rows add up to the header's
  g=$(sed -n 's/.* \([0-9]*\) with a new graph.*/\1/p' "$t/$m")
  gs=$(grep -v '^#' "$t/$m" | awk '{ if ($3 > $1) bad = 1; s += $3 } END { print bad ? -1 : s + 0 }')
  [ "$gs" -eq "$g" ] || fail "$m: new-graph column sums to $gs, header says $g"
  [ "$g" -gt 0 ] && [ "$g" -le $((n - 1)) ] || fail "$m: $g new graphs in $((n - 1)) executions"
  # the same graphs HVSIM_DET_GRAPHS lists, less the first execution's
  [ $((g + 1)) -eq "$(wc -l < "$t/$m.g")" ] || fail "$m: $g new graphs, HVSIM_DET_GRAPHS has $(wc -l < "$t/$m.g")"
done
grep -q ' load .*cfg_flags\[0\] .*handler\.c:[0-9]* wait_for_response().*stale.*turn' "$t/arm" ||
  fail "arm: no row for the wait's stale failed turns of cfg_flags[0]: $(cat "$t/arm")"
! grep -q ' load ' "$t/sc" || fail "sc: a value choice in the table: $(cat "$t/sc")"
grep -q ' run .*daemon' "$t/sc" || fail "sc: no run decision of the daemon: $(cat "$t/sc")"
pass "HVSIM_DPOR_PROFILE counts every execution by its decision (arm $(grep -vc '^#' "$t/arm") rows, sc $(grep -vc '^#' "$t/sc"))"
