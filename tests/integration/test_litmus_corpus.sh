#!/bin/sh
# hvsim-test: long
# hvsim litmus (issue 17): the corpus in tests/litmus/ — every shape under
# sc, tso, arm and riscv, compiled by gcc at -O2 — gives exactly the result
# each file expects (its "hvsim-expect" line, cross-checked against herd7's
# published results, the differences stated in "hvsim-herd7").  Then: a
# wrong expectation IS reported (exit 1, DISAGREES), bad input is exit 2
# with file:line:col, and a test whose plain loads gcc merges at -O2 is
# reported as differing between -O0 and -O2.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
L=$(dirname "$0")/../litmus
command -v gcc >/dev/null || skip "gcc not installed"

# 1. the corpus: exit 0, no disagreement, every file × model agrees
n=$(ls "$L"/*.litmus | wc -l)
[ "$n" -ge 25 ] || fail "corpus has only $n tests"
"$HVSIM" litmus --cc gcc --opt O2 --memory-model sc,tso,arm,riscv "$L"/*.litmus > "$t/out" 2>"$t/err"
rc=$?
[ $rc -eq 0 ] || fail "corpus: exit $rc: $(grep -m3 -E 'DISAGREES|INCOMPLETE' "$t/out") $(tail -n3 "$t/err")"
agree=$(grep -c ': agrees)' "$t/out")
[ "$agree" -eq $((n * 4)) ] || fail "corpus: $agree results agree, want $((n * 4)) ($n tests x 4 models)"
grep -q "Summary: $((n * 4)) results, 0 disagreement" "$t/out" || fail "corpus: $(grep Summary "$t/out")"
# the known gap is said in the output, next to the result
grep -q "Note Forbidden here; herd7 ARMv8: Allowed -- this model has no promises" "$t/out" \
  || fail "LB: the difference from herd7 is not stated"
# herd7's lines are there
grep -q "^Witnesses" "$t/out" && grep -q "^Positive: [0-9]* Negative: [0-9]*" "$t/out" \
  && grep -q '^Condition exists (0:r0=0 /\\ 1:r0=0)' "$t/out" || fail "herd7-style lines missing"

# 2. a deliberately wrong expectation is a disagreement (the check can fail)
sed 's/tso=Allowed/tso=Forbidden/' "$L/SB.litmus" > "$t/SB-wrong.litmus"
grep -q "tso=Forbidden" "$t/SB-wrong.litmus" || fail "could not make the wrong expectation"
"$HVSIM" litmus --opt O2 --memory-model tso "$t/SB-wrong.litmus" > "$t/w" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "wrong expectation: exit $rc, want 1"
grep -q "DISAGREES: .*SB-wrong.litmus expects Forbidden under tso" "$t/w" || fail "wrong expectation not reported: $(grep Result "$t/w")"
"$HVSIM" litmus --opt O2 --memory-model tso --json "$t/SB-wrong.litmus" > "$t/wj" 2>&1
[ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['disagreements'])" "$t/wj")" = 1 ] \
  || fail "JSON does not count the disagreement"

# 3. bad input: exit 2, file:line:col
bad() { # NAME TEXT WANT
  printf "$2" > "$t/$1.litmus"
  "$HVSIM" litmus --opt O2 --memory-model sc "$t/$1.litmus" > "$t/b" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "$1: exit $rc, want 2 ($(head -n2 "$t/b"))"
  grep -q "^$t/$1.litmus:$3" "$t/b" || fail "$1: want '$1.litmus:$3', got: $(head -n2 "$t/b")"
}
bad unknown 'C u\n{ x = 0; }\nP0(atomic_int *x) {\n  int r0 = atomic_load_explicit(y, memory_order_relaxed);\n}\nexists (0:r0=1)\n' \
  "4:33: unknown identifier 'y'"
bad nocond 'C n\nP0(atomic_int *x) {\n  atomic_store_explicit(x, 1, memory_order_relaxed);\n}\n' "5:1: expected the final condition"
bad badexp 'C e\n(* hvsim-expect: arm=Maybe *)\nP0(atomic_int *x) { *x = 1; }\nexists (x=1)\n' "2:1: expected MODEL=Allowed"
bad loop 'C l\nP0(atomic_int *x) { while (1) { } }\nexists (x=1)\n' "2:21: loops are not supported"
bad noreg 'C r\nP0(atomic_int *x) { *x = 1; }\nexists (0:r9=1)\n' "3:11: P0 has no register 'r9'"
bad asm 'AArch64 A\n' "1:1: this is a AArch64 litmus test"
# a name longer than its field is an error at its place, not a silent cut
bad longname 'C LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\nP0(atomic_int *x) { *x = 1; }\nexists (x=1)\n' "1:3: test name '"
# the compiler's own complaint names the litmus file too (#line)
bad cc 'C c\nP0(atomic_int *x) { atomic_store_explicit(x, 1); }\nexists (x=1)\n' "2:"
"$HVSIM" litmus --memory-model tsx "$L/SB.litmus" > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown model: not exit 2"

# 4. the compiler is part of the test: gcc merges two plain loads at -O2
"$HVSIM" litmus --opt O0,O2 --memory-model sc "$L/compiler/CoRR+plain.litmus" > "$t/c" 2>&1 \
  || fail "CoRR+plain: exit $? ($(tail -n2 "$t/c"))"
grep -q "Levels differ: CoRR+plain under sc with gcc: -O0 Allowed (3 states) -O2 Forbidden (2 states)" "$t/c" \
  || fail "CoRR+plain: -O0/-O2 difference not reported: $(grep -E 'Result|Levels' "$t/c")"
pass "litmus corpus: $n tests x 4 models agree (gcc -O2); wrong expectation, bad input, -O0/-O2 difference reported"
