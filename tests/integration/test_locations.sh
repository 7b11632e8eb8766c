#!/bin/sh
# tests/integration/test_locations.sh — one location, shown one way (issue
# 21: gcc runs showed absolute paths and clang runs relative ones, and a
# run's line could differ from the loop checker's).  A user's copy of hv/
# under the cwd, outside the tree, built fresh by gcc and by clang: the
# one-line summary, the run's JSON, every PC sample, `hvsim loops --json`,
# the matrix's report.json and summary.md all say u/handler.c:LINE, LINE
# being the wait loop's line.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir -p "$t/u"; cp "$root"/hv/handler.c "$root"/hv/result.c "$root"/hv/variants.h "$t/u/"
export HVSIM_BUILD_DIR="$t/cache"  # fresh builds, compiled from this cwd
L=$(wait_line)
case "$HVSIM" in /*) ;; *) HVSIM="$PWD/$HVSIM" ;; esac
cd "$t"
want="u/handler.c:$L"
V="--hv u/handler.c --hv u/result.c --opt O2 --wait plain --relax none"
for cc in gcc clang; do
  "$HVSIM" run --cc $cc $V > one.$cc 2>err; rc=$?
  [ $rc -eq 1 ] || fail "$cc run: exit $rc ($(tail -n 2 err))"
  first=$(head -n 1 one.$cc)
  case "$first" in "HANG_STALE_READ  $want  in wait_for_response(): "*) ;;
    *) fail "$cc one-line summary: $first";; esac
  "$HVSIM" run --cc $cc $V --json > j.$cc 2>err
  got=$(jget j.$cc "'%s:%s' % (L[-1]['evidence']['file'], L[-1]['evidence']['line'])")
  [ "$got" = "$want" ] || fail "$cc JSON evidence: $got, want $want"
  files=$(jget j.$cc "' '.join(sorted(set(p['file'] for p in L[-1]['evidence']['pc_samples'])))")
  [ "$files" = u/handler.c ] || fail "$cc PC samples name '$files'"
  "$HVSIM" loops --cc $cc $V --json > loops.$cc 2>err
  got=$(jget loops.$cc "' '.join('%s:%s' % (o['file'], o['line']) for o in L if o['register_only'])")
  [ "$got" = "$want" ] || fail "$cc loops --json: register-only loop at '$got', want $want"
done
"$HVSIM" matrix --hv u/handler.c --hv u/result.c --cc gcc,clang --opt O2 --wait plain --relax none \
  --scenario "$root/scenarios/seed_hang.hvs" --runs 1 --out rep > m.out 2>&1 || [ $? -eq 1 ] ||
  fail "matrix: $(tail -n 3 m.out)"
got=$(python3 -c 'import json,sys; print(" ".join(sorted("%s:%s" % (c["evidence"]["file"], c["evidence"]["line"]) for c in json.load(open(sys.argv[1]))["cells"])))' rep/report.json)
[ "$got" = "$want $want" ] || fail "matrix report.json locations: $got"
grep -q "at \`$want\`" rep/summary.md || fail "summary.md does not say $want"
grep -q "$t/u/handler.c:" rep/summary.md && fail "summary.md shows a location by its absolute path"
pass "gcc and clang: one-line, JSON, PC samples, loops --json, report.json and summary.md all say $want"
