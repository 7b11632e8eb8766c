#!/bin/sh
# hvsim bench --out NEWDIR: the directory is created before measuring, so a
# run whose sections do not include the matrix (which used to be the only
# thing creating it) still writes bench.json and bench.svg there; an --out
# that cannot be created fails before measuring, exit 2.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" bench --out "$t/new/dir" --only raw --quick > "$t/out" 2>&1 \
  || fail "bench --out NEWDIR --only raw: exit $? ($(tail -n2 "$t/out"))"
[ -s "$t/new/dir/bench.json" ] && [ -s "$t/new/dir/bench.svg" ] || fail "no bench.json/bench.svg in the new --out"
touch "$t/file"
"$HVSIM" bench --out "$t/file/sub" --only raw --quick > "$t/out2" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--out under a file: exit $rc, want 2 ($(tail -n1 "$t/out2"))"
grep -q "measured\|wrote" "$t/out2" && fail "--out under a file measured anyway: $(cat "$t/out2")"
pass "bench --out: a new directory is created before measuring; one that cannot be is exit 2"
