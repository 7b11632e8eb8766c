#!/bin/sh
# A det LOST_WAKEUP is explained from the execution's trace, not from the
# variant's flags (issue 16): the same verdict, three different causes.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
v=$(dirname "$0")/../variants
text() { jget "$1" "[o for o in L if o['verdict']=='LOST_WAKEUP'][0]['evidence']['text']"; }

# missing fences under tso: a store->load reordering, both buffers named
"$HVSIM" run --engine det --wake nofence --strategy pct --runs 100 --json > "$t/nf" 2>/dev/null
[ $? -eq 1 ] || fail "nofence tso: no finding"
x=$(text "$t/nf")
case "$x" in *"store->load reordering"*"still in its store buffer"*) ;; *) fail "nofence tso: $x";; esac

# the same code under sc: no lost wakeup at all
"$HVSIM" run --engine det --wake nofence --memory-model sc --strategy pct --runs 30 --keep-going > "$t/sc" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "nofence sc: exit $rc: $(tail -n1 "$t/sc")"

# a handler that decides before publishing, fences present: program order, under sc too
for mm in sc tso; do
  "$HVSIM" run --engine det --hv "$v/hv_kick_before_publish.c" --hv hv/result.c --memory-model $mm \
    --strategy pct --runs 100 --json > "$t/ke" 2>/dev/null
  [ $? -eq 1 ] || fail "kick-early $mm: no finding"
  x=$(text "$t/ke")
  case "$x" in *"Cause: program order"*"BEFORE it published"*) ;; *) fail "kick-early $mm: $x";; esac
  case "$x" in *"store buffer"*|*reordering*) fail "kick-early $mm blamed on store buffering: $x";; esac
done

# an injected fault
"$HVSIM" run --scenario scenarios/dropped_ipi.hvs --engine det --runs 20 --json > "$t/dr" 2>/dev/null
[ $? -eq 1 ] || fail "dropped_ipi: no finding"
x=$(text "$t/dr")
case "$x" in *"injected fault"*drop-ipi*) ;; *) fail "dropped_ipi: $x";; esac
pass "det LOST_WAKEUP causes: reordering (nofence/tso), none under sc, program order (kick-early, sc and tso), injected fault (drop-ipi)"
