#!/usr/bin/env bash
# Installs the Debian packages mlxjs builds and tests with (idempotent; safe to re-run).
# Root or sudo. Only Debian's own repositories are used.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
pkgs=(cmake ninja-build g++ make python3 python3-numpy libopenblas-dev libgtest-dev ccache zlib1g-dev)
# clang and its runtime libraries (libFuzzer, sanitizers): the fuzz targets of fuzz/.
pkgs+=(clang libclang-rt-14-dev)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs libnode-dev)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "bootstrap: build dependencies present"
