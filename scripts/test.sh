#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the whole test suite:
#   1. the Release build (build/) and its tests;
#   2. the same tests built with clang under AddressSanitizer and
#      UndefinedBehaviorSanitizer (build-sanitize/; any finding fails);
#   3. every libFuzzer target for 60 seconds from its seed corpus
#      (FUZZ_SECONDS to change it; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-clang
ctest --test-dir build --output-on-failure --parallel "$(nproc)"

echo "test: building the sanitizer build (clang, ASan + UBSan) in build-sanitize/" >&2
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DERRSCOPE_FUZZ=ON \
  -DERRSCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build build-sanitize --parallel "$(nproc)" >/dev/null
# halt_on_error: a finding fails the test that made it.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --test-dir build-sanitize --output-on-failure --parallel "$(nproc)"

if [[ ${FUZZ_SECONDS:-60} -gt 0 ]]; then
  # A fixed seed: the same mutations on every CI run.
  FUZZ_SEED=${FUZZ_SEED:-1} FUZZ_BUILD_DIR="$PWD/build-sanitize" \
    FUZZ_WORK="$PWD/build-sanitize/fuzz-work" \
    fuzz/run.sh --seconds "${FUZZ_SECONDS:-60}"
fi
