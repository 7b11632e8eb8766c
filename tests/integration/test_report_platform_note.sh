#!/bin/sh
# tests/integration/test_report_platform_note.sh — summary.md says once per
# architecture which rows ran under qemu-user (issue 21: the note used to list
# all 144 cell ids of the default matrix in one paragraph); the ids stay in
# report.json.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
root=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
python3 "$root/tests/data/default_shaped_report.py" "$root/tests/data/report_sample.json" "$t/report.json" ||
  fail "cannot build the default-shaped report"
label="qemu-user: the foreign compiler's code, run on the host's memory model — not weak-memory hardware"
note() { sed -n '/^## Platform notes/,/^## /p' "$1/summary.md" | grep -v '^## '; }

"$HVSIM" report "$t/report.json" --out "$t/a" >"$t/log" 2>&1 || fail "hvsim report: $(cat "$t/log")"
want="
- every aarch64 and riscv64 row ran under qemu-user (144 cells, marked † in the tables): *$label*.

These results show what the foreign compiler emitted; they say nothing about weak-memory reorderings on real hardware. Which cells ran where: each cell's \`platform\` in report.json."
[ "$(note "$t/a")" = "$want" ] || fail "platform note is:
$(note "$t/a")"
grep -q 'native/aarch64/\|native/riscv64/' "$t/a/summary.md" && fail "summary.md still lists qemu-user cell ids"
n=$(python3 -c 'import json,sys; print(sum(c["platform"].startswith("qemu") for c in json.load(open(sys.argv[1]))["cells"]))' "$t/report.json")
[ "$n" = 144 ] || fail "report.json has $n qemu-user cells, want 144"

# an architecture only partly under qemu-user is counted, not called "every"
python3 - "$t/report.json" "$t/b.json" <<'EOP'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
next(c for c in r["cells"] if c["arch"] == "riscv64")["platform"] = "host"
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOP
"$HVSIM" report "$t/b.json" --out "$t/b" >"$t/log" 2>&1 || fail "hvsim report (partial): $(cat "$t/log")"
note "$t/b" | grep -qF -- "- every aarch64 row ran under qemu-user; 71 of 72 riscv64 cells ran under qemu-user (143 cells, marked † in the tables): *$label*." ||
  fail "partial platform note is:
$(note "$t/b")"
pass "one platform line for 144 qemu-user cells (every aarch64 and riscv64 row); partial architectures counted; ids only in report.json"
