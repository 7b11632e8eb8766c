#!/bin/sh
# tools/deps.sh — install the Debian packages hvsim needs, only when something is missing.
#
#   tools/deps.sh [core|cross|test|all]
#
# ppc64le (an opt-in matrix column: `--arch ppc64le`, not in the default
# matrix) comes with `test`/`all` so that `make test` exercises it.
#
# Idempotent and quiet when everything is present. Runs `apt-get update` then
# `apt-get install` only for the missing packages. Not root: prints the exact
# command to run instead and exits 1.
set -eu

core="gcc make clang libclang-rt-14-dev libjansson-dev libdw-dev libelf-dev libcapstone-dev nettle-dev pkg-config valgrind"
cross="qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu libc6-dev-arm64-cross libc6-dev-riscv64-cross binutils-aarch64-linux-gnu binutils-riscv64-linux-gnu"
ppc64le="gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross binutils-powerpc64le-linux-gnu"
test="libcmocka-dev libxml2-utils chromium stress-ng python3"

case "${1:-all}" in
  core)  want="$core" ;;
  cross) want="$core $cross" ;;
  test)  want="$core $cross $ppc64le $test" ;;
  all)   want="$core $cross $ppc64le $test" ;;
  *) echo "tools/deps.sh: unknown set '$1' (core|cross|test|all)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  # dpkg-query prints "install ok installed" for a package that is really there.
  s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$s" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "hvsim: missing packages:$missing" >&2
  echo "run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
echo "hvsim: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
