#!/bin/sh
# tests/integration/test_threads_end.sh — issue 16: the tsan and helgrind
# engines judge how a run ended while the participants are alive, in words.
#  1. scenarios/dropped_ipi.hvs with --wait acquire: LOST_WAKEUP (was
#     TIMEOUT "daemon state 3": the daemon had been stopped before the state
#     was read), the state named by field (req_front, req_rear, need_wakeup),
#     the injected fault as the cause, no raw state number;
#  2. tests/threads/missed_answer.c (an acquire loop waiting on a value it
#     sampled after the answer came): TIMEOUT "not a hoisted load" with the
#     loop checker's evidence (it was HANG_STALE_READ "the wait loop does
#     not re-read memory");
#  3. the seed's plain wait at -O2: the hang is a hoisted load WITH the loop
#     checker's evidence, the loop at hv/handler.c:73.
# Exit 0 pass, 77 skip, 1 fail.
HVSIM=${HVSIM:-build/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM is not built"; exit 77; }
probe=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tsanprobe.XXXXXX"); trap 'rm -rf "$probe"' EXIT
echo 'int main(void){return 0;}' > "$probe/p.c"
gcc -fsanitize=thread "$probe/p.c" -o "$probe/p" 2>/dev/null && "$probe/p" || {
  echo "SKIP: gcc -fsanitize=thread does not build/run here (libtsan2 missing?)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
field() { # json key → value (first match), from $out
  printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"
}

engines=tsan
command -v valgrind >/dev/null && [ -f /usr/include/valgrind/helgrind.h ] && engines="tsan helgrind"
for e in $engines; do
  out=$("$HVSIM" run --scenario scenarios/dropped_ipi.hvs --engine "$e" --wait acquire --json 2>&1); rc=$?
  [ "$rc" -eq 1 ] || fail "dropped_ipi $e: exit $rc, want 1: $(echo "$out" | head -c 500)"
  [ "$(field "d['verdict']")" = LOST_WAKEUP ] || fail "dropped_ipi $e: verdict $(field "d['verdict']"), want LOST_WAKEUP"
  s=$(field "d['evidence']['summary']")
  t=$(field "d['evidence']['text']")
  for w in "req_front 2" "req_rear 3" "need_wakeup 1" "dropped by fault injection"; do
    case "$s" in *"$w"*) ;; *) fail "dropped_ipi $e: summary lacks '$w': $s";; esac
  done
  case "$t" in *"unchanged while every participant was alive: the daemon is asleep in the kernel-module shim"*) ;;
    *) fail "dropped_ipi $e: text does not say the daemon was seen asleep while alive: $t";; esac
  case "$t$s" in *"daemon state"*|*"offset"*|*"store buffer"*) fail "dropped_ipi $e: raw state/offset or an unobserved cause: $t";; esac
  echo "ok: dropped_ipi under $e = LOST_WAKEUP, in words"
done

out=$("$HVSIM" run --scenario tests/threads/missed_answer.hvs --engine tsan --json 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "missed_answer: exit $rc, want 1: $(echo "$out" | head -c 500)"
[ "$(field "d['verdict']")" = TIMEOUT ] || fail "missed_answer: verdict $(field "d['verdict']"), want TIMEOUT (it is no hoisted load)"
s=$(field "d['evidence']['summary']")
case "$s" in *"not a hoisted load"*"sim/evidence"*"missed answer"*) ;; *) fail "missed_answer: summary: $s";; esac
case "$s" in *"hoisted out"*|*"does not re-read"*) fail "missed_answer: still called a hoisted load: $s";; esac
echo "ok: missed_answer under tsan = TIMEOUT, not a hoisted load (loop checker evidence)"

out=$("$HVSIM" run --engine tsan --cc gcc --opt O2 --relax none --wait plain --json 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "plain O2: exit $rc, want 1"
e=$(field "d['evidence']['race']['run_end']")
case "$e" in "HANG_STALE_READ: "*"loop with no load"*"wait_for_response() hv/handler.c:73"*) ;;
  *) fail "plain O2: run end is not a hoisted load with the loop's evidence: $e";; esac
echo "ok: plain -O2 under tsan: hang = hoisted load, loop at hv/handler.c:73 with no load"
exit 0
