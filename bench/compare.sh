#!/usr/bin/env bash
# bench/compare.sh: is a change faster, and does it leave the report alone?
#
# Runs two errscope binaries (say, one built before a change and one after)
# in turns, OLD NEW OLD NEW ..., with --threads 1 on one file, and prints
# the median, quartiles and fastest CPU time (user + sys) of each, and the
# median's change. Taking turns matters: this machine's speed drifts by
# ±10% from hour to hour, which a run of OLD's followed by NEW's reads as
# a change; one thread makes CPU time steady to a percent or two, so that
# a few percent can be told from noise with 15 or more pairs. First it
# checks that both write byte-identical JSON reports for the file with
# 1, 2 and 4 threads, and stops (exit 1) when they do not.
#
# Usage: bench/compare.sh OLD NEW [FILE] [--runs N] [-- ANALYZE-OPTIONS...]
#   FILE      default: /tmp/errscope-bench/preds-1M.csv (from bench/run.sh)
#   --runs N  pairs of runs (default 15)
# CPU time comes from `perf stat` (task-clock, in ms) when perf works here,
# else from GNU time (10 ms steps).
#
# Example:
#   git stash; cmake --build build-bench --target errscope
#   cp build-bench/errscope /tmp/errscope-old; git stash pop
#   cmake --build build-bench --target errscope
#   bench/compare.sh /tmp/errscope-old build-bench/errscope
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "compare.sh: error: $*" >&2; exit 2; }

RUNS=15
POSITIONAL=()
EXTRA=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) [[ $# -ge 2 ]] || die "--runs needs a number"; RUNS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -*) die "unknown option '$1' (analyze options go after --)" ;;
    *) POSITIONAL+=("$1") ;;
  esac
  shift
done
[[ ${#POSITIONAL[@]} -ge 2 && ${#POSITIONAL[@]} -le 3 ]] || { usage >&2; exit 2; }
OLD=${POSITIONAL[0]}
NEW=${POSITIONAL[1]}
FILE=${POSITIONAL[2]:-/tmp/errscope-bench/preds-1M.csv}
[[ -x $OLD ]] || die "'$OLD' is not an executable"
[[ -x $NEW ]] || die "'$NEW' is not an executable"
[[ -r $FILE ]] || die "cannot read '$FILE' (bench/run.sh generates it)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number, got '$RUNS'"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The same report, whatever the build and the thread count.
for threads in 1 2 4; do
  for which in old new; do
    bin=$OLD; [[ $which == new ]] && bin=$NEW
    "$bin" analyze "$FILE" --threads "$threads" --format json \
      -o "$WORK/$which-$threads.json" "${EXTRA[@]}" ||
      die "$bin failed on $FILE"
  done
  if ! cmp -s "$WORK/old-$threads.json" "$WORK/new-$threads.json"; then
    echo "compare.sh: the reports differ with --threads $threads:" >&2
    diff "$WORK/old-$threads.json" "$WORK/new-$threads.json" | head -20 >&2
    exit 1
  fi
done
echo "reports: byte-identical with --threads 1, 2 and 4"

# CPU milliseconds of one run of "$@".
if perf stat -x, -e task-clock true >/dev/null 2>&1; then
  cpu_ms() {
    perf stat -x, -e task-clock "$@" 2>&1 >/dev/null |
      awk -F, '/task-clock/ { printf "%.1f\n", $1 }'
  }
else
  [[ -x /usr/bin/time ]] || die "neither perf nor GNU time (/usr/bin/time) works here"
  cpu_ms() {
    /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 |
      awk '{ printf "%.1f\n", ($1 + $2) * 1000 }'
  }
fi

for ((i = 0; i < RUNS; i++)); do
  cpu_ms "$OLD" analyze "$FILE" --threads 1 -o /dev/null "${EXTRA[@]}" >>"$WORK/old.ms"
  cpu_ms "$NEW" analyze "$FILE" --threads 1 -o /dev/null "${EXTRA[@]}" >>"$WORK/new.ms"
done

# Median, quartiles and minimum of a file of numbers.
stats() {
  sort -n "$1" | awk '{ v[NR] = $1 }
    END { printf "%.1f %.1f %.1f %.1f\n", v[int((NR + 1) / 2)],
          v[int(NR / 4) + 1], v[int((3 * NR + 3) / 4)], v[1] }'
}
read -r old_med old_q1 old_q3 old_min < <(stats "$WORK/old.ms")
read -r new_med new_q1 new_q3 new_min < <(stats "$WORK/new.ms")
printf '%-4s %10s %10s %10s %10s\n' "" "median ms" "q1" "q3" "fastest"
printf '%-4s %10s %10s %10s %10s\n' old "$old_med" "$old_q1" "$old_q3" "$old_min"
printf '%-4s %10s %10s %10s %10s\n' new "$new_med" "$new_q1" "$new_q3" "$new_min"
awk -v o="$old_med" -v n="$new_med" -v r="$RUNS" 'BEGIN {
  printf "new vs old: %+.1f%% CPU (medians of %d runs each, --threads 1)\n",
         (n - o) / o * 100, r }'
