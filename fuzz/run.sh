#!/usr/bin/env bash
# fuzz/run.sh: build the libFuzzer targets (clang, ASan + UBSan) and run each
# for a while from its seed corpus; prints executions and the result per
# target, and exits 1 when any target found a crash, a hang or a leak.
#
# Usage: fuzz/run.sh [--seconds N] [--jobs J] [TARGET ...]
#   TARGET: csv json columns rules analyze (default: all)
# Environment (the flags override it):
#   SECONDS_PER_TARGET=60   how long each target runs
#   JOBS=<cores>            targets run at the same time
#   FUZZ_BUILD_DIR=<repo>/build-fuzz
#   FUZZ_WORK=/tmp/errscope-fuzz   grown corpora, crash inputs, logs
#   FUZZ_SEED=N             libFuzzer's random seed (default: from the clock)
# A crash input is left in $FUZZ_WORK/crashes/TARGET/; add it to
# tests/bad_inputs/ (or the target's test) as a regression test.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-60}
JOBS=${JOBS:-$(nproc)}
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
FUZZ_WORK=${FUZZ_WORK:-/tmp/errscope-fuzz}
ALL_TARGETS=(csv json columns rules analyze)
targets=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) SECONDS_PER_TARGET=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || {
    echo "fuzz/run.sh: unknown target '$t' (${ALL_TARGETS[*]})" >&2; exit 2; }
done

CLANG=${CLANG:-clang++-14}
command -v "$CLANG" >/dev/null || {
  echo "fuzz/run.sh: $CLANG not found (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 2
}
if [[ ! -f $FUZZ_BUILD_DIR/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$FUZZ_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$CLANG" -DERRSCOPE_FUZZ=ON -DERRSCOPE_BUILD_TESTS=OFF \
    -DERRSCOPE_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$FUZZ_BUILD_DIR" --parallel "$(nproc)" \
  --target "${targets[@]/#/fuzz_}" >/dev/null

run_one() {
  local t=$1 corpus="$FUZZ_WORK/corpus/$t" crashes="$FUZZ_WORK/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  # Leaks are reported (exit code != 0), hangs after 10 s, memory over 2 GB.
  "$FUZZ_BUILD_DIR/fuzz/fuzz_$t" "$corpus" "$ROOT/fuzz/corpus/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1 \
    ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
    >"$FUZZ_WORK/$t.log" 2>&1
}

mkdir -p "$FUZZ_WORK"
echo "fuzzing ${targets[*]} for ${SECONDS_PER_TARGET} s each, $JOBS at a time"
pids=()
status=0
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [[ ${#pids[@]} -ge $JOBS ]]; then
    wait "${pids[0]}" || true
    pids=("${pids[@]:1}")
  fi
done
wait || true

printf '%-10s %14s %10s  %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  log="$FUZZ_WORK/$t.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if grep -qE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: " "$log"; then
    result="FAILED: $(grep -m1 -E 'ERROR:|runtime error:' "$log" | cut -c1-100) (see $log)"
    status=1
  else
    result=ok
  fi
  printf '%-10s %14s %10s  %s\n' "$t" "${runs:-?}" "${speed:-?}" "$result"
done
exit $status
