#!/bin/sh
# Deterministic engine: a failure's JSON replays to the same verdict, and its
# trace is byte-identical every time (REPLAYS times, default 20; the report
# measured 100).  Also checks the Chrome trace is valid JSON.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" run --engine det --strategy pct --wake nofence --runs 100 --json > "$t/f.json" 2>"$t/err"
[ $? -eq 1 ] || fail "no failure to replay ($(tail -n1 "$t/err"))"
head -n1 "$t/f.json" > "$t/one.json"
want=$(jget "$t/one.json" "L[0]['verdict']")
i=0
while [ $i -lt ${REPLAYS:-20} ]; do
  "$HVSIM" replay "$t/one.json" --trace "$t/tr$i.txt" > "$t/out$i" 2>&1
  grep -q "^$want" "$t/out$i" || fail "replay $i: $(head -n1 "$t/out$i")"
  cmp -s "$t/tr0.txt" "$t/tr$i.txt" || fail "replay $i: trace differs from replay 0"
  i=$((i+1))
done
"$HVSIM" replay "$t/one.json" --chrome-trace "$t/c.json" > /dev/null 2>&1
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['traceEvents'])>10" "$t/c.json" \
  || fail "chrome trace is not valid trace-event JSON"
pass "det replay: $want reproduced ${REPLAYS:-20} times, traces byte-identical ($(wc -l < "$t/tr0.txt") lines)"
