#!/bin/sh
# tests/integration/test_report_sarif.sh — `hvsim report` writes report.sarif
# beside the other outputs, and it says what report.json says: one result per
# non-PASS cell, level error exactly for the unexpected ones, each result at
# the cell's evidence file:line.  Cross-checked against report.json with an
# independent reader (python3).  Exit 0 pass, 1 fail.
HVSIM=${HVSIM:-build/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM is not built"; exit 77; }
t=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-sarif.XXXXXX"); trap 'rm -rf "$t"' EXIT
"$HVSIM" report tests/data/report_sample.json --out "$t" >"$t/log" 2>&1; rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: hvsim report exit $rc: $(cat "$t/log")"; exit 1; }
[ -s "$t/report.sarif" ] || { echo "FAIL: report.sarif not written"; exit 1; }
python3 - "$t/report.sarif" tests/data/report_sample.json <<'PY' || exit 1
import json, sys
sarif, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sarif["version"] == "2.1.0", sarif["version"]
run = sarif["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
res = {r["properties"]["cell"]: r for r in run["results"]}
found = [c for c in rep["cells"] if c["verdict"] != "PASS"]
assert len(res) == len(found), (len(res), len(found))
for c in found:
    r = res[c["id"]]
    assert rules[r["ruleIndex"]] == r["ruleId"] == c["verdict"], c["id"]
    unexpected = c.get("status") == "unexpected"
    assert r["level"] == ("error" if unexpected else "note"), (c["id"], r["level"])
    ev = c.get("evidence", {})
    assert r["message"]["text"].startswith(ev.get("summary") or c["verdict"]), c["id"]
    if ev.get("file"):
        pl = r["locations"][0]["physicalLocation"]
        assert pl["artifactLocation"]["uri"] == ev["file"], (pl, ev["file"])
        assert pl["region"]["startLine"] == ev["line"]
print("PASS: report.sarif: %d results (%d error, %d note), %d rules" % (
    len(res), sum(r["level"] == "error" for r in res.values()), sum(r["level"] == "note" for r in res.values()), len(rules)))
PY
