#!/bin/sh
# hvsim-test: long
# hvsim litmus --strategy dpor: the det engine's source-DPOR, run on the
# litmus corpus, must reach the final states the plain sleep-set DFS
# reaches (sc, tso, arm, riscv; gcc -O2).  A state only DFS reaches is a
# DPOR rule that skipped a real execution.  The gaps known today are listed
# in tests/litmus/dpor_gaps.txt; any other gap fails, a listed gap that is
# gone fails too (delete its line), and a state only DPOR reaches fails.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
L=$(dirname "$0")/../litmus
command -v gcc >/dev/null || skip "gcc not installed"
for s in dfs dpor; do
  "$HVSIM" litmus --strategy $s --cc gcc --opt O2 --memory-model sc,tso,arm,riscv --json "$L"/*.litmus \
    > "$t/$s.json" 2>"$t/$s.err"
  rc=$?
  # dfs agrees with every file's expectation (test_litmus_corpus); dpor may
  # disagree where it has a listed gap (exit 1); 2, 3 are errors
  want=0
  n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['disagreements'])" "$t/$s.json") \
    || fail "$s: no JSON document"
  [ $s = dpor ] && [ "$n" != 0 ] && want=1
  [ $rc -eq $want ] || fail "$s: exit $rc, want $want: $(tail -n3 "$t/$s.err")"
done
python3 - "$t/dfs.json" "$t/dpor.json" "$L/dpor_gaps.txt" > "$t/cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(f))['results'] for f in sys.argv[1:3])
known = {}
for line in open(sys.argv[3]):
    f = line.split()
    if f and not line.startswith('#'):
        known[(f[0], f[1])] = int(f[2])
def states(r):
    return set(json.dumps(s['values'], sort_keys=True) for s in r['states'])
A = {(r['test'], r['model']): r for r in a}
B = {(r['test'], r['model']): r for r in b}
bad = 0
if set(A) != set(B) or len(A) < 100:
    print("cells differ or too few: %d dfs, %d dpor" % (len(A), len(B))); bad += 1
for k in sorted(A):
    if k not in B:
        continue
    if not A[k]['complete'] or not B[k]['complete']:
        print("INCOMPLETE %s %s" % k); bad += 1
    sa, sb = states(A[k]), states(B[k])
    if sb - sa:
        print("ONLY DPOR %s %s: %s" % (k + (sorted(sb - sa),))); bad += 1
    if B[k]['agrees'] != A[k]['agrees'] and k not in known:
        print("RESULT %s %s: dpor %s, dfs %s" % (k + (B[k]['result'], A[k]['result']))); bad += 1
    missed = len(sa - sb)
    if missed != known.get(k, 0):
        print("GAP %s %s: dpor misses %d state(s) %s, dpor_gaps.txt says %d"
              % (k + (missed, sorted(sa - sb), known.get(k, 0)))); bad += 1
ea = sum(r['executions'] for r in a); eb = sum(r['executions'] for r in b)
print("cells %d, listed gaps %d, executions dfs %d dpor %d" % (len(A), len(known), ea, eb))
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || fail "dpor against dfs: $(head -n 12 "$t/cmp")"
cat "$t/cmp"
pass
