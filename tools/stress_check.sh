#!/bin/sh
# tools/stress_check.sh — "hvsim never cries wolf": run N seeded native runs of
# the CORRECT variants (wait volatile and acquire, wake fence; gcc and clang;
# O2) while stress-ng loads every CPU, and count false verdicts (any verdict
# but PASS: those builds cannot hang, lose a wakeup or read a wrong value).
#
#   tools/stress_check.sh [TOTAL_RUNS]     default 10000, split over 4 variants
#
# Environment: HVSIM (default build/hvsim), STRESS_CPUS (stress-ng --cpu N,
# default 2; 0 = no load), SEED (first seed, default 1), OUT (directory for
# the JSON lines and the summary; default a temp dir, kept if anything is
# false).
# Prints one line per variant and a final line
#   "false verdicts: F of N runs (load: L) in S s"
# where L is what really ran: "stress-ng --cpu N, ran throughout" only when
# its N workers were seen at the start and still there at the end.
# Exit 0 when F = 0, 1 when F > 0, 77 when hvsim or a compiler is missing,
# 3 when a variant could not be run at all (harness failure, counted apart).
total=${1:-10000}
HVSIM=${HVSIM:-build/hvsim}
STRESS_CPUS=${STRESS_CPUS:-2}
SEED=${SEED:-1}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
command -v jq >/dev/null 2>&1 && have_jq=1 || have_jq=0

keep=0
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; keep=1
else OUT=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-stress.XXXXXX"); fi

spid=""
cleanup() {
  if [ -n "$spid" ]; then
    kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  fi
  [ $keep -eq 1 ] || rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# $load says what load really ran, for the final line: it is only claimed
# once stress-ng's workers are seen running, and checked again at the end.
load="none (STRESS_CPUS=0)"
nworkers() { n=$(pgrep -c -P "$spid" 2>/dev/null); echo "${n:-0}"; }
if [ "$STRESS_CPUS" -gt 0 ]; then
  if command -v stress-ng >/dev/null 2>&1; then
    # its own process group would be nicer; a plain child is enough: we kill
    # it by pid (stress-ng reaps its workers when its parent gets SIGTERM)
    stress-ng --cpu "$STRESS_CPUS" --timeout 0 --quiet >"$OUT/stress-ng.log" 2>&1 &
    spid=$!
    i=0
    while [ "$(nworkers)" -lt "$STRESS_CPUS" ] && [ $i -lt 100 ]; do
      kill -0 "$spid" 2>/dev/null || break
      sleep 0.05; i=$((i + 1))
    done
    if [ "$(nworkers)" -ge "$STRESS_CPUS" ]; then
      load="stress-ng --cpu $STRESS_CPUS"
    else
      load="none (stress-ng --cpu $STRESS_CPUS did not start its workers: $(head -c 200 "$OUT/stress-ng.log" | tr '\n' ' '))"
      echo "note: $load"
    fi
  else
    load="none (stress-ng not installed)"
    echo "note: stress-ng not installed, running without load"
  fi
fi

variants="gcc:volatile gcc:acquire clang:volatile clang:acquire"
nv=4
per=$(( (total + nv - 1) / nv ))
start=$(date +%s)
all=0; bad=0; harness=0; detail=""
for v in $variants; do
  cc=${v%%:*}; wait=${v#*:}
  command -v "$cc" >/dev/null 2>&1 || { echo "SKIP: $cc not installed"; exit 77; }
  f="$OUT/$cc-$wait.jsonl"
  "$HVSIM" run --cc "$cc" --opt O2 --wait "$wait" --wake fence --seed "$SEED" \
      --runs "$per" --keep-going --json >"$f" 2>"$OUT/$cc-$wait.err"
  rc=$?
  n=$(grep -c '"verdict"' "$f")
  p=$(grep -c '"verdict":"PASS"' "$f")
  b=$((n - p))
  all=$((all + n)); bad=$((bad + b))
  if [ "$n" -lt "$per" ] || [ $rc -gt 1 ]; then
    harness=$((harness + 1))
    echo "$cc/O2 wait=$wait: only $n of $per runs reported (exit $rc): $(tail -n1 "$OUT/$cc-$wait.err")"
  fi
  if [ $b -gt 0 ]; then
    keep=1
    vs=$(grep -v '"verdict":"PASS"' "$f" | sed 's/.*"verdict":"\([A-Z_]*\)".*"seed":\([0-9]*\).*/\1@seed\2/' | head -n 5 | tr '\n' ' ')
    detail="$detail $cc/$wait: $vs"
  fi
  echo "$cc/O2 wait=$wait wake=fence: $p PASS of $n runs (false: $b)"
done
secs=$(( $(date +%s) - start ))
case $load in
  stress-ng*)
    if [ "$(nworkers)" -ge "$STRESS_CPUS" ]; then
      load="$load, ran throughout"
    else
      load="$load, but it was gone (or lost workers) before the runs ended"
    fi ;;
esac
echo "false verdicts: $bad of $all runs (load: $load) in ${secs} s"
[ $bad -eq 0 ] || echo "false:$detail (JSON lines in $OUT)"
[ $bad -eq 0 ] || exit 1
[ $harness -eq 0 ] || exit 3
exit 0
