#!/bin/sh
# The seed bug, natively: wait=plain relax=none is caught at -O1 -O2 -O3 -Os
# with gcc and clang and passes at -O0.
# Measured here (gcc 12, clang 14, x86_64, the default run; 2 rounds of all
# 8 builds): every build is HANG_STALE_READ in wait_for_response at the wait
# loop's line of hv/handler.c, judged 62-137 ms after the flag changed.  No
# build of the default run deletes the wait (WRONG_VALUE needs a global flag,
# scenarios/seed_hang.hvs), so WRONG_VALUE here would be a regression.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
n=0
wl=$(wait_line)
for cc in gcc clang; do
  for o in O1 O2 O3 Os; do
    "$HVSIM" run --cc $cc --opt $o --wait plain --relax none --json > "$t/out" 2>"$t/err"
    rc=$?
    [ $rc -eq 1 ] || fail "$cc -$o plain/none: exit $rc, want 1 ($(cat "$t/err"))"
    v=$(jget "$t/out" "L[-1]['verdict']")
    [ "$v" = HANG_STALE_READ ] || fail "$cc -$o plain/none: verdict $v, want HANG_STALE_READ"
    where=$(jget "$t/out" "'%s %s:%s' % (L[-1]['evidence'].get('function',''), L[-1]['evidence'].get('file',''), L[-1]['evidence'].get('line',''))")
    [ "$where" = "wait_for_response hv/handler.c:$wl" ] ||
      fail "$cc -$o: hang evidence names '$where', want 'wait_for_response hv/handler.c:$wl'"
    lat=$(jget "$t/out" "L[-1]['evidence']['judge_latency_ms']")
    [ "$lat" -le 2000 ] || fail "$cc -$o: judged $lat ms after the flag changed (> 2 s)"
    n=$((n+1))
  done
  "$HVSIM" run --cc $cc --opt O0 --wait plain --relax none --runs 3 > "$t/o0" 2>&1; rc=$?
  [ $rc -eq 0 ] || fail "$cc -O0 plain: exit $rc: $(cat "$t/o0")"
  grep -q "^3 run(s) of .*: 3 PASS" "$t/o0" || fail "$cc -O0 plain: not 3 PASS: $(tail -n1 "$t/o0")"
done
pass "plain/none: HANG_STALE_READ at hv/handler.c:$wl in all $n builds (gcc, clang × O1 O2 O3 Os), O0 passes"
