#!/bin/sh
# tests/integration/test_layout_rules.sh — tools/check_layout.sh (`make
# check-layout`): first on a made-up tree that breaks every rule once (and
# keeps one of each rule by a reason marker), so the checker is shown to
# catch each offence; then on this tree against tools/layout_allow.txt, which
# must pass: a new long file, long function or include/link cycle in sim/
# fails this test.
# Exit: 0 pass, 1 fail.  Prints one line.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CHECK="$ROOT/tools/check_layout.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-layout-test.XXXXXX") || { echo "FAIL: layout: mktemp"; exit 1; }
trap 'rm -rf "$TMP"' EXIT INT TERM
fail() { echo "FAIL: layout rules: $*"; [ -f "$TMP/out" ] && sed 's/^/  | /' "$TMP/out"; exit 1; }

# ---- a tree with one of each offence ---------------------------------------
T="$TMP/tree"; mkdir -p "$T/sim/a" "$T/sim/b" "$T/sim/c" "$T/sim/runtime/x" "$T/sim/include/hv"
# participant code may include participant code and the contract, not hvsim
printf '#include "a/x.h"\n' > "$T/sim/runtime/x/bad.c"
printf '#include "hv/api.h"\n#include "runtime/x/ok.h"\n' > "$T/sim/runtime/x/ok.c"
: > "$T/sim/runtime/x/ok.h"; : > "$T/sim/include/hv/api.h"
# include cycle a/x <-> b/y (and so folders a <-> b); x.c and y.c call each
# other through headers neither includes: c/api.h (link cycle only)
printf '#include "b/y.h"\nint x(void);\n' > "$T/sim/a/x.h"
printf '#include "../a/x.h"\nint y(void);\n' > "$T/sim/b/y.h"
printf '#include "api.h"\nint p(void) { return q(); }\n' > "$T/sim/c/p.c"
printf '#include "api.h"\nint q(void) { return 1; }\nint r(void) { return p(); }\n' > "$T/sim/c/q.c"
printf 'int p(void);\nint q(void);\nint r(void);\n' > "$T/sim/c/api.h"
gen_fn() { # name, body lines, marker?
    printf 'static int %s(int v)\n{\n' "$1"
    [ -n "${3:-}" ] && printf '    /* layout: %s */\n' "$3"
    i=0; while [ $i -lt "$2" ]; do printf '    v += %d; /* { not a brace */\n' $i; i=$((i+1)); done
    printf '    return v;\n}\n'
}
{   echo '/* a file with a long function and a table that is not one */'
    echo 'static const int tbl[] = {'; i=0; while [ $i -lt 90 ]; do echo "    $i,"; i=$((i+1)); done; echo '};'
    echo '#define M(x) { x }'
    gen_fn too_long 77   # 81 lines: signature, {, 77, return, }
    gen_fn just_fits 76  # 80 lines
    gen_fn excused 120 "one table-driven switch reads best whole"
    echo 'const char *s = "}}}";'
} > "$T/sim/a/fn.c"
{ i=0; while [ $i -lt 601 ]; do echo "int g$i;"; i=$((i+1)); done; } > "$T/sim/b/big.c"
{ echo '/* layout: generated table, one entry a line */'; cat "$T/sim/b/big.c"; } > "$T/sim/b/big_ok.c"

CC=${CC:-gcc}
OBJARG=""
if command -v "$CC" >/dev/null 2>&1; then
    mkdir -p "$TMP/obj/sim/c"
    $CC -c -o "$TMP/obj/sim/c/p.o" "$T/sim/c/p.c" && $CC -c -o "$TMP/obj/sim/c/q.o" "$T/sim/c/q.c" \
        || fail "cannot compile the fixture"
    OBJARG="$TMP/obj"
fi
sh "$CHECK" "$T" /dev/null $OBJARG > "$TMP/out" 2>&1; rc=$?
[ $rc -eq 1 ] || fail "fixture tree: exit $rc, want 1"
for k in "sim/a/fn.c:too_long " "sim/b/big.c " "cycle:sim/a/x,sim/b/y " "dircycle:sim/a,sim/b " \
         "boundary:sim/runtime/x/bad.c "; do
    grep -q "^NEW  *$k" "$TMP/out" || fail "fixture tree: no offender '$k'"
done
[ -n "$OBJARG" ] && { grep -q '^NEW  *linkcycle:sim/c/p,sim/c/q ' "$TMP/out" || fail "fixture tree: no link cycle"; }
grep -q 'too_long  *function of 81 lines' "$TMP/out" || fail "fixture tree: too_long's length"
for k in just_fits excused big_ok tbl ok.c; do
    grep -q "$k" "$TMP/out" && fail "fixture tree: '$k' reported"
done
n=$(grep -c '^NEW' "$TMP/out")
want=5; [ -n "$OBJARG" ] && want=6
[ "$n" -eq $want ] || fail "fixture tree: $n offenders, want $want"

# the same offenders allowed, plus one stale entry: exit 0, STALE printed
grep '^NEW' "$TMP/out" | awk '{print $2, "known"}' > "$TMP/allow"
echo "sim/a/gone.c:old known" >> "$TMP/allow"
sh "$CHECK" "$T" "$TMP/allow" $OBJARG > "$TMP/out" 2>&1 || fail "fixture tree with allowlist: exit $?"
grep -q '^STALE  *sim/a/gone.c:old' "$TMP/out" || fail "no STALE line"

# ---- this tree --------------------------------------------------------------
OBJARG=""; [ -d "$BUILD/obj/sim" ] && OBJARG="$BUILD/obj"
sh "$CHECK" "$ROOT" "$ROOT/tools/layout_allow.txt" $OBJARG > "$TMP/out" 2>&1 \
    || fail "sim/ breaks the layout rules (tools/layout_allow.txt lists the known ones)"
echo "PASS: layout rules: $(tail -n1 "$TMP/out")"
