#!/bin/sh
# tools/det_port_sweep.sh [RUNS] [STRATEGIES] — issue 18: the C daemon of
# hvisor-tool's shape (tests/data/port_hvisor/hvisor-tool, through
# <hvsim/compat/hvisor_tool.h>) against the reference handler under the det
# engine, scenarios/port_hvisor.hvs (boot daemon-first, mask-by-size on),
# RUNS executions (default 200) per memory model sc, tso, arm, riscv and per
# strategy (default "pct random"), with the handler's acquire wait
# (--wait acquire): the scenario's `wait volatile` is a true finding under
# arm/riscv (the handler's volatile flag load and its relaxed value load may
# be reordered: WRONG_VALUE, "load->load", measured), and the daemon is what
# is measured here.  The code is then correct: any verdict but PASS is a
# false verdict.  Prints one line per cell with the time taken;
# exit 1 if any false verdict.  Too long for `make test` (8 × 200
# executions); tests/integration/test_det_port_daemon.sh runs sc and tso.
# Measured (2 shared cores, warm cache): 1600/1600 PASS in about 30 s.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HV=${HVSIM:-$ROOT/build/hvsim}
RUNS=${1:-200}
STRATS=${2:-pct random}
D=$ROOT/tests/data/port_hvisor/hvisor-tool
S=$ROOT/scenarios/port_hvisor.hvs
bad=0
for st in $STRATS; do
  for mm in sc tso arm riscv; do
    t0=$(date +%s.%N)
    out=$("$HV" run --scenario "$S" --engine det --strategy "$st" --memory-model "$mm" --runs "$RUNS" --wait acquire \
          --backend "$D/tools/virtio/virtio.c" --backend "$ROOT/sim/runtime/port/hvisor_tool/compat.c" \
          -I "$D/include" --cflags "-include hvsim/compat/hvisor_tool.h" 2>&1)
    rc=$?
    t1=$(date +%s.%N)
    sum=$(echo "$out" | tail -1)
    printf '%-7s %-6s exit %d  %6.1f s  %s\n' "$st" "$mm" "$rc" "$(echo "$t1 - $t0" | bc)" "$sum"
    if [ $rc -ne 0 ] || ! echo "$sum" | grep -q ": $RUNS PASS\$"; then
      bad=1
      echo "$out" | head -5 | sed 's/^/    /'
    fi
  done
done
[ $bad -eq 0 ] && echo "0 false verdicts" || echo "FALSE VERDICTS (above)"
exit $bad
