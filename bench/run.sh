#!/usr/bin/env bash
# bench/run.sh: how fast is errscope at scale, and how much memory does it use?
#
# Builds errscope and errscope_gen (Release) when needed, generates prediction
# files (reused when they exist), then times `wc -l` and `errscope analyze`
# on each under /usr/bin/time -v and prints a table: size, rows, seconds,
# rows/s, MB/s, time relative to `wc -l`, CPU seconds and peak memory. Where
# Debian's python3 has pandas and scikit-learn it also times bench/reference.py
# (the same analyses in pandas + scikit-learn, with string labels and with
# integer codes) and checks that both agree.
#
# Usage: bench/run.sh [--quick] [--rows "N ..."] [--scratch DIR]
#                     [--build-dir DIR] [--repeat K] [--no-reference]
# Every option has an environment variable, which the flag overrides:
#   ROWS="1000000 10000000"  CSV sizes; the smallest also gets a JSON Lines
#                            file and a gzip of its CSV
#   QUICK=1                  leave out sizes above 1M rows
#   SCRATCH=/tmp/errscope-bench   where the data and reports go
#   BUILD_DIR=<repo>/build-bench  the CMake build directory
#   REPEAT=1                 runs per measurement, the fastest shown
#                            (bench/reference.py always runs once)
#   REFERENCE=auto|0|1       run bench/reference.py (auto: when importable)
#   RUN_REFERENCE_10M=1      also on CSV files above 1M rows (slow, ~10 GB)
#   THREADS="1 2"            extra --threads runs on the largest CSV
#   SEED=42                  generator seed
#
# Example: QUICK=1 bench/run.sh     (1M rows, about a minute)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${ROWS:-"1000000 10000000"}
QUICK=${QUICK:-0}
SCRATCH=${SCRATCH:-/tmp/errscope-bench}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
REPEAT=${REPEAT:-1}
REFERENCE=${REFERENCE:-auto}
RUN_REFERENCE_10M=${RUN_REFERENCE_10M:-0}
THREADS=${THREADS:-"1 2"}
SEED=${SEED:-42}
PYTHON=/usr/bin/python3

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --rows) ROWS=$2; shift ;;
    --scratch) SCRATCH=$2; shift ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    --no-reference) REFERENCE=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: error: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

die() { echo "run.sh: error: $*" >&2; exit 2; }
note() { echo "run.sh: $*" >&2; }

# ---------------------------------------------------------------- setup

if [[ ! -x /usr/bin/time ]]; then
  note "installing GNU time (/usr/bin/time is missing)"
  apt-get install -y time >/dev/null || die "cannot install the 'time' package"
fi

build() {
  if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
    note "configuring $BUILD_DIR (Release)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DERRSCOPE_BUILD_TESTS=OFF >/dev/null
  fi
  local type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
  [[ $type == Release ]] || note "warning: $BUILD_DIR is a '$type' build, not Release"
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target errscope errscope_gen \
    >"$SCRATCH/build.log" 2>&1 || { cat "$SCRATCH/build.log" >&2; die "build failed"; }
}

mkdir -p "$SCRATCH/reports"
build
ERRSCOPE=$BUILD_DIR/errscope
GEN=$BUILD_DIR/bench/errscope_gen

# 1000000 -> 1M, 100000 -> 100k.
short() {
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

# Generates $1 rows in format $2 into file $3, unless the file exists and
# starts with what this generator writes (else it is stale: regenerate).
# Files appear only when complete (written under a temporary name).
generate() {
  local rows=$1 format=$2 file=$3 head expected lines
  expected=$("$GEN" --rows 3 --format "$format" --seed "$SEED")
  lines=$(printf '%s\n' "$expected" | wc -l)
  if [[ -f $file ]]; then
    if [[ $file == *.gz ]]; then head=$(gzip -dc "$file" | head -n "$lines" || true)
    else head=$(head -n "$lines" "$file"); fi
    [[ $head == "$expected" ]] && return 0
    note "$file is stale: regenerating"
  fi
  local start=$SECONDS
  if [[ $file == *.gz ]]; then
    gzip -c "${file%.gz}" >"$file.tmp"
  else
    "$GEN" --rows "$rows" --format "$format" --seed "$SEED" -o "$file.tmp"
  fi
  mv "$file.tmp" "$file"
  note "wrote $file ($(du -m "$file" | cut -f1) MB) in $((SECONDS - start)) s"
}

# ------------------------------------------------------------ measuring

# Runs a command REPEAT times under /usr/bin/time -v; sets WALL (fastest
# run, seconds), CPU (user + sys of that run) and RSS_MB (the largest). The
# command's stdout is left in $SCRATCH/stdout.txt.
measure() {
  local stats=$SCRATCH/time.txt best="" cpu="" rss=0 i start end
  for ((i = 0; i < REPEAT; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -v -o "$stats" "$@" >"$SCRATCH/stdout.txt" \
      2>"$SCRATCH/stderr.txt" ||
      { cat "$SCRATCH/stderr.txt" >&2; die "failed: $*"; }
    end=$(date +%s%N)
    local wall user sys kb
    wall=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
    user=$(sed -n 's/.*User time (seconds): //p' "$stats")
    sys=$(sed -n 's/.*System time (seconds): //p' "$stats")
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$stats")
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
    (( kb > rss )) && rss=$kb
  done
  WALL=$best CPU=$cpu RSS_MB=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

ROWS_OUT=()
row() {  # file command size_mb rows seconds cpu rss_mb baseline_seconds
  local ratio
  ratio=$(awk -v s="$5" -v b="$8" \
    'BEGIN { if (b > 0) printf "%.1fx", s / b; else print "-" }')
  ROWS_OUT+=("$(awk -v f="$1" -v c="$2" -v mb="$3" -v n="$4" -v s="$5" \
    -v cpu="$6" -v rss="$7" -v r="$ratio" 'BEGIN {
      printf "%-22s %-22s %9.1f %11d %8.2f %12.0f %8.1f %8s %7.2f %9.1f",
             f, c, mb, n, s, n / s, mb / s, r, cpu, rss }')")
  echo "${ROWS_OUT[-1]}"
}

header() {
  printf "%-22s %-22s %9s %11s %8s %12s %8s %8s %7s %9s\n" file command \
    "size MB" rows seconds rows/s MB/s "x wc -l" "cpu s" "peak MB"
}

has_reference() {
  case $REFERENCE in
    0) return 1 ;;
    1) return 0 ;;
    *) "$PYTHON" -c 'import pandas, sklearn' 2>/dev/null ;;
  esac
}

# Times wc -l (the floor: reading the bytes once), then errscope, on one
# file; with extra arguments, also `errscope --threads T` for each T.
bench_file() {
  local file=$1 name size_mb rows report baseline
  shift
  name=$(basename "$file")
  size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
  cat "$file" >/dev/null  # into the page cache: every run reads it warm
  local command="wc -l" lines
  if [[ $file == *.gz ]]; then
    command="gzip -dc | wc -l"
    # shellcheck disable=SC2016 # $1 is the inner shell's
    measure sh -c 'gzip -dc "$1" | wc -l' sh "$file"
  else
    measure wc -l "$file"
  fi
  lines=$(awk '{ print $1; exit }' "$SCRATCH/stdout.txt")
  [[ $name == *.jsonl ]] || lines=$((lines - 1))  # the CSV header
  row "$name" "$command" "$size_mb" "$lines" "$WALL" "$CPU" "$RSS_MB" 0
  baseline=$WALL
  # Not -o /dev/null: -o writes a temporary file next to its target and
  # renames it, which as root would replace /dev/null.
  report=$SCRATCH/reports/$name.json
  measure "$ERRSCOPE" analyze "$file" --format json -o "$report"
  rows=$(sed -n 's/.*"rows_read": *\([0-9]*\).*/\1/p' "$report" | head -n 1)
  row "$name" "errscope" "$size_mb" "$rows" "$WALL" "$CPU" "$RSS_MB" "$baseline"
  ERRSCOPE_WALL=$WALL ERRSCOPE_RSS=$RSS_MB
  local t
  for t in "$@"; do
    measure "$ERRSCOPE" analyze "$file" --format json --threads "$t" \
      -o "$SCRATCH/reports/$name.t$t.json"
    cmp -s "$report" "$SCRATCH/reports/$name.t$t.json" ||
      note "warning: the report with --threads $t differs"
    row "$name" "errscope --threads $t" "$size_mb" "$rows" "$WALL" "$CPU" \
      "$RSS_MB" "$baseline"
  done
  if [[ $name == *.csv ]] && has_reference &&
     { (( rows <= 1000000 )) || [[ $RUN_REFERENCE_10M == 1 ]]; }; then
    bench_reference "$file" "$size_mb" "$rows" "$baseline" "$report"
  fi
}

# Times bench/reference.py on one file (once: it is slow), as written
# (scikit-learn gets the class names) and with --codes (integer codes), then
# checks its numbers against errscope's report.
bench_reference() {
  local file=$1 size_mb=$2 rows=$3 baseline=$4 report=$5 name variant
  name=$(basename "$file")
  for variant in "" --codes; do
    REPEAT=1 measure "$PYTHON" "$ROOT/bench/reference.py" "$file" $variant
    row "$name" "pandas+sklearn${variant:+ $variant}" "$size_mb" "$rows" \
      "$WALL" "$CPU" "$RSS_MB" "$baseline"
    SUMMARY+=("$(awk -v n="$name" -v v="${variant:+ $variant}" -v s="$WALL" \
      -v e="$ERRSCOPE_WALL" -v m="$RSS_MB" -v em="$ERRSCOPE_RSS" 'BEGIN {
        printf "%s: errscope is %.1fx faster than pandas+sklearn%s and uses %.1fx less memory",
               n, s / e, v, m / em }')")
  done
  "$PYTHON" "$ROOT/bench/reference.py" "$file" --codes --check "$report" \
    2>&1 | grep 'check:' | sed "s/^reference: check:/  $name check:/" ||
    note "warning: pandas+sklearn and errscope disagree on $name (above)"
}

# ------------------------------------------------------------------ main

sizes=()
for n in $ROWS; do
  (( QUICK == 1 && n > 1000000 )) && continue
  sizes+=("$n")
done
[[ ${#sizes[@]} -gt 0 ]] || die "no row counts left (ROWS='$ROWS', QUICK=$QUICK)"
mapfile -t sizes < <(printf '%s\n' "${sizes[@]}" | sort -n)
suffix=$([[ $SEED == 42 ]] || echo "-seed$SEED")

files=()
for n in "${sizes[@]}"; do
  files+=("$SCRATCH/preds-$(short "$n")$suffix.csv")
  generate "$n" csv "${files[-1]}"
done
small=${sizes[0]}
small_csv=$SCRATCH/preds-$(short "$small")$suffix.csv
generate "$small" jsonl "$SCRATCH/preds-$(short "$small")$suffix.jsonl"
generate "$small" csv "$small_csv.gz"
files+=("$SCRATCH/preds-$(short "$small")$suffix.jsonl" "$small_csv.gz")
largest=${files[${#sizes[@]} - 1]}

threads=()
if "$ERRSCOPE" analyze --help | grep -q -- '--threads'; then
  read -r -a threads <<<"$THREADS"
fi

echo "errscope benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
ram=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
echo "machine: $(nproc) cores, $cpu, $ram RAM, Linux $(uname -r)"
echo "errscope: $("$ERRSCOPE" --version) ($BUILD_DIR), data: $SCRATCH, best of $REPEAT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(other work on the machine skews the times)"
echo
header
SUMMARY=()
for file in "${files[@]}"; do
  if [[ $file == "$largest" ]]; then bench_file "$file" "${threads[@]}"
  else bench_file "$file"; fi
done
echo
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows/s and MB/s are per wall-clock second (MB = 10^6 bytes, of the file"
echo "as stored: compressed for .gz); x wc -l = seconds / seconds of wc -l on"
echo "the same file; cpu s = user + system time; peak MB = maximum RSS."
