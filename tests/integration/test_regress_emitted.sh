#!/bin/sh
# Every emitted regression test in tests/regress/ (from `hvsim replay
# FAILURE.json --emit-test`) fails on the buggy variant it was emitted from
# and passes on the fix named in its .fix file (HVSIM_REGRESS_ARGS).
# "Fails" means exactly: the replay it runs exits 1 with the verdict recorded
# in the embedded failure (not 127 for a missing hvsim, 2 for bad input, 3
# for a harness failure); "passes" means the replay exits 0 with PASS.  The
# test binary runs $HVSIM, here a wrapper that records the real hvsim's exit
# status and first output line (the test itself discards the output).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
REAL=$(realpath "$HVSIM")
cat >"$t/hvsim" <<EOW
#!/bin/sh
"$REAL" "\$@" >"$t/replay.out" 2>&1
rc=\$?
echo \$rc >"$t/replay.rc"
exit \$rc
EOW
chmod +x "$t/hvsim"
# run_one SRC [ARGS]: run the compiled test; sets TRC (its status), RRC and RV
# (the replay's exit status and verdict)
run_one() {
  rm -f "$t/replay.rc" "$t/replay.out"
  HVSIM="$t/hvsim" HVSIM_REGRESS_ARGS="$2" "$t/t" >"$t/out" 2>&1; TRC=$?
  [ -f "$t/replay.rc" ] || fail "$1: the test never ran hvsim replay: $(tail -3 "$t/out")"
  RRC=$(cat "$t/replay.rc"); RV=$(grep -v '^hvsim ' "$t/replay.out" | head -n1 | cut -d' ' -f1)
}
n=0
for src in tests/regress/*.c; do
  [ -f "$src" ] || continue
  fix=$(sed -n 's/^# *fix: *//p' "${src%.c}.fix" 2>/dev/null)
  [ -n "$fix" ] || fail "$src: no ${src%.c}.fix with a '# fix: ARGS' line"
  want=$(sed -n 's/^ *" \\"verdict\\": \\"\([A-Z_]*\)\\",\\n"$/\1/p' "$src" | head -n1)
  [ -n "$want" ] || fail "$src: no verdict in its embedded failure"
  gcc -o "$t/t" "$src" -lcmocka || fail "$src does not compile"
  run_one "$src" ""
  [ $TRC -ne 0 ] || fail "$src passed on the buggy variant"
  [ "$RRC" = 1 ] && [ "$RV" = "$want" ] ||
    fail "$src on the buggy variant: replay exit $RRC, '$RV'; want exit 1 and $want ($(head -c 200 "$t/replay.out"))"
  run_one "$src" "$fix"
  [ $TRC -eq 0 ] || fail "$src failed with the fix ($fix): $(tail -3 "$t/out")"
  [ "$RRC" = 0 ] && [ "$RV" = PASS ] || fail "$src with the fix: replay exit $RRC, '$RV'; want 0 and PASS"
  n=$((n+1))
done
[ $n -gt 0 ] || fail "no emitted regression tests in tests/regress/ (there is one in the tree)"
pass "$n emitted regression test(s): exit 1 with the recorded verdict on the bug, PASS on the fix"
