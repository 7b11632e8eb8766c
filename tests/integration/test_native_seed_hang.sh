#!/bin/sh
# The seed bug, natively: wait=plain relax=none is caught at -O1 -O2 -O3 -Os
# with gcc and clang — HANG_STALE_READ pointing into the hv/ wait loop, or
# WRONG_VALUE where the compiler deleted the wait — and passes at -O0.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
n=0
for cc in gcc clang; do
  for o in O1 O2 O3 Os; do
    "$HVSIM" run --cc $cc --opt $o --wait plain --relax none --json > "$t/out" 2>"$t/err"
    rc=$?
    [ $rc -eq 1 ] || fail "$cc -$o plain/none: exit $rc, want 1 ($(cat "$t/err"))"
    v=$(jget "$t/out" "L[-1]['verdict']")
    case "$v" in
      HANG_STALE_READ)
        f=$(jget "$t/out" "L[-1]['evidence'].get('function','')")
        file=$(jget "$t/out" "L[-1]['evidence'].get('file','')")
        [ "$f" = wait_for_response ] || fail "$cc -$o: hang evidence names function '$f'"
        case "$file" in *hv/handler.c) ;; *) [ "$cc" = clang ] || fail "$cc -$o: file '$file'";; esac
        lat=$(jget "$t/out" "L[-1]['evidence']['judge_latency_ms']")
        [ "$lat" -le 2000 ] || fail "$cc -$o: judged $lat ms after the flag changed (> 2 s)";;
      WRONG_VALUE) ;;
      *) fail "$cc -$o plain/none: verdict $v";;
    esac
    n=$((n+1))
  done
  "$HVSIM" run --cc $cc --opt O0 --wait plain --relax none --runs 3 > "$t/o0" 2>&1 || fail "$cc -O0 plain: $(cat "$t/o0")"
done
pass "plain/none caught in $n builds (gcc, clang × O1 O2 O3 Os), O0 passes"
