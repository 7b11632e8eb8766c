#!/bin/sh
# tests/integration/test_report_html.sh — end-to-end check of the report writers.
#
# Runs the report writer on tests/data/report_sample.json (with a hostile
# string injected into one cell), validates junit.xml with xmllint, then
# loads index.html in headless chromium: no console errors, the heat-map
# cells and the evidence panel exist in the DOM, injected markup stays text,
# and the screenshot is a non-empty, non-blank PNG.  A report shaped like the
# default matrix is laid out at 1366x768, 1920x1080 and 1200x800: every heat
# map's last column visible beside the evidence panel, or (1200) a grid that
# says it scrolls and whose last column scrolling reveals.
# HVSIM_KEEP_SHOTS=DIR keeps those screenshots for a look.
#
# Uses build/hvsim report when it exists and knows the command; otherwise
# compiles sim/report/*.c with a tiny driver.
# Exit: 0 pass, 77 skip (a tool is missing), 1 fail.  Prints one line.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SAMPLE="$ROOT/tests/data/report_sample.json"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-report-html.XXXXXX") || { echo "FAIL: report html: mktemp"; exit 1; }
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

pass() { echo "PASS: report html: $*"; exit 0; }
fail() { echo "FAIL: report html: $*"; exit 1; }
skip() { echo "SKIP: report html: $*"; exit 77; }

[ -r "$SAMPLE" ] || fail "missing $SAMPLE"
command -v xmllint >/dev/null 2>&1 || skip "xmllint not installed (apt-get install libxml2-utils)"
[ -x "$CHROMIUM" ] || skip "chromium not installed at $CHROMIUM"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"

# ---- the report writer -----------------------------------------------------
if [ -x "$BUILD/hvsim" ] && "$BUILD/hvsim" report --help >/dev/null 2>&1; then
    REPORT="$BUILD/hvsim"
else
    CC=${CC:-gcc}
    command -v "$CC" >/dev/null 2>&1 || skip "no $CC to build the report driver"
    cat > "$TMP/driver.c" <<'EOC'
#include <string.h>
#include "sim/report/report.h"
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "report")) return cmd_report(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "merge")) return cmd_merge(argc - 1, argv + 1);
    return 2;
}
EOC
    if ! (cd "$ROOT" && sh tools/embed_html.sh sim/report/report.html > "$TMP/report_html_tpl.c" &&
          "$CC" -std=gnu11 -g -O2 -Wall -Wextra -Werror -Isim/include -Isim -I. \
            -o "$TMP/hvsim-report" "$TMP/driver.c" sim/report/*.c "$TMP/report_html_tpl.c" \
            sim/util/outpath.c -ljansson) >"$TMP/cc.log" 2>&1; then
        if grep -q "jansson.h" "$TMP/cc.log"; then skip "libjansson-dev not installed"; fi
        fail "cannot build the report driver: $(head -n 3 "$TMP/cc.log" | tr '\n' ' ')"
    fi
    REPORT="$TMP/hvsim-report"
fi

# ---- input: the sample plus hostile strings --------------------------------
python3 - "$SAMPLE" "$TMP/report.json" <<'EOP' || fail "cannot prepare the input"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
c = next(c for c in r["cells"] if c["verdict"] == "PASS")
c.setdefault("evidence", {})["text"] = ('</script><img id="pwned" src="x" onerror="document.title=1">'
                                        ' <!-- & "quotes" \x01 ]]>')
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOP
NCELLS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cells"]))' "$TMP/report.json")
HANGID=$(python3 -c 'import json,sys; print(next(c["id"] for c in json.load(open(sys.argv[1]))["cells"] if c["verdict"]=="HANG_STALE_READ" and "timeline" in c.get("evidence",{})))' "$TMP/report.json")

OUT="$TMP/out"
"$REPORT" report "$TMP/report.json" --out "$OUT" >"$TMP/report.log" 2>&1 || fail "report exited $?: $(head -n 2 "$TMP/report.log")"
for f in summary.md junit.xml index.html; do [ -s "$OUT/$f" ] || fail "$f missing or empty"; done

# malformed input: exit 2 with file:line:col
printf '{\n "schema": "hvsim-report",\n oops\n}\n' > "$TMP/bad.json"
"$REPORT" report "$TMP/bad.json" --out "$TMP/bad" 2>"$TMP/bad.log"; rc=$?
[ "$rc" = 2 ] || fail "malformed JSON: exit $rc, want 2"
grep -q "^$TMP/bad.json:3:[0-9]*: " "$TMP/bad.log" || fail "malformed JSON: message not file:line:col: $(cat "$TMP/bad.log")"

# ---- junit.xml ---------------------------------------------------------------
xmllint --noout "$OUT/junit.xml" 2>"$TMP/xml.log" || fail "xmllint: $(head -n 2 "$TMP/xml.log" | tr '\n' ' ')"
NTC=$(grep -c "<testcase " "$OUT/junit.xml")
[ "$NTC" = "$NCELLS" ] || fail "junit.xml has $NTC testcases, want $NCELLS"

# ---- index.html in chromium -------------------------------------------------
grep -qiE '(src|href)="(https?:)?//' "$OUT/index.html" && fail "index.html references an external resource"
[ "$(grep -c '</script>' "$OUT/index.html")" = 2 ] || fail "index.html: embedded data breaks out of its <script>"

chrome() {
    ud=$(mktemp -d "$TMP/chrome.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$ud" --enable-logging=stderr --v=0 "$@"
}
URL="file://$OUT/index.html"
HASH=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$HANGID")

chrome --dump-dom "$URL#cell=$HASH" >"$TMP/dom.html" 2>"$TMP/dom.err" || fail "chromium --dump-dom failed: $(tail -n 2 "$TMP/dom.err" | tr '\n' ' ')"
chrome --window-size=1500,1400 --screenshot="$TMP/shot.png" "$URL" >/dev/null 2>"$TMP/shot.err" || fail "chromium --screenshot failed"

for e in "$TMP/dom.err" "$TMP/shot.err"; do
    if grep -E "Uncaught|:CONSOLE[(:]|console\.error" "$e" >"$TMP/console.txt"; then
        fail "console error: $(head -n 1 "$TMP/console.txt")"
    fi
done

NTD=$(grep -o '<td class="c[ "][^>]*data-id=' "$TMP/dom.html" | wc -l)
[ "$NTD" = "$NCELLS" ] || fail "heat map has $NTD cells in the DOM, want $NCELLS"
grep -q 'class="c unexp' "$TMP/dom.html" || fail "no unexpected cell marked in the heat map"
grep -q 'Wait loop disassembly' "$TMP/dom.html" || fail "evidence panel has no disassembly for $HANGID"
grep -q 'class="load"' "$TMP/dom.html" || fail "no highlighted '<-- load' line"
grep -q '<svg[^>]*aria-label="timeline of the run"' "$TMP/dom.html" || fail "no timeline SVG"
grep -q 'id="pwned"' "$TMP/dom.html" && fail "injected markup became an element"

# ---- layout: a default-matrix-shaped report at a laptop's 1366x768 and wide
# (issue 21: clang -Os/-Og were cut off behind the evidence panel at 1400 px).
# The last column of every heat map must lie inside its card, left of the
# panel; at 1200 px it may not fit, but then the grid must say it scrolls
# and scrolling must bring the last column into view.
python3 "$ROOT/tests/data/default_shaped_report.py" "$SAMPLE" "$TMP/wide.json" || fail "cannot build the default-shaped report"
"$REPORT" report "$TMP/wide.json" --out "$TMP/wide" >"$TMP/wide.log" 2>&1 || fail "report (default-shaped) exited $?"
{ sed 's#</body>##; s#</html>##' "$TMP/wide/index.html"; printf '<script>\n'; cat "$ROOT/tests/data/heatmap_probe.js"; printf '</script>\n</body>\n</html>\n'; } >"$TMP/wide/probe.html"
for size in 1366,768 1920,1080 1200,800; do
    chrome --window-size=$size --dump-dom "file://$TMP/wide/probe.html" >"$TMP/probe.$size.html" 2>/dev/null ||
        fail "chromium --dump-dom at $size failed"
    chrome --window-size=$size --screenshot="$TMP/wide.$size.png" "file://$TMP/wide/index.html" >/dev/null 2>&1 ||
        fail "chromium --screenshot at $size failed"
    [ -n "${HVSIM_KEEP_SHOTS:-}" ] && cp "$TMP/wide.$size.png" "$HVSIM_KEEP_SHOTS/"
    python3 - "$TMP/probe.$size.html" "$size" <<'EOP' || fail "heat map at $size: $(cat "$TMP/geom.txt")"
import html, json, re, sys
d = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<pre id="geom">(.*?)</pre>', d, re.S)
msg = open(sys.argv[1].rsplit("/", 1)[0] + "/geom.txt", "w")
if not m: msg.write("no probe output"); sys.exit(1)
g = json.loads(html.unescape(m.group(1)))
w = int(sys.argv[2].split(",")[0])
if g["vw"] != w: msg.write("viewport %d, want %d" % (g["vw"], w)); sys.exit(1)
if len(g["maps"]) != 2: msg.write("%d heat maps, want 2" % len(g["maps"])); sys.exit(1)
for x in g["maps"]:
    if not x["beside_panel"]: msg.write("%s overlaps the evidence panel: %r" % (x["id"], x)); sys.exit(1)
    if w >= 1366 and not x["fits"]:
        msg.write("%s: last column (%s) ends at %.0f px, its box at %.0f px" % (x["id"], x["last_id"], x["last_right"], x["box_right"])); sys.exit(1)
    if not x["fits"] and not (x["scrolls"] and x["reachable"] and "Scroll sideways" in (x["hint"] or "")):
        msg.write("%s is cut off and does not scroll visibly: %r" % (x["id"], x)); sys.exit(1)
if w == 1200 and all(x["fits"] for x in g["maps"]):
    msg.write("at 1200 px every map fits: the scroll case is not exercised"); sys.exit(1)
EOP
done

python3 - "$TMP/shot.png" <<'EOP' || fail "screenshot: $(cat "$TMP/png.txt" 2>/dev/null)"
import struct, sys, zlib
p = sys.argv[1]
def bad(msg):
    open(p.rsplit("/", 1)[0] + "/png.txt", "w").write(msg); sys.exit(1)
d = open(p, "rb").read()
if len(d) < 100 or d[:8] != b"\x89PNG\r\n\x1a\n": bad("not a PNG (%d bytes)" % len(d))
i, idat, w = 8, b"", 0
while i < len(d):
    n, t = struct.unpack(">I4s", d[i:i + 8]); body = d[i + 8:i + 8 + n]; i += 12 + n
    if t == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif t == b"IDAT": idat += body
if depth != 8 or ctype not in (2, 6): bad("unexpected PNG format %d/%d" % (depth, ctype))
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); colours = set(); pos = 0
for y in range(h):
    f = raw[pos]; line = bytearray(raw[pos + 1:pos + 1 + stride]); pos += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 7 == 0:
        for x in range(0, stride, bpp * 3): colours.add(bytes(line[x:x + 3]))
if len(colours) < 8: bad("blank image: %d colours" % len(colours))
EOP

pass "$NCELLS cells, junit valid, page renders without console errors, screenshot non-blank; default-shaped grid fits at 1366x768 and 1920x1080, scrolls visibly at 1200"
