#!/bin/sh
# tests/integration/test_matrix_hv_libs.sh — issue 18: the library's own build
# as a matrix dimension.  examples/rust_handler built at rustc opt-level 0
# and 2 (--cfg relax_none: the loop hangs from opt-level 1):
#   hvsim matrix --hv-lib O0.a,O2.a  -> 2 cells (not 36 gcc/clang cells), each
#     labelled "rustc X" / "opt-level=N", the C side said apart; the scenario's
#     `expect … when lib-opt=…` rules judge them: 0 unexpected, exit 0
#   the same with the rules swapped -> both unexpected, exit 1
#   one --hv-lib alone -> 1 cell
. "$(dirname "$0")/test_byo_lib.inc"
command -v rustc >/dev/null 2>&1 || skip "rustc not installed"
for o in 0 2; do
  sh "$ROOT/examples/rust_handler/build.sh" "$T/o$o" $o --cfg relax_none >"$T/rustc$o.log" 2>&1 ||
    { cat "$T/rustc$o.log"; fail "building the Rust handler at opt-level $o"; }
done
RV=$(rustc --version | cut -d' ' -f2)
sed '/^expect/d' "$ROOT/examples/rust_handler/rust_handler.hvs" >"$T/m.hvs"
cp "$T/m.hvs" "$T/swap.hvs"
printf 'expect PASS when lib-opt=0\nexpect HANG_STALE_READ|WRONG_VALUE when lib-opt=1,2,3,s,z\n' >>"$T/m.hvs"
printf 'expect PASS when lib-opt=2\nexpect HANG_STALE_READ when lib-opt!=2\n' >>"$T/swap.hvs"
H="env HVSIM_BUILD_DIR=$T/cache $HV"
LIBS="$T/o0/librust_handler.a,$T/o2/librust_handler.a"
$H matrix --scenario "$T/m.hvs" --hv-lib "$LIBS" --runs 1 --out "$T/r" >"$T/out" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "matrix over two libraries: want exit 0, got $rc: $(tail -3 "$T/out")"
grep -q "2 cells, 2 distinct binaries run (0 saved by dedup), 0 unexpected" "$T/out" ||
  fail "want 2 cells, 0 unexpected: $(tail -2 "$T/out")"
python3 - "$T/r/report.json" "$RV" <<'PY' || fail "report.json labels (above)"
import json, sys
d = json.load(open(sys.argv[1])); rv = sys.argv[2]
got = sorted((c["cc"], c["opt"], c.get("c_side"), c["verdict"], c["status"]) for c in d["cells"])
want = [("rustc " + rv, "opt-level=0", "gcc -O2", "PASS", "ok"),
        ("rustc " + rv, "opt-level=2", "gcc -O2", "HANG_STALE_READ", "expected-failure")]
if got != want:
    print("got ", got); print("want", want); sys.exit(1)
ids = [c["id"] for c in d["cells"]]
if not all(("opt-level=0" in i) != ("opt-level=2" in i) for i in ids):
    print("ids do not name the library build:", ids); sys.exit(1)
PY
grep -q "| rustc $RV opt-level=0 | rustc $RV opt-level=2 |" "$T/r/summary.md" ||
  fail "summary.md columns are not the library builds: $(grep '^| variant' "$T/r/summary.md")"
$H matrix --scenario "$T/swap.hvs" --hv-lib "$LIBS" --runs 1 --out "$T/r2" >"$T/out2" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "2 cells, .* 2 unexpected" "$T/out2" ||
  fail "swapped lib-opt rules: want 2 unexpected, exit 1, got $rc: $(tail -2 "$T/out2")"
$H matrix --scenario "$T/m.hvs" --hv-lib "$T/o0/librust_handler.a" --runs 1 --out "$T/r3" >"$T/out3" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "1 cells, 1 distinct" "$T/out3" ||
  fail "one library: want 1 cell, exit 0, got $rc: $(tail -2 "$T/out3")"
no_leftovers "$T/cache"
pass "--hv-lib O0,O2: 2 cells labelled rustc $RV opt-level=0/2 (C side gcc -O2), judged by lib-opt rules; swapped rules 2 unexpected; one library 1 cell"
