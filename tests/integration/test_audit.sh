#!/bin/sh
# The access audit: the plain variant's read of cfg_flags in the wait loop is
# listed as unmarked (the daemon writes that flag); acquire has nothing
# unmarked.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" audit --wait plain --relax none --opt O2 --json > "$t/p" 2>"$t/e"; rc=$?
[ $rc -eq 1 ] || fail "plain: exit $rc ($(cat "$t/e"))"
u=$(jget "$t/p" "[(o['field'], o['kind'], o['site'].split()[0]) for o in L if o['unmarked']]")
case "$u" in "[('cfg_flags[]', 'plain read', 'handler.c:"*"')]") ;; *) fail "plain: unmarked sites $u";; esac
"$HVSIM" audit --wait acquire --opt O2 --json > "$t/a" 2>"$t/e"; rc=$?
[ $rc -eq 0 ] || fail "acquire: exit $rc: $(jget "$t/a" "[o for o in L if o['unmarked']]")"
n=$(jget "$t/a" "len(L)")
pass "audit: plain flags the cfg_flags read ($u); acquire: $n sites, none unmarked"
