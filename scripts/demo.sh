#!/usr/bin/env bash
# Quick start, command 1: set up, build, and analyze the shipped real example
# (UCI Adult, out-of-fold predictions of a gradient-boosted model).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/errscope analyze examples/adult_predictions.csv.gz "$@"
