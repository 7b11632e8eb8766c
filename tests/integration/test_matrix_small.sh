#!/bin/sh
# A small matrix end to end: verdicts as expected, binary dedup, report.json
# + junit.xml (well-formed, counts match) + summary.md + index.html, and
# --shard 1/2 + 2/2 merged gives the same verdicts as one run.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
args="--scenario scenarios/seed_hang.hvs --cc gcc,clang --opt O0,O2,O3 --wait plain,volatile --runs 2"
"$HVSIM" matrix $args --out "$t/all" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix exit $rc: $(tail -3 "$t/err")"
for f in report.json junit.xml summary.md index.html report.sarif; do [ -s "$t/all/$f" ] || fail "missing $f"; done
# junit.xml: parsed by Python's XML parser (well-formedness and the counts),
# so the matrix test needs no xmllint (test_report_html validates with it)
junit=$(python3 - "$t/all/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    sys.exit("junit.xml not well-formed: %s" % e)
suites = [root] if root.tag == 'testsuite' else root.iter('testsuite')
t = f = 0
for s in suites:
    t += int(s.get('tests', 0)); f += int(s.get('failures', 0))
print(t, f)
PY
) || fail "$junit"
cells=$(python3 -c "import json; r=json.load(open('$t/all/report.json')); print(len(r['cells']))")
[ "$cells" = 12 ] || fail "$cells cells, want 12"
tests=${junit% *}; fails=${junit#* }
unexp=$(python3 -c "import json; r=json.load(open('$t/all/report.json')); print(sum(c['status']=='unexpected' for c in r['cells']))")
[ "$tests" = "$cells" ] && [ "$fails" = "$unexp" ] || fail "junit tests=$tests failures=$fails vs report cells=$cells unexpected=$unexp"
python3 - "$t/all/report.json" <<'PY' || fail "verdicts"
import json, sys
r = json.load(open(sys.argv[1]))
for c in r['cells']:
    bad = c['wait'] == 'plain' and c['opt'] != 'O0'
    ok = c['verdict'] in ('HANG_STALE_READ', 'WRONG_VALUE') if bad else c['verdict'] == 'PASS'
    if not ok: sys.exit("%s: %s" % (c['id'], c['verdict']))
    if bad and c['verdict'] == 'HANG_STALE_READ' and c.get('oracle', {}).get('prediction') != 'hang':
        sys.exit("%s: oracle %s" % (c['id'], c.get('oracle')))
if not any(c['deduped'] for c in r['cells']): sys.exit("no dedup at all")
PY
"$HVSIM" matrix $args --shard 1/2 --out "$t/s1" 2>/dev/null
"$HVSIM" matrix $args --shard 2/2 --out "$t/s2" 2>/dev/null
"$HVSIM" merge -o "$t/merged.json" "$t/s1/report.json" "$t/s2/report.json" || fail "merge"
python3 - "$t/all/report.json" "$t/merged.json" <<'PY' || fail "shards differ"
import json, sys
a = {c['id']: c['verdict'] for c in json.load(open(sys.argv[1]))['cells']}
b = {c['id']: c['verdict'] for c in json.load(open(sys.argv[2]))['cells']}
if a != b: sys.exit(str(set(a.items()) ^ set(b.items())))
PY
pass "12-cell matrix as expected; junit matches report.json; shards 1/2+2/2 merge to the same verdicts"
