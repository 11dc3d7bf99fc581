#!/usr/bin/env bash
# Installs the Debian packages errscope needs (only those missing) and builds
# it in Release into build/. Used by scripts/demo.sh and scripts/test.sh.
#   --with-clang   also clang-14 and its sanitizer/libFuzzer runtime, for the
#                  sanitizer build and the fuzz targets (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make libcli11-dev nlohmann-json3-dev libfmt-dev
          libeigen3-dev catch2 zlib1g-dev libsimdjson-dev)
if [[ ${1:-} == --with-clang ]]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)"
