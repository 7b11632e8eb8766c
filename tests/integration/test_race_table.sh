#!/bin/sh
# hvsim-test: long
# The README table "What the standard race detectors see, beside hvsim's
# verdicts", every cell, under the conditions it states: gcc -O2, x86_64,
# relax none; one run per cell for tsan and helgrind; det = tso (pct).
#   variant                 native           det (tso)        tsan / helgrind
#   wait=plain              HANG_STALE_READ  HANG_STALE_READ  DATA_RACE cfg_flags[0]
#   wait=volatile           PASS             PASS             DATA_RACE cfg_flags[0]
#   wait=acquire            PASS             PASS             PASS
#   acquire, wake=nofence   LOST_WAKEUP      LOST_WAKEUP      PASS (invisible)
# "PASS" is checked over 100 native runs / 100 det executions (det's default
# exploration); LOST_WAKEUP must show within 1000 native runs (rendezvous) /
# 100 det executions, which measured here took 2-5 runs / 1 execution.  The hangs name hv/handler.c's
# wait loop.  Needs valgrind and libtsan (tools/deps.sh core).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
command -v valgrind >/dev/null 2>&1 || skip "valgrind not installed (Helgrind column)"
wl=$(wait_line)
cell() { # ENGINE WAIT WAKE RUNS: run one cell; sets RC, V (last verdict), N (runs reported), OUT
  OUT="$t/$1-$2-$3.json"
  "$HVSIM" run --engine "$1" --cc gcc --opt O2 --arch x86_64 --relax none --wait "$2" --wake "$3" \
    --memory-model tso --runs "$4" --json >"$OUT" 2>"$t/err"; RC=$?
  grep -q '^{' "$OUT" || fail "$1 $2 $3: no result (exit $RC): $(tail -n 3 "$t/err")"
  V=$(jget "$OUT" "L[-1]['verdict']"); N=$(jget "$OUT" "len(L)")
}
want() { # ENGINE WAIT WAKE VERDICT [RC]: the cell's verdict and exit status
  [ "$V" = "$4" ] && [ "$RC" -eq "${5:-1}" ] ||
    fail "$1 wait=$2 wake=$3: $V (exit $RC), the README says $4 (exit ${5:-1}): $(head -c 300 "$OUT")"
}
hang_at_loop() { # ENGINE
  w=$(jget "$OUT" "'%s:%s' % (L[-1]['evidence'].get('file'), L[-1]['evidence'].get('line'))")
  [ "$w" = "hv/handler.c:$wl" ] || fail "$1 plain: the hang names $w, not hv/handler.c:$wl"
}
race_on_flag() { # ENGINE WAIT: a data race on cfg_flags[0] with a site in hv/handler.c, none in hvsim's runtime
  r=$(jget "$OUT" "(lambda r: '%s %s %s' % (r.get('field'), r.get('harness_findings'), ','.join(s['file'] for s in r.get('sites', []))))(L[-1]['evidence'].get('race', {}))")
  case "$r" in "cfg_flags[0] 0 "*hv/handler.c*) ;; *) fail "$1 wait=$2: race is '$r', want cfg_flags[0] at hv/handler.c, 0 harness findings";; esac
}
# native
cell native plain fence 1;        want native plain fence HANG_STALE_READ; hang_at_loop native
cell native volatile fence 100;   want native volatile fence PASS 0; [ "$N" = 100 ] || fail "native volatile: $N runs"
cell native acquire fence 100;    want native acquire fence PASS 0;  [ "$N" = 100 ] || fail "native acquire: $N runs"
cell native acquire nofence 1000; want native acquire nofence LOST_WAKEUP; nn=$N
# det (tso, pct)
# --runs 100: 100 det executions (seeds 1..100), stopping at the first failure
cell det plain fence 100;         want det plain fence HANG_STALE_READ; hang_at_loop det
cell det volatile fence 100;      want det volatile fence PASS 0
cell det acquire fence 100;       want det acquire fence PASS 0
cell det acquire nofence 100;     want det acquire nofence LOST_WAKEUP
dn=$(jget "$OUT" "L[-1]['evidence'].get('executions')")
# ThreadSanitizer and Helgrind, one run each
for e in tsan helgrind; do
  cell $e plain fence 1;          want $e plain fence DATA_RACE;    race_on_flag $e plain
  cell $e volatile fence 1;       want $e volatile fence DATA_RACE; race_on_flag $e volatile
  cell $e acquire fence 1;        want $e acquire fence PASS 0
  cell $e acquire nofence 1;      want $e acquire nofence PASS 0
done
pass "all 16 cells as in the README (native LOST_WAKEUP after $nn run(s), det after $dn execution(s))"
