#!/usr/bin/env bash
# Reproduces README.md, "Results on public data": imports the two public datasets into a
# temporary folder, runs the Maven backtest and the Olist lead funnel with the release binary,
# and prints the tables the README shows.
#
#   scripts/public-results.sh                 # seed 1, 2000 trials per origin
#   SEED=7 TRIALS=500 scripts/public-results.sh
#
# The datasets are read from shared/data beside the repository (../shared/data, or
# ../../shared/data from a git worktree under wt/), or from $PIPECAST_SHARED_DATA. Set
# $PIPECAST to use an already built binary instead of `swift build -c release`.
set -euo pipefail
cd "$(dirname "$0")/.."

SEED="${SEED:-1}"
TRIALS="${TRIALS:-2000}"
THREADS="${THREADS:-2}"

DATA="${PIPECAST_SHARED_DATA:-}"
if [ -z "$DATA" ]; then
  for candidate in ../shared/data ../../shared/data; do
    if [ -f "$candidate/maven-crm-sales-opportunities/sales_pipeline.csv" ]; then DATA="$candidate"; break; fi
  done
fi
if [ -z "$DATA" ] || [ ! -d "$DATA/maven-crm-sales-opportunities" ] || [ ! -d "$DATA/olist-marketing-funnel" ]; then
  echo "error: shared/data with maven-crm-sales-opportunities and olist-marketing-funnel not found (set PIPECAST_SHARED_DATA)" >&2
  exit 64
fi

if [ -z "${PIPECAST:-}" ]; then
  swift build -c release --product pipecast >&2
  PIPECAST="$(swift build -c release --show-bin-path)/pipecast"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

run() {
  echo "\$ pipecast $*" | sed "s|$tmp|\$TMP|g"
  "$PIPECAST" "$@"
  echo
}

echo "# Pipecast $("$PIPECAST" --version): results on public data (seed $SEED, $TRIALS trials per origin)"
echo "# data: $DATA"
echo

# 1. Import (the mapping reports go to files; their headline counts are printed by validate).
"$PIPECAST" import --from maven-crm "$DATA/maven-crm-sales-opportunities" --out "$tmp/maven" >"$tmp/maven-import.txt" 2>&1
"$PIPECAST" import --from olist-funnel "$DATA/olist-marketing-funnel" --out "$tmp/olist" >"$tmp/olist-import.txt" 2>&1
run validate --data "$tmp/maven"
run validate --data "$tmp/olist"

# 2. Maven: quarterly backtest, 2017-Q2 … 2017-Q4 (the first close is 2017-03-01: 2017-Q1 has
#    nothing to fit on), then monthly targets 2017-04 … 2017-12 for more origins.
run backtest --data "$tmp/maven" --from 2017-Q2 --to 2017-Q4 --trials "$TRIALS" --seed "$SEED" --threads "$THREADS"
run backtest --data "$tmp/maven" --from 2017-04 --to 2017-12 --trials "$TRIALS" --seed "$SEED" --threads "$THREADS"

# 3. Olist: conversion and time from first contact to a win, by cohort month and by origin;
#    leads without a win are censored at the export date. Wins are recorded from 2017-12-05 on
#    (3 in December 2017, then 73+ a month): the by-month table shows 2017 leads could not win
#    before then, so the by-origin table is also given for the 2018 cohorts alone.
run funnel --data "$tmp/olist" --by month --horizons 30,90,180
run funnel --data "$tmp/olist" --by source --horizons 30,90,180
run funnel --data "$tmp/olist" --by source --horizons 30,90,180 --contacted-from 2018-01-01
