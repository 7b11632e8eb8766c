# tests/integration/lib.sh — shared helpers for the integration scripts.
# Each script: exit 0 pass, 77 skip, anything else fail; prints one line.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
pass() { echo "PASS: $*"; exit 0; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# jget FILE EXPR: evaluate a python expression over the JSON lines in FILE (as list L)
jget() { python3 -c "import json,sys; L=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print($2)" "$1"; }
