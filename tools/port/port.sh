#!/bin/sh
# tools/port/port.sh — `hvsim port`: run hvisor's real trampoline and/or
# hvisor-tool's real daemon, unchanged, under hvsim in one command.
#   hvsim port hvisor PATH [--tool PATH] [options]    the Rust trampoline, one
#       library per rustc opt-level, against hvsim's daemon or hvisor-tool's
#   hvsim port hvisor-tool PATH [options]             the daemon against
#       hvsim's reference handler
# Called by sim/cli/cmd_port.c with $HVSIM (the hvsim binary) and $HVSIM_HOME.
# Exit: 0 every run PASS, 1 a finding, 2 bad usage or input, 3 harness failure.
set -u
HVSIM=${HVSIM:?run through hvsim port}
HOME_=${HVSIM_HOME:?run through hvsim port}
me="hvsim port"

usage() {
  cat <<'EOU'
usage: hvsim port hvisor PATH [--tool PATH] [OPTIONS]
       hvsim port hvisor-tool PATH [OPTIONS]

Runs hvisor's virtio trampoline (Rust, no_std) and/or hvisor-tool's virtio
daemon (C) as they are in your checkout, against shims hvsim ships: nothing in
the files is edited, nothing is copied into hvsim.

  hvisor PATH        a checkout (uses PATH/src/device/virtio_trampoline.rs)
                     or the .rs file; built with rustc once per opt-level
                     against sim/runtime/port/hvisor (crate:: modules, log, spin,
                     tock_registers) and run with --hv-lib
  hvisor-tool PATH   a checkout (PATH/tools/virtio/*.c, includes from
                     PATH/include and PATH/tools/virtio/include) or .c files
                     (comma-separated); compiled with
                     -include <hvsim/compat/hvisor_tool.h> and linked with
                     sim/runtime/port/hvisor_tool/compat.c (the kernel module's calls)
  --tool PATH        with hvisor: the daemon from this hvisor-tool checkout
                     instead of hvsim's reference daemon
  --opt-levels LIST  rustc opt-levels (default 0,1,2,3,s)
  --arch A           x86_64 (default), aarch64, riscv64: needs rustc's core
                     library for that target
  --init EXPR        Rust expression that sets the bridge base `b` (default:
                     chosen from the trampoline's VirtioBridge type)
  --scenario FILE    workload (default scenarios/port_hvisor.hvs: boot
                     daemon-first, mask-by-size on)
  --runs N           runs per opt-level (default: the scenario's)
  --keep DIR         keep the built libraries in DIR
  -v                 print every run's full evidence
EOU
}

die() { echo "$me: $*" >&2; exit 2; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case $1 in -h|--help) usage; exit 0 ;; esac
what=$1; shift
case $what in hvisor|hvisor-tool) ;; *) die "unknown project '$what': expected hvisor or hvisor-tool (try hvsim port --help)" ;; esac
[ $# -ge 1 ] || die "$what needs the path of your checkout (try hvsim port --help)"
path=$1; shift
tool="" opts="0,1,2,3,s" arch=x86_64 init="" scen="$HOME_/scenarios/port_hvisor.hvs" runs="" keep="" verbose=0
while [ $# -gt 0 ]; do
  case $1 in
    --tool|--opt-levels|--arch|--init|--scenario|--runs|--keep)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in --tool) tool=$2 ;; --opt-levels) opts=$2 ;; --arch) arch=$2 ;; --init) init=$2 ;;
                 --scenario) scen=$2 ;; --runs) runs=$2 ;; --keep) keep=$2 ;; esac
      shift 2 ;;
    -v) verbose=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (try hvsim port --help)" ;;
  esac
done
[ -r "$scen" ] || die "$scen: no such scenario file"
case $runs in ''|*[!0-9]*) [ -z "$runs" ] || die "--runs wants a number, got '$runs'" ;; esac

# ---- the daemon: hvisor-tool's sources through the compat layer ----------
be_args=""
tool_sources() { # PATH -> be_args
  p=$1
  if [ -d "$p" ]; then
    set -- "$p"/tools/virtio/*.c
    [ -e "$1" ] || die "$p: no tools/virtio/*.c (is it an hvisor-tool checkout?)"
    [ $# -le 7 ] || die "$p/tools/virtio has $# .c files; hvsim links at most 7 beside its compat layer: give the files with 'hvisor-tool FILE,FILE,…'"
    for f; do be_args="$be_args --backend $f"; done
    for d in "$p/include" "$p/tools/virtio/include" "$p/tools/include"; do
      [ -d "$d" ] && be_args="$be_args -I $d"
    done
  else
    old_ifs=$IFS; IFS=,
    for f in $p; do
      [ -r "$f" ] || die "$f: no such file"
      be_args="$be_args --backend $f"
      be_args="$be_args -I $(dirname "$f")"
    done
    IFS=$old_ifs
  fi
  be_args="$be_args --backend $HOME_/sim/runtime/port/hvisor_tool/compat.c"
  be_args="$be_args --cflags -include${HOME_}/sim/include/hvsim/compat/hvisor_tool.h"
}

if [ "$what" = hvisor-tool ]; then
  tool_sources "$path"
  # shellcheck disable=SC2086
  "$HVSIM" run --scenario "$scen" ${runs:+--runs $runs} --arch "$arch" $be_args
  exit $?
fi

# ---- the trampoline: one Rust library per opt-level ----------------------
if [ -d "$path" ]; then
  rs=$path/src/device/virtio_trampoline.rs
  [ -r "$rs" ] || die "$path: no src/device/virtio_trampoline.rs (is it an hvisor checkout?)"
else
  rs=$path
  [ -r "$rs" ] || die "$rs: no such file"
fi
command -v rustc >/dev/null 2>&1 || die "rustc is not installed: hvisor's trampoline is Rust (install rustc, e.g. apt-get install rustc, or rustup)"
case $arch in
  x86_64) target=x86_64-unknown-linux-gnu ;;
  aarch64) target=aarch64-unknown-linux-gnu ;;
  riscv64) target=riscv64gc-unknown-linux-gnu ;;
  *) die "unknown --arch '$arch': expected x86_64, aarch64 or riscv64" ;;
esac
sysroot=$(rustc --print sysroot)
[ -d "$sysroot/lib/rustlib/$target/lib" ] ||
  die "rustc $(rustc --version | cut -d' ' -f2) has no core library for $target (rustup target add $target; Debian's rustc has none: its rust-src needs a nightly -Zbuild-std=core)"
[ -n "$tool" ] && tool_sources "$tool"

out=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/hvsim-port.XXXXXX")}
[ -n "$keep" ] || trap 'rm -rf "$out"' EXIT INT TERM
mkdir -p "$out" || exit 3
worst=0
summary=""
old_ifs=$IFS; IFS=,; set -- $opts; IFS=$old_ifs
for o; do
  case $o in 0|1|2|3|s|z) ;; *) die "rustc opt-level '$o': expected 0, 1, 2, 3, s or z" ;; esac
done
for o; do
  lib=$out/O$o
  label=$(sh "$HOME_/tools/port/build_hvisor.sh" "$rs" "$lib" "$o" "$target" "$init")
  rc=$?
  [ $rc -eq 0 ] || { echo "$me: $rs does not build against hvsim's shim at opt-level $o (rustc's messages above)" >&2; exit $rc; }
  # shellcheck disable=SC2086
  res=$("$HVSIM" run --scenario "$scen" ${runs:+--runs $runs} --arch "$arch" --hv-lib "$lib/libhvisor_port.a" $be_args 2>&1)
  rc=$?
  echo "== $label, $target =="
  if [ $verbose -eq 1 ] || [ $rc -ge 2 ]; then
    echo "$res"
  else
    echo "$res" | grep -v '^\[hvisor ' | sed -n '1,3p'
  fi
  [ $rc -gt $worst ] && worst=$rc
  v=$(echo "$res" | grep -m1 -oE '^(PASS|HANG_STALE_READ|WRONG_VALUE|LOST_WAKEUP|CRASH|TIMEOUT)')
  [ $rc -eq 0 ] && v=PASS
  where=$(echo "$res" | grep -m1 -E '^[A-Z_]+ +[^ ]+:[0-9]+ ' | awk '{print $2}')
  ev=""
  echo "$res" | grep -q "has no exit" && ev="the loop has no exit"
  [ -z "$ev" ] && echo "$res" | grep -q "hoisted" && ev="the load was hoisted"
  summary="$summary| $label | ${v:-exit $rc} | ${where:-} | $ev |
"
done
echo
echo "hvisor trampoline $rs, $target; daemon: ${tool:-hvsim's reference daemon}"
echo "| build | verdict | where | evidence |"
echo "|---|---|---|---|"
printf '%s' "$summary"
exit $worst
