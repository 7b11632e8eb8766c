# tests/integration/lib.sh — shared helpers for the integration scripts.
# Each script: exit 0 pass, 77 skip, anything else fail; prints one line.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
pass() { echo "PASS: $*"; exit 0; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# jget FILE EXPR: evaluate a python expression over the JSON lines in FILE (as list L)
jget() { python3 -c "import json,sys; L=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print($2)" "$1"; }
# the line of hv/handler.c's wait loop, where every plain-wait hang must point
wait_line() { grep -n 'while (HV_LOAD_FLAG(&b->cfg_flags\[cpu\]) == old)' "$(dirname "$0")/../../hv/handler.c" | cut -d: -f1; }
# expect_hang TAG RC OUT ERR [nolat]: `hvsim run --json` exited RC with
# OUT/ERR; it must be one HANG_STALE_READ naming the wait loop, judged within
# 5 s of the answer (sets $lat, in ms) unless nolat (the det engine's hang is
# judged on the token, with no "answered" event to measure from)
expect_hang() {
  [ "$2" -eq 1 ] || fail "$1: exit $2, want 1 ($(tail -n 3 "$4"))"
  v=$(jget "$3" "L[-1]['verdict']")
  [ "$v" = HANG_STALE_READ ] || fail "$1: verdict $v, want HANG_STALE_READ"
  where=$(jget "$3" "'%s:%s' % (L[-1]['evidence'].get('file',''), L[-1]['evidence'].get('line',''))")
  [ "$where" = "hv/handler.c:$(wait_line)" ] || fail "$1: evidence names '$where', want hv/handler.c:$(wait_line)"
  [ "${5:-}" = nolat ] && return 0
  lat=$(jget "$3" "(lambda tl: [e['t_us'] for e in tl if 'HANG' in e['what']][-1] - [e['t_us'] for e in tl if e['what'].startswith('answered')][-1])(L[-1]['evidence']['timeline']) // 1000")
  [ "$lat" -le 5000 ] || fail "$1: judged $lat ms after the flag changed (> 5 s)"
}
