#!/bin/sh
# tests/integration/test_det_replay_code.sh — issue 16: replay replays the
# code the failure ran.  A det failure of USER code (examples/seqcount's
# plain-load waiter, copied to a scratch directory so it can be edited, run
# with --wait acquire, which the user's handler ignores: hvsim's reference
# code at acquire PASSes — what replay used to rebuild, printing PASS, exit 0,
# measured with the hvsim before this change):
#  - the failure JSON records the sources and headers with their SHA-256
#    (checked against coreutils' sha256sum);
#  - replay reproduces the same verdict, exit 1;
#  - --emit-test writes a test whose embedded failure carries the record;
#  - after an edit of the user's file: replay exit 2 naming the file and
#    "changed", --emit-test exit 2 likewise; --allow-changed replays it;
#  - a recorded header removed: exit 2 "missing", even with --allow-changed.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cp examples/seqcount/handler_buggy.c examples/seqcount/backend.c examples/seqcount/hv_common.h \
   examples/seqcount/seq.h "$t/"
# no shrinking: any failing schedule will do here, and a hang costs its whole
# hang bound per shrink step
HVSIM_DET_SHRINK=0 "$HVSIM" run --engine det --hv "$t/handler_buggy.c" --backend "$t/backend.c" --cc gcc --opt O2 --wait acquire \
  --json > "$t/f.json" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "det run of the user's buggy code: exit $rc, want 1 ($(tail -n1 "$t/err"))"
head -n1 "$t/f.json" > "$t/one.json"
want=$(jget "$t/one.json" "L[0]['verdict']")
# The user's plain-load waiter hangs: HANG_STALE_READ, and the replay must give
# the same (hvsim's reference code PASSes here).  The det watchdog now tells a
# starved spinner from a blocked thread, so no other verdict is accepted.
[ "$want" = HANG_STALE_READ ] || fail "det run: $want, want HANG_STALE_READ of the user's code"
rec=$(jget "$t/one.json" "L[0]['evidence']['code']['hv'][0]['path'] + ' ' + L[0]['evidence']['code']['hv'][0]['sha256']")
[ "$rec" = "$t/handler_buggy.c $(sha256sum "$t/handler_buggy.c" | cut -d' ' -f1)" ] || fail "recorded hv code: $rec"
hdr=$(jget "$t/one.json" "sorted(h['path'] for h in L[0]['evidence']['code']['headers'])")
[ "$hdr" = "['$t/hv_common.h', '$t/seq.h']" ] || fail "recorded headers: $hdr"

"$HVSIM" replay "$t/one.json" > "$t/r1" 2>&1; rc=$?
[ $rc -eq 1 ] || fail "replay of the user-code failure: exit $rc, want 1: $(head -n1 "$t/r1")"
grep -q "^$want " "$t/r1" || fail "replay did not reproduce $want: $(head -n1 "$t/r1")"
grep -q "seq_wait()" "$t/r1" || fail "replay's hang is not in the user's seq_wait(): $(head -n1 "$t/r1")"

# What replay did before the record, and still does for a JSON without one:
# hvsim's reference code, which passes this schedule — so the replay above
# really ran the user's code.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['evidence']['code']; json.dump(d, open(sys.argv[2],'w'))" \
  "$t/one.json" "$t/norec.json"
"$HVSIM" replay "$t/norec.json" > "$t/r0" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "replay without a code record (reference code): exit $rc, want 0: $(head -n2 "$t/r0")"
grep -q "records no code" "$t/r0" || fail "replay without a code record does not say it records no code"

"$HVSIM" replay "$t/one.json" --emit-test "$t/regress.c" > /dev/null 2>"$t/e1"; rc=$?
[ $rc -eq 0 ] || fail "--emit-test: exit $rc: $(cat "$t/e1")"
grep -q "$(sha256sum "$t/handler_buggy.c" | cut -c1-64)" "$t/regress.c" || fail "emitted test does not carry the code record"

echo "/* an edit */" >> "$t/handler_buggy.c"
"$HVSIM" replay "$t/one.json" > "$t/r2" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "replay after an edit: exit $rc, want 2: $(head -n2 "$t/r2")"
grep -q "$t/handler_buggy.c: changed since the failure was recorded" "$t/r2" || fail "replay after an edit does not name the file: $(cat "$t/r2")"
"$HVSIM" replay "$t/one.json" --emit-test "$t/regress2.c" > "$t/r3" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--emit-test after an edit: exit $rc, want 2"
grep -q "$t/handler_buggy.c: changed" "$t/r3" || fail "--emit-test after an edit does not name the file: $(cat "$t/r3")"
[ -e "$t/regress2.c" ] && fail "--emit-test wrote a test of other code"
"$HVSIM" replay "$t/one.json" --allow-changed > "$t/r4" 2>&1; rc=$?
[ $rc -eq 1 ] || fail "--allow-changed: exit $rc, want 1 (the comment fixes nothing): $(head -n2 "$t/r4")"
grep -q "replaying on changed code" "$t/r4" || fail "--allow-changed does not say so"

rm "$t/seq.h"
"$HVSIM" replay "$t/one.json" --allow-changed > "$t/r5" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "replay with a header gone: exit $rc, want 2"
grep -q "$t/seq.h: missing" "$t/r5" || fail "replay with a header gone does not name it: $(cat "$t/r5")"
pass "user-code det failure: $want recorded with SHA-256, replayed (exit 1); edited file -> exit 2 naming it; missing header -> exit 2"
