#!/bin/sh
# Completions are coalesced: the daemon issues FINISH_REQ once per drained
# batch and the hypervisor injects one IRQ per (CPU, irq) per drain, so the
# bundled coalesce scenario completes many more notifications than it
# injects IRQs — and every notification is still completed.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
home=$(cd "$(dirname "$0")/../.." && pwd)
"$HVSIM" run --scenario "$home/scenarios/coalesce.hvs" --json > "$t/out" 2>"$t/err" || fail "run: $(cat "$t/err")"
read n m <<EOF2
$(jget "$t/out" "__import__('re').search(r'(\d+) queue notifications completed with (\d+) guest IRQ', L[-1]['evidence']['text']).group(1, 2)" | tr -d "()',")
EOF2
[ -n "$n" ] && [ -n "$m" ] || fail "no completion counts in the evidence"
[ "$m" -gt 0 ] && [ "$m" -lt "$n" ] || fail "$n notifications, $m IRQ injections: not coalesced"
pass "coalesce: $n queue notifications completed with $m IRQ injections"
