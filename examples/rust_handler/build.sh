#!/bin/sh
# examples/rust_handler/build.sh OUTDIR [OPT-LEVEL] [--cfg wait_volatile] [--cfg relax_none]
# Builds OUTDIR/librust_handler.a from lib.rs with rustc alone (no Cargo):
#   sh examples/rust_handler/build.sh /tmp/rh 2
#   hvsim run --hv-lib /tmp/rh/librust_handler.a --scenario examples/rust_handler/rust_handler.hvs
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR [OPT-LEVEL] [rustc args...]}
opt=${2:-2}
[ $# -ge 2 ] && shift 2 || shift 1
mkdir -p "$out"
# HVSIM_OPT_LEVEL: lib.rs records its opt-level for hvsim's labels (.hvsim_build)
HVSIM_OPT_LEVEL=$opt exec rustc --edition 2021 --crate-type staticlib --crate-name rust_handler \
    -C opt-level="$opt" -C panic=abort -g --target x86_64-unknown-linux-gnu \
    "$@" "$here/lib.rs" -o "$out/librust_handler.a"
